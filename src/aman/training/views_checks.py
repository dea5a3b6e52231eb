"""Web pages of knowledge checks and of the public certificate check.

A knowledge check page shows the questions and their choices, never which choices are
correct: the page gets copies without the `correct` flags, so nothing in its source gives the
answers away. Submitting marks the attempt through the delivery service (the participant
itself, or a deliverer recording a supervised attempt) and shows the score against the pass
mark and the attempts left, still without the answers.

`/verify/{code}` answers API clients with JSON (in `api.py`) and browsers with the page
rendered here; `/verify` is a form for typing a code in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from aman.auth.deps import DbSession
from aman.auth.permissions import Node, Principal
from aman.auth.roles import TRAINING_DELIVER
from aman.errors import InvalidInput, NotFound
from aman.training import certificates, delivery, records, service
from aman.training.access import is_self
from aman.training.models import Cohort, Enrolment, Participant, TrainingQuestion
from aman.training.schemas import AttemptIn, VerificationOut
from aman.training.view_support import CERTIFICATE_STATUS_LABELS, text_in
from aman.web.auth import MaybeUser, PageUser
from aman.web.forms import CsrfForm, FormErrors, attempt
from aman.web.i18n import N_, translator
from aman.web.render import page_router, redirect, render

router = page_router()
ANSWER_PREFIX = "answer-"


@dataclass(frozen=True)
class Choice:
    id: str
    text: str


@dataclass(frozen=True)
class Question:
    """What a participant may see of a question: no `correct` flag anywhere."""

    key: str
    kind: str
    text: str
    points: float
    choices: tuple[Choice, ...]


def shown(rows: list[TrainingQuestion]) -> list[Question]:
    return [
        Question(
            q.key,
            q.kind,
            q.text,
            q.points,
            tuple(Choice(str(c["id"]), str(c["text"])) for c in q.choices),
        )
        for q in rows
    ]


@dataclass(frozen=True)
class Seat:
    """An enrolment whose programme holds the module: where an attempt is recorded."""

    enrolment: Enrolment
    cohort: Cohort
    person: Participant


def _seats(session: Session, principal: Principal, module_id: str) -> list[Seat]:
    """The principal's own enrolments in cohorts whose programme includes the module."""
    return [
        Seat(e, c, person)
        for e, c, person in records.own_enrolments(session, principal)
        if any(
            pm.module_id == module_id for pm in service.programme_modules(session, c.programme_id)
        )
    ]


def _seat(
    session: Session, principal: Principal, module_id: str, enrolment: str | None
) -> tuple[Seat | None, list[Seat]]:
    own = _seats(session, principal, module_id)
    if not enrolment:
        return (own[0] if len(own) == 1 else None), own
    try:
        wanted = uuid.UUID(enrolment)
    except ValueError:
        raise NotFound("no such enrolment") from None
    e, c, person = delivery.readable_enrolment(session, principal, wanted)
    if not any(
        pm.module_id == module_id for pm in service.programme_modules(session, c.programme_id)
    ):
        raise NotFound("the module is not part of this cohort's programme")
    return Seat(e, c, person), own


def _check_context(
    request: Request,
    session: Session,
    principal: Principal,
    module_id: str,
    enrolment: str | None,
) -> dict[str, Any]:
    t = translator(request)
    module, rows = delivery.knowledge_check(session, principal, module_id)
    seat, own = _seat(session, principal, module_id, enrolment)
    tries = records.attempts_of(session, principal, seat.enrolment.id, module.id) if seat else []
    may_submit = seat is not None and (
        is_self(principal, seat.person)
        or principal.can(TRAINING_DELIVER, Node.member(seat.cohort.member_id))
    )
    passed = any(a.passed for a in tries)
    left = max(0, (module.max_attempts or 0) - len(tries))
    return {
        "m": module,
        "title": text_in(module.title, module.translations, t.locale),
        "questions": shown(rows),
        "seat": seat,
        "own": own,
        "tries": tries,
        "passed": passed,
        "left": left,
        "may_submit": may_submit and left > 0 and not passed and seat is not None,
        "proxy": seat is not None and not is_self(principal, seat.person),
        "errors": FormErrors(),
        "picked": {},
    }


@router.get("/training/modules/{module_id}/check")
def check_page(
    request: Request,
    module_id: str,
    web_user: PageUser,
    session: DbSession,
    enrolment: str | None = None,
) -> Response:
    context = _check_context(request, session, web_user.principal, module_id, enrolment)
    return render(request, "training/check.html", context)


@router.post("/training/modules/{module_id}/check")
def submit_check(
    request: Request, module_id: str, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    p = web_user.principal
    raw = form.get("enrolment")
    enrolment = raw if isinstance(raw, str) else ""
    context = _check_context(request, session, p, module_id, enrolment)
    seat = context["seat"]
    if seat is None:
        raise InvalidInput("choose the enrolment the attempt is for")
    keys = {q.key for q in context["questions"]}
    answers = {
        key: [v for v in form.getlist(ANSWER_PREFIX + key) if isinstance(v, str)] for key in keys
    }
    answers = {k: v for k, v in answers.items() if v}
    data = AttemptIn(module_id=module_id, answers=answers)
    done, errors = attempt(
        session,
        translator(request).locale,
        (),
        lambda: delivery.submit_attempt(session, p, seat.enrolment.id, data),
    )
    if done is None:
        context = _check_context(request, session, p, module_id, enrolment)
        context.update(errors=errors, picked=answers)
        return render(request, "training/check.html", context, 422)
    session.commit()
    message = N_("Knowledge check passed.") if done.passed else N_("Knowledge check not passed.")
    return redirect(
        f"/training/modules/{module_id}/check?enrolment={seat.enrolment.id}#result", message
    )


# --- public verification ------------------------------------------------------------------


def verification_page(
    request: Request, result: VerificationOut | None, status_code: int = 200
) -> HTMLResponse:
    """The public page of a verification code: what it certifies, or that it is unknown."""
    t = translator(request)
    context = {
        "v": result,
        "status_label": t.label(CERTIFICATE_STATUS_LABELS, result.status) if result else "",
    }
    return render(request, "training/verify.html", context, status_code)


@router.get("/verify")
def verify_form(request: Request, web_user: MaybeUser, code: str = "") -> Response:
    """Type a code in; a code given goes to its own page, grouped as printed."""
    normal = certificates.normalise(code)
    if normal:
        grouped = "-".join(normal[i : i + 4] for i in range(0, len(normal), 4))
        return redirect(f"/verify/{grouped}")
    return render(request, "training/verify.html", {"v": None, "form_only": True})
