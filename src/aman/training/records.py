"""Reads that the training pages need in one piece: a cohort's whole record (people,
results, attendance, knowledge-check attempts, certificates), a person's enrolments, the
enrolments a user takes part in themselves, and the attempts at one check.

Each read checks access exactly as `delivery` does (training.read on the cohort's member, or
the participant itself) and costs a fixed number of queries, whatever the cohort's size.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.auth.roles import TRAINING_READ
from aman.training.access import member_filter
from aman.training.delivery import get_cohort, get_participant, readable_enrolment
from aman.training.models import (
    Attendance,
    Certificate,
    Cohort,
    Enrolment,
    ModuleResult,
    Participant,
    QuizAttempt,
    TrainingModule,
    TrainingProgramme,
)
from aman.training.service import programme_modules


@dataclass
class EnrolmentRecord:
    """One person in a cohort: their results, hours attended, check attempts, certificates."""

    enrolment: Enrolment
    participant: Participant
    results: dict[str, ModuleResult] = field(default_factory=dict)
    hours: dict[str, float] = field(default_factory=dict)  # module → hours present
    attempts: dict[str, int] = field(default_factory=dict)  # module → attempts used
    passed: set[str] = field(default_factory=set)  # modules whose check was passed
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def done(self) -> set[str]:
        """Modules completed."""
        return {m for m, r in self.results.items() if r.status == "completed"}

    def completed(self, module_ids: Collection[str]) -> int:
        return len(self.done.intersection(module_ids))


@dataclass(frozen=True)
class CohortRecord:
    cohort: Cohort
    programme: TrainingProgramme
    modules: list[TrainingModule]  # in programme order
    rows: list[EnrolmentRecord]

    @property
    def module_ids(self) -> list[str]:
        return [m.id for m in self.modules]

    @property
    def progress(self) -> float:
        """Share of (active person, module) pairs completed."""
        active = [r for r in self.rows if r.enrolment.status != "withdrawn"]
        total = len(active) * len(self.modules)
        done = sum(r.completed(self.module_ids) for r in active)
        return done / total if total else 0.0


def programme_of(
    session: Session, cohort: Cohort
) -> tuple[TrainingProgramme, list[TrainingModule]]:
    """The cohort's programme and its modules in order (the cohort was access-checked)."""
    programme = session.get(TrainingProgramme, cohort.programme_id)
    assert programme is not None
    order = [pm.module_id for pm in programme_modules(session, programme.id)]
    rows = {
        m.id: m for m in session.scalars(select(TrainingModule).where(TrainingModule.id.in_(order)))
    }
    return programme, [rows[m] for m in order if m in rows]


def cohort_record(session: Session, principal: Principal, cohort_id: uuid.UUID) -> CohortRecord:
    """Everything recorded about a cohort, for its page."""
    cohort = get_cohort(session, principal, cohort_id)
    programme, modules = programme_of(session, cohort)
    pairs = session.execute(
        select(Enrolment, Participant)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(Participant.name, Enrolment.id)
    )
    rows = {e.id: EnrolmentRecord(e, p) for e, p in pairs}
    ids = list(rows)
    if ids:
        for r in session.scalars(select(ModuleResult).where(ModuleResult.enrolment_id.in_(ids))):
            rows[r.enrolment_id].results[r.module_id] = r
        hours = (
            select(Attendance.enrolment_id, Attendance.module_id, func.sum(Attendance.hours))
            .where(Attendance.enrolment_id.in_(ids), Attendance.present.is_(True))
            .group_by(Attendance.enrolment_id, Attendance.module_id)
        )
        for enrolment_id, module_id, total in session.execute(hours):
            rows[enrolment_id].hours[module_id] = float(total or 0)
        tries = select(QuizAttempt.enrolment_id, QuizAttempt.module_id, QuizAttempt.passed).where(
            QuizAttempt.enrolment_id.in_(ids)
        )
        for enrolment_id, module_id, passed in session.execute(tries):
            row = rows[enrolment_id]
            row.attempts[module_id] = row.attempts.get(module_id, 0) + 1
            if passed:
                row.passed.add(module_id)
        certs = select(Certificate).where(Certificate.enrolment_id.in_(ids))
        for c in session.scalars(certs.order_by(Certificate.issued_at)):
            rows[c.enrolment_id].certificates.append(c)
    return CohortRecord(cohort, programme, modules, list(rows.values()))


def cohort_counts(
    session: Session, principal: Principal, cohort_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """(active enrolments, completed enrolments) per visible cohort, in one query."""
    if not cohort_ids:
        return {}
    stmt = member_filter(
        principal,
        TRAINING_READ,
        select(Enrolment.cohort_id, Enrolment.status, func.count())
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.cohort_id.in_(list(cohort_ids))),
        Cohort.member_id,
    ).group_by(Enrolment.cohort_id, Enrolment.status)
    counts: dict[uuid.UUID, list[int]] = {}
    for cohort_id, status, n in session.execute(stmt):
        entry = counts.setdefault(cohort_id, [0, 0])
        if status != "withdrawn":
            entry[0] += int(n)
        if status == "completed":
            entry[1] += int(n)
    return {k: (v[0], v[1]) for k, v in counts.items()}


def participant_enrolments(
    session: Session, principal: Principal, participant_id: uuid.UUID
) -> tuple[Participant, list[tuple[Enrolment, Cohort]]]:
    """A person and the cohorts they are enrolled in (NotFound outside the reader's reach)."""
    person = get_participant(session, principal, participant_id)
    stmt = (
        select(Enrolment, Cohort)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.participant_id == person.id)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    )
    return person, [(e, c) for e, c in session.execute(stmt)]


def own_enrolments(
    session: Session, principal: Principal
) -> list[tuple[Enrolment, Cohort, Participant]]:
    """The enrolments of the participant records linked to the principal's own user."""
    if principal.user_id is None:
        return []
    stmt = (
        select(Enrolment, Cohort, Participant)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(Participant.user_id == principal.user_id)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    )
    return [(e, c, p) for e, c, p in session.execute(stmt)]


def attempts_of(
    session: Session, principal: Principal, enrolment_id: uuid.UUID, module_id: str
) -> list[QuizAttempt]:
    """The attempts at one module's check within an enrolment, oldest first."""
    enrolment, _, _ = readable_enrolment(session, principal, enrolment_id)
    stmt = select(QuizAttempt).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.module_id == module_id
    )
    return list(session.scalars(stmt.order_by(QuizAttempt.attempt_no)))
