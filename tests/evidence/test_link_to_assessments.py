"""Findings become automated evidence on the organisation's open assessment of the PQC pack,
with provenance; a person's override with a reason survives later scans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from aman.assessments.models import Answer, Assessment
from aman.assessments.schemas import AnswerIn, CampaignIn
from aman.auth.permissions import Principal
from aman.db import transaction
from aman.evidence import service as evidence
from aman.evidence.model import Finding, Severity, Status

OP = Principal.local_operator("test")


def _finding(check: str, status: Status, target: str, when: datetime) -> Finding:
    return Finding(
        check_id=check,
        status=status,
        severity=Severity.HIGH,
        target=target,
        message=f"{check} {status.value}",
        observed_at=when,
        tool="aman-pqc",
        tool_version="test",
    )


def _scan(factory: Any, org_id: Any, findings: list[Finding]) -> None:
    now = datetime.now(UTC)
    with transaction(factory) as s:
        evidence.record_run(
            s,
            OP,
            org_id,
            findings,
            domain="pqc",
            kind="network",
            scope={"targets": ["127.0.0.1"]},
            options={},
            tool="aman-pqc",
            tool_version="test",
            started_at=now,
            finished_at=now,
        )


def _answers(factory: Any, assessment_id: Any) -> dict[str, Answer]:
    with factory() as s:
        return {
            a.ref_id: a
            for a in s.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
        }


def test_scan_fills_the_pqc_assessment(
    factory: Any, world: Any, tmp_path_factory: Any, client: Any
) -> None:
    from aman.assessments import service
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, tmp_path_factory.mktemp("packs"))
        c = service.launch_campaign(s, OP, CampaignIn(name="PQC", pack="aman-pqc-readiness"))
    with factory() as s:
        a = s.scalar(
            select(Assessment).where(
                Assessment.campaign_id == c.id, Assessment.organisation_id == world.org_a
            )
        )
    now = datetime.now(UTC)
    _scan(
        factory,
        world.org_a,
        [
            _finding("pqc.tls.hybrid-kex", Status.FAIL, "127.0.0.1:443", now),
            _finding("pqc.ssh.hybrid-kex", Status.PASS, "127.0.0.1:22", now),
        ],
    )
    answers = _answers(factory, a.id)
    tls, ssh = answers["PQC-TLS-01"], answers["PQC-SSH-01"]
    assert (tls.result, ssh.result) == ("0", "5")
    assert tls.automated["status"] == "not_met"
    assert tls.automated["findings"][0]["target"] == "127.0.0.1:443"
    assert tls.automated["observed_at"] and ssh.automated["checks"] == ["pqc.ssh.hybrid-kex"]
    assert "PQC-GOV-01" not in answers  # no checks: stays manual
    # Another member's organisation got nothing.
    with factory() as s:
        b = s.scalar(
            select(Assessment).where(
                Assessment.campaign_id == c.id, Assessment.organisation_id == world.org_b
            )
        )
    assert _answers(factory, b.id) == {}
    # A person overrides with a reason; a later scan shows beside it but does not overwrite.
    with transaction(factory) as s:
        service.answer(
            s,
            OP,
            a.id,
            "PQC-TLS-01",
            AnswerIn(result="3", override_reason="legacy VIP only, off in Q1"),
        )
    _scan(
        factory,
        world.org_a,
        [_finding("pqc.tls.hybrid-kex", Status.FAIL, "127.0.0.1:443", now + timedelta(minutes=5))],
    )
    tls = _answers(factory, a.id)["PQC-TLS-01"]
    assert tls.result == "3" and tls.override_reason and tls.automated["status"] == "not_met"
    detail = client.get(f"/api/v1/assessments/{a.id}", headers=world.auth("a_viewer")).json()
    shown = next(r for r in detail["requirements"] if r["ref_id"] == "PQC-SSH-01")
    assert shown["answer"]["automated"]["status"] == "met"
