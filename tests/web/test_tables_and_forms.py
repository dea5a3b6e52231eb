"""Table exports (CSV, XLSX), spreadsheet-formula neutralisation, form parsing and safe_next."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pydantic import BaseModel, Field

from aman.errors import InvalidInput
from aman.web.auth import safe_next
from aman.web.forms import FormErrors, parse, translate_message
from aman.web.tables import Column, Table, check_format, safe_text, to_csv, to_xlsx


def _table() -> Table:
    table = Table(
        "Export",
        [
            Column("name", "Name"),
            Column("n", "Count", numeric=True),
            Column("when", "When"),
            Column("ok", "OK"),
        ],
    )
    table.add(['=HYPERLINK("http://x")', 3, date(2026, 1, 2), True])
    table.add(["جهة الاتصال", 2.5, datetime(2026, 1, 2, 3, 4, tzinfo=UTC), None])
    return table


def test_csv_has_a_bom_and_neutralised_formulas() -> None:
    data = to_csv(_table())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Count", "When", "OK"]
    assert rows[1] == ['\'=HYPERLINK("http://x")', "3", "2026-01-02", "true"]
    assert rows[2] == ["جهة الاتصال", "2.5", "2026-01-02T03:04:00+00:00", ""]


def test_xlsx_keeps_types_and_direction() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_table(), rtl=True)))
    sheet = book.active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert sheet["B2"].value == 3 and sheet["B3"].value == 2.5
    assert sheet["C2"].value.date() == date(2026, 1, 2)
    assert sheet["D2"].value is True


@given(st.text(max_size=30))
def test_safe_text_never_starts_a_formula(value: str) -> None:
    assert not safe_text(value).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe_text(value).removeprefix("'") == value or safe_text(value) == value


def test_table_rows_must_fit_the_columns() -> None:
    with pytest.raises(ValueError):
        _table().add(["only one"])
    with pytest.raises(InvalidInput):
        check_format("pdf")


class _Form(BaseModel):
    name: str = Field(min_length=2)
    size: int = Field(ge=1)


def test_parse_names_every_wrong_field_and_translates() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(_Form, {"name": "x", "size": "0"})
    errors = FormErrors.of(caught.value, "fr", known={"name", "size"})
    assert errors.get("name") == ["Trop court : au moins 2 caractères."]
    assert errors.get("size") == ["Trop petit : au moins 1."]
    with pytest.raises(InvalidInput) as caught:
        parse(_Form, {"size": "3"}, required=["name"])
    assert FormErrors.of(caught.value, "en", {"name"}).get("name") == ["This field is required."]
    assert translate_message("must be unique", "ar") == "must be unique"


@pytest.mark.parametrize(
    ("given_next", "expected"),
    [
        ("/members?x=1", "/members?x=1"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("members", "/"),
        ("/ok\nSet-Cookie:x", "/"),
        (None, "/"),
    ],
)
def test_safe_next(given_next: str | None, expected: str) -> None:
    assert safe_next(given_next) == expected


@given(st.text(max_size=40))
def test_safe_next_is_always_a_local_path(value: str) -> None:
    result = safe_next(value)
    assert result.startswith("/") and not result.startswith("//")
    assert "\\" not in result and "://" not in result.split("?")[0]
