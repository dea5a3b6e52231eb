"""Roll-ups stay equal to a full recompute through submit/return cycles; benchmarks show
only aggregates, only where at least k peers contributed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from aman.assessments import insights, rollups, service
from aman.assessments.models import Assessment, RollupBin
from aman.assessments.schemas import CampaignIn, ReviewIn
from aman.auth.permissions import Principal
from aman.db import transaction
from aman.registry import service as registry
from aman.registry.schemas import OrganisationIn

API = "/api/v1"


def _bins(factory: Any, campaign_id: Any) -> dict[tuple[str, str, int], int]:
    with factory() as s:
        rows = s.execute(
            select(RollupBin.scope, RollupBin.node, RollupBin.bin, RollupBin.count).where(
                RollupBin.campaign_id == campaign_id
            )
        )
        return {(sc, n, b): c for sc, n, b, c in rows if c}


def _telcos(factory: Any, op: Principal, world: Any, n: int) -> None:
    with transaction(factory) as s:
        for i in range(n):
            member = world.member_a if i % 2 else world.member_b
            registry.create_organisation(
                s, op, OrganisationIn(member_id=member, name=f"Operator {i:02d}", sector="telecom")
            )


def _submit(factory: Any, op: Principal, assessment_id: Any) -> None:
    with transaction(factory) as s:
        service.submit(s, op, assessment_id)


def test_incremental_rollups_equal_full_recompute(
    factory: Any, world: Any, packs: None, op: Principal, answer_all: Any
) -> None:
    _telcos(factory, op, world, 6)
    with transaction(factory) as s:
        c = service.launch_campaign(s, op, CampaignIn(name="PQC", pack="aman-pqc-readiness"))
    with factory() as s:
        ids = list(
            s.scalars(
                select(Assessment.id).where(Assessment.campaign_id == c.id).order_by(Assessment.id)
            )
        )
    for i, aid in enumerate(ids):
        answer_all(aid, str(i % 6), {"PQC-TLS-01": "n/a"} if i % 3 == 0 else None)
        _submit(factory, op, aid)
    with transaction(factory) as s:  # a return removes exactly what the submission added
        service.review(s, op, ids[1], ReviewIn(decision="return", comment="redo"))
        service.review(s, op, ids[2], ReviewIn(decision="accept"))
    incremental = _bins(factory, c.id)
    with transaction(factory) as s:
        rollups.recompute(s, c.id)
    assert _bins(factory, c.id) == incremental
    assert incremental[("federation", "#targets", 0)] == len(ids)
    with factory() as s:
        stats = dict(
            (x.node, x)
            for x in insights.rollup(s, op, c.id, "sector:telecom", ["total", "req:PQC-INV-01"])
        )
    with factory() as s:
        counted = [
            a
            for a in s.scalars(select(Assessment).where(Assessment.campaign_id == c.id))
            if a.sector == "telecom" and a.status in ("submitted", "accepted")
        ]
    assert stats["total"].count == len(counted) >= 6  # 7 telecom assessments, one returned?
    assert stats["req:PQC-INV-01"].coverage == len(counted) / 7


def test_benchmark_k_threshold_and_no_peer_answers(
    client: Any, world: Any, factory: Any, packs: None, op: Principal, answer_all: Any
) -> None:
    _telcos(factory, op, world, 5)
    with transaction(factory) as s:
        c = service.launch_campaign(
            s, op, CampaignIn(name="PQC", pack="aman-pqc-readiness", sectors=["telecom"])
        )
    with factory() as s:
        rows = list(s.scalars(select(Assessment).where(Assessment.campaign_id == c.id)))
    mine = next(a for a in rows if a.organisation_id == world.org_a)
    others = [a for a in rows if a is not mine]
    for i, a in enumerate(others[:4]):
        answer_all(a.id, str(1 + i))
        _submit(factory, op, a.id)
    answer_all(mine.id, "4")
    _submit(factory, op, mine.id)
    url = f"{API}/assessments/{mine.id}/benchmark"
    cells = {b["scope"]: b for b in client.get(url, headers=world.auth("a_assessor")).json()}
    assert cells["sector:telecom"]["suppressed"]  # 4 peers < k = 5
    assert cells["federation"]["suppressed"]
    answer_all(others[4].id, "0")
    _submit(factory, op, others[4].id)
    cells = {b["scope"]: b for b in client.get(url, headers=world.auth("a_assessor")).json()}
    fed = cells["sector:telecom"]
    assert not fed["suppressed"] and fed["peers"] == 5 and fed["own"] == 80.0
    assert fed["percentile"] == 90.0  # above 0, 20, 40, 60; level with one 80
    assert set(fed) == {
        "scope",
        "node",
        "suppressed",
        "reason",
        "peers",
        "percentile",
        "median",
        "p75",
        "own",
    }
    assert cells[f"member:{world.member_a}"]["suppressed"]  # too few in the member alone
    # Statistics of other members' scopes are not readable by a member's users.
    r = client.get(
        f"{API}/campaigns/{c.id}/rollup",
        headers=world.auth("a_admin"),
        params={"scope": f"member:{world.member_b}"},
    )
    assert r.status_code == 403
    r = client.get(
        f"{API}/campaigns/{c.id}/rollup",
        headers=world.auth("a_admin"),
        params={"scope": "federation"},
    )
    assert r.status_code == 403
    r = client.get(
        f"{API}/campaigns/{c.id}/rollup",
        headers=world.auth("fed_admin"),
        params={"scope": "sector:telecom", "node": "total"},
    )
    assert r.json()[0]["count"] == 6
