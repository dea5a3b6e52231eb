"""Tables shown on pages and exported as CSV or XLSX from the same definition.

A view builds a `Table` (translated column labels, typed cell values, optional links) and
either renders it with the `data_table` macro or returns `export_response(table, fmt, name)`.
The export holds every row the user may see (not just the page on screen), keeps numbers and
dates typed in XLSX, and neutralises spreadsheet formulas in text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, TypeVar
from urllib.parse import urlencode

from fastapi import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from aman.errors import FieldError, InvalidInput
from aman.pagination import Page

T = TypeVar("T")
Cell = str | int | float | bool | date | datetime | None
ExportFormat = Literal["csv", "xlsx"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # already translated
    numeric: bool = False
    ltr: bool = False  # codes, e-mail addresses, URLs: keep left-to-right inside RTL pages


@dataclass(frozen=True)
class Row:
    values: tuple[Cell, ...]
    links: dict[str, str] = field(default_factory=dict)  # column key → href
    display: dict[str, str] = field(default_factory=dict)  # column key → text shown on screen


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: list[Row] = field(default_factory=list)

    def add(
        self,
        values: Sequence[Cell],
        links: dict[str, str] | None = None,
        display: dict[str, str] | None = None,
    ) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        self.rows.append(Row(tuple(values), links or {}, display or {}))

    def cells(self, row: Row) -> Iterator[tuple[Column, Cell, str | None, str | None]]:
        """(column, value, link, display text) for the template."""
        for column, value in zip(self.columns, row.values, strict=True):
            yield column, value, row.links.get(column.key), row.display.get(column.key)


def safe_text(value: str) -> str:
    """Text that a spreadsheet will not run as a formula (OWASP CSV injection advice)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return safe_text(value)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Arabic correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row.values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; Aman's times are UTC
    return value


def to_xlsx(table: Table, rtl: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = (_FILENAME.sub(" ", table.title).strip() or "Export")[:31]
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([c.label for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(c.label) for c in table.columns]
    for row in table.rows:
        values = [_xlsx_cell(v) for v in row.values]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(len(str(value)) if value is not None else 0, 60))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def check_format(fmt: str) -> ExportFormat:
    if fmt == "csv":
        return "csv"
    if fmt == "xlsx":
        return "xlsx"
    raise InvalidInput(f"unknown export format {fmt!r}", [FieldError("format", "one of csv, xlsx")])


def export_response(table: Table, fmt: str, name: str, rtl: bool = False) -> Response:
    """The table as a downloadable file named `<name>.<fmt>`."""
    kind = check_format(fmt)
    filename = (_FILENAME.sub("-", name).strip("-") or "export") + "." + kind
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if kind == "csv":
        return Response(to_csv(table), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(to_xlsx(table, rtl), media_type=XLSX_MEDIA_TYPE, headers=disposition)


def every_page(fetch: Callable[[str | None], Page[T]]) -> Iterable[T]:
    """All items of a keyset-paginated listing (for exports), page after page."""
    cursor: str | None = None
    seen = 0
    while True:
        page = fetch(cursor)
        yield from page.items
        seen += len(page.items)
        if page.next_cursor is None or seen >= MAX_EXPORT_ROWS:
            return
        cursor = page.next_cursor


def query_string(**params: str | None) -> str:
    """The non-empty filters of a listing as a query string (for pager and export links)."""
    return urlencode({k: v for k, v in params.items() if v})
