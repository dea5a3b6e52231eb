"""Campaigns, answers with history, scoring, the submit/review workflow, tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from aman.assessments.models import Answer, AnswerChange, Assessment
from aman.db import transaction

API = "/api/v1"


def test_launch_creates_one_assessment_per_target(client: Any, world: Any, packs: None) -> None:
    r = client.post(
        f"{API}/campaigns",
        headers=world.auth("fed_admin"),
        json={
            "name": "Cloud 2026",
            "pack": "aman-cloud-baseline@1.0.0",
            "sectors": ["telecom"],
            "level": "basic",
            "due_date": "2026-12-31",
        },
    )
    assert r.status_code == 201, r.text
    campaign = r.json()
    assert campaign["cycle"] == 1 and campaign["level"] == "basic"
    progress = client.get(
        f"{API}/campaigns/{campaign['id']}/progress", headers=world.auth("fed_admin")
    ).json()
    assert progress["total"] == 1 and progress["by_status"]["not_started"] == 1  # Telco A only
    r = client.post(
        f"{API}/campaigns",
        headers=world.auth("fed_admin"),
        json={"name": "Cloud 2026", "pack": "aman-cloud-baseline", "level": "galactic"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "level"
    r = client.post(
        f"{API}/campaigns",
        headers=world.auth("fed_admin"),
        json={"name": "Nothing", "pack": "aman-cloud-baseline", "sectors": ["water"]},
    )
    assert r.status_code == 422
    # A member launches for its own constituency only; the federation's campaigns are not its.
    r = client.post(
        f"{API}/campaigns",
        headers=world.auth("a_admin"),
        json={
            "name": "Our PQC",
            "pack": "aman-pqc-readiness",
            "owner_member_id": str(world.member_a),
        },
    )
    assert r.status_code == 201
    assessments = client.get(
        f"{API}/assessments", headers=world.auth("a_admin"), params={"campaign_id": r.json()["id"]}
    ).json()["items"]
    assert [a["organisation_id"] for a in assessments] == [str(world.org_a)]
    r = client.post(
        f"{API}/campaigns",
        headers=world.auth("a_admin"),
        json={"name": "Everyone", "pack": "aman-pqc-readiness"},
    )
    assert r.status_code == 403


def test_answer_history_score_and_isolation(
    client: Any, world: Any, campaign: Any, assessment_of: Any
) -> None:
    a = assessment_of(campaign.id, world.org_a)
    url = f"{API}/assessments/{a.id}/answers/PQC-TLS-01"
    h = world.auth("a_assessor")
    assert client.put(url, headers=h, json={"result": "7"}).status_code == 422
    r = client.put(url, headers=h, json={"result": "maybe"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "result"
    assert (
        client.put(
            url, headers=h, json={"result": "2", "comment": "hybrid on edge only"}
        ).status_code
        == 200
    )
    assert client.put(url, headers=h, json={"result": "4"}).json()["version"] == 2
    detail = client.get(f"{API}/assessments/{a.id}", headers=h).json()
    assert detail["assessment"]["status"] == "in_progress"
    assert detail["assessment"]["score"] == 80.0  # 4 on 0..5, the only answer
    state = next(r for r in detail["requirements"] if r["ref_id"] == "PQC-TLS-01")
    assert state["answer"]["result"] == "4" and state["score"] == 80.0
    hist = client.get(
        f"{API}/assessments/{a.id}/history", headers=h, params={"ref_id": "PQC-TLS-01"}
    ).json()
    assert [(c["version"], c["result"]) for c in hist] == [(1, "2"), (2, "4")]
    assert (
        client.put(
            f"{API}/assessments/{a.id}/answers/PQC-TLS", headers=h, json={"result": "3"}
        ).status_code
        == 404
    )  # a grouping node
    # Another member cannot see or touch it; a viewer reads but cannot write.
    b = world.auth("b_admin")
    assert client.get(f"{API}/assessments/{a.id}", headers=b).status_code == 404
    assert client.put(url, headers=b, json={"result": "0"}).status_code == 404
    assert client.put(url, headers=world.auth("a_viewer"), json={"result": "0"}).status_code == 403
    listed = client.get(
        f"{API}/assessments", headers=b, params={"campaign_id": str(campaign.id)}
    ).json()["items"]
    assert {x["organisation_id"] for x in listed} == {str(world.org_b)}


def test_submit_review_and_immutability(
    client: Any, world: Any, campaign: Any, factory: Any, assessment_of: Any, answer_all: Any
) -> None:
    a = assessment_of(campaign.id, world.org_a)
    h = world.auth("a_assessor")
    r = client.post(f"{API}/assessments/{a.id}/submit", headers=h)
    assert r.status_code == 422 and "unanswered" in r.json()["detail"]
    answer_all(a.id, "3", {"PQC-TLS-01": "n/a"})
    r = client.post(f"{API}/assessments/{a.id}/submit", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["score"] == 60.0 and r.json()["coverage"] == 1.0
    assert (
        client.put(
            f"{API}/assessments/{a.id}/answers/PQC-TLS-02", headers=h, json={"result": "5"}
        ).status_code
        == 409
    )
    # The assessor cannot review; the member admin returns it with a comment.
    assert (
        client.post(
            f"{API}/assessments/{a.id}/review", headers=h, json={"decision": "accept"}
        ).status_code
        == 403
    )
    r = client.post(
        f"{API}/assessments/{a.id}/review",
        headers=world.auth("a_admin"),
        json={"decision": "return"},
    )
    assert r.status_code == 422
    r = client.post(
        f"{API}/assessments/{a.id}/review",
        headers=world.auth("a_admin"),
        json={"decision": "return", "comment": "evidence for PQC-INV-01 missing"},
    )
    assert r.json()["status"] == "returned"
    assert (
        client.put(
            f"{API}/assessments/{a.id}/answers/PQC-INV-01", headers=h, json={"result": "4"}
        ).status_code
        == 200
    )
    assert client.post(f"{API}/assessments/{a.id}/submit", headers=h).status_code == 200
    r = client.post(
        f"{API}/assessments/{a.id}/review",
        headers=world.auth("a_admin"),
        json={"decision": "accept", "comment": "ok"},
    )
    assert r.json()["status"] == "accepted" and r.json()["accepted_at"]
    r = client.put(
        f"{API}/assessments/{a.id}/answers/PQC-INV-01",
        headers=world.auth("fed_admin"),
        json={"result": "0"},
    )
    assert r.status_code == 409 and "immutable" in r.json()["detail"]
    with factory() as s:
        changes = s.scalar(
            select(func.count()).select_from(AnswerChange).where(AnswerChange.assessment_id == a.id)
        )
        answers = s.scalar(
            select(func.count()).select_from(Answer).where(Answer.assessment_id == a.id)
        )
    assert changes == answers + 1  # every answer once, PQC-INV-01 twice


def test_member_state_assessments_are_reviewed_by_the_federation(
    client: Any, world: Any, packs: None, factory: Any, answer_all: Any
) -> None:
    r = client.post(
        f"{API}/campaigns",
        headers=world.auth("fed_admin"),
        json={
            "name": "National capacity 2026",
            "pack": "aman-national-capacity",
            "subject_kind": "member",
        },
    )
    assert r.status_code == 201, r.text
    with factory() as s:
        a = s.scalar(
            select(Assessment).where(
                Assessment.campaign_id == uuid.UUID(r.json()["id"]),
                Assessment.member_id == world.member_a,
            )
        )
    answer_all(a.id, "met", {"NC-LEG-01": "partial", "NC-TEC-01": "not_met"})
    done = client.post(f"{API}/assessments/{a.id}/submit", headers=world.auth("a_admin")).json()
    assert 0 < done["score"] < 100 and done["tier"] in {"T1", "T2", "T3"}
    assert (
        client.post(
            f"{API}/assessments/{a.id}/review",
            headers=world.auth("a_admin"),
            json={"decision": "accept"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/assessments/{a.id}/review",
            headers=world.auth("fed_admin"),
            json={"decision": "accept"},
        ).json()["status"]
        == "accepted"
    )
    r = client.post(
        f"{API}/campaigns",
        headers=world.auth("fed_admin"),
        json={"name": "Wrong", "pack": "aman-pqc-readiness", "subject_kind": "member"},
    )
    assert r.status_code == 422


def test_automated_evidence_and_override(
    client: Any, world: Any, campaign: Any, factory: Any, assessment_of: Any, op: Any
) -> None:
    from aman.assessments import service

    a = assessment_of(campaign.id, world.org_a)
    with transaction(factory) as s:
        row = service.set_automated_evidence(
            s,
            op,
            a.id,
            "PQC-TLS-01",
            "not_met",
            {"tool": "aman-pqc", "findings": ["f1"], "observed_at": "2026-11-29T00:00:00Z"},
        )
        assert row is not None and row.result == "0" and row.automated["status"] == "not_met"
    url = f"{API}/assessments/{a.id}/answers/PQC-TLS-01"
    r = client.put(url, headers=world.auth("a_assessor"), json={"result": "4"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "override_reason"
    r = client.put(
        url,
        headers=world.auth("a_assessor"),
        json={"result": "4", "override_reason": "scanner saw the legacy VIP, not production"},
    )
    assert r.status_code == 200 and r.json()["result"] == "4"
    with transaction(factory) as s:  # later automated evidence is shown, the person's answer kept
        row = service.set_automated_evidence(s, op, a.id, "PQC-TLS-01", "met", {"tool": "x"})
        assert row is not None and row.result == "4" and row.automated["status"] == "met"
