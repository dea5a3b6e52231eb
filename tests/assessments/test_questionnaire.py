"""XLSX questionnaires: export, fill offline with openpyxl, import back; every error kind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from aman.assessments.domain import Node, Scheme, Tree
from aman.assessments.oscal_results import AnswerDoc, AssessmentDoc, EvidenceDoc
from aman.assessments.questionnaire import (
    COLUMNS,
    MAX_COMMENT,
    MAX_UNCOMPRESSED,
    QuestionnaireImport,
    RowError,
    export_questionnaire,
    import_questionnaire,
    requirements_sha256,
)

T0 = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
COL = {name: chr(ord("A") + index) for index, name in enumerate(COLUMNS)}

NODES = (
    Node("GOV", None, False, "Governance"),
    Node("GOV-1", "GOV", True, "Accountable executive"),
    Node("GOV-2", "GOV", True, "=Cryptography policy"),  # must stay text, not a formula
    Node("INV", None, False, "Inventory"),
    Node("INV-SUB", "INV", False, "Network inventory"),
    Node("INV-1", "INV-SUB", True, "Endpoints listed", levels=("basic",)),
    Node("INV-2", "INV-SUB", True, "CBOM produced", levels=("advanced",)),
)


def make_doc(**changes: Any) -> AssessmentDoc:
    doc = AssessmentDoc(
        id=uuid.UUID("c0ffee00-1234-4abc-8def-0123456789ab"),
        title="Example Bank 2026",
        pack_id="aman-pqc-readiness",
        pack_version="1.0.0",
        pack_title="Aman PQC Readiness",
        subject="Example Bank",
        member="CERT Example",
        status="in_progress",
        scheme=Scheme("maturity", min=0, max=5, target=3, levels=((0, "None"), (5, "Optimised"))),
        tree=Tree.of(NODES),
        answers=(
            AnswerDoc(
                "GOV-1",
                "2",
                comment="Named in the 2026 charter.",
                evidence=(EvidenceDoc("url", "Charter", url="https://intranet.example.org/c"),),
                updated_by="amina",
                updated_at=T0,
            ),
            AnswerDoc("INV-2", None, na=True, comment="=not ours", updated_by="amina"),
        ),
        descriptions={"GOV-1": "A named executive owns the migration."},
    )
    return dataclasses.replace(doc, **changes)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    return export_questionnaire(make_doc(), tmp_path / "q.xlsx")


def rows_by_ref(ws: Worksheet) -> dict[str, int]:
    return {
        str(ws.cell(row, 1).value): row
        for row in range(2, ws.max_row + 1)
        if ws.cell(row, 1).value is not None
    }


def fill(path: Path, edit: Callable[[Worksheet, dict[str, int]], object]) -> Path:
    """Open the exported workbook as a person would, change cells, save a copy."""
    workbook = load_workbook(path)
    ws = workbook["questionnaire"]
    edit(ws, rows_by_ref(ws))
    target = path.with_name("filled.xlsx")
    workbook.save(target)
    return target


def set_cell(ws: Worksheet, row: int, column: str, value: Any) -> None:
    ws[f"{COL[column]}{row}"] = value


def errors_of(result: QuestionnaireImport) -> list[tuple[int, str]]:
    assert result.rows == []  # all or nothing
    return [(e.row, e.column) for e in result.errors]


# ---------------------------------------------------------------- export layout


def test_export_layout_protection_and_meta(exported: Path) -> None:
    workbook = load_workbook(exported)
    assert workbook.sheetnames == ["questionnaire", "instructions", "meta"]
    ws = workbook["questionnaire"]
    assert [c.value for c in ws[1]] == [
        "ref_id",
        "requirement",
        "description",
        "allowed results",
        "result",
        "comment",
        "evidence URL",
    ]
    rows = rows_by_ref(ws)
    assert list(rows) == ["GOV", "GOV-1", "GOV-2", "INV", "INV-SUB", "INV-1", "INV-2"]
    gov1, gov2 = rows["GOV-1"], rows["GOV-2"]
    assert ws.cell(gov1, 3).value == "A named executive owns the migration."
    assert ws.cell(gov1, 4).value == "0–5, n/a"
    assert ws.cell(gov1, 5).value == "2"  # the current answer is pre-filled
    assert ws.cell(rows["INV-2"], 5).value == "n/a"
    assert ws.cell(gov2, 2).value == "=Cryptography policy"
    assert ws.cell(gov2, 2).data_type == "s"  # text, never a formula
    assert ws.protection.sheet
    for name in ("result", "comment", "evidence_url"):
        assert ws[f"{COL[name]}{gov1}"].protection.locked is False
    for name in ("ref_id", "requirement", "description", "allowed"):
        assert ws[f"{COL[name]}{gov1}"].protection.locked is True
    for name in COLUMNS:  # section headers are not editable
        assert ws[f"{COL[name]}{rows['GOV']}"].protection.locked is True
    assert ws.cell(rows["INV-SUB"], 2).alignment.indent == 1
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"0,1,2,3,4,5,n/a"'
    assert f"E{gov1}" in str(validation.sqref) and f"E{rows['GOV']}" not in str(validation.sqref)
    meta = workbook["meta"]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert values["assessment_id"] == str(make_doc().id)
    assert values["pack_version"] == "1.0.0"
    assert values["requirements_sha256"] == requirements_sha256(make_doc())
    assert workbook.security is not None and workbook.security.lockStructure
    lines = [row[0] for row in workbook["instructions"].iter_rows(values_only=True)]
    assert any("0–5, n/a" in str(line) for line in lines)
    assert any("0 = None; 5 = Optimised" in str(line) for line in lines)


def test_export_translations_rtl_and_level_scope(tmp_path: Path) -> None:
    translations = {"GOV-1": {"title": "المدير التنفيذي المسؤول", "description": "وصف"}}
    doc = make_doc(level="basic", scheme=Scheme("yes_partial_no", na_allowed=False))
    path = export_questionnaire(doc, tmp_path / "ar.xlsx", lang="ar", translations=translations)
    workbook = load_workbook(path)
    ws = workbook["questionnaire"]
    assert ws.sheet_view.rightToLeft
    assert ws.cell(1, 5).value == "النتيجة"
    rows = rows_by_ref(ws)
    assert "INV-2" not in rows  # advanced only: outside the basic scope
    assert ws.cell(rows["GOV-1"], 2).value == "المدير التنفيذي المسؤول"
    assert ws.cell(rows["GOV-1"], 3).value == "وصف"
    assert ws.cell(rows["GOV-2"], 2).value == "=Cryptography policy (en)"  # fallback, marked
    assert ws.cell(rows["GOV-1"], 4).value == "yes, partial, no"
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"yes,partial,no"'
    with pytest.raises(ValueError, match="language"):
        export_questionnaire(doc, tmp_path / "x.xlsx", lang="not a language")


# ---------------------------------------------------------------- round trip


def test_round_trip(exported: Path) -> None:
    def edit(ws: Worksheet, rows: dict[str, int]) -> None:
        set_cell(ws, rows["GOV-2"], "result", 4)  # Excel stores a picked "4" as a number
        set_cell(ws, rows["GOV-2"], "comment", "Policy approved in March.")
        set_cell(ws, rows["GOV-2"], "evidence_url", "https://intranet.example.org/policy")
        set_cell(ws, rows["INV-1"], "result", "N/A")

    result = import_questionnaire(fill(exported, edit), make_doc())
    assert result.ok, result.errors
    rows = {row.ref_id: row for row in result.rows}
    assert set(rows) == {"GOV-1", "GOV-2", "INV-1", "INV-2"}
    gov2 = rows["GOV-2"]
    assert (gov2.result, gov2.na, gov2.comment) == ("4", False, "Policy approved in March.")
    assert gov2.evidence_url == "https://intranet.example.org/policy"
    assert gov2.changed
    assert rows["INV-1"].na and rows["INV-1"].result is None and rows["INV-1"].changed
    # untouched pre-filled rows repeat the current answers
    assert not rows["GOV-1"].changed
    assert rows["GOV-1"].result == "2" and rows["GOV-1"].comment == "Named in the 2026 charter."
    assert not rows["INV-2"].changed and rows["INV-2"].comment == "=not ours"


def test_changed_detection(exported: Path) -> None:
    def edit(ws: Worksheet, rows: dict[str, int]) -> None:
        set_cell(ws, rows["GOV-1"], "evidence_url", "https://intranet.example.org/c")  # known
        set_cell(ws, rows["INV-2"], "comment", "Changed reason")

    rows = {r.ref_id: r for r in import_questionnaire(fill(exported, edit), make_doc()).rows}
    assert not rows["GOV-1"].changed
    assert rows["INV-2"].changed
    assert not rows["GOV-2"].changed  # empty and unanswered


def test_import_accepts_bytes(exported: Path) -> None:
    result = import_questionnaire(exported.read_bytes(), make_doc())
    assert result.ok and len(result.rows) == 4


# ---------------------------------------------------------------- cell errors


def _long_comment(ws: Worksheet, rows: dict[str, int]) -> None:
    set_cell(ws, rows["GOV-2"], "comment", "x" * (MAX_COMMENT + 1))


def _duplicate(ws: Worksheet, rows: dict[str, int]) -> None:
    ws.cell(ws.max_row + 1, 1, "GOV-1")


def _unknown(ws: Worksheet, rows: dict[str, int]) -> None:
    ws.cell(ws.max_row + 1, 1, "NOPE-9")


def _no_ref(ws: Worksheet, rows: dict[str, int]) -> None:
    set_cell(ws, ws.max_row + 1, "result", "3")


CELL_ERRORS: dict[str, tuple[Callable[[Worksheet, dict[str, int]], None], str, str]] = {
    "result not on the scale": (
        lambda ws, r: set_cell(ws, r["GOV-2"], "result", "6"),
        "result",
        "not allowed",
    ),
    "result is text": (
        lambda ws, r: set_cell(ws, r["GOV-2"], "result", "yes"),
        "result",
        "0–5, n/a",
    ),
    "grouping row with a result": (
        lambda ws, r: set_cell(ws, r["INV-SUB"], "result", "3"),
        "result",
        "section heading",
    ),
    "grouping row with a comment": (
        lambda ws, r: set_cell(ws, r["GOV"], "comment", "hello"),
        "comment",
        "section heading",
    ),
    "ftp url": (
        lambda ws, r: set_cell(ws, r["GOV-2"], "evidence_url", "ftp://files.example.org/a"),
        "evidence_url",
        "http",
    ),
    "javascript url": (
        lambda ws, r: set_cell(ws, r["GOV-2"], "evidence_url", "javascript:alert(1)"),
        "evidence_url",
        "http",
    ),
    "url with spaces": (
        lambda ws, r: set_cell(ws, r["GOV-2"], "evidence_url", "https://a.example.org/x y"),
        "evidence_url",
        "spaces",
    ),
    "comment too long": (_long_comment, "comment", "at most"),
    "formula": (
        lambda ws, r: set_cell(ws, r["GOV-2"], "result", "=1+2"),
        "result",
        "formula",
    ),
}


@pytest.mark.parametrize("case", list(CELL_ERRORS))
def test_cell_errors(exported: Path, case: str) -> None:
    edit, column, message = CELL_ERRORS[case]
    rows = rows_by_ref(load_workbook(exported)["questionnaire"])
    result = import_questionnaire(fill(exported, edit), make_doc())
    (error,) = result.errors
    assert result.rows == []
    assert error.column == column
    assert error.row in rows.values()
    assert message in error.message


@pytest.mark.parametrize(
    ("edit", "column", "message"),
    [
        (_duplicate, "ref_id", "duplicate row for GOV-1"),
        (_unknown, "ref_id", "unknown ref_id 'NOPE-9'"),
        (_no_ref, "result", "without ref_id"),
    ],
)
def test_row_errors(exported: Path, edit: Any, column: str, message: str) -> None:
    last = load_workbook(exported)["questionnaire"].max_row
    result = import_questionnaire(fill(exported, edit), make_doc())
    assert errors_of(result) == [(last + 1, column)]
    assert message in result.errors[0].message
    if "duplicate" in message:
        assert f"first at row {rows_by_ref(load_workbook(exported)['questionnaire'])['GOV-1']}" in (
            result.errors[0].message
        )


def test_na_where_the_scheme_forbids_it(tmp_path: Path) -> None:
    doc = make_doc(scheme=Scheme("points", partial_allowed=False, na_allowed=False), answers=())
    path = export_questionnaire(doc, tmp_path / "q.xlsx")
    filled = fill(path, lambda ws, r: set_cell(ws, r["GOV-1"], "result", "n/a"))
    result = import_questionnaire(filled, doc)
    row = rows_by_ref(load_workbook(path)["questionnaire"])["GOV-1"]
    assert errors_of(result) == [(row, "result")]
    assert "n/a is not allowed" in result.errors[0].message
    partial = fill(path, lambda ws, r: set_cell(ws, r["GOV-1"], "result", "partial"))
    assert errors_of(import_questionnaire(partial, doc)) == [(row, "result")]


def test_every_error_is_reported_and_nothing_imported(exported: Path) -> None:
    def edit(ws: Worksheet, rows: dict[str, int]) -> None:
        set_cell(ws, rows["GOV-1"], "result", "9")
        set_cell(ws, rows["GOV-1"], "evidence_url", "mailto:a@example.org")
        set_cell(ws, rows["GOV-2"], "result", "3")  # valid, yet not imported
        set_cell(ws, rows["INV-1"], "comment", "x" * (MAX_COMMENT + 1))

    rows = rows_by_ref(load_workbook(exported)["questionnaire"])
    result = import_questionnaire(fill(exported, edit), make_doc())
    assert errors_of(result) == [
        (rows["GOV-1"], "result"),
        (rows["GOV-1"], "evidence_url"),
        (rows["INV-1"], "comment"),
    ]
    assert str(result.errors[0]).startswith(f"questionnaire!result{rows['GOV-1']}:")


def test_changed_header_is_refused(exported: Path) -> None:
    filled = fill(exported, lambda ws, r: ws.cell(1, 5, "score"))
    assert errors_of(import_questionnaire(filled, make_doc())) == [(1, "result")]


# ---------------------------------------------------------------- meta, files


def _edit_meta(path: Path, key: str, value: str | None) -> Path:
    workbook = load_workbook(path)
    meta = workbook["meta"]
    for row in meta.iter_rows():
        if row[0].value == key:
            if value is None:
                row[0].value = None
            else:
                row[1].value = value
    target = path.with_name("tampered.xlsx")
    workbook.save(target)
    return target


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("assessment_id", "3f1c2d4e-0000-4000-8000-000000000abc", "another assessment"),
        ("pack_version", "1.0.1", "another framework version"),
        ("pack_id", "aman-5g-baseline", "another framework"),
        ("requirements_sha256", "0" * 64, "has changed"),
        ("format", "something-else", "not a questionnaire"),
        ("assessment_id", None, "missing"),
    ],
)
def test_tampered_meta_is_refused(
    exported: Path, key: str, value: str | None, message: str
) -> None:
    result = import_questionnaire(_edit_meta(exported, key, value), make_doc())
    (error,) = result.errors
    assert (error.sheet, error.column) == ("meta", key)
    assert message in error.message
    assert result.rows == []


def test_workbook_for_another_assessment_or_changed_pack(exported: Path) -> None:
    other = import_questionnaire(exported, make_doc(id=uuid.uuid4()))
    assert [e.column for e in other.errors] == ["assessment_id"]
    changed_tree = Tree.of((*NODES, Node("INV-3", "INV-SUB", True, "New requirement")))
    changed = import_questionnaire(exported, make_doc(tree=changed_tree))
    assert [e.column for e in changed.errors] == ["requirements_sha256"]
    other_level = import_questionnaire(exported, make_doc(level="basic"))
    assert [e.column for e in other_level.errors] == ["requirements_sha256"]


def test_non_xlsx_files_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "answers.xlsx"
    text.write_text("ref_id,result\nGOV-1,3\n")
    result = import_questionnaire(text, make_doc())
    assert [(e.row, e.column, e.sheet) for e in result.errors] == [(0, "", "")]
    assert "not an XLSX" in result.errors[0].message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "not an XLSX" in import_questionnaire(buffer.getvalue(), make_doc()).errors[0].message
    missing = import_questionnaire(tmp_path / "absent.xlsx", make_doc())
    assert "cannot read" in missing.errors[0].message


def test_foreign_workbook_without_meta(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["ref_id", "result"])  # type: ignore[union-attr]
    workbook.save(tmp_path / "foreign.xlsx")
    result = import_questionnaire(tmp_path / "foreign.xlsx", make_doc())
    assert [(e.sheet, e.row) for e in result.errors] == [("meta", 0)]
    assert "not a questionnaire exported by Aman" in result.errors[0].message


def test_file_over_the_size_limit_is_refused_before_parsing(exported: Path) -> None:
    size = exported.stat().st_size
    result = import_questionnaire(exported, make_doc(), max_bytes=size - 1)
    (error,) = result.errors
    assert error.message == f"file is {size} bytes, the limit is {size - 1}"
    assert import_questionnaire(exported, make_doc(), max_bytes=size).ok
    huge = exported.with_name("huge.xlsx")
    with huge.open("wb") as handle:  # sparse: 6 GiB of nothing, never read
        handle.truncate(6 * 1024**3)
    assert "the limit is" in import_questionnaire(huge, make_doc()).errors[0].message


def test_zip_bomb_is_refused_before_xml_parsing(exported: Path) -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(exported) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in source.infolist():
            bomb.writestr(entry, source.read(entry))
        with bomb.open("xl/media/padding.bin", "w") as handle:
            chunk = bytes(1024 * 1024)
            for _ in range(MAX_UNCOMPRESSED // len(chunk) + 1):
                handle.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # small on disk
    result = import_questionnaire(data, make_doc())
    assert [e.row for e in result.errors] == [0]
    assert "expands to" in result.errors[0].message


def test_row_error_str() -> None:
    assert str(RowError(4, "result", "bad")) == "questionnaire!result4: bad"
    assert str(RowError(0, "", "not an XLSX", "")) == "file: not an XLSX"


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1'",  # truncated
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>",  # entity expansion
    ],
)
def test_damaged_sheet_xml_is_reported_not_raised(exported: Path, sheet_xml: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            target.writestr(entry, sheet_xml if entry.filename.endswith("sheet1.xml") else data)
    result = import_questionnaire(buffer.getvalue(), make_doc())
    assert result.rows == []
    assert [(e.row, e.sheet) for e in result.errors] == [(0, "")]
    assert result.errors[0].message.startswith("cannot read XLSX")
