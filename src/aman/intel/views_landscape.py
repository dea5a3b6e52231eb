"""Web pages of the threat landscape: trend statistics with charts, and the federation's
landscape reports (drafted, reviewed by a second publisher, then published).

Only cells the landscape service publishes (at least k ≥ MIN_K contributing members, TLP:RED
left out) ever reach a page; a month without a published cell is shown as suppressed, never as a
number, because "no activity" and "too few members to say" must look the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from aman.auth.deps import DbSession
from aman.auth.permissions import Node, Principal
from aman.auth.roles import INTEL_PUBLISH
from aman.errors import InvalidInput
from aman.intel import landscape
from aman.intel.figures import trend_specs
from aman.intel.landscape import DIMENSIONS, MIN_K, Cell
from aman.intel.pages import (
    DIMENSION_LABELS,
    REPORT_STATUS_LABELS,
    SECTOR_LABELS,
    Pivot,
    cells_from_json,
    pivot,
)
from aman.intel.schemas import ReportIn, ReturnIn
from aman.registry.view_labels import country_names
from aman.web.auth import PageUser
from aman.web.forms import CsrfForm, FormErrors, attempt, form_values, parse
from aman.web.i18n import N_, Translator, translator
from aman.web.render import page_router, redirect, render
from aman.web.tables import Column, Table, export_response

router = page_router()
TREND_FIELDS = ("dimension", "start", "end", "k")
REPORT_FIELDS = ("title", "period_start", "period_end", "summary", "k")


def _labeller(session: Session, t: Translator) -> Callable[[str, str], str]:
    """The name of a trend value in the reader's language (ATT&CK ids stay ids)."""
    countries = country_names(session, t.locale)

    def label(dimension: str, value: str) -> str:
        if dimension == "sector":
            return t.label(SECTOR_LABELS, value)
        if dimension == "country":
            return countries.get(value, value)
        return value

    return label


def cells_table(cells: Sequence[Cell], label: Callable[[str, str], str], t: Translator) -> Table:
    table = Table(
        t(N_("Published trend cells")),
        [
            Column("dimension", t(N_("Dimension"))),
            Column("label", t(N_("Value"))),
            Column("value", t(N_("Code")), ltr=True),
            Column("month", t(N_("Month")), ltr=True),
            Column("members", t(N_("Contributing members")), numeric=True),
            Column("activities", t(N_("Activities")), numeric=True),
        ],
    )
    for c in cells:
        table.add(
            [
                t(DIMENSION_LABELS[c.dimension]),
                label(c.dimension, c.value),
                c.value,
                c.month,
                c.members,
                c.activities,
            ]
        )
    return table


def _landscape(
    session: Session,
    t: Translator,
    cells: Sequence[Cell],
    dimensions: Sequence[str],
    start: str | None,
    end: str | None,
) -> dict[str, Any]:
    """Pivots (value × month), chart specs and labels for a set of published cells."""
    label = _labeller(session, t)
    pivots: dict[str, Pivot] = {d: pivot(cells, d, start, end) for d in dimensions}
    return {
        "pivots": pivots,
        "specs": trend_specs(pivots, label, t),
        "label": label,
        "dimension_labels": {d: t(DIMENSION_LABELS[d]) for d in DIMENSIONS},
    }


def _month(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


@router.get("/intel/trends")
def trends_page(
    request: Request,
    web_user: PageUser,
    session: DbSession,
    dimension: str | None = None,
    start: str | None = None,
    end: str | None = None,
    k: str | None = None,
    format: str | None = None,
) -> Response:
    t = translator(request)
    start, end, dimension = _month(start), _month(end), dimension or None
    errors = FormErrors()
    threshold = MIN_K
    if k:
        try:
            threshold = int(k)
        except ValueError:
            errors.add("k", t(N_("Enter a whole number.")))
    cells: list[Cell] = []
    if not errors:
        try:
            cells = landscape.trend_cells(
                session, web_user.principal, dimension=dimension, start=start, end=end, k=threshold
            )
        except InvalidInput as exc:
            errors = FormErrors.of(exc, t.locale, TREND_FIELDS)
    dims = [dimension] if dimension in DIMENSIONS else list(DIMENSIONS)
    view = _landscape(session, t, cells, dims, start, end)
    if format and not errors:
        return export_response(cells_table(cells, view["label"], t), format, "trends", t.rtl)
    context = {
        **view,
        "cells": cells,
        "errors": errors,
        "dimension": dimension or "",
        "start": start or "",
        "end": end or "",
        "k": k or str(MIN_K),
        "min_k": MIN_K,
        "threshold": threshold,
        "dimension_options": [(d, t(DIMENSION_LABELS[d])) for d in DIMENSIONS],
    }
    return render(request, "intel/trends.html", context, status_code=422 if errors else 200)


# --- landscape reports ------------------------------------------------------------------


def _publisher(principal: Principal) -> bool:
    return principal.can(INTEL_PUBLISH, Node.federation())


def _reports_page(
    request: Request,
    session: Session,
    principal: Principal,
    form: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    t = translator(request)
    context = {
        "reports": landscape.list_reports(session, principal),
        "status_labels": {k: t(v) for k, v in REPORT_STATUS_LABELS.items()},
        "can_draft": _publisher(principal),
        "form": form or {"k": MIN_K},
        "errors": errors or FormErrors(),
        "min_k": MIN_K,
    }
    status = 422 if errors else 200
    return render(request, "intel/reports.html", context, status_code=status)


@router.get("/intel/reports")
def reports_page(request: Request, web_user: PageUser, session: DbSession) -> Response:
    return _reports_page(request, session, web_user.principal)


@router.post("/intel/reports")
def draft_report(
    request: Request, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    """A draft from a frozen snapshot of the published cells of its period."""
    t = translator(request)
    principal = web_user.principal
    values = form_values(form, keep_empty=["summary"])
    values = {k: v for k, v in values.items() if k in REPORT_FIELDS}
    values["summary"] = values.get("summary") or ""

    def create() -> Any:
        data = parse(ReportIn, values)
        return landscape.create_draft(
            session,
            principal,
            data.title,
            data.period_start,
            data.period_end,
            data.summary,
            data.k,
        )

    report, errors = attempt(session, t.locale, REPORT_FIELDS, create)
    if report is None:
        return _reports_page(request, session, principal, values, errors)
    return redirect(f"/intel/reports/{report.id}", N_("Draft report created."))


@router.get("/intel/reports/{report_id}")
def report_page(
    request: Request, report_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    principal = web_user.principal
    report = landscape.get_report(session, principal, report_id)
    cells = cells_from_json(report.cells)
    view = _landscape(session, t, cells, DIMENSIONS, report.period_start, report.period_end)
    context = {
        **view,
        "report": report,
        "status_label": t.label(REPORT_STATUS_LABELS, report.status),
        "can_publish": _publisher(principal),
        "is_author": report.author_id is not None and report.author_id == principal.user_id,
    }
    return render(request, "intel/report.html", context)


@router.post("/intel/reports/{report_id}/submit")
def submit_report(
    report_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    landscape.submit(session, web_user.principal, report_id)
    return redirect(f"/intel/reports/{report_id}", N_("Report submitted for review."))


@router.post("/intel/reports/{report_id}/return")
def return_report(
    report_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    data = parse(ReturnIn, {"reason": form_values(form).get("reason")})
    landscape.return_to_draft(session, web_user.principal, report_id, data.reason)
    return redirect(f"/intel/reports/{report_id}", N_("Report returned to its author."))


@router.post("/intel/reports/{report_id}/publish")
def publish_report(
    report_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    landscape.publish(session, web_user.principal, report_id)
    return redirect(f"/intel/reports/{report_id}", N_("Report published."))
