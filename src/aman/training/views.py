"""Web pages of training: the catalogue, a module, explained recommendations, programmes per
member state and capacity metrics (cohorts, knowledge checks and certificates are in
`views_delivery.py`).

Thin: every read and write goes through the training services with the page principal, so
another member's programme is a 404 page exactly as it is a 404 in the API.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from fastapi import Request, Response
from sqlalchemy.orm import Session

from aman.assessments import service as assessments
from aman.auth.deps import DbSession
from aman.auth.permissions import Node, Principal
from aman.auth.roles import (
    ASSESSMENTS_READ,
    ASSESSMENTS_WRITE,
    TRAINING_DELIVER,
    TRAINING_MANAGE,
    TRAINING_READ,
)
from aman.errors import FieldError, InvalidInput
from aman.training import capacity, delivery, records, service
from aman.training import charts as training_charts
from aman.training.models import TrainingModule, TrainingProgramme
from aman.training.schemas import GenerateIn, RecommendIn, StatusIn
from aman.training.view_support import (
    EVIDENCE_LABELS,
    FIGURE_LABELS,
    INDICATOR_LABELS,
    INDICATOR_STATUS_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PERIOD_LABELS,
    PROGRAMME_KIND_LABELS,
    PROGRAMME_STATUS_LABELS,
    SEVERITY_LABELS,
    Reference,
    language_options,
    members_where,
    programme_title,
    reference,
    text_in,
)
from aman.training.views_delivery import router as delivery_router
from aman.web import nav
from aman.web.auth import PageUser
from aman.web.forms import CsrfForm, FormErrors, form_values, parse
from aman.web.i18n import N_, Translator, translator
from aman.web.render import page_router, redirect, render
from aman.web.tables import Column, Table, export_response

router = page_router()
nav.register(
    nav.NavItem(
        "training",
        N_("Training"),
        "/training",
        60,
        nav.community,
        N_("Module catalogue, explained recommendations, programmes, cohorts and certificates."),
    )
)
RECOMMEND_FIELDS = {
    "member": N_("Member state"),
    "language": N_("Delivery language"),
    "max_level": N_("Highest level"),
    "budget_hours": N_("Hours budget"),
    "campaign_id": N_("Campaign"),
}


def _labels(t: Translator, fields: dict[str, str]) -> dict[str, str]:
    return {k: t(v) for k, v in fields.items()}


def _titles(modules: list[TrainingModule], locale: str) -> dict[str, Any]:
    return {m.id: text_in(m.title, m.translations, locale) for m in modules}


# --- catalogue ----------------------------------------------------------------------------


def _catalogue_table(
    modules: list[TrainingModule], ref: Reference, t: Translator, titles: dict[str, Any]
) -> Table:
    table = Table(
        t(N_("Training modules")),
        [
            Column("title", t(N_("Module"))),
            Column("id", t(N_("Identifier")), ltr=True),
            Column("kind", t(N_("Format"))),
            Column("level", t(N_("Level"))),
            Column("hours", t(N_("Hours")), numeric=True),
            Column("languages", t(N_("Languages")), ltr=True),
            Column("domains", t(N_("Domains"))),
            Column("prerequisites", t(N_("Prerequisites")), ltr=True),
        ],
    )
    for m in modules:
        table.add(
            [
                titles[m.id].text,
                m.id,
                t.label(KIND_LABELS, m.kind),
                t.label(LEVEL_LABELS, m.level),
                m.hours,
                ", ".join(m.languages),
                ", ".join(
                    ref.domain_title(d, t.locale).text or d for d in ref.domains_of(m.competencies)
                ),
                ", ".join(m.prerequisites),
            ]
        )
    return table


@router.get("/training")
def catalogue_page(
    request: Request,
    web_user: PageUser,
    session: DbSession,
    kind: str = "",
    level: str = "",
    language: str = "",
    domain: str = "",
    competency: str = "",
    format: str | None = None,
) -> Response:
    t = translator(request)
    p = web_user.principal
    ref = reference()
    modules = service.list_modules(
        session,
        p,
        kind=kind or None,
        level=level or None,
        language=language or None,
        competency=competency or None,
        domain=domain or None,
    )
    everything = {m.id: m for m in service.list_modules(session, p)}
    titles = _titles(list(everything.values()), t.locale)
    if format:
        return export_response(
            _catalogue_table(modules, ref, t, titles), format, "training-modules"
        )
    tracks = service.list_programmes(session, p, kind="track")
    context = {
        "modules": modules,
        "titles": titles,
        "ref": ref,
        "tracks": [
            (
                tr,
                text_in(tr.title, tr.translations, t.locale),
                text_in(tr.description, tr.translations, t.locale, "description"),
                service.programme_modules(session, tr.id),
            )
            for tr in tracks
        ],
        "filters": {
            "kind": kind,
            "level": level,
            "language": language,
            "domain": domain,
            "competency": competency,
        },
        "filtered": any((kind, level, language, domain, competency)),
        "kind_options": t.options(KIND_LABELS),
        "level_options": t.options(LEVEL_LABELS),
        "language_options": language_options(t),
        "domain_options": ref.domain_options(t.locale),
        "competency_options": ref.competency_options(t.locale),
        "kind_labels": KIND_LABELS,
        "level_labels": LEVEL_LABELS,
        "total": len(everything),
        "query": request.url.query,
    }
    return render(request, "training/catalogue.html", context)


@router.get("/training/modules/{module_id}")
def module_page(
    request: Request, module_id: str, web_user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    p = web_user.principal
    m = service.get_module(session, p, module_id)
    everything = {x.id: x for x in service.list_modules(session, p)}
    titles = _titles(list(everything.values()), t.locale)
    tracks = [
        (tr, text_in(tr.title, tr.translations, t.locale))
        for tr in service.list_programmes(session, p, kind="track")
        if any(pm.module_id == m.id for pm in service.programme_modules(session, tr.id))
    ]
    checks = (
        [
            (e, c)
            for e, c, _ in records.own_enrolments(session, p)
            if any(
                pm.module_id == m.id for pm in service.programme_modules(session, c.programme_id)
            )
        ]
        if m.pass_mark is not None
        else []
    )
    context = {
        "m": m,
        "title": titles[m.id],
        "description": text_in(m.description, m.translations, t.locale, "description"),
        "titles": titles,
        "ref": reference(),
        "required_by": sorted(x.id for x in everything.values() if m.id in x.prerequisites),
        "tracks": tracks,
        "questions": len(delivery.questions(session, m.id)) if m.pass_mark is not None else 0,
        "own_checks": checks,
        "kind_label": t.label(KIND_LABELS, m.kind),
        "level_label": t.label(LEVEL_LABELS, m.level),
    }
    return render(request, "training/module.html", context)


# --- recommendations ----------------------------------------------------------------------


def _recommend_options(
    values: dict[str, Any], member_id: uuid.UUID | None, errors: FormErrors, t: Translator
) -> RecommendIn | None:
    wanted = {
        k: v
        for k, v in values.items()
        if k in {"language", "max_level", "budget_hours", "campaign_id"} and v
    }
    wanted["exclude_delivered"] = values.get("include_delivered") != "on"
    try:
        return parse(RecommendIn, {**wanted, "member_id": member_id})
    except InvalidInput as exc:
        for key, messages in FormErrors.of(exc, t.locale, RECOMMEND_FIELDS).fields.items():
            for message in messages:
                errors.add(key, message)
        return None


def _campaign_options(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """Campaigns the principal may see, newest first (what demand may be drawn from)."""
    rows = assessments.list_campaigns(session, principal)
    return [(str(c.id), c.name) for c in sorted(rows, key=lambda c: c.created_at, reverse=True)]


@router.get("/training/recommendations")
def recommendations_page(
    request: Request, web_user: PageUser, session: DbSession, member: str = ""
) -> Response:
    t = translator(request)
    p = web_user.principal
    members = members_where(session, p, TRAINING_READ, ASSESSMENTS_READ)
    federation = p.can(ASSESSMENTS_READ, Node.federation()) and p.can(
        TRAINING_READ, Node.federation()
    )
    if not member and len(members) == 1 and not federation:
        member = str(members[0][0])
    values = dict(request.query_params)
    errors = FormErrors()
    plan = None
    member_id: uuid.UUID | None = None
    if member and member != "federation":
        try:
            member_id = uuid.UUID(member)
        except ValueError:
            errors.add("member", t(N_("Choose a valid entry.")))
    if member and not errors:
        options = _recommend_options(values, member_id, errors, t)
        if options is not None:
            plan = service.recommend(session, p, options).document()
    everything = service.list_modules(session, p)
    context = {
        "members": members,
        "federation": federation,
        "member": member,
        "values": values,
        "errors": errors,
        "labels": _labels(t, RECOMMEND_FIELDS),
        "plan": plan,
        "titles": _titles(everything, t.locale),
        "ref": reference(),
        "language_options": language_options(t),
        "level_options": t.options(LEVEL_LABELS),
        "kind_labels": KIND_LABELS,
        "level_labels": LEVEL_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "campaign_options": _campaign_options(session, p),
        "can_generate": p.can(TRAINING_MANAGE, Node.federation()) and member_id is not None,
        "member_id": member_id,
    }
    return render(request, "training/recommendations.html", context, 422 if errors else 200)


# --- programmes ---------------------------------------------------------------------------


def _programmes_context(
    request: Request,
    session: Session,
    principal: Principal,
    member: str,
    status: str,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    t = translator(request)
    member_id = _uuid_or_none(member)
    rows = service.list_programmes(session, principal, member_id=member_id)
    if status:
        rows = [r for r in rows if r.status == status]
    names = dict(members_where(session, principal, TRAINING_READ))
    can_manage = principal.can(TRAINING_MANAGE, Node.federation())
    return {
        "tracks": [
            (r, text_in(r.title, r.translations, t.locale)) for r in rows if r.kind == "track"
        ],
        "tailored": [r for r in rows if r.kind == "tailored"],
        "names": names,
        "members": sorted(names.items(), key=lambda kv: kv[1]),
        "member": member,
        "status": status,
        "status_options": t.options(PROGRAMME_STATUS_LABELS),
        "status_labels": PROGRAMME_STATUS_LABELS,
        "can_manage": can_manage,
        "campaign_options": _campaign_options(session, principal) if can_manage else [],
        "language_options": language_options(t),
        "level_options": t.options(LEVEL_LABELS),
        "errors": errors or FormErrors(),
        "values": values or {},
        "labels": _labels(t, RECOMMEND_FIELDS),
    }


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@router.get("/training/programmes")
def programmes_page(
    request: Request, web_user: PageUser, session: DbSession, member: str = "", status: str = ""
) -> Response:
    context = _programmes_context(request, session, web_user.principal, member, status)
    return render(request, "training/programmes.html", context)


@router.post("/training/programmes/generate")
def generate_programme(
    request: Request, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    """Generate (or keep, when the data is unchanged) the tailored programme of one member
    state, or of every member with measured demand."""
    t = translator(request)
    p = web_user.principal
    values = form_values(form)
    errors = FormErrors()
    member = values.get("member") or ""
    member_ids = None
    if member != "all":
        member_id = _uuid_or_none(member)
        if member_id is None:
            errors.add("member", t(N_("This field is required.")))
        member_ids = [member_id] if member_id else None
    options = _recommend_options(values, None, errors, t)
    if errors or options is None:
        context = _programmes_context(request, session, p, "", "", errors, values)
        return render(request, "training/programmes.html", context, 422)
    before = {r.id for r in service.list_programmes(session, p, kind="tailored")}
    data = GenerateIn(**options.model_dump(exclude={"member_id"}), member_ids=member_ids)
    rows = service.generate_programmes(session, p, data, member_ids)
    session.commit()
    if not rows:
        errors.add(
            "", t(N_("No measured demand: no completed assessment shows a gap linked to training."))
        )
        context = _programmes_context(request, session, p, "", "", errors, values)
        return render(request, "training/programmes.html", context, 422)
    fresh = [r for r in rows if r.id not in before]
    if len(rows) == 1:
        flash = (
            N_("Programme generated.") if fresh else N_("The data gives the same programme: kept.")
        )
        return redirect(f"/training/programmes/{rows[0].id}", flash)
    return redirect("/training/programmes?status=draft", N_("Programmes generated."))


def _module_rows(
    session: Session, programme: TrainingProgramme, modules: dict[str, TrainingModule]
) -> list[tuple[Any, TrainingModule]]:
    return [
        (pm, modules[pm.module_id])
        for pm in service.programme_modules(session, programme.id)
        if pm.module_id in modules
    ]


@router.get("/training/programmes/{programme_id}")
def programme_page(
    request: Request, programme_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    p = web_user.principal
    row = service.get_programme(session, p, programme_id)
    everything = service.list_modules(session, p)
    modules = {m.id: m for m in everything}
    items = _module_rows(session, row, modules)
    cohorts = [
        c
        for c in delivery.list_cohorts(session, p, member_id=row.member_id)
        if c.programme_id == row.id
    ]
    names = dict(members_where(session, p, TRAINING_READ))
    can_deliver = (
        p.can(TRAINING_DELIVER, Node.member(row.member_id))
        if row.member_id
        else not p.visible(TRAINING_DELIVER).nothing
    )
    context = {
        "programme": row,
        "title": programme_title(row, t, names),
        "member_name": names.get(row.member_id) if row.member_id else None,
        "items": items,
        "titles": _titles(everything, t.locale),
        "plan": row.plan or None,
        "ref": reference(),
        "cohorts": cohorts,
        "counts": records.cohort_counts(session, p, [c.id for c in cohorts]),
        "kind_labels": KIND_LABELS,
        "level_labels": LEVEL_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "kind_label": t.label(PROGRAMME_KIND_LABELS, row.kind),
        "status_label": t.label(PROGRAMME_STATUS_LABELS, row.status),
        "status_options": t.options(PROGRAMME_STATUS_LABELS),
        "can_manage": p.can(TRAINING_MANAGE, Node.federation()) and row.kind == "tailored",
        "can_start": can_deliver and row.status == "approved",
        "cohort_sizes": sum((pm.cohorts or 0) for pm, _ in items),
    }
    return render(request, "training/programme.html", context)


@router.post("/training/programmes/{programme_id}/status")
def programme_status(
    programme_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    data = parse(StatusIn, form_values(form))
    service.set_programme_status(session, web_user.principal, programme_id, data.status)
    return redirect(f"/training/programmes/{programme_id}", N_("Programme status changed."))


# --- capacity -----------------------------------------------------------------------------


def _capacity_specs(report: dict[str, Any], ref: Reference, t: Translator) -> dict[str, Any]:
    if not report["rows"]:
        return {}
    domain_titles = {d: ref.domain_title(d, t.locale).text or d for d in ref.domains}
    return {
        "periods": training_charts.people_by_period(
            report["rows"],
            domain_titles,
            title=t(N_("People trained per period and domain")),
            people_title=t(N_("People")),
            period_title=t(N_("Period")),
            domain_title=t(N_("Domain")),
        ),
        "roles": training_charts.people_by_role(
            report["totals"]["by_role"],
            {**ref.work_roles, "unspecified": t(N_("Role not recorded"))},
            title=t(N_("People trained per NICE work role")),
            people_title=t(N_("People")),
        ),
    }


@router.get("/training/capacity")
def capacity_page(
    request: Request,
    web_user: PageUser,
    session: DbSession,
    member: str = "",
    period: str = "quarter",
) -> Response:
    t = translator(request)
    p = web_user.principal
    members = members_where(session, p, TRAINING_READ)
    federation = p.can(TRAINING_READ, Node.federation())
    if not member and len(members) == 1 and not federation:
        member = str(members[0][0])
    member_id = _uuid_or_none(member)
    if member and member_id is None:
        raise InvalidInput("no such member", [FieldError("member", member)])
    chosen = cast(capacity.Period, period if period in PERIOD_LABELS else "quarter")
    report = capacity.capacity(session, p, member_id, chosen)
    ref = reference()
    context = {
        "report": report,
        "members": members,
        "member": member,
        "member_name": dict(members).get(member_id) if member_id else None,
        "federation": federation,
        "period": chosen,
        "period_options": t.options(PERIOD_LABELS),
        "ref": ref,
        "specs": _capacity_specs(report, ref, t),
        "evidence_labels": EVIDENCE_LABELS,
        "indicator_labels": INDICATOR_LABELS,
        "indicator_status_labels": INDICATOR_STATUS_LABELS,
        "figure_labels": FIGURE_LABELS,
        "can_apply": member_id is not None and p.can(ASSESSMENTS_WRITE, Node.member(member_id)),
    }
    return render(request, "training/capacity.html", context)


@router.post("/training/capacity/{member_id}/apply")
def apply_capacity(
    member_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    applied = capacity.apply_indicators(session, web_user.principal, member_id)
    message = (
        N_("Met indicators recorded on the national capacity assessment.")
        if any(i["applied"] for i in applied)
        else N_(
            "Nothing recorded: no indicator is met, or no national capacity assessment is open."
        )
    )
    return redirect(f"/training/capacity?member={member_id}", message)


router.include_router(delivery_router)
