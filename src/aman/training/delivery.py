"""Delivering training to a member state: participants, cohorts, enrolment, attendance,
results and knowledge checks. Completed modules and passed checks become competency evidence.

Everything here is tenant data of one member: reads need training.read on the member's
node, writes training.deliver (member admins for their own member, the federation for all).
A participant linked to a user may take its own knowledge checks.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.models import User
from aman.auth.permissions import Principal
from aman.auth.roles import TRAINING_DELIVER, TRAINING_READ
from aman.db import utcnow
from aman.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from aman.pagination import Page, paginate
from aman.registry.models import Member, Organisation
from aman.training.access import (
    is_self,
    member_filter,
    member_node,
    participant_filter,
    participant_node,
    readable_or_missing,
    require,
)
from aman.training.models import (
    Attendance,
    Cohort,
    CompetencyEvidence,
    Enrolment,
    ModuleResult,
    Participant,
    QuizAttempt,
    TrainingModule,
    TrainingProgramme,
    TrainingQuestion,
)
from aman.training.quiz import QuestionKey, mark
from aman.training.schemas import (
    AttemptIn,
    AttendanceIn,
    CohortIn,
    CohortPatch,
    ParticipantIn,
    ResultIn,
)
from aman.training.service import ensure_catalogue, get_programme, programme_modules

# --- participants -------------------------------------------------------------------------


def create_participant(session: Session, principal: Principal, data: ParticipantIn) -> Participant:
    require(principal, TRAINING_DELIVER, data.member_id)
    if session.get(Member, data.member_id) is None:
        raise NotFound("no such member")
    if data.organisation_id is not None:
        org = session.get(Organisation, data.organisation_id)
        if org is None or org.member_id != data.member_id:
            raise InvalidInput(
                "the organisation is not the member's", [FieldError("organisation_id", "not found")]
            )
    if data.user_id is not None and session.get(User, data.user_id) is None:
        raise InvalidInput("no such user", [FieldError("user_id", "not found")])
    email = data.email.lower() if data.email else None
    if email and session.scalar(
        select(Participant.id).where(
            Participant.member_id == data.member_id, Participant.email == email
        )
    ):
        raise Conflict("a participant with this e-mail exists", [FieldError("email", "in use")])
    row = Participant(**(data.model_dump() | {"email": email}))
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "training.participant.create",
        "training_participant",
        row.id,
        member_id=row.member_id,
    )
    return row


def list_participants(
    session: Session,
    principal: Principal,
    *,
    member_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Participant]:
    stmt = participant_filter(principal, TRAINING_READ, select(Participant))
    if member_id is not None:
        stmt = stmt.where(Participant.member_id == member_id)
    return paginate(session, stmt, [Participant.created_at, Participant.id], cursor, limit)


def get_participant(
    session: Session, principal: Principal, participant_id: uuid.UUID
) -> Participant:
    row = session.get(Participant, participant_id)
    if row is None or not (
        principal.can(TRAINING_READ, participant_node(row)) or is_self(principal, row)
    ):
        raise NotFound("no such participant")
    return row


# --- cohorts ------------------------------------------------------------------------------


def create_cohort(session: Session, principal: Principal, data: CohortIn) -> Cohort:
    require(principal, TRAINING_DELIVER, data.member_id)
    programme = get_programme(session, principal, data.programme_id)
    if programme.kind == "tailored" and programme.member_id != data.member_id:
        raise InvalidInput(
            "the programme was tailored for another member",
            [FieldError("programme_id", "other member")],
        )
    if programme.status != "approved":
        raise Conflict(f"the programme is {programme.status}; approve it before running cohorts")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise InvalidInput(
            "the cohort ends before it starts", [FieldError("ends_on", "before starts_on")]
        )
    if session.scalar(
        select(Cohort.id).where(Cohort.member_id == data.member_id, Cohort.name == data.name)
    ):
        raise Conflict("a cohort with this name exists", [FieldError("name", "in use")])
    row = Cohort(**data.model_dump())
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "training.cohort.create",
        "training_cohort",
        row.id,
        member_id=row.member_id,
    )
    return row


def list_cohorts(
    session: Session, principal: Principal, *, member_id: uuid.UUID | None = None
) -> list[Cohort]:
    stmt = member_filter(principal, TRAINING_READ, select(Cohort), Cohort.member_id)
    if member_id is not None:
        stmt = stmt.where(Cohort.member_id == member_id)
    return list(session.scalars(stmt.order_by(Cohort.created_at, Cohort.id)))


def get_cohort(session: Session, principal: Principal, cohort_id: uuid.UUID) -> Cohort:
    row = session.get(Cohort, cohort_id)
    if row is None:
        raise NotFound("no such cohort")
    readable_or_missing(principal, TRAINING_READ, member_node(row.member_id), "cohort")
    return row


def update_cohort(
    session: Session, principal: Principal, cohort_id: uuid.UUID, patch: CohortPatch
) -> Cohort:
    row = get_cohort(session, principal, cohort_id)
    require(principal, TRAINING_DELIVER, row.member_id)
    changes = patch.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(row, key, value)
    audit.record(
        session,
        principal,
        "training.cohort.update",
        "training_cohort",
        row.id,
        member_id=row.member_id,
        details={k: str(v) for k, v in changes.items()},
    )
    return row


def enrol(
    session: Session, principal: Principal, cohort_id: uuid.UUID, participant_ids: list[uuid.UUID]
) -> list[Enrolment]:
    """Enrol participants of the cohort's member; enrolling someone twice is a no-op."""
    cohort = get_cohort(session, principal, cohort_id)
    require(principal, TRAINING_DELIVER, cohort.member_id)
    if cohort.status in ("completed", "cancelled"):
        raise Conflict(f"the cohort is {cohort.status}")
    people = {
        p.id: p
        for p in session.scalars(select(Participant).where(Participant.id.in_(participant_ids)))
    }
    errors = [
        FieldError(f"participant_ids.{i}", "not a participant of the cohort's member")
        for i, pid in enumerate(participant_ids)
        if pid not in people or people[pid].member_id != cohort.member_id
    ]
    if errors:
        raise InvalidInput("some participants cannot join this cohort", errors)
    existing = {
        e.participant_id: e
        for e in session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort.id))
    }
    new = [pid for pid in dict.fromkeys(participant_ids) if pid not in existing]
    active = sum(1 for e in existing.values() if e.status != "withdrawn")
    if cohort.capacity is not None and active + len(new) > cohort.capacity:
        raise Conflict(f"the cohort holds {cohort.capacity} people; {active} are enrolled")
    rows = [Enrolment(cohort_id=cohort.id, participant_id=pid) for pid in new]
    session.add_all(rows)
    session.flush()
    audit.record(
        session,
        principal,
        "training.enrol",
        "training_cohort",
        cohort.id,
        member_id=cohort.member_id,
        details={"enrolled": len(rows)},
    )
    return [*existing.values(), *rows]


def enrolments(session: Session, principal: Principal, cohort_id: uuid.UUID) -> list[Enrolment]:
    cohort = get_cohort(session, principal, cohort_id)
    stmt = select(Enrolment).where(Enrolment.cohort_id == cohort.id)
    return list(session.scalars(stmt.order_by(Enrolment.enrolled_at, Enrolment.id)))


def _enrolment(
    session: Session, principal: Principal, enrolment_id: uuid.UUID, *, self_allowed: bool = False
) -> tuple[Enrolment, Cohort, Participant]:
    """The enrolment with its cohort and participant, after the write check (training.deliver
    on the member, or the participant itself when `self_allowed`)."""
    row = session.get(Enrolment, enrolment_id)
    if row is None:
        raise NotFound("no such enrolment")
    cohort = session.get(Cohort, row.cohort_id)
    person = session.get(Participant, row.participant_id)
    assert cohort is not None and person is not None
    own = self_allowed and is_self(principal, person)
    if not (own or principal.can(TRAINING_READ, member_node(cohort.member_id))):
        raise NotFound("no such enrolment")
    if not own:
        require(principal, TRAINING_DELIVER, cohort.member_id)
    return row, cohort, person


def _programme_module(session: Session, cohort: Cohort, module_id: str) -> TrainingModule:
    if module_id not in {pm.module_id for pm in programme_modules(session, cohort.programme_id)}:
        raise InvalidInput(
            "the module is not part of the cohort's programme", [FieldError("module_id", module_id)]
        )
    module = session.get(TrainingModule, module_id)
    assert module is not None
    return module


def record_attendance(
    session: Session, principal: Principal, enrolment_id: uuid.UUID, data: AttendanceIn
) -> Attendance:
    enrolment, cohort, _ = _enrolment(session, principal, enrolment_id)
    _programme_module(session, cohort, data.module_id)
    row = session.scalar(
        select(Attendance).where(
            Attendance.enrolment_id == enrolment.id,
            Attendance.module_id == data.module_id,
            Attendance.session_date == data.session_date,
        )
    )
    if row is None:
        row = Attendance(
            enrolment_id=enrolment.id, module_id=data.module_id, session_date=data.session_date
        )
        session.add(row)
    row.hours, row.present = data.hours, data.present
    session.flush()
    audit.record(
        session,
        principal,
        "training.attendance",
        "training_enrolment",
        enrolment.id,
        member_id=cohort.member_id,
        details={"module": data.module_id, "date": str(data.session_date)},
    )
    return row


def record_evidence(
    session: Session,
    person: Participant,
    competencies: list[str],
    level: str,
    source: str,
    source_ref: str,
    at: datetime,
) -> int:
    """Add competency evidence rows that do not exist yet; returns how many were added."""
    rows = session.execute(
        select(CompetencyEvidence.competency, CompetencyEvidence.level).where(
            CompetencyEvidence.participant_id == person.id,
            CompetencyEvidence.source == source,
            CompetencyEvidence.source_ref == source_ref,
        )
    )
    have = {(competency, got) for competency, got in rows}
    new = [c for c in dict.fromkeys(competencies) if (c, level) not in have]
    session.add_all(
        CompetencyEvidence(
            participant_id=person.id,
            member_id=person.member_id,
            competency=c,
            level=level,
            source=source,
            source_ref=source_ref,
            observed_at=at,
        )
        for c in new
    )
    return len(new)


def _passed_check(session: Session, enrolment_id: uuid.UUID, module_id: str) -> bool:
    return bool(
        session.scalar(
            select(func.count()).where(
                QuizAttempt.enrolment_id == enrolment_id,
                QuizAttempt.module_id == module_id,
                QuizAttempt.passed.is_(True),
            )
        )
    )


def record_result(
    session: Session, principal: Principal, enrolment_id: uuid.UUID, data: ResultIn
) -> ModuleResult:
    """Record a module result. Completing a module that has a knowledge check needs a passed
    attempt; a completion adds competency evidence, and the last one completes the enrolment."""
    enrolment, cohort, person = _enrolment(session, principal, enrolment_id)
    if enrolment.status == "withdrawn":
        raise Conflict("the participant withdrew from this cohort")
    module = _programme_module(session, cohort, data.module_id)
    if (
        data.status == "completed"
        and module.pass_mark is not None
        and not _passed_check(session, enrolment.id, module.id)
    ):
        raise Conflict(f"{module.id} has a knowledge check the participant has not passed yet")
    at = data.completed_at or utcnow()
    row = session.get(ModuleResult, (enrolment.id, module.id))
    if row is None:
        row = ModuleResult(
            enrolment_id=enrolment.id,
            module_id=module.id,
            recorded_by=principal.label,
            status=data.status,
        )
        session.add(row)
    row.status, row.score, row.recorded_by = data.status, data.score, principal.label
    row.completed_at = at if data.status == "completed" else None
    session.flush()
    if data.status == "completed":
        record_evidence(
            session,
            person,
            list(module.competencies),
            module.level,
            "module",
            f"{module.id}@{enrolment.id}",
            at,
        )
        _maybe_complete(session, enrolment, cohort, at)
    audit.record(
        session,
        principal,
        "training.result",
        "training_enrolment",
        enrolment.id,
        member_id=cohort.member_id,
        details={"module": module.id, "status": data.status},
    )
    return row


def _maybe_complete(session: Session, enrolment: Enrolment, cohort: Cohort, at: datetime) -> None:
    wanted = {pm.module_id for pm in programme_modules(session, cohort.programme_id)}
    done = set(
        session.scalars(
            select(ModuleResult.module_id).where(
                ModuleResult.enrolment_id == enrolment.id, ModuleResult.status == "completed"
            )
        )
    )
    if wanted <= done and enrolment.status != "completed":
        enrolment.status, enrolment.completed_at = "completed", at


def readable_enrolment(
    session: Session, principal: Principal, enrolment_id: uuid.UUID
) -> tuple[Enrolment, Cohort, Participant]:
    """An enrolment the principal may read (its member's training, or its own), with its
    cohort and participant; anything else is "no such enrolment"."""
    row = session.get(Enrolment, enrolment_id)
    cohort = session.get(Cohort, row.cohort_id) if row else None
    person = session.get(Participant, row.participant_id) if row else None
    if (
        row is None
        or cohort is None
        or person is None
        or not (
            principal.can(TRAINING_READ, member_node(cohort.member_id))
            or is_self(principal, person)
        )
    ):
        raise NotFound("no such enrolment")
    return row, cohort, person


def results(session: Session, principal: Principal, enrolment_id: uuid.UUID) -> list[ModuleResult]:
    row, _, _ = readable_enrolment(session, principal, enrolment_id)
    return list(
        session.scalars(
            select(ModuleResult)
            .where(ModuleResult.enrolment_id == row.id)
            .order_by(ModuleResult.module_id)
        )
    )


# --- knowledge checks -----------------------------------------------------------------------


def questions(session: Session, module_id: str) -> list[TrainingQuestion]:
    ensure_catalogue(session)
    stmt = select(TrainingQuestion).where(TrainingQuestion.module_id == module_id)
    return list(session.scalars(stmt.order_by(TrainingQuestion.position)))


def knowledge_check(
    session: Session, principal: Principal, module_id: str
) -> tuple[TrainingModule, list[TrainingQuestion]]:
    """The module's questions; callers show them WITHOUT the `correct` flags."""
    if not (principal.system or principal.is_federation_member):
        raise PermissionDenied("knowledge checks are open to federation users only")
    ensure_catalogue(session)
    module = session.get(TrainingModule, module_id)
    rows = questions(session, module_id)
    if module is None or module.pass_mark is None or not rows:
        raise NotFound(f"{module_id} has no knowledge check")
    return module, rows


def submit_attempt(
    session: Session, principal: Principal, enrolment_id: uuid.UUID, data: AttemptIn
) -> QuizAttempt:
    enrolment, cohort, person = _enrolment(session, principal, enrolment_id, self_allowed=True)
    module = _programme_module(session, cohort, data.module_id)
    rows = questions(session, module.id)
    if module.pass_mark is None or module.max_attempts is None or not rows:
        raise NotFound(f"{module.id} has no knowledge check")
    used = (
        session.scalar(
            select(func.count()).where(
                QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.module_id == module.id
            )
        )
        or 0
    )
    if used >= module.max_attempts:
        raise Conflict(f"all {module.max_attempts} attempts at {module.id} are used")
    marked = mark([QuestionKey.of(q.key, q.kind, q.points, q.choices) for q in rows], data.answers)
    if marked.unknown:
        raise InvalidInput(
            "answers name unknown questions or choices",
            [FieldError(f"answers.{u}", "unknown") for u in marked.unknown],
        )
    now = utcnow()
    attempt = QuizAttempt(
        enrolment_id=enrolment.id,
        module_id=module.id,
        attempt_no=used + 1,
        answers={k: sorted(set(v)) for k, v in data.answers.items()},
        score=round(marked.score, 6),
        passed=marked.score + 1e-9 >= module.pass_mark,
        submitted_at=now,
        submitted_by=principal.label,
    )
    session.add(attempt)
    session.flush()
    if attempt.passed:
        record_evidence(
            session,
            person,
            list(module.competencies),
            module.level,
            "knowledge_check",
            str(attempt.id),
            now,
        )
    audit.record(
        session,
        principal,
        "training.knowledge_check",
        "training_enrolment",
        enrolment.id,
        member_id=cohort.member_id,
        details={"module": module.id, "attempt": attempt.attempt_no, "passed": attempt.passed},
    )
    return attempt


def cohort_programme(session: Session, cohort: Cohort) -> TrainingProgramme:
    row = session.get(TrainingProgramme, cohort.programme_id)
    assert row is not None
    return row
