"""Web pages of training delivery: cohorts (enrolment, attendance, results, progress),
participants and their certificates, and "my training" for people who take part themselves.
Knowledge checks and certificate verification are in `views_checks.py`.

Thin: the delivery services check every read and write with the page principal; a member
user never reaches another member's cohort, participants, results or certificates (404).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from aman.auth import service as auth_service
from aman.auth.deps import DbSession
from aman.auth.permissions import Node, Principal
from aman.auth.roles import TRAINING_DELIVER, TRAINING_READ
from aman.db import utcnow
from aman.errors import Conflict, FieldError, InvalidInput, PermissionDenied
from aman.registry import service as registry
from aman.training import catalogue, certificates, delivery, records, service
from aman.training.schemas import (
    AttendanceIn,
    CertificateIn,
    CohortIn,
    CohortPatch,
    ParticipantIn,
    ResultIn,
)
from aman.training.view_support import (
    CERTIFICATE_STATUS_LABELS,
    COHORT_STATUS_LABELS,
    ENROLMENT_STATUS_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PROGRAMME_STATUS_LABELS,
    RESULT_STATUS_LABELS,
    language_options,
    members_where,
    programme_title,
    reference,
    text_in,
)
from aman.training.views_checks import router as checks_router
from aman.web.auth import PageUser, safe_next
from aman.web.forms import CsrfForm, FormErrors, attempt, form_values, parse
from aman.web.i18n import N_, Translator, translator
from aman.web.render import page_router, redirect, render

router = page_router()
COHORT_FIELDS = {
    "programme_id": N_("Programme"),
    "member_id": N_("Member state"),
    "name": N_("Name"),
    "language": N_("Language"),
    "starts_on": N_("Starts on"),
    "ends_on": N_("Ends on"),
    "capacity": N_("Places"),
}
PARTICIPANT_FIELDS = {
    "name": N_("Name"),
    "email": N_("E-mail address"),
    "organisation_id": N_("Organisation"),
    "user_id": N_("Aman account"),
    "work_role": N_("NICE work role"),
    "ecsf_profile": N_("ECSF role profile"),
    "participant_ids": N_("Participants"),
    "enrolment_ids": N_("Participants"),
    "module_id": N_("Module"),
    "session_date": N_("Session date"),
    "hours": N_("Hours"),
    "status": N_("Status"),
    "score": N_("Score out of 100"),
}


def _labels(t: Translator, fields: dict[str, str]) -> dict[str, str]:
    return {k: t(v) for k, v in fields.items()}


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def certificate_status(cert: Any, today: date) -> str:
    """valid, expired or revoked: what the public check would answer."""
    if cert.revoked_at is not None:
        return "revoked"
    if cert.valid_until is not None and cert.valid_until < today:
        return "expired"
    return "valid"


# --- cohorts ------------------------------------------------------------------------------


@router.get("/training/cohorts")
def cohorts_page(
    request: Request, web_user: PageUser, session: DbSession, member: str = "", status: str = ""
) -> Response:
    t = translator(request)
    p = web_user.principal
    rows = delivery.list_cohorts(session, p, member_id=_uuid(member))
    if status:
        rows = [c for c in rows if c.status == status]
    programmes = {r.id: r for r in service.list_programmes(session, p)}
    names = dict(members_where(session, p, TRAINING_READ))
    context = {
        "cohorts": rows,
        "counts": records.cohort_counts(session, p, [c.id for c in rows]),
        "programmes": {k: programme_title(v, t, names) for k, v in programmes.items()},
        "names": names,
        "members": sorted(names.items(), key=lambda kv: kv[1]),
        "member": member,
        "status": status,
        "status_options": t.options(COHORT_STATUS_LABELS),
        "status_labels": COHORT_STATUS_LABELS,
        "can_create": not p.visible(TRAINING_DELIVER).nothing,
    }
    return render(request, "training/cohorts.html", context)


def _cohort_form(
    request: Request,
    session: Session,
    principal: Principal,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    t = translator(request)
    deliverable = members_where(session, principal, TRAINING_DELIVER)
    allowed = {m for m, _ in deliverable}
    programmes = [
        r
        for r in service.list_programmes(session, principal)
        if r.status == "approved" and (r.kind == "track" or r.member_id in allowed)
    ]
    names = dict(deliverable)
    context = {
        "values": values,
        "errors": errors,
        "labels": _labels(t, COHORT_FIELDS),
        "programme_options": [
            (str(r.id), programme_title(r, t, names).text or r.title) for r in programmes
        ],
        "member_options": [(str(m), name) for m, name in deliverable],
        "language_options": language_options(t),
    }
    return render(request, "training/cohort_form.html", context, 422 if errors else 200)


@router.get("/training/cohorts/new")
def new_cohort_page(
    request: Request, web_user: PageUser, session: DbSession, programme: str = ""
) -> Response:
    p = web_user.principal
    if p.visible(TRAINING_DELIVER).nothing:
        raise PermissionDenied("running cohorts needs training.deliver")
    values: dict[str, Any] = {"programme_id": programme, "language": translator(request).locale}
    chosen = _uuid(programme)
    if chosen is not None:
        row = service.get_programme(session, p, chosen)
        values["member_id"] = str(row.member_id) if row.member_id else ""
    deliverable = members_where(session, p, TRAINING_DELIVER)
    if not values.get("member_id") and len(deliverable) == 1:
        values["member_id"] = str(deliverable[0][0])
    return _cohort_form(request, session, p, values, FormErrors())


@router.post("/training/cohorts/new")
def create_cohort(
    request: Request, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    values = form_values(form)
    row, errors = attempt(
        session,
        t.locale,
        COHORT_FIELDS,
        lambda: delivery.create_cohort(session, web_user.principal, parse(CohortIn, values)),
    )
    if row is None:
        return _cohort_form(request, session, web_user.principal, values, errors)
    session.commit()
    return redirect(f"/training/cohorts/{row.id}", N_("Cohort created."))


def _cohort_context(
    request: Request, session: Session, principal: Principal, cohort_id: uuid.UUID
) -> dict[str, Any]:
    t = translator(request)
    record = records.cohort_record(session, principal, cohort_id)
    cohort = record.cohort
    can_deliver = principal.can(TRAINING_DELIVER, Node.member(cohort.member_id))
    enrolled = {r.participant.id for r in record.rows}
    others, orgs, users = [], [], []
    if can_deliver:
        people = delivery.list_participants(
            session, principal, member_id=cohort.member_id, limit=500
        )
        others = [x for x in people.items if x.id not in enrolled]
        orgs = registry.list_organisations(
            session, principal, member_id=cohort.member_id, limit=500
        ).items
        try:
            users = auth_service.list_users(session, principal, None, 500).items
        except PermissionDenied:
            users = []
    ref = reference()
    names = dict(members_where(session, principal, TRAINING_READ))
    return {
        "record": record,
        "c": cohort,
        "member_name": names.get(cohort.member_id, ""),
        "programme_title": programme_title(record.programme, t, names),
        "titles": {m.id: text_in(m.title, m.translations, t.locale) for m in record.modules},
        "module_choices": [
            (m.id, text_in(m.title, m.translations, t.locale).text) for m in record.modules
        ],
        "can_deliver": can_deliver,
        "others": others,
        "org_options": [(str(o.id), o.name) for o in orgs],
        "user_options": [(str(u.id), f"{u.display_name} <{u.email}>") for u in users],
        "role_options": [(k, f"{k} — {v}") for k, v in sorted(ref.work_roles.items())],
        "ecsf_options": [(x, x) for x in sorted(_ecsf_profiles())],
        "status_options": t.options(COHORT_STATUS_LABELS),
        "status_label": t.label(COHORT_STATUS_LABELS, cohort.status),
        "result_options": t.options(RESULT_STATUS_LABELS),
        "result_labels": RESULT_STATUS_LABELS,
        "enrolment_labels": ENROLMENT_STATUS_LABELS,
        "certificate_labels": CERTIFICATE_STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "level_labels": LEVEL_LABELS,
        "language_label": dict(language_options(t)).get(cohort.language, cohort.language),
        "today": _today(),
        "certificate_status": certificate_status,
        "errors": FormErrors(),
        "form": "",
        "values": {},
        "labels": _labels(t, PARTICIPANT_FIELDS),
        "open": cohort.status not in ("completed", "cancelled"),
    }


def _ecsf_profiles() -> list[str]:
    return list(catalogue.shipped().frameworks.ecsf.role_profiles)


def _today() -> date:
    return utcnow().date()


def _cohort_page(
    request: Request,
    session: Session,
    principal: Principal,
    cohort_id: uuid.UUID,
    form: str = "",
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    context = _cohort_context(request, session, principal, cohort_id)
    context.update(form=form, errors=errors or FormErrors(), values=values or {})
    return render(request, "training/cohort.html", context, 422 if errors else 200)


@router.get("/training/cohorts/{cohort_id}")
def cohort_page(
    request: Request, cohort_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    return _cohort_page(request, session, web_user.principal, cohort_id)


@router.post("/training/cohorts/{cohort_id}/status")
def cohort_status(
    request: Request, cohort_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    data = parse(CohortPatch, {"status": form_values(form).get("status")})
    delivery.update_cohort(session, web_user.principal, cohort_id, data)
    session.commit()
    return redirect(f"/training/cohorts/{cohort_id}", N_("Cohort status changed."))


def _written(
    request: Request,
    session: Session,
    principal: Principal,
    cohort_id: uuid.UUID,
    name: str,
    values: dict[str, Any],
    action: Any,
    flash: str,
) -> Response:
    """Run a cohort form's service calls; redisplay the page with the errors, or redirect."""
    _, errors = attempt(session, translator(request).locale, PARTICIPANT_FIELDS, action)
    if errors:
        return _cohort_page(request, session, principal, cohort_id, name, errors, values)
    session.commit()
    return redirect(f"/training/cohorts/{cohort_id}#{name}", flash)


@router.post("/training/cohorts/{cohort_id}/participants")
def add_participant(
    request: Request, cohort_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    """Register a person for the cohort's member state and enrol them in the cohort."""
    p = web_user.principal
    cohort = delivery.get_cohort(session, p, cohort_id)
    values = form_values(form)

    def act() -> Any:
        data = parse(ParticipantIn, {**values, "member_id": cohort.member_id})
        person = delivery.create_participant(session, p, data)
        return delivery.enrol(session, p, cohort.id, [person.id])

    return _written(
        request, session, p, cohort_id, "add", values, act, N_("Participant added and enrolled.")
    )


@router.post("/training/cohorts/{cohort_id}/enrol")
def enrol_existing(
    request: Request, cohort_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    p = web_user.principal
    values = form_values(form, lists=["participant_ids"])
    ids = _chosen(values, "participant_ids")
    required = translator(request)(N_("Choose at least one person."))

    def act() -> Any:
        if not ids:
            raise InvalidInput("choose participants", [FieldError("participant_ids", required)])
        return delivery.enrol(session, p, cohort_id, ids)

    return _written(
        request, session, p, cohort_id, "enrol", values, act, N_("Participants enrolled.")
    )


def _chosen(values: dict[str, Any], key: str) -> list[uuid.UUID]:
    return [i for i in (_uuid(v) for v in values.get(key, [])) if i is not None]


@router.post("/training/cohorts/{cohort_id}/attendance")
def record_attendance(
    request: Request, cohort_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    """One session's attendance sheet: everyone active in the cohort, ticked present or not."""
    p = web_user.principal
    record = records.cohort_record(session, p, cohort_id)
    values = form_values(form, lists=["present"])
    present = set(_chosen(values, "present"))

    def act() -> Any:
        data = parse(
            AttendanceIn, {k: values.get(k) for k in ("module_id", "session_date", "hours")}
        )
        return [
            delivery.record_attendance(
                session,
                p,
                r.enrolment.id,
                data.model_copy(update={"present": r.enrolment.id in present}),
            )
            for r in record.rows
            if r.enrolment.status != "withdrawn"
        ]

    return _written(
        request, session, p, cohort_id, "attendance", values, act, N_("Attendance recorded.")
    )


@router.post("/training/cohorts/{cohort_id}/results")
def record_results(
    request: Request, cohort_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    """The same result (module, status, score) for the ticked participants."""
    p = web_user.principal
    records.cohort_record(session, p, cohort_id)  # 404 before anything else
    values = form_values(form, lists=["enrolment_ids"])
    chosen = _chosen(values, "enrolment_ids")
    required = translator(request)(N_("Choose at least one person."))

    def act() -> Any:
        raw = dict(values)
        if raw.get("score") not in (None, ""):
            try:
                raw["score"] = float(str(raw["score"]).replace(",", ".")) / 100
            except ValueError:
                raise InvalidInput("bad score", [FieldError("score", "Enter a number.")]) from None
        data = parse(ResultIn, {k: raw.get(k) for k in ("module_id", "status", "score")})
        if not chosen:
            raise InvalidInput("choose participants", [FieldError("enrolment_ids", required)])
        return [delivery.record_result(session, p, e, data) for e in chosen]

    return _written(request, session, p, cohort_id, "results", values, act, N_("Results recorded."))


# --- certificates -------------------------------------------------------------------------


@router.post("/training/enrolments/{enrolment_id}/certificates")
def issue_certificate(
    request: Request,
    enrolment_id: uuid.UUID,
    form: CsrfForm,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    """Issue and show the verification code once (only its hash is stored)."""
    p = web_user.principal
    enrolment, cohort, person = delivery.readable_enrolment(session, p, enrolment_id)
    values = form_values(form)
    data = parse(
        CertificateIn,
        {
            "module_id": values.get("module_id") or None,
            "valid_years": values.get("valid_years") or 3,
        },
    )
    try:
        issued = certificates.issue(session, p, enrolment.id, data, str(request.base_url))
    except Conflict as exc:
        session.rollback()
        errors = FormErrors()
        errors.add("", exc.detail)
        return _cohort_page(request, session, p, cohort.id, "certificates", errors, values)
    session.commit()
    context = {
        "issued": issued,
        "cert": issued.certificate,
        "person": person,
        "cohort": cohort,
    }
    return render(request, "training/issued.html", context, 201)


@router.get("/training/certificates/{certificate_id}/pdf")
def certificate_pdf(certificate_id: uuid.UUID, web_user: PageUser, session: DbSession) -> Response:
    cert = certificates.get(session, web_user.principal, certificate_id)
    return Response(
        cert.pdf or b"",
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{cert.id}.pdf"'},
    )


@router.post("/training/certificates/{certificate_id}/revoke")
def revoke_certificate(
    certificate_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    cert = certificates.revoke(session, web_user.principal, certificate_id)
    session.commit()
    back = form.get("next")
    target = safe_next(
        back if isinstance(back, str) else None, f"/training/participants/{cert.participant_id}"
    )
    return redirect(target, N_("Certificate revoked."))


# --- people -------------------------------------------------------------------------------


@router.get("/training/participants/{participant_id}")
def participant_page(
    request: Request, participant_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    p = web_user.principal
    person, enrolled = records.participant_enrolments(session, p, participant_id)
    can_read = p.can(TRAINING_READ, Node.member(person.member_id))
    context = {
        "person": person,
        "enrolments": [(e, c, delivery.results(session, p, e.id)) for e, c in enrolled],
        "certificates": certificates.list_for_participant(session, p, person.id),
        "member_name": dict(members_where(session, p, TRAINING_READ)).get(person.member_id, ""),
        "can_read_cohorts": can_read,
        "can_deliver": p.can(TRAINING_DELIVER, Node.member(person.member_id)),
        "role_title": reference().work_roles.get(person.work_role or "", ""),
        "today": _today(),
        "certificate_status": certificate_status,
        "certificate_labels": CERTIFICATE_STATUS_LABELS,
        "enrolment_labels": ENROLMENT_STATUS_LABELS,
        "result_labels": RESULT_STATUS_LABELS,
        "cohort_labels": COHORT_STATUS_LABELS,
        "programme_labels": PROGRAMME_STATUS_LABELS,
        "locale": t.locale,
    }
    return render(request, "training/participant.html", context)


@router.get("/training/me")
def my_training(request: Request, web_user: PageUser, session: DbSession) -> Response:
    """What the user takes part in: cohorts, modules with their checks, results, certificates."""
    t = translator(request)
    p = web_user.principal
    rows = []
    people: dict[uuid.UUID, Any] = {}
    for e, c, person in records.own_enrolments(session, p):
        people[person.id] = person
        results = {r.module_id: r for r in delivery.results(session, p, e.id)}
        modules = records.programme_of(session, c)[1]
        rows.append((e, c, modules, results))
    certs = [cert for pid in people for cert in certificates.list_for_participant(session, p, pid)]
    titles = {
        m.id: text_in(m.title, m.translations, t.locale) for _, _, mods, _ in rows for m in mods
    }
    context = {
        "rows": rows,
        "titles": titles,
        "certificates": certs,
        "today": _today(),
        "certificate_status": certificate_status,
        "certificate_labels": CERTIFICATE_STATUS_LABELS,
        "result_labels": RESULT_STATUS_LABELS,
        "enrolment_labels": ENROLMENT_STATUS_LABELS,
    }
    return render(request, "training/me.html", context)


router.include_router(checks_router)
