"""Offline filling of an assessment: export an XLSX questionnaire, import it back.

Organisations often answer away from the platform (air-gapped networks, many contributors),
so the workbook has to survive a round trip through Excel or LibreOffice. Only the result,
comment and evidence-URL cells are unlocked; a very hidden `meta` sheet pins the assessment id,
the pack version and a SHA-256 of the requirement list, so a workbook made for another
assessment, or for a pack that has since changed, is refused.

Sheet protection only prevents accidents (it has no password and is trivially removed), so the
import trusts nothing: every cell is checked and any error rejects the whole workbook. The file
is size-checked before it is opened and the zip's declared sizes are checked before any XML is
parsed (openpyxl parses through defusedxml when it is installed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import orjson
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from aman.assessments.domain import Node
from aman.assessments.oscal_results import AnswerDoc, AssessmentDoc

SHEET: Final = "questionnaire"
INSTRUCTIONS_SHEET: Final = "instructions"
META_SHEET: Final = "meta"
READ_ONLY: Final = ("ref_id", "requirement", "description", "allowed")
EDITABLE: Final = ("result", "comment", "evidence_url")
COLUMNS: Final = (*READ_ONLY, *EDITABLE)
FORMAT: Final = "aman-questionnaire"
FORMAT_VERSION: Final = "1"
NA: Final = "n/a"
MAX_COMMENT: Final = 10_000
MAX_URL: Final = 2000  # the evidence table's url column
DEFAULT_MAX_BYTES: Final = 5 * 1024 * 1024
MAX_UNCOMPRESSED: Final = 64 * 1024 * 1024
MAX_ZIP_ENTRIES: Final = 500
_LANG: Final = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_COL: Final = {name: index + 1 for index, name in enumerate(COLUMNS)}
_WIDTHS: Final = (14, 60, 70, 18, 12, 50, 40)
_GROUP_FILL: Final = PatternFill("solid", fgColor="DDE4EE")
_EDIT_FILL: Final = PatternFill("solid", fgColor="FFF8DC")


_LABELS: Final = {  # column headers, in COLUMNS order
    "en": "ref_id|requirement|description|allowed results|result|comment|evidence URL",
    "fr": "réf.|exigence|description|résultats admis|résultat|commentaire|URL de preuve",
    "ar": "المرجع|المتطلب|الوصف|النتائج المسموح بها|النتيجة|التعليق|رابط الدليل",
}
_TEXTS: Final = {
    "en": (
        "Questionnaire: {title}",
        "Organisation: {subject}. Framework: {pack}.",
        "Answer in the 'questionnaire' sheet. Shaded bold rows are section headings and take no"
        " answer; only the yellow cells (result, comment, evidence URL) can be edited.",
        "Result: one of {allowed}, picked from the list in the cell. Results already given in"
        " Aman are pre-filled; an empty result leaves the requirement unanswered.",
        "Levels: {levels}.",
        "n/a: the requirement does not apply to your organisation; say why in the comment.",
        "Comment: at most {max_comment} characters. Evidence URL: one http:// or https:// link;"
        " files are uploaded in Aman itself.",
        "Do not add, delete, rename or move sheets, rows or columns. On import, Aman checks that"
        " the workbook was made for this assessment and this version of the framework, then"
        " checks every cell: if anything is wrong, nothing is imported and each problem is"
        " listed with its row and column.",
    ),
    "fr": (
        "Questionnaire : {title}",
        "Organisation : {subject}. Référentiel : {pack}.",
        "Répondez dans la feuille « questionnaire ». Les lignes grisées en gras sont des titres"
        " de section et n'appellent pas de réponse ; seules les cellules jaunes (résultat,"
        " commentaire, URL de preuve) sont modifiables.",
        "Résultat : l'une des valeurs {allowed}, à choisir dans la liste de la cellule. Les"
        " résultats déjà saisis dans Aman sont préremplis ; un résultat vide laisse l'exigence"
        " sans réponse.",
        "Niveaux : {levels}.",
        "n/a : l'exigence ne s'applique pas à votre organisation ; expliquez pourquoi dans le"
        " commentaire.",
        "Commentaire : {max_comment} caractères au plus. URL de preuve : un seul lien http:// ou"
        " https:// ; les fichiers se déposent dans Aman.",
        "N'ajoutez, ne supprimez, ne renommez et ne déplacez aucune feuille, ligne ou colonne."
        " À l'import, Aman vérifie que le classeur a été produit pour cette évaluation et cette"
        " version du référentiel, puis contrôle chaque cellule : à la moindre erreur, rien n'est"
        " importé et chaque problème est signalé avec sa ligne et sa colonne.",
    ),
    "ar": (
        "الاستبيان: {title}",
        "الجهة: {subject}. الإطار: {pack}.",
        "أجب في ورقة «questionnaire». الصفوف المظللة بخط عريض عناوين أقسام لا تتطلب إجابة،"
        " ولا يمكن تعديل سوى الخلايا الصفراء (النتيجة والتعليق ورابط الدليل).",
        "النتيجة: إحدى القيم {allowed}، تُختار من القائمة في الخلية. النتائج المدخلة سابقاً في"
        " أمان معبأة مسبقاً، وترك النتيجة فارغة يُبقي المتطلب بلا إجابة.",
        "المستويات: {levels}.",
        "n/a: المتطلب لا ينطبق على مؤسستك؛ اذكر السبب في التعليق.",
        "التعليق: {max_comment} حرف على الأكثر. رابط الدليل: رابط واحد يبدأ بـ http:// أو"
        " https://، أما الملفات فتُرفع في أمان مباشرة.",
        "لا تُضف أوراقاً أو صفوفاً أو أعمدة ولا تحذفها ولا تُعِد تسميتها أو ترتيبها. عند"
        " الاستيراد يتحقق أمان من أن المصنف أُعدّ لهذا التقييم ولهذا الإصدار من الإطار، ثم"
        " يفحص كل خلية: إذا وُجد أي خطأ لا يُستورد شيء، ويُذكر كل خطأ مع رقم الصف والعمود.",
    ),
}


def labels(lang: str) -> tuple[str, ...]:
    """Column headers in `lang` (English when Aman has no translation of them)."""
    return tuple(_LABELS.get(lang.split("-")[0], _LABELS["en"]).split("|"))


def instructions(doc: AssessmentDoc, lang: str) -> list[str]:
    """The lines of the instructions sheet, in `lang` where Aman has them, else English."""
    texts = _TEXTS.get(lang.split("-")[0], _TEXTS["en"])
    scheme = doc.scheme
    values = {
        "title": doc.title,
        "subject": doc.subject,
        "pack": f"{doc.pack_title} {doc.pack_version}",
        "allowed": allowed_text(doc),
        "levels": "; ".join(f"{value} = {title}" for value, title in scheme.levels),
        "max_comment": f"{MAX_COMMENT:,}",
    }
    skip = set()
    if not scheme.levels or scheme.kind != "maturity":
        skip.add(4)
    if not scheme.na_allowed:
        skip.add(5)
    return [text.format(**values) for index, text in enumerate(texts) if index not in skip]


@dataclass(frozen=True, slots=True)
class QuestionnaireRow:
    """One answered row. `changed` is False when it repeats the assessment's current answer."""

    ref_id: str
    result: str | None
    na: bool
    comment: str
    evidence_url: str | None
    changed: bool = True
    row: int = 0


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem at a cell: `row` is 1-based (0 for the file as a whole), `column` a COLUMNS name
    (or a meta key on the meta sheet, or "" for the file)."""

    row: int
    column: str
    message: str
    sheet: str = SHEET

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.column}{self.row}" if self.row else (self.sheet or "file")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class QuestionnaireImport:
    rows: list[QuestionnaireRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def requirements_sha256(doc: AssessmentDoc) -> str:
    """Fingerprint of what the questionnaire asks: pack version, scope and requirement tree."""
    nodes = [[n.ref_id, n.parent, n.assessable, list(n.levels)] for n in doc.tree.nodes]
    payload = [doc.pack_id, doc.pack_version, doc.level, nodes]
    return hashlib.sha256(orjson.dumps(payload)).hexdigest()


def allowed_text(doc: AssessmentDoc) -> str:
    """The allowed results as shown to people: "0–5, n/a" or "yes, partial, no"."""
    scheme = doc.scheme
    if scheme.kind == "maturity":
        text = f"{scheme.min}–{scheme.max}"
    else:
        text = ", ".join(scheme.allowed_results())
    return f"{text}, {NA}" if scheme.na_allowed else text


def _choices(doc: AssessmentDoc) -> list[str]:
    return doc.scheme.allowed_results() + ([NA] if doc.scheme.na_allowed else [])


def _rows_in_scope(doc: AssessmentDoc) -> list[tuple[Node, int]]:
    """(node, depth) in tree order: in-scope requirements and the groups above them."""
    tree = doc.tree
    in_scope = {node.ref_id for node in doc.scope()}
    shown: set[str] = set()
    for ref in in_scope:
        parent = tree.by_ref[ref].parent
        while parent is not None and parent not in shown and parent in tree.by_ref:
            shown.add(parent)
            parent = tree.by_ref[parent].parent
    rows = []
    for node in tree.nodes:
        if node.ref_id in in_scope or (node.ref_id in shown and not node.assessable):
            depth, parent = 0, node.parent
            while parent is not None and parent in tree.by_ref and depth < 50:
                depth, parent = depth + 1, tree.by_ref[parent].parent
            rows.append((node, depth))
    return rows


def _set_text(cell: Any, text: str) -> None:
    """Write user or pack text as a string, never as a formula (no spreadsheet injection)."""
    cell.value = text
    if text.startswith("="):
        cell.data_type = "s"


def _texts(
    node: Node, doc: AssessmentDoc, lang: str, translations: Mapping[str, Mapping[str, str]]
) -> tuple[str, str]:
    translated = translations.get(node.ref_id, {})
    title = translated.get("title") or node.title or node.ref_id
    if lang.split("-")[0] != "en" and not translated.get("title"):
        title += " (en)"
    description = translated.get("description") or doc.descriptions.get(node.ref_id, "")
    return title, description


def _write_requirement(
    ws: Worksheet, row: int, node: Node, answer: AnswerDoc | None, doc: AssessmentDoc
) -> None:
    ws.cell(row, _COL["allowed"], allowed_text(doc))
    if answer is not None:
        if answer.na:
            ws.cell(row, _COL["result"], NA)
        elif answer.result is not None:
            ws.cell(row, _COL["result"], answer.result.strip().lower())
        _set_text(ws.cell(row, _COL["comment"]), answer.comment)
    for name in EDITABLE:
        cell = ws.cell(row, _COL[name])
        cell.protection = Protection(locked=False)
        cell.fill = _EDIT_FILL
        cell.number_format = "@"
        cell.alignment = Alignment(wrap_text=name == "comment", vertical="top")


def _fill_questionnaire(
    ws: Worksheet, doc: AssessmentDoc, lang: str, translations: Mapping[str, Mapping[str, str]]
) -> None:
    ws.append(list(labels(lang)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    answers = doc.answer_map()
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(_choices(doc)) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="result",
        error=f"Allowed: {allowed_text(doc)}",
    )
    ws.add_data_validation(validation)
    for row, (node, depth) in enumerate(_rows_in_scope(doc), 2):
        title, description = _texts(node, doc, lang, translations)
        ws.cell(row, _COL["ref_id"], node.ref_id)
        _set_text(ws.cell(row, _COL["requirement"]), title)
        _set_text(ws.cell(row, _COL["description"]), description)
        ws.cell(row, _COL["requirement"]).alignment = Alignment(
            indent=min(depth, 15), wrap_text=True, vertical="top"
        )
        ws.cell(row, _COL["description"]).alignment = Alignment(wrap_text=True, vertical="top")
        if node.assessable:
            _write_requirement(ws, row, node, answers.get(node.ref_id), doc)
            validation.add(ws.cell(row, _COL["result"]).coordinate)
        else:
            for column in range(1, len(COLUMNS) + 1):
                ws.cell(row, column).fill = _GROUP_FILL
                ws.cell(row, column).font = Font(bold=True)
    for index, width in enumerate(_WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "C2"
    _protect(ws)


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _meta_values(doc: AssessmentDoc, lang: str) -> list[tuple[str, str]]:
    return [
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("assessment_id", str(doc.id)),
        ("pack_id", doc.pack_id),
        ("pack_version", doc.pack_version),
        ("requirements_sha256", requirements_sha256(doc)),
        ("lang", lang),
    ]


def export_questionnaire(
    doc: AssessmentDoc,
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    translations: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write the questionnaire workbook and return its path.

    `translations` maps a ref_id to its texts in `lang` ({"title": ..., "description": ...});
    untranslated titles fall back to English, marked "(en)". `lang` also chooses the language of
    the headers and instructions (en, fr, ar; others get English) and right-to-left for Arabic.
    """
    if not _LANG.match(lang):
        raise ValueError(f"invalid language code {lang!r}")
    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)
    ws.title = SHEET
    _fill_questionnaire(ws, doc, lang, translations or {})
    guide = workbook.create_sheet(INSTRUCTIONS_SHEET)
    for line in instructions(doc, lang):
        guide.append([line])
        guide.cell(guide.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 110
    guide["A1"].font = Font(bold=True, size=14)
    _protect(guide)
    meta = workbook.create_sheet(META_SHEET)
    for key, value in _meta_values(doc, lang):
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    _protect(meta)
    right_to_left = lang.split("-")[0] in {"ar", "fa", "he", "ur"}
    for sheet in (ws, guide):
        sheet.sheet_view.rightToLeft = right_to_left
    workbook.security = WorkbookProtection(lockStructure=True)
    target = Path(path)
    workbook.save(target)
    return target


def _read_limited(source: str | os.PathLike[str] | bytes, max_bytes: int) -> bytes:
    """The file's bytes, refusing by size before anything is parsed."""
    if isinstance(source, bytes):
        data = source
    else:
        size = Path(source).stat().st_size
        if size > max_bytes:
            raise _FileError(f"file is {size} bytes, the limit is {max_bytes}")
        with Path(source).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _FileError(f"file is over the limit of {max_bytes} bytes")
    return data


class _FileError(Exception):
    pass


def _check_zip(data: bytes) -> None:
    """Refuse what is not a zip, or what would expand to too much (zip bombs)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _FileError(f"not an XLSX workbook: {exc}") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _FileError(f"the workbook has {len(entries)} parts, limit is {MAX_ZIP_ENTRIES}")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED:
        raise _FileError(f"the workbook expands to {total} bytes, limit is {MAX_UNCOMPRESSED}")
    if "[Content_Types].xml" not in {entry.filename for entry in entries}:
        raise _FileError("not an XLSX workbook: no [Content_Types].xml")


def import_questionnaire(
    path: str | os.PathLike[str] | bytes,
    doc: AssessmentDoc,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> QuestionnaireImport:
    """Read a filled questionnaire (a path or the uploaded bytes) and check every cell.

    All or nothing: when any error is found, `rows` is empty and `errors` lists each problem
    with its row and column. Bad input never raises.
    """
    try:
        data = _read_limited(path, max_bytes)
        _check_zip(data)
    except _FileError as exc:
        return QuestionnaireImport([], [RowError(0, "", str(exc), "")])
    except OSError as exc:
        return QuestionnaireImport([], [RowError(0, "", f"cannot read file: {exc}", "")])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:  # read-only mode parses sheets lazily: damage may surface while reading rows
            rows, errors = _read_workbook(workbook, doc)
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl and its XML parser raise many types for bad input
        return QuestionnaireImport([], [RowError(0, "", f"cannot read XLSX: {exc}", "")])
    return QuestionnaireImport([] if errors else rows, errors)


def _cell_text(cell: Any) -> tuple[str, str | None]:
    """(text, problem) of a cell as the import reads it; numbers typed in Excel become text."""
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", None)
    if value is None:
        return "", None
    if kind == "f":
        return "", "formulas are not accepted: type the value itself"
    if kind == "e":
        return "", f"the cell holds the error value {value}"
    if isinstance(value, bool):
        return str(value).lower(), None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(), None
    return str(value).strip(), None


def _changed(row: QuestionnaireRow, answer: AnswerDoc | None) -> bool:
    if answer is None:
        return row.result is not None or row.na or bool(row.comment) or bool(row.evidence_url)
    result = None if answer.na or answer.result is None else answer.result.strip().lower()
    if (row.result, row.na, row.comment) != (result, answer.na, answer.comment.strip()):
        return True
    urls = {evidence.url for evidence in answer.evidence if evidence.url}
    return row.evidence_url is not None and row.evidence_url not in urls


class _RowReader:
    """Checks questionnaire rows one by one, collecting rows and errors."""

    def __init__(self, doc: AssessmentDoc) -> None:
        self.doc = doc
        self.scope = {node.ref_id for node in doc.scope()}
        self.answers = doc.answer_map()
        self.seen: dict[str, int] = {}
        self.rows: list[QuestionnaireRow] = []
        self.errors: list[RowError] = []

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def read(self, number: int, cells: Sequence[Any]) -> None:
        values: dict[str, str] = {}
        before = len(self.errors)
        for name in ("ref_id", *EDITABLE):
            text, problem = _cell_text(cells[_COL[name] - 1] if len(cells) >= _COL[name] else None)
            if problem:
                self.error(number, name, problem)
            values[name] = text
        ref = values["ref_id"]
        edits = [name for name in EDITABLE if values[name]]
        if not ref:
            for name in edits:
                self.error(number, name, "a value in a row without ref_id")
            return
        if not self.known(number, ref, edits):
            return
        result, na = self.result(number, values["result"])
        comment = values["comment"]
        if len(comment) > MAX_COMMENT:
            self.error(
                number, "comment", f"comment is {len(comment)} characters, at most {MAX_COMMENT:,}"
            )
        url = self.url(number, values["evidence_url"])
        if len(self.errors) == before:
            row = QuestionnaireRow(ref, result, na, comment, url, row=number)
            changed = _changed(row, self.answers.get(ref))
            self.rows.append(QuestionnaireRow(ref, result, na, comment, url, changed, number))

    def known(self, number: int, ref: str, edits: list[str]) -> bool:
        """Whether the row is an in-scope requirement seen for the first time."""
        node = self.doc.tree.by_ref.get(ref)
        if node is None:
            pack = f"{self.doc.pack_id} {self.doc.pack_version}"
            self.error(number, "ref_id", f"unknown ref_id {ref!r}: not a requirement of {pack}")
            return False
        if ref in self.seen:
            self.error(number, "ref_id", f"duplicate row for {ref} (first at row {self.seen[ref]})")
            return False
        self.seen[ref] = number
        if not node.assessable:
            for name in edits:
                self.error(number, name, f"{ref} is a section heading and takes no {name}")
            return False
        if ref not in self.scope:
            if edits:
                self.error(number, "ref_id", f"{ref} is outside this assessment's scope")
            return False
        return True

    def result(self, number: int, text: str) -> tuple[str | None, bool]:
        if not text:
            return None, False
        if text.lower() == NA:
            if not self.doc.scheme.na_allowed:
                self.error(number, "result", "n/a is not allowed by this framework's scheme")
            return None, True
        try:
            self.doc.scheme.normalise(text)
        except ValueError:
            self.error(
                number, "result", f"result {text!r} is not allowed: use {allowed_text(self.doc)}"
            )
            return None, False
        return text.strip().lower(), False

    def url(self, number: int, text: str) -> str | None:
        if not text:
            return None
        problem = None
        if len(text) > MAX_URL:
            problem = f"the URL is {len(text)} characters, at most {MAX_URL}"
        elif any(char.isspace() or ord(char) < 32 for char in text):
            problem = "the URL contains spaces or control characters"
        else:
            try:
                parts = urlsplit(text)
                if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                    problem = f"{text!r} is not an http:// or https:// URL"
            except ValueError as exc:
                problem = f"{text!r} is not a valid URL: {exc}"
        if problem:
            self.error(number, "evidence_url", problem)
            return None
        return text


def _check_meta(workbook: Any, doc: AssessmentDoc) -> tuple[list[RowError], str]:
    """Errors when the workbook was not made for this assessment and pack; and its language."""
    if META_SHEET not in workbook.sheetnames:
        message = "no meta sheet: this is not a questionnaire exported by Aman"
        return [RowError(0, "", message, META_SHEET)], "en"
    found: dict[str, tuple[int, str]] = {}
    rows = workbook[META_SHEET].iter_rows(max_row=50, max_col=2, values_only=True)
    for number, row in enumerate(rows, 1):
        if row and row[0] is not None:
            value = row[1] if len(row) > 1 and row[1] is not None else ""
            found.setdefault(str(row[0]).strip(), (number, str(value).strip()))
    pack = f"{doc.pack_id} {doc.pack_version}"
    messages = {
        "format": "not a questionnaire exported by Aman",
        "format_version": f"unsupported questionnaire format (this Aman reads {FORMAT_VERSION})",
        "assessment_id": f"the workbook was made for another assessment, not {doc.id}",
        "pack_id": f"the workbook was made for another framework, not {pack}",
        "pack_version": f"the workbook was made for another framework version, not {pack}",
        "requirements_sha256": (
            "the framework's requirement list has changed since the workbook was exported: "
            "export a new questionnaire"
        ),
    }
    errors = []
    for key, expected in _meta_values(doc, "en"):
        if key == "lang":
            continue
        if key not in found:
            errors.append(RowError(0, key, f"meta value {key} is missing", META_SHEET))
        elif found[key][1] != expected:
            errors.append(RowError(found[key][0], key, messages[key], META_SHEET))
    lang = found.get("lang", (0, "en"))[1]
    return errors, lang if _LANG.match(lang) else "en"


def _read_workbook(
    workbook: Any, doc: AssessmentDoc
) -> tuple[list[QuestionnaireRow], list[RowError]]:
    errors, lang = _check_meta(workbook, doc)
    if errors:
        return [], errors
    if SHEET not in workbook.sheetnames:
        return [], [RowError(0, "", f"no {SHEET!r} sheet", "")]
    reader = _RowReader(doc)
    limit = 2 * len(doc.tree.nodes) + 1000
    expected = labels(lang)
    for number, cells in enumerate(workbook[SHEET].iter_rows(max_col=len(COLUMNS)), 1):
        if number == 1:
            for name, label, cell in zip(COLUMNS, expected, cells, strict=False):
                if _cell_text(cell)[0] != label:
                    reader.error(1, name, f"header changed: expected {label!r}")
            if reader.errors:
                break
            continue
        if number > limit:
            reader.error(number, "ref_id", f"more than {limit - 1} rows: not this questionnaire")
            break
        reader.read(number, cells)
    return reader.rows, reader.errors
