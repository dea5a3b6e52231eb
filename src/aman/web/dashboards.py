"""Dashboards: the federation's, a member state's and an organisation's.

Thin views over `aman.reports` overviews, read with the page principal (the services check
access exactly as the API does). Each table of a dashboard is also a CSV/XLSX download:
`?table=<key>&format=csv|xlsx`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from aman.auth.deps import DbSession
from aman.auth.permissions import Node, Principal
from aman.auth.roles import ASSESSMENTS_READ
from aman.errors import FieldError, InvalidInput
from aman.reports import federation, figures, member, organisation, tabulate
from aman.web import nav
from aman.web.auth import PageUser
from aman.web.i18n import N_, Translator, translator
from aman.web.render import page_router, render
from aman.web.tables import Table, export_response

router = page_router()

nav.register(
    nav.NavItem(
        "dashboards",
        N_("Dashboards"),
        "/dashboards",
        10,
        nav.having(ASSESSMENTS_READ),
        N_("National capacity, maturity by domain, campaign progress and benchmarks."),
    )
)


def home_of(principal: Principal) -> str:
    """The dashboard a principal lands on: the widest node it may read assessments on."""
    if principal.can(ASSESSMENTS_READ, Node.federation()):
        return "/dashboards/federation"
    v = principal.visible(ASSESSMENTS_READ)
    if v.member_ids:
        return f"/dashboards/members/{sorted(v.member_ids)[0]}"
    if v.organisation_ids:
        return f"/dashboards/organisations/{sorted(v.organisation_ids)[0]}"
    return "/"


def k_of(request: Request) -> int:
    k: int = request.app.state.settings.benchmark_k
    return k


def export_table(
    request: Request,
    builders: Mapping[str, Callable[..., Table]],
    subject: Any,
    t: Translator,
    name: str,
) -> Response | None:
    """The `?table=…&format=…` download of one of the page's tables, if asked for."""
    fmt, key = request.query_params.get("format"), request.query_params.get("table")
    if not fmt and not key:
        return None
    if key is None or key not in builders:
        raise InvalidInput("unknown table", [FieldError("table", f"one of {', '.join(builders)}")])
    return export_response(builders[key](subject, t), fmt or "csv", f"{name}-{key}", t.rtl)


def _tables(
    builders: Mapping[str, Callable[..., Table]], subject: Any, t: Translator
) -> dict[str, Table]:
    return {key: build(subject, t) for key, build in builders.items()}


@router.get("/dashboards")
def dashboards(web_user: PageUser) -> Response:
    return RedirectResponse(home_of(web_user.principal), status_code=303)


@router.get("/dashboards/federation")
def federation_dashboard(request: Request, web_user: PageUser, session: DbSession) -> Response:
    t = translator(request)
    o = federation.overview(session, web_user.principal, t.locale, k_of(request))
    exported = export_table(request, tabulate.FEDERATION, o, t, "federation")
    if exported is not None:
        return exported
    context = {
        "o": o,
        "tables": _tables(tabulate.FEDERATION, o, t),
        "specs": figures.federation(o, t),
    }
    return render(request, "dashboards/federation.html", context)


@router.get("/dashboards/members/{member_id}")
def member_dashboard(
    request: Request, member_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    o = member.overview(session, web_user.principal, member_id, t.locale, k_of(request))
    exported = export_table(request, tabulate.MEMBER, o, t, f"member-{o.member.country_code}")
    if exported is not None:
        return exported
    context = {
        "o": o,
        "tables": _tables(tabulate.MEMBER, o, t),
        "specs": figures.member(o, t),
        "federation_reader": web_user.principal.can(ASSESSMENTS_READ, Node.federation()),
    }
    return render(request, "dashboards/member.html", context)


@router.get("/dashboards/organisations/{organisation_id}")
def organisation_dashboard(
    request: Request, organisation_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    o = organisation.organisation_overview(session, web_user.principal, organisation_id, t.locale)
    exported = export_table(request, tabulate.ORGANISATION, o, t, "organisation")
    if exported is not None:
        return exported
    context = {
        "o": o,
        "tables": _tables(tabulate.ORGANISATION, o, t),
        "specs": figures.organisation(o, t),
        "member_reader": web_user.principal.can(ASSESSMENTS_READ, Node.member(o.member.id)),
    }
    return render(request, "dashboards/organisation.html", context)
