"""Demo training data: a tailored, approved programme per demo member state (from the demo
assessment campaigns), and one running cohort per member with participants, attendance,
results, passed knowledge checks and a certificate. Deterministic and idempotent: members
that already have their demo cohort are skipped."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.registry.models import Country, Member, Organisation
from aman.training import certificates, delivery, service
from aman.training.models import Cohort, Enrolment, Participant, TrainingProgramme
from aman.training.schemas import (
    AttemptIn,
    AttendanceIn,
    CertificateIn,
    CohortIn,
    CohortPatch,
    ParticipantIn,
    RecommendIn,
    ResultIn,
)

BUDGET_HOURS = 120.0
START = date(2026, 10, 5)
FRENCH = frozenset({"MA", "TN", "DZ", "SN", "CI", "LB"})
ARABIC = frozenset({"OM", "AE", "EG", "SA", "QA", "BH", "KW", "JO", "SD"})
GIVEN = (
    "Aisha",
    "Omar",
    "Nurul",
    "Fatima",
    "Yusuf",
    "Siti",
    "Karim",
    "Mariam",
    "Hassan",
    "Zainab",
    "Idris",
    "Leila",
)
FAMILY = (
    "Rahman",
    "Haddad",
    "Aziz",
    "Diallo",
    "Demir",
    "Hassan",
    "Benali",
    "Sultan",
    "Karimov",
    "Ndiaye",
    "Yilmaz",
    "Saleh",
)
PEOPLE = 6
DEMO_URL = "http://127.0.0.1:8000"


def cohort_name(country: Country) -> str:
    return f"{country.alpha3} cohort 2026-1"


def language_of(country_code: str) -> str:
    return "fr" if country_code in FRENCH else "ar" if country_code in ARABIC else "en"


def _participants(
    session: Session, member: Member, country: Country, roles: list[str]
) -> list[ParticipantIn]:
    rng = random.Random(f"trainees-{member.country_code}")
    orgs = list(
        session.scalars(
            select(Organisation)
            .where(Organisation.member_id == member.id)
            .order_by(Organisation.name)
        )
    )
    people = []
    for n in range(PEOPLE):
        people.append(
            ParticipantIn(
                member_id=member.id,
                organisation_id=orgs[n % len(orgs)].id if orgs else None,
                name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                email=f"trainee{n + 1}@{country.alpha3.lower()}.training.example",
                work_role=roles[n % len(roles)] if roles else None,
            )
        )
    return people


def _correct_answers(session: Session, module_id: str) -> dict[str, list[str]]:
    return {
        q.key: [c["id"] for c in q.choices if c.get("correct")]
        for q in delivery.questions(session, module_id)
    }


def _deliver(session: Session, op: Principal, cohort: Cohort, enrolments: list[Enrolment]) -> None:
    modules = [pm.module_id for pm in service.programme_modules(session, cohort.programme_id)][:2]
    for i, enrolment in enumerate(enrolments):
        for day, module_id in enumerate(modules):
            when = START + timedelta(days=7 * day)
            delivery.record_attendance(
                session,
                op,
                enrolment.id,
                AttendanceIn(module_id=module_id, session_date=when, hours=6.0),
            )
            if i >= 4 and day == 1:
                continue  # two people are still working through the second module
            if delivery.questions(session, module_id):
                delivery.submit_attempt(
                    session,
                    op,
                    enrolment.id,
                    AttemptIn(module_id=module_id, answers=_correct_answers(session, module_id)),
                )
            completed = datetime.combine(when + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
            delivery.record_result(
                session,
                op,
                enrolment.id,
                ResultIn(
                    module_id=module_id, status="completed", score=0.9, completed_at=completed
                ),
            )
    if enrolments and modules:
        certificates.issue(
            session, op, enrolments[0].id, CertificateIn(module_id=modules[0]), DEMO_URL
        )


def load_training_demo(session: Session, op: Principal) -> int:
    """Programmes and one running cohort per demo member state; returns cohorts created."""
    service.ensure_catalogue(session)
    planned = set(
        session.scalars(
            select(TrainingProgramme.member_id).where(TrainingProgramme.kind == "tailored")
        )
    )
    todo = [m for m in session.scalars(select(Member.id)) if m not in planned]
    if todo:
        service.generate_programmes(session, op, RecommendIn(budget_hours=BUDGET_HOURS), todo)
    programmes = [p for p in demo_programmes(session, drafts=True) if p.member_id in todo]
    created = 0
    countries = {c.code: c for c in session.scalars(select(Country))}
    for programme in sorted(programmes, key=lambda p: str(p.member_id)):
        if programme.status == "draft":
            service.set_programme_status(session, op, programme.id, "approved")
        member = session.get(Member, programme.member_id)
        assert member is not None
        country = countries[member.country_code]
        if session.scalar(
            select(Cohort.id).where(
                Cohort.member_id == member.id, Cohort.name == cohort_name(country)
            )
        ):
            continue
        cohort = delivery.create_cohort(
            session,
            op,
            CohortIn(
                programme_id=programme.id,
                member_id=member.id,
                name=cohort_name(country),
                language=language_of(member.country_code),
                starts_on=START,
                ends_on=START + timedelta(days=90),
                capacity=20,
            ),
        )
        delivery.update_cohort(session, op, cohort.id, CohortPatch(status="running"))
        roles = list(
            dict.fromkeys(
                r
                for pm in service.programme_modules(session, programme.id)
                for r in pm.target_roles
            )
        )
        people = [
            _existing(session, p) or delivery.create_participant(session, op, p)
            for p in _participants(session, member, country, roles)
        ]
        enrolments = delivery.enrol(session, op, cohort.id, [p.id for p in people])
        _deliver(session, op, cohort, enrolments)
        created += 1
    return created


def _existing(session: Session, p: ParticipantIn) -> Participant | None:
    return session.scalar(
        select(Participant).where(
            Participant.member_id == p.member_id, Participant.email == p.email
        )
    )


def demo_programmes(session: Session, drafts: bool = False) -> list[TrainingProgramme]:
    """The tailored programmes (approved ones, plus drafts when asked)."""
    statuses = ("approved", "draft") if drafts else ("approved",)
    stmt = select(TrainingProgramme).where(
        TrainingProgramme.kind == "tailored", TrainingProgramme.status.in_(statuses)
    )
    return list(session.scalars(stmt.order_by(TrainingProgramme.member_id)))
