"""CSV/XLSX import with header mapping and row/column errors; XLSX export round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from aman.frameworks.loader import load_pack
from aman.frameworks.schemas import Domain, Importance, LicenceClass, Pack, PackMeta
from aman.frameworks.tabular import (
    PackSettings,
    TabularImport,
    export_xlsx,
    import_csv,
    import_rows,
    import_xlsx,
)

CCM_STYLE = {
    "Control Domain": "parent",
    "Control ID": "ref_id",
    "Is Control": "assessable",
    "Control Title": "title",
    "Control Specification": "description",
    "Applies to": "domains",
}
SETTINGS = PackSettings(
    PackMeta(
        id="byo-cloud",
        version="4.0.1",
        title="User-supplied cloud controls",
        publisher="Loaded by the user",
        licence_class=LicenceClass.BYO_IMPORT,
        licence="User's own copy; not redistributed",
        domains=[Domain.CLOUD],
    )
)
HEADER = ["Control Domain", "Control ID", "Is Control", "Control Title", "Control Specification"]


def rows_import(rows: list[list[object]], header: list[str] = HEADER) -> TabularImport:
    return import_rows([header, *rows], SETTINGS, CCM_STYLE)


def test_csv_with_header_mapping(fixtures: Path) -> None:
    result = import_csv(fixtures / "byo_controls.csv", SETTINGS, CCM_STYLE)
    assert result.errors == [] and result.pack is not None
    assert result.ignored_columns == ["Notes"]
    pack = result.pack
    tree = [(r.ref_id, r.parent, r.assessable) for r in pack.requirements]
    assert tree == [
        ("IAM", None, False),
        ("IAM-01", "IAM", True),
        ("IAM-02", "IAM", True),
        ("LOG", None, False),
        ("LOG-01", "LOG", True),
    ]
    iam02 = pack.requirement_map()["IAM-02"]
    assert (iam02.weight, iam02.importance) == (2.5, Importance.CRITICAL)
    assert iam02.domains == [Domain.CLOUD, Domain.GENERAL]
    log01 = pack.requirement_map()["LOG-01"]
    assert (log01.weight, log01.importance) == (1.0, Importance.HIGH)  # "3" -> high
    assert pack.pack.licence_class is LicenceClass.BYO_IMPORT


def test_row_errors_name_line_and_column() -> None:
    header = [*HEADER, "Weight", "Importance"]
    result = rows_import(
        [
            ["", "A", "no", "Group A", "", "", ""],
            ["A", "A-1", "yes", "Fine", "text", "1", "low"],
            ["A", "A-2", "maybe", "Bad flag", "text", "heavy", "urgent"],
            ["A", "", "yes", "No id", "text", "", ""],
            ["A", "A-4", "yes", "", "text", "", ""],
        ],
        header,
    )
    assert result.pack is None
    found = {(issue.line, issue.column) for issue in result.errors}
    assert found == {
        (4, "C (Is Control)"),
        (4, "F (Weight)"),
        (4, "G (Importance)"),
        (5, "B (Control ID)"),
        (6, "D (Control Title)"),
    }
    weight = next(issue for issue in result.errors if issue.column == "F (Weight)")
    assert weight.ref_id == "A-2" and "heavy" in weight.message
    assert str(weight).startswith("row 4, column F (Weight):")


def test_semantic_errors_map_back_to_rows() -> None:
    result = rows_import(
        [
            ["", "A", "no", "Group A", ""],
            ["A", "A-1", "yes", "One", ""],
            ["A", "A-1", "yes", "One again", ""],
            ["Z", "B-1", "yes", "Orphan", ""],
            ["A", "bad id!", "yes", "Bad id", ""],
        ]
    )
    assert result.pack is None
    issues = {(issue.line, issue.column, issue.ref_id) for issue in result.errors}
    assert (6, "B (Control ID)", "bad id!") in issues
    # The schema error stops assembly; fix it and the tree errors appear with their rows.
    fixed = rows_import(
        [
            ["", "A", "no", "Group A", ""],
            ["A", "A-1", "yes", "One", ""],
            ["A", "A-1", "yes", "One again", ""],
            ["Z", "B-1", "yes", "Orphan", ""],
        ]
    )
    assert fixed.pack is None
    assert {(i.line, i.column, i.ref_id) for i in fixed.errors} == {
        (4, "B (Control ID)", "A-1"),
        (5, "A (Control Domain)", "B-1"),
    }


def test_missing_columns_and_empty_sheets() -> None:
    result = import_rows([["Id", "Name"], ["A", "x"]], SETTINGS)
    assert result.pack is None
    assert result.errors[0].line == 1 and "ref_id, title" in result.errors[0].message
    assert import_rows([], SETTINGS).errors[0].message == "the sheet is empty"
    assert rows_import([["", "", "", "", ""]]).errors[0].message == "no requirement rows"


def test_ids_only_packs_may_omit_titles() -> None:
    settings = PackSettings(
        SETTINGS.meta.model_copy(update={"licence_class": LicenceClass.IDS_ONLY})
    )
    result = import_rows([["ref_id"], ["X-1"], ["X-2"]], settings)
    assert result.pack is not None
    assert [(r.ref_id, r.title) for r in result.pack.requirements] == [
        ("X-1", "X-1"),
        ("X-2", "X-2"),
    ]


def test_semicolon_csv_with_french_text(tmp_path: Path) -> None:
    path = tmp_path / "fr.csv"
    # A ';' inside a value is quoted, as spreadsheets do when they export.
    path.write_text(
        "ref_id;title;title_fr;description_fr\n"
        'C-1;Key management;Gestion des clés;"Les clés sont renouvelées; chaque année."\n',
        encoding="utf-8",
    )
    result = import_csv(path, SETTINGS)
    assert result.pack is not None, result.errors
    translation = result.pack.requirements[0].translations["fr"]
    assert translation.title == "Gestion des clés"
    assert translation.description == "Les clés sont renouvelées; chaque année."


def test_xlsx_round_trip(fixtures: Path, tmp_path: Path) -> None:
    pack = load_pack(fixtures / "good_pack.yaml").pack
    assert pack is not None
    path = export_xlsx(pack, tmp_path / "pack.xlsx")
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["requirements", "metadata", "mappings"]
    sheet = workbook["requirements"]
    assert sheet.max_row == 1 + len(pack.requirements)
    workbook.close()
    result = import_xlsx(path)
    assert result.errors == []
    assert result.pack == pack


def test_xlsx_user_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Controls"
    sheet.append(["Control ID", "Control Title", "Weight", "Is Control", "Control Domain"])
    sheet.append(["D", "Domain", None, False, None])
    sheet.append(["D-1", "First", 2, True, "D"])
    sheet.append([None, None, None, None, None])
    sheet.append(["D-2", "Second", "x2", True, "D"])
    path = tmp_path / "user.xlsx"
    workbook.save(path)
    bad = import_xlsx(path, SETTINGS, CCM_STYLE, sheet="Controls")
    assert bad.pack is None
    assert [(e.line, e.column) for e in bad.errors] == [(5, "C (Weight)")]
    missing_sheet = import_xlsx(path, SETTINGS, CCM_STYLE, sheet="Nope")
    assert "no sheet named 'Nope'" in missing_sheet.errors[0].message
    assert "no pack settings" in import_xlsx(path).errors[0].message


def test_unreadable_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"this is not a zip file")
    result = import_xlsx(path, SETTINGS)
    assert result.pack is None and result.errors[0].message.startswith("cannot read XLSX")
    too_big = import_xlsx(path, SETTINGS, max_bytes=4)
    assert "limit" in too_big.errors[0].message


@pytest.mark.parametrize("value", ["TRUE", "Yes", "x", "1"])
def test_boolean_spellings(value: str) -> None:
    result = rows_import([["", "A", value, "A", ""]])
    assert result.pack is not None and result.pack.requirements[0].assessable


def test_exported_pack_is_a_pack(fixtures: Path, tmp_path: Path) -> None:
    pack = load_pack(fixtures / "csf_pack.yaml").pack
    assert isinstance(pack, Pack)
    back = import_xlsx(export_xlsx(pack, tmp_path / "csf.xlsx")).pack
    assert back == pack
