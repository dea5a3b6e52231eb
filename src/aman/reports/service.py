"""Reports as documents: organisation assessment, member state and federation annual report,
each as HTML or PDF, in English, Arabic (right to left) or French.

A report is an HTML document rendered from the same overviews, tables and chart specs as the
dashboards; WeasyPrint lays it out as PDF (Pango shapes Arabic with the vendored Noto fonts,
then the system's DejaVu/Noto). Charts are drawn on the server from the very specs the pages
embed (`images.chart_image`).
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.db import utcnow
from aman.errors import FieldError, InvalidInput
from aman.reports import federation, figures, member, organisation, tabulate
from aman.reports.images import ChartImage, chart_image
from aman.reports.labels import STATUS_LABELS
from aman.settings import SUPPORTED_LOCALES
from aman.web.i18n import N_, Formatter, Translator, direction
from aman.web.render import STATIC_DIR, templates

Format = Literal["pdf", "html"]
FORMATS: tuple[str, ...] = ("pdf", "html")
REPORT_CSS = STATIC_DIR / "app" / "report.css"
PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
_SLUG = re.compile(r"[^A-Za-z0-9]+")
log = logging.getLogger("aman.reports")
_PDF_LOCK = threading.Lock()  # WeasyPrint documents no thread safety: one layout at a time


@dataclass(frozen=True)
class Report:
    content: bytes
    media_type: str
    filename: str


def check_options(fmt: str, lang: str) -> tuple[Format, str]:
    """Validate the format and language of a report request."""
    errors = []
    if fmt not in FORMATS:
        errors.append(FieldError("format", "one of pdf, html"))
    if lang not in SUPPORTED_LOCALES:
        errors.append(FieldError("lang", f"one of {', '.join(SUPPORTED_LOCALES)}"))
    if errors:
        raise InvalidInput("unsupported report options", errors)
    return ("pdf" if fmt == "pdf" else "html"), lang


def _slug(text: str) -> str:
    return _SLUG.sub("-", text).strip("-").lower()[:60] or "report"


def _images(specs: Mapping[str, dict[str, Any]]) -> dict[str, ChartImage]:
    return {key: chart_image(spec) for key, spec in specs.items()}


def render_html(template: str, lang: str, pdf: bool, context: Mapping[str, Any]) -> str:
    """The report document: the same markup for the HTML view and the PDF."""
    data = {
        "locale": lang,
        "dir": direction(lang),
        "fmt": Formatter(lang),
        "pdf": pdf,
        "generated": utcnow(),
        **context,
    }
    return templates.get_template(template).render(data)


def to_pdf(html: str, title: str) -> bytes:
    """Lay the document out as PDF with the system's fonts (Noto, DejaVu: fontconfig finds
    them without decoding web fonts). Each document gets its own font configuration: a
    shared one mixes up the glyph subsets of different documents."""
    import weasyprint  # heavy (Pango, fontTools): loaded on the first report only

    with _PDF_LOCK:
        document = weasyprint.HTML(string=html, base_url=str(STATIC_DIR))
        pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(REPORT_CSS))])
    log.info("report %r: %d bytes of PDF", title, len(pdf))
    return pdf


def _document(template: str, fmt: Format, lang: str, name: str, context: dict[str, Any]) -> Report:
    html = render_html(template, lang, fmt == "pdf", context)
    stamp = utcnow().date().isoformat()
    filename = f"aman-{_slug(name)}-{stamp}-{lang}.{fmt}"
    if fmt == "html":
        return Report(html.encode("utf-8"), HTML, filename)
    return Report(to_pdf(html, str(context.get("title", name))), PDF, filename)


def assessment_report(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    *,
    fmt: str = "pdf",
    lang: str = "en",
    k: int = 5,
) -> Report:
    """The organisation assessment report: scores, peers, gaps, roadmap and evidence."""
    kind, lang = check_options(fmt, lang)
    t = Translator(lang)
    r = organisation.assessment_report(session, principal, assessment_id, lang, k)
    context = {
        "r": r,
        "title": t(N_("Assessment report: %(subject)s"), subject=r.subject),
        "subtitle": r.pack_title,
        "status_label": t.label(STATUS_LABELS, r.assessment.status),
        "tables": {key: build(r, t) for key, build in tabulate.ASSESSMENT.items()},
        "images": _images(figures.assessment(r, t)),
    }
    return _document("reports/assessment.html", kind, lang, f"assessment {r.subject}", context)


def member_report(
    session: Session,
    principal: Principal,
    member_id: uuid.UUID,
    *,
    fmt: str = "pdf",
    lang: str = "en",
    k: int = 5,
) -> Report:
    """The member-state report: national capacity, organisations, sectors, trends."""
    kind, lang = check_options(fmt, lang)
    t = Translator(lang)
    o = member.overview(session, principal, member_id, lang, k)
    context = {
        "o": o,
        "title": t(N_("Member state report: %(country)s"), country=o.member.country),
        "subtitle": o.member.name,
        "tables": {key: build(o, t) for key, build in tabulate.MEMBER.items()},
        "images": _images(figures.member(o, t)),
    }
    return _document("reports/member.html", kind, lang, f"member {o.member.country_code}", context)


def federation_report(
    session: Session,
    principal: Principal,
    *,
    fmt: str = "pdf",
    lang: str = "en",
    k: int = 5,
    year: int | None = None,
) -> Report:
    """The federation's annual report: every member state, the domains, the benchmarks."""
    kind, lang = check_options(fmt, lang)
    t = Translator(lang)
    o = federation.overview(session, principal, lang, k)
    year = year or utcnow().year
    context = {
        "o": o,
        "title": t(N_("Federation annual report %(year)s"), year=year),
        "subtitle": t(N_("Cyber resilience of the member states")),
        "tables": {key: build(o, t) for key, build in tabulate.FEDERATION.items()},
        "images": _images(figures.federation(o, t)),
    }
    return _document("reports/federation.html", kind, lang, f"federation {year}", context)
