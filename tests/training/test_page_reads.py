"""The reads the training pages use (records.py, the catalogue's domain filter, the capacity
charts) on SQLite and PostgreSQL: whole cohort records in one piece, tenant isolation, a
person's own enrolments, and chart specs that are valid Vega-Lite with whole-number ticks."""

from __future__ import annotations

import functools
import uuid
from datetime import date
from typing import Any

import altair as alt
import jsonschema
import pytest

from aman.auth.permissions import Grant, Node, Principal
from aman.db import transaction
from aman.errors import NotFound
from aman.reports.charts import DATA
from aman.training import catalogue, certificates, charts, delivery, records, service
from aman.training.schemas import (
    AttemptIn,
    AttendanceIn,
    CertificateIn,
    CohortIn,
    ParticipantIn,
    RecommendIn,
    ResultIn,
)

OP = Principal.local_operator("test")


def test_modules_filtered_by_competency_domain(factory: Any) -> None:
    domains = {c.id: c.domain for c in catalogue.shipped().competency_file.competencies}
    with factory() as s:
        five_g = service.list_modules(s, OP, domain="5g")
        labs = service.list_modules(s, OP, domain="5g", kind="lab")
        everything = service.list_modules(s, OP)
        nothing = service.list_modules(s, OP, domain="no-such-domain")
    assert five_g and len(five_g) < len(everything) and nothing == []
    assert all(any(domains[c] == "5g" for c in m.competencies) for m in five_g)
    assert labs and {m.kind for m in labs} == {"lab"} and set(labs) <= set(five_g)


@pytest.fixture
def delivered(factory: Any, world: Any, cloud_campaign: uuid.UUID) -> Any:
    """Member A's programme run by a cohort of two: one person (linked to a_viewer) with a
    passed check, a completed module, attendance and a certificate; the other untouched."""
    with transaction(factory) as s:
        (programme,) = service.generate_programmes(s, OP, RecommendIn(), [world.member_a])
        service.set_programme_status(s, OP, programme.id, "approved")
        cohort = delivery.create_cohort(
            s, OP, CohortIn(programme_id=programme.id, member_id=world.member_a, name="C1")
        )
        people = [
            delivery.create_participant(
                s,
                OP,
                ParticipantIn(
                    member_id=world.member_a,
                    name=name,
                    user_id=world.users["a_viewer"] if name == "Amina" else None,
                ),
            )
            for name in ("Amina", "Bilal")
        ]
        first, second = delivery.enrol(s, OP, cohort.id, [p.id for p in people])
        modules = [pm.module_id for pm in service.programme_modules(s, programme.id)]
        checked = next(m for m in modules if delivery.questions(s, m))
        right = {
            q.key: [c["id"] for c in q.choices if c.get("correct")]
            for q in delivery.questions(s, checked)
        }
        delivery.submit_attempt(s, OP, first.id, AttemptIn(module_id=checked, answers={}))
        delivery.submit_attempt(s, OP, first.id, AttemptIn(module_id=checked, answers=right))
        for day in (5, 6):
            delivery.record_attendance(
                s,
                OP,
                first.id,
                AttendanceIn(module_id=checked, session_date=date(2026, 10, day), hours=3),
            )
        delivery.record_attendance(
            s,
            OP,
            second.id,
            AttendanceIn(module_id=checked, session_date=date(2026, 10, 5), hours=3, present=False),
        )
        delivery.record_result(s, OP, first.id, ResultIn(module_id=checked, status="completed"))
        certificates.issue(
            s, OP, first.id, CertificateIn(module_id=checked), "https://aman.example"
        )
        return {
            "cohort": cohort.id,
            "first": first.id,
            "second": second.id,
            "checked": checked,
            "modules": modules,
            "people": [p.id for p in people],
        }


def test_cohort_record_holds_everything_in_order(
    factory: Any, world: Any, delivered: dict[str, Any]
) -> None:
    with factory() as s:
        record = records.cohort_record(s, OP, delivered["cohort"])
        counts = records.cohort_counts(s, OP, [delivered["cohort"]])
    assert record.module_ids == delivered["modules"]
    amina, bilal = record.rows
    assert (amina.participant.name, bilal.participant.name) == ("Amina", "Bilal")
    checked = delivered["checked"]
    assert amina.done == {checked} and amina.completed(record.module_ids) == 1
    assert amina.hours == {checked: 6.0} and bilal.hours == {}  # absent hours do not count
    assert amina.attempts == {checked: 2} and amina.passed == {checked}
    assert [c.module_id for c in amina.certificates] == [checked] and bilal.certificates == []
    assert record.progress == pytest.approx(1 / (2 * len(record.modules)))
    assert counts == {delivered["cohort"]: (2, 0)}


def test_page_reads_keep_to_the_tenant(factory: Any, world: Any, delivered: dict[str, Any]) -> None:
    b_admin = Principal(uuid.uuid4(), "b", (Grant("member-admin", Node.member(world.member_b)),))
    with factory() as s:
        with pytest.raises(NotFound):
            records.cohort_record(s, b_admin, delivered["cohort"])
        with pytest.raises(NotFound):
            records.participant_enrolments(s, b_admin, delivered["people"][0])
        with pytest.raises(NotFound):
            delivery.readable_enrolment(s, b_admin, delivered["first"])
        with pytest.raises(NotFound):
            records.attempts_of(s, b_admin, delivered["first"], delivered["checked"])
        assert records.cohort_counts(s, b_admin, [delivered["cohort"]]) == {}
        assert records.own_enrolments(s, b_admin) == []


def test_a_participant_reads_its_own_enrolments_and_attempts(
    factory: Any, world: Any, delivered: dict[str, Any]
) -> None:
    from aman.auth.service import principal_from_token

    with factory() as s:
        viewer = principal_from_token(s, world.tokens["a_viewer"])
        own = records.own_enrolments(s, viewer)
        assert [(e.id, p.name) for e, _, p in own] == [(delivered["first"], "Amina")]
        tries = records.attempts_of(s, viewer, delivered["first"], delivered["checked"])
        assert [(a.attempt_no, a.passed) for a in tries] == [(1, False), (2, True)]
        person, enrolled = records.participant_enrolments(s, viewer, delivered["people"][0])
        assert person.name == "Amina" and [c.id for _, c in enrolled] == [delivered["cohort"]]
        assert records.own_enrolments(s, OP) == []  # the local operator is nobody's participant


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    return jsonschema.Draft7Validator(alt.vegalite.v5.schema.core.load_schema())


def test_capacity_charts_are_valid_vega_lite_with_whole_ticks() -> None:
    rows = [
        {"period": "2026-Q3", "domain": "cloud", "work_role": "PD-WRL-001", "people": 2},
        {"period": "2026-Q3", "domain": "cloud", "work_role": "IO-WRL-005", "people": 9},
        {"period": "2026-Q4", "domain": "5g", "work_role": "PD-WRL-001", "people": 1},
    ]
    periods = charts.people_by_period(
        rows,
        {"cloud": "Cloud security", "5g": "5G security"},
        title="People",
        people_title="People",
        period_title="Period",
        domain_title="Domain",
    )
    roles = charts.people_by_role(
        {"PD-WRL-001": 3, "IO-WRL-005": 9},
        {"PD-WRL-001": "Defensive Cybersecurity"},
        title="Roles",
        people_title="People",
    )
    for spec in (periods, roles):
        errors = list(_validator().iter_errors(spec))
        assert not errors, errors[0].message
    data = periods["datasets"][DATA]
    assert {(r["period"], r["domain"], r["people"]) for r in data} == {
        ("2026-Q3", "Cloud security", 11),
        ("2026-Q4", "5G security", 1),
    }
    assert periods["encoding"]["y"]["axis"]["values"] == [0, 2, 4, 6, 8, 10, 12]
    ranked = [r["label"] for r in sorted(roles["datasets"][DATA], key=lambda r: r["rank"])]
    assert ranked == ["IO-WRL-005", "Defensive Cybersecurity"]  # most people first
    assert roles["encoding"]["x"]["axis"]["values"] == [0, 2, 4, 6, 8, 10]
