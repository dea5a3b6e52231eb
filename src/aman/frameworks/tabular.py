"""Import a framework from CSV/XLSX (bring-your-own copy) and export a pack to XLSX.

Licence-restricted frameworks (CSA CCM, CIS Controls) cannot ship with Aman; a user loads the
spreadsheet they obtained themselves. Columns are ref_id, parent, title, description, ...;
`header_map` maps a spreadsheet's own headers to them. Every problem names the row (as the
spreadsheet numbers it) and the column, and one bad row means nothing is imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from aman.frameworks.loader import DEFAULT_MAX_BYTES, read_limited
from aman.frameworks.schemas import (
    ImplementationLevel,
    Importance,
    LicenceClass,
    MappingSet,
    Pack,
    PackMeta,
    Requirement,
    ScoringScheme,
    Translation,
    YesPartialNoScheme,
)
from aman.frameworks.schemas import (
    Mapping as PackMapping,
)
from aman.frameworks.validation import Severity, validate_pack
from aman.frameworks.yaml_safe import YamlError

BASE_COLUMNS: Final = (
    "ref_id",
    "parent",
    "title",
    "description",
    "guidance",
    "typical_evidence",
    "assessable",
    "weight",
    "importance",
    "domains",
    "levels",
    "points",
    "stage",
    "references",
    "checks",
    "competencies",
    "source_id",
)
TRANSLATED: Final = ("title", "description", "guidance", "typical_evidence", "status")
_TRANSLATION_COLUMN: Final = re.compile(r"^(" + "|".join(TRANSLATED) + r")_([a-z]{2,3})$")
_LIST_SPLIT: Final = re.compile(r"[;,\n]")
_REF_SPLIT: Final = re.compile(r"[;\n]")
_TRUE: Final = frozenset({"true", "yes", "y", "1", "x"})
_FALSE: Final = frozenset({"false", "no", "n", "0", ""})
MAX_ROWS: Final = 100_000
MAX_ERRORS: Final = 500
MAPPING_COLUMNS: Final = (
    "mapping_set",
    "source",
    "target",
    "relationship",
    "strength",
    "rationale",
)


@dataclass(frozen=True, slots=True)
class TabularIssue:
    line: int | None
    column: str | None
    message: str
    ref_id: str | None = None

    def __str__(self) -> str:
        where = f"row {self.line}" if self.line is not None else "sheet"
        column = f", column {self.column}" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass(frozen=True, slots=True)
class TabularImport:
    pack: Pack | None
    errors: list[TabularIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


class _RowError(ValueError):
    pass


def canonical_column(header: str, header_map: Mapping[str, str]) -> str | None:
    """The canonical column for a spreadsheet header (header_map first, then by name)."""
    lookup = {key.strip().casefold(): value for key, value in header_map.items()}
    name = lookup.get(header.strip().casefold())
    if name is None:
        name = re.sub(r"[\s-]+", "_", header.strip().casefold())
    if name in BASE_COLUMNS or _TRANSLATION_COLUMN.match(name):
        return name
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_bool(text: str) -> bool:
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise _RowError(f"expected true/false (or yes/no, 1/0), got {text!r}")


def _parse_number(text: str, kind: type[float] | type[int]) -> float | int:
    try:
        return kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
    except ValueError:
        raise _RowError(f"expected a number, got {text!r}") from None


def _parse_importance(text: str) -> Importance:
    folded = text.casefold()
    if folded in Importance._value2member_map_:
        return Importance(folded)
    if folded.isdigit() and 1 <= int(folded) <= 4:
        return Importance.from_numeric(int(folded))
    raise _RowError(f"expected low/medium/high/critical or 1-4, got {text!r}")


def _split(text: str, pattern: re.Pattern[str] = _LIST_SPLIT) -> list[str]:
    return [part.strip() for part in pattern.split(text) if part.strip()]


def _parse_references(text: str) -> list[dict[str, str]]:
    out = []
    for item in _split(text, _REF_SPLIT):
        framework, sep, ident = item.partition(":")
        if not sep or not framework.strip() or not ident.strip():
            raise _RowError(f"reference {item!r} must look like framework:id")
        out.append({"framework": framework.strip(), "id": ident.strip()})
    return out


_CONVERTERS: Final[dict[str, Callable[[str], Any]]] = {
    "assessable": _parse_bool,
    "weight": lambda text: _parse_number(text, float),
    "points": lambda text: _parse_number(text, float),
    "stage": lambda text: _parse_number(text, int),
    "importance": _parse_importance,
    "domains": _split,
    "levels": _split,
    "checks": _split,
    "competencies": _split,
    "references": _parse_references,
}


@dataclass(frozen=True, slots=True)
class _Columns:
    names: dict[int, str]  # position -> canonical name
    headers: dict[str, str]  # canonical name -> header as written, with column letter
    ignored: list[str]


def _columns(header_row: Sequence[Any], header_map: Mapping[str, str]) -> _Columns:
    names: dict[int, str] = {}
    headers: dict[str, str] = {}
    ignored = []
    for position, raw in enumerate(header_row):
        header = _cell_text(raw)
        if not header:
            continue
        name = canonical_column(header, header_map)
        if name is None or name in headers:
            ignored.append(header)
            continue
        names[position] = name
        headers[name] = f"{get_column_letter(position + 1)} ({header})"
    return _Columns(names, headers, ignored)


def _row_values(row: Sequence[Any], columns: _Columns) -> dict[str, str]:
    return {
        name: _cell_text(row[position]) if position < len(row) else ""
        for position, name in columns.names.items()
    }


def _requirement_data(
    values: Mapping[str, str], line: int, columns: _Columns, errors: list[TabularIssue]
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    translations: dict[str, dict[str, str]] = {}
    ref = values.get("ref_id") or None
    for name, text in values.items():
        if not text:
            continue
        match = _TRANSLATION_COLUMN.match(name)
        if match:
            translations.setdefault(match.group(2), {})[match.group(1)] = text
            continue
        try:
            data[name] = _CONVERTERS[name](text) if name in _CONVERTERS else text
        except _RowError as exc:
            errors.append(TabularIssue(line, columns.headers[name], str(exc), ref))
    if translations:
        data["translations"] = translations
    return data


def _schema_issues(
    exc: ValidationError, line: int, columns: _Columns, ref: str | None
) -> list[TabularIssue]:
    issues = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        name = str(loc[0]) if loc else None
        if name == "translations" and len(loc) >= 3:
            name = f"{loc[2]}_{loc[1]}"
        column = columns.headers.get(name or "", name)
        issues.append(TabularIssue(line, column, error["msg"], ref))
    return issues


@dataclass(frozen=True, slots=True)
class PackSettings:
    """What a spreadsheet of requirements does not say about its pack."""

    meta: PackMeta
    scoring: ScoringScheme = field(
        default_factory=lambda: YesPartialNoScheme(kind="yes_partial_no")
    )
    implementation_levels: tuple[ImplementationLevel, ...] = ()
    mapping_sets: tuple[MappingSet, ...] = ()


def import_rows(
    rows: Iterable[Sequence[Any]],
    settings: PackSettings,
    header_map: Mapping[str, str] | None = None,
    *,
    first_line: int = 1,
) -> TabularImport:
    """Build a pack from rows (the first one is the header); all-or-nothing."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return TabularImport(None, [TabularIssue(None, None, "the sheet is empty")])
    columns = _columns(header, header_map or {})
    missing = [name for name in ("ref_id", "title") if name not in columns.headers]
    if settings.meta.licence_class is LicenceClass.IDS_ONLY and "title" in missing:
        missing.remove("title")
    if missing:
        message = f"missing column(s): {', '.join(missing)} (map them with header_map)"
        return TabularImport(None, [TabularIssue(first_line, None, message)], [], columns.ignored)
    errors: list[TabularIssue] = []
    requirements: list[Requirement] = []
    row_lines: list[int] = []
    for offset, row in enumerate(iterator, start=1):
        line = first_line + offset
        if offset > MAX_ROWS:
            errors.append(TabularIssue(line, None, f"more than {MAX_ROWS} rows"))
            break
        values = _row_values(row, columns)
        if not any(values.values()):
            continue
        requirement = _row_requirement(values, line, columns, settings, errors)
        if requirement is not None:
            requirements.append(requirement)
            row_lines.append(line)
        if len(errors) >= MAX_ERRORS:
            break
    return _assemble(requirements, row_lines, columns, settings, errors)


def _row_requirement(
    values: Mapping[str, str],
    line: int,
    columns: _Columns,
    settings: PackSettings,
    errors: list[TabularIssue],
) -> Requirement | None:
    before = len(errors)
    data = _requirement_data(values, line, columns, errors)
    if not data.get("ref_id"):
        errors.append(TabularIssue(line, columns.headers["ref_id"], "ref_id is empty"))
    if not data.get("title"):
        if settings.meta.licence_class is LicenceClass.IDS_ONLY and data.get("ref_id"):
            data["title"] = data["ref_id"]
        elif "title" in columns.headers:
            errors.append(TabularIssue(line, columns.headers["title"], "title is empty"))
    if len(errors) > before:
        return None
    try:
        return Requirement.model_validate(data)
    except ValidationError as exc:
        errors.extend(_schema_issues(exc, line, columns, data.get("ref_id")))
        return None


def _assemble(
    requirements: list[Requirement],
    row_lines: list[int],
    columns: _Columns,
    settings: PackSettings,
    errors: list[TabularIssue],
) -> TabularImport:
    if not errors and not requirements:
        errors.append(TabularIssue(None, None, "no requirement rows"))
    if errors:
        return TabularImport(None, errors, [], columns.ignored)
    pack = Pack(
        schema_version=1,
        pack=settings.meta,
        scoring=settings.scoring,
        implementation_levels=list(settings.implementation_levels),
        requirements=requirements,
        mapping_sets=list(settings.mapping_sets),
    )
    warnings: list[str] = []
    for finding in validate_pack(pack, required_languages=()):
        loc = finding.loc
        if loc[:1] == ("requirements",) and isinstance(loc[1], int):
            name = str(loc[2]) if len(loc) > 2 else None
            issue = TabularIssue(
                row_lines[loc[1]],
                columns.headers.get(name or "", name),
                finding.message,
                finding.ref_id,
            )
        else:
            issue = TabularIssue(None, None, f"{finding.code}: {finding.message}", finding.ref_id)
        if finding.severity is Severity.ERROR:
            errors.append(issue)
        else:
            warnings.append(str(issue))
    if errors:
        return TabularImport(None, errors, warnings, columns.ignored)
    return TabularImport(pack, [], warnings, columns.ignored)


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect))


def import_csv(
    path: Path | str,
    settings: PackSettings,
    header_map: Mapping[str, str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> TabularImport:
    try:
        rows = _csv_rows(read_limited(Path(path), max_bytes))
    except YamlError as exc:
        return TabularImport(None, [TabularIssue(None, None, exc.message)])
    except (UnicodeDecodeError, csv.Error) as exc:
        return TabularImport(None, [TabularIssue(None, None, f"cannot read CSV: {exc}")])
    return import_rows(rows, settings, header_map)


class _SheetMeta(BaseModel):
    """The metadata sheet written by `export_xlsx`."""

    pack: PackMeta
    scoring: ScoringScheme
    implementation_levels: list[ImplementationLevel] = []
    mapping_sets: list[MappingSet] = []


def import_xlsx(
    path: Path | str,
    settings: PackSettings | None = None,
    header_map: Mapping[str, str] | None = None,
    *,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> TabularImport:
    """Import an XLSX; without `settings`, the `metadata` sheet of an Aman export is used."""
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            message = f"file is {size} bytes, limit is {max_bytes}"
            return TabularImport(None, [TabularIssue(None, None, message)])
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        return TabularImport(None, [TabularIssue(None, None, f"cannot read XLSX: {exc}")])
    try:
        if settings is None:
            settings_or_error = _settings_from_workbook(workbook)
            if isinstance(settings_or_error, TabularIssue):
                return TabularImport(None, [settings_or_error])
            settings = settings_or_error
        name = sheet or ("requirements" if "requirements" in workbook.sheetnames else None)
        worksheet = workbook[name] if name else workbook.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        return import_rows(rows, settings, header_map)
    except KeyError:
        return TabularImport(None, [TabularIssue(None, None, f"no sheet named {sheet!r}")])
    finally:
        workbook.close()


def _settings_from_workbook(workbook: Any) -> PackSettings | TabularIssue:
    if "metadata" not in workbook.sheetnames:
        return TabularIssue(None, None, "no pack settings given and no 'metadata' sheet")
    values: dict[str, Any] = {}
    for row in workbook["metadata"].iter_rows(min_row=2, values_only=True):
        if row and row[0]:
            values[str(row[0])] = orjson.loads(str(row[1])) if row[1] is not None else None
    try:
        meta = _SheetMeta.model_validate(values)
    except (ValidationError, orjson.JSONDecodeError) as exc:
        return TabularIssue(None, "metadata", f"invalid metadata sheet: {exc}")
    mapping_sets = _mapping_rows(workbook, meta.mapping_sets)
    if isinstance(mapping_sets, TabularIssue):
        return mapping_sets
    return PackSettings(
        meta.pack, meta.scoring, tuple(meta.implementation_levels), tuple(mapping_sets)
    )


def _mapping_rows(workbook: Any, sets: list[MappingSet]) -> list[MappingSet] | TabularIssue:
    if "mappings" not in workbook.sheetnames:
        return sets
    by_id: dict[str, list[PackMapping]] = {mapping_set.id: [] for mapping_set in sets}
    for line, row in enumerate(workbook["mappings"].iter_rows(min_row=2, values_only=True), 2):
        if not row or not any(cell is not None for cell in row):
            continue
        values = dict(zip(MAPPING_COLUMNS, row, strict=False))
        set_id = _cell_text(values.pop("mapping_set"))
        if set_id not in by_id:
            return TabularIssue(line, "A (mapping_set)", f"unknown mapping set {set_id!r}")
        data = {key: value for key, value in values.items() if value not in (None, "")}
        try:
            by_id[set_id].append(PackMapping.model_validate(data))
        except ValidationError as exc:
            return TabularIssue(line, None, f"invalid mapping: {exc.errors()[0]['msg']}")
    return [
        mapping_set.model_copy(update={"mappings": by_id[mapping_set.id]}) for mapping_set in sets
    ]


def _languages(pack: Pack) -> list[str]:
    return sorted({lang for r in pack.requirements for lang in r.translations})


def requirement_row(requirement: Requirement, languages: Sequence[str]) -> list[Any]:
    """One requirement as an export row, in `export_columns` order."""
    row: list[Any] = [
        requirement.ref_id,
        requirement.parent,
        requirement.title,
        requirement.description,
        requirement.guidance,
        requirement.typical_evidence,
        requirement.assessable,
        requirement.weight,
        requirement.importance.value,
        ", ".join(d.value for d in requirement.domains) if requirement.domains else None,
        ", ".join(requirement.levels) or None,
        requirement.points,
        requirement.stage,
        "; ".join(f"{r.framework}:{r.id}" for r in requirement.references) or None,
        "; ".join(requirement.checks) or None,
        "; ".join(requirement.competencies) or None,
        requirement.source_id,
    ]
    for lang in languages:
        entry = requirement.translations.get(lang) or Translation()
        status = entry.status.value if lang in requirement.translations else None
        row += [entry.title, entry.description, entry.guidance, entry.typical_evidence, status]
    return row


def export_columns(languages: Sequence[str]) -> list[str]:
    return [*BASE_COLUMNS, *(f"{name}_{lang}" for lang in languages for name in TRANSLATED)]


def export_xlsx(pack: Pack, path: Path | str) -> Path:
    """Write the pack as XLSX: `requirements` (one row each), `metadata`, `mappings`."""
    languages = _languages(pack)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "requirements"
    sheet.append(export_columns(languages))
    for requirement in pack.requirements:
        sheet.append(requirement_row(requirement, languages))
    sheet.freeze_panes = "B2"
    meta_sheet = workbook.create_sheet("metadata")
    meta_sheet.append(["key", "value"])
    meta_values = {
        "pack": pack.pack.model_dump(mode="json"),
        "scoring": pack.scoring.model_dump(mode="json"),
        "implementation_levels": [
            lvl.model_dump(mode="json") for lvl in pack.implementation_levels
        ],
        "mapping_sets": [
            ms.model_dump(mode="json", exclude={"mappings"}) for ms in pack.mapping_sets
        ],
    }
    for key, value in meta_values.items():
        meta_sheet.append([key, orjson.dumps(value).decode()])
    mapping_sheet = workbook.create_sheet("mappings")
    mapping_sheet.append(list(MAPPING_COLUMNS))
    for mapping_set in pack.mapping_sets:
        for m in mapping_set.mappings:
            mapping_sheet.append(
                [mapping_set.id, m.source, m.target, m.relationship.value, m.strength, m.rationale]
            )
    target = Path(path)
    workbook.save(target)
    return target
