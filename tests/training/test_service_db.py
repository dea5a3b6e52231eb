"""Training services on SQLite and PostgreSQL: catalogue sync, recommendations from completed
campaigns and failed checks, programmes, delivery, knowledge checks, certificates, capacity."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, update

from aman.db import transaction
from aman.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aman.training import capacity, certificates, delivery, service
from aman.training.models import CompetencyEvidence, TrainingModule, TrainingProgramme
from aman.training.schemas import (
    AttemptIn,
    AttendanceIn,
    CertificateIn,
    CohortIn,
    ModulePatch,
    ParticipantIn,
    RecommendIn,
    ResultIn,
)

from .conftest import OP, complete_campaign  # type: ignore[import-not-found]


def _principal(factory: Any, world: Any, who: str) -> Any:
    from aman.auth.service import principal_from_token

    with factory() as s:
        return principal_from_token(s, world.tokens[who])


def test_catalogue_sync_is_idempotent_and_keeps_local_edits(factory: Any) -> None:
    with transaction(factory) as s:
        assert service.ensure_catalogue(s) == 58
        assert service.ensure_catalogue(s) == 0
        service.update_module(
            s, OP, "ir-foundations", ModulePatch(title="IR basics (national)", hours=9)
        )
        s.execute(
            update(TrainingModule)
            .where(TrainingModule.origin == "shipped")
            .values(source_sha="old")
        )
    with transaction(factory) as s:
        assert service.ensure_catalogue(s) == 57  # every shipped module but the edited one
        row = s.get(TrainingModule, "ir-foundations")
        assert row is not None and row.title == "IR basics (national)" and row.origin == "local"
        tracks = service.list_programmes(s, OP, kind="track")
        assert len(tracks) == 8 and all(t.status == "approved" for t in tracks)
        assert len(service.programme_modules(s, tracks[0].id)) >= 4
        assert len(delivery.questions(s, "pqc-foundations")) == 4


def test_recommendation_from_a_completed_campaign(
    factory: Any, world: Any, cloud_campaign: uuid.UUID
) -> None:
    with transaction(factory) as s:
        plan = service.recommend(s, OP, RecommendIn(member_id=world.member_a))
        again = service.recommend(s, OP, RecommendIn(member_id=world.member_a))
    assert plan.document() == again.document()  # deterministic
    assert plan.items and 0 < plan.coverage <= 1
    reasons = [r for i in plan.items for c in i.covers for r in c.reasons]
    assert {r.entity for r in reasons} == {"Telco A"}  # member A's organisation only
    assert all(
        r.pack_id == "aman-cloud-baseline" and not r.ref_id.startswith("CL-IAM") for r in reasons
    )
    assert all("-> module " in r.chain for r in reasons)
    ids = [i.module_id for i in plan.items]
    positions = {m: n for n, m in enumerate(ids)}
    with factory() as s:
        for m in ids:  # prerequisites come before the modules that need them
            for p in s.get(TrainingModule, m).prerequisites:  # type: ignore[union-attr]
                assert positions[p] < positions[m]
    with factory() as s:
        fr = service.recommend(
            s, OP, RecommendIn(member_id=world.member_a, language="fr", budget_hours=20)
        )
        fed = service.recommend(s, OP, RecommendIn())
    assert fr.total_hours <= 20 and all("fr" in i.languages for i in fr.items)
    assert fed.scope["kind"] == "federation" and fed.entities == 2
    assert fed.demand_total > plan.demand_total


def test_recommendations_are_tenant_scoped(
    factory: Any, world: Any, cloud_campaign: uuid.UUID
) -> None:
    b_admin = _principal(factory, world, "b_admin")
    with factory() as s:
        with pytest.raises(PermissionDenied):
            service.recommend(s, b_admin, RecommendIn(member_id=world.member_a))
        with pytest.raises(PermissionDenied):
            service.recommend(s, b_admin, RecommendIn())
        assert service.recommend(s, b_admin, RecommendIn(member_id=world.member_b)).items


def test_failed_checks_become_demand(factory: Any, world: Any, packs: None) -> None:
    from aman.evidence.model import Finding, Severity, Status
    from aman.evidence.service import import_findings

    complete_campaign(factory, "aman-pqc-readiness", lambda ref: "5")  # no questionnaire gap
    with transaction(factory) as s:
        assert service.recommend(s, OP, RecommendIn(member_id=world.member_a)).items == ()
        finding = Finding(
            check_id="pqc.tls.hybrid-kex",
            status=Status.FAIL,
            severity=Severity.HIGH,
            target="192.0.2.10:443",
            message="no hybrid group",
            tool="aman-pqc",
            tool_version="1",
            observed_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        import_findings(s, OP, world.org_a, [finding], source="test")
    with transaction(factory) as s:
        plan = service.recommend(s, OP, RecommendIn(member_id=world.member_a))
    reasons = [r for i in plan.items for c in i.covers for r in c.reasons]
    assert reasons and all(
        r.kind == "check" and r.check_id == "pqc.tls.hybrid-kex" for r in reasons
    )
    assert {c.competency for i in plan.items for c in i.covers} <= {
        "crypto.pqc-migration",
        "crypto.protocol-hardening",
    }
    assert "failed check pqc.tls.hybrid-kex (high)" in reasons[0].chain


def _programme(factory: Any, world: Any) -> TrainingProgramme:
    with transaction(factory) as s:
        (row,) = service.generate_programmes(s, OP, RecommendIn(), [world.member_a])
        same = service.generate_programmes(s, OP, RecommendIn(), [world.member_a])
        assert [p.id for p in same] == [row.id]  # unchanged data: the same programme
        service.set_programme_status(s, OP, row.id, "approved")
        return row


def _cohort(
    factory: Any, world: Any, programme: TrainingProgramme, n: int = 2
) -> tuple[Any, list[Any]]:
    with transaction(factory) as s:
        cohort = delivery.create_cohort(
            s,
            OP,
            CohortIn(
                programme_id=programme.id, member_id=world.member_a, name="Cohort 1", capacity=n
            ),
        )
        people = [
            delivery.create_participant(
                s,
                OP,
                ParticipantIn(
                    member_id=world.member_a,
                    organisation_id=world.org_a,
                    name=f"Person {i}",
                    email=f"p{i}@a.example",
                    work_role="PD-WRL-003",
                ),
            )
            for i in range(n)
        ]
        return cohort, delivery.enrol(s, OP, cohort.id, [p.id for p in people])


def test_programme_cohort_results_and_certificates(
    factory: Any, world: Any, cloud_campaign: uuid.UUID
) -> None:
    programme = _programme(factory, world)
    cohort, (first, second) = _cohort(factory, world, programme)
    with transaction(factory) as s:
        modules = [pm.module_id for pm in service.programme_modules(s, programme.id)]
        checked = next(m for m in modules if delivery.questions(s, m))
        with pytest.raises(Conflict, match="holds 2"):
            p3 = delivery.create_participant(
                s, OP, ParticipantIn(member_id=world.member_a, name="Three")
            )
            delivery.enrol(s, OP, cohort.id, [p3.id])
    with transaction(factory) as s:
        delivery.record_attendance(
            s,
            OP,
            first.id,
            AttendanceIn(module_id=checked, session_date=date(2026, 10, 5), hours=6),
        )
        with pytest.raises(Conflict, match="knowledge check"):
            delivery.record_result(s, OP, first.id, ResultIn(module_id=checked, status="completed"))
    with transaction(factory) as s:
        wrong = {q.key: ["zz"] for q in delivery.questions(s, checked)}
        with pytest.raises(InvalidInput):
            delivery.submit_attempt(s, OP, first.id, AttemptIn(module_id=checked, answers=wrong))
        right = {
            q.key: [c["id"] for c in q.choices if c.get("correct")]
            for q in delivery.questions(s, checked)
        }
        fail = delivery.submit_attempt(s, OP, first.id, AttemptIn(module_id=checked, answers={}))
        ok = delivery.submit_attempt(s, OP, first.id, AttemptIn(module_id=checked, answers=right))
        assert (fail.passed, fail.score, ok.passed, ok.score, ok.attempt_no) == (
            False,
            0.0,
            True,
            1.0,
            2,
        )
        result = delivery.record_result(
            s, OP, first.id, ResultIn(module_id=checked, status="completed", score=0.8)
        )
        assert result.completed_at is not None
        with pytest.raises(InvalidInput, match="not part of the cohort's programme"):
            delivery.record_result(
                s, OP, first.id, ResultIn(module_id="no-such", status="completed")
            )
    with transaction(factory) as s:
        for _ in range(2):
            delivery.submit_attempt(s, OP, second.id, AttemptIn(module_id=checked, answers={}))
        module = s.get(TrainingModule, checked)
        assert module is not None and module.max_attempts == 3
        delivery.submit_attempt(s, OP, second.id, AttemptIn(module_id=checked, answers={}))
        with pytest.raises(Conflict, match="attempts"):
            delivery.submit_attempt(s, OP, second.id, AttemptIn(module_id=checked, answers={}))
    with transaction(factory) as s:
        evidence = s.scalar(select(func.count()).select_from(CompetencyEvidence))
        assert evidence == 2 * len(s.get(TrainingModule, checked).competencies)  # type: ignore[union-attr]
        with pytest.raises(Conflict, match="not completed"):
            certificates.issue(s, OP, first.id, CertificateIn(), "https://aman.example")
        issued = certificates.issue(
            s, OP, first.id, CertificateIn(module_id=checked), "https://aman.example/"
        )
    assert issued.verify_url == f"https://aman.example/verify/{issued.code}"
    assert len(certificates.normalise(issued.code)) == 32  # 160 bits of base32
    assert (issued.certificate.pdf or b"").startswith(b"%PDF-")
    with transaction(factory) as s:
        v = certificates.verify(s, issued.code.lower().replace("-", " "))
        assert (v.valid, v.holder_name, v.issued_on) == (
            True,
            "Person 0",
            issued.certificate.issued_at.date(),
        )
        assert certificates.verify(s, issued.code, today=date(2040, 1, 1)).status == "expired"
        with pytest.raises(NotFound):
            certificates.verify(s, certificates.new_code())
        with pytest.raises(Conflict, match="already issued"):
            certificates.issue(
                s, OP, first.id, CertificateIn(module_id=checked), "https://aman.example"
            )
        certificates.revoke(s, OP, issued.certificate.id)
    with transaction(factory) as s:
        assert certificates.verify(s, issued.code).status == "revoked"
        stored = s.scalar(select(func.count()).where(CompetencyEvidence.source == "module"))
        assert stored == len(s.get(TrainingModule, checked).competencies)  # type: ignore[union-attr]


def test_capacity_metrics_and_national_indicators(
    factory: Any, world: Any, cloud_campaign: uuid.UUID
) -> None:
    complete_campaign(
        factory, "aman-national-capacity", lambda ref: "not_met", subject_kind="member"
    )
    from aman.assessments import service as assessments
    from aman.assessments.schemas import CampaignIn

    with transaction(factory) as s:  # an open cycle that the indicators may feed
        assessments.launch_campaign(
            s,
            OP,
            CampaignIn(name="National 2027", pack="aman-national-capacity", subject_kind="member"),
        )
    programme = _programme(factory, world)
    _, (first, _) = _cohort(factory, world, programme)
    with transaction(factory) as s:
        before = capacity.capacity(s, OP, world.member_a, today=date(2026, 12, 1))
        assert before["totals"]["people"] == 0 and before["indicators"][0]["status"] == "manual"
        modules = {
            pm.module_id: s.get(TrainingModule, pm.module_id)
            for pm in service.programme_modules(s, programme.id)
        }
        hands_on = next(
            m for m, row in modules.items() if row.kind != "course" and row.pass_mark is None
        )  # type: ignore[union-attr]
        when = datetime(2026, 10, 20, tzinfo=UTC)
        delivery.record_result(
            s, OP, first.id, ResultIn(module_id=hands_on, status="completed", completed_at=when)
        )
        certificates.issue(
            s, OP, first.id, CertificateIn(module_id=hands_on), "https://aman.example"
        )
    with transaction(factory) as s:
        after = capacity.capacity(s, OP, world.member_a, today=date(2026, 12, 1))
        assert after["totals"]["people"] == 1
        assert after["rows"] and all(
            r["period"] == "2026-Q4" and r["work_role"] == "PD-WRL-003" for r in after["rows"]
        )
        assert after["indicators"][0]["status"] == "met"
        applied = capacity.apply_indicators(s, OP, world.member_a, today=date(2026, 12, 1))
        assert applied[0]["applied"] is True and applied[1]["applied"] is False
        other = capacity.capacity(s, OP, world.member_b, today=date(2026, 12, 1))
        assert other["totals"]["people"] == 0
