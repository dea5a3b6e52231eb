"""Roll-ups stay equal to a full recompute through submit/return cycles; benchmarks show
only aggregates, only where at least k peers contributed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select

from aman.assessments import insights, rollups, service
from aman.assessments.models import Answer, Assessment, RollupHistogram
from aman.assessments.schemas import CampaignIn, ReviewIn
from aman.auth.permissions import Principal
from aman.db import transaction
from aman.registry import service as registry
from aman.registry.schemas import OrganisationIn

API = "/api/v1"


def _bins(factory: Any, campaign_id: Any) -> dict[tuple[str, str, int], int]:
    """Every non-empty bin of a campaign's histograms, flattened."""
    with factory() as s:
        rows = s.execute(
            select(RollupHistogram.scope, RollupHistogram.node, RollupHistogram.counts).where(
                RollupHistogram.campaign_id == campaign_id
            )
        )
        return {(sc, n, int(b)): c for sc, n, counts in rows for b, c in counts.items() if c}


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


def test_recompute_in_sql_counts_what_incremental_counts_on_ties_and_edges(
    factory: Any, world: Any, campaign: Any, answer_all: Any, op: Principal
) -> None:
    """The recompute aggregates inside the database, the incremental path in Python: both
    must bin halves the same way (up), clamp out-of-range scores, skip inferred answers and
    nulls, and leave member x sector out for organisations without a sector."""
    with factory() as s:
        rows = list(s.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id)))
    for a in rows:
        answer_all(a.id, "2")
        _submit(factory, op, a.id)
    with transaction(factory) as s:
        first, second = (s.get(Assessment, a.id) for a in rows[:2])
        assert first is not None and second is not None
        first.node_scores = {"nodes": {"PQC-INV": 12.5, "PQC-TLS": None}, "domains": {"d": 0.5}}
        first.score = 100.4999
        second.node_scores = {"nodes": {"PQC-INV": 87.5}, "domains": {}}
        second.score, second.sector = -0.2, None
        tie, inferred = s.scalars(
            select(Answer).where(Answer.assessment_id == first.id).order_by(Answer.ref_id).limit(2)
        )
        tie.value = 0.125  # 12.5 %: a tie that round() would send to 12
        inferred.inferred_from = {"pack": "x", "ref_id": "y"}
    with transaction(factory) as s:  # what submit/accept would have added, from scratch
        s.execute(delete(RollupHistogram).where(RollupHistogram.campaign_id == campaign.id))
        counted = list(s.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id)))
        rollups.count_targets(
            s, campaign, [(a.member_id, a.organisation_id, a.sector) for a in counted]
        )
        for a in counted:
            rollups.apply(s, a)
    incremental = _bins(factory, campaign.id)
    with transaction(factory) as s:
        written = rollups.recompute(s, campaign.id)
    assert _bins(factory, campaign.id) == incremental
    assert written == len(incremental)
    assert incremental[("federation", f"req:{tie.ref_id}", 13)] == 1
    assert incremental[("federation", "node:PQC-INV", 13)] == 1
    assert incremental[("federation", "domain:d", 1)] == 1
    assert incremental[("federation", "total", 100)] == 1
    assert incremental[("federation", "total", 0)] == 1
    assert not any(node == "node:PQC-TLS" for _, node, _ in incremental)
    assert not any(
        scope.endswith(":sector:None") or scope == "sector:None" for scope, _, _ in incremental
    )


def test_histograms_survive_the_migration_from_bin_rows_and_back(
    db_url: str, factory: Any, world: Any, campaign: Any, answer_all: Any, op: Principal
) -> None:
    """Revision 0011 turned one row per bin into one histogram per (scope, node): going down
    spreads the histograms back into bin rows, going up gathers them again, nothing lost."""
    from sqlalchemy import text

    from aman.migrate import downgrade, upgrade

    with factory() as s:
        ids = list(s.scalars(select(Assessment.id).where(Assessment.campaign_id == campaign.id)))
    for i, aid in enumerate(ids):
        answer_all(aid, str(i % 5))
        _submit(factory, op, aid)
    before = _bins(factory, campaign.id)
    assert len(before) > 50
    factory.kw["bind"].dispose()
    downgrade(db_url, "0010")
    with factory() as s:
        rows = s.execute(text("SELECT scope, node, bin, count FROM rollup_bins")).all()
    assert {(sc, n, b): c for sc, n, b, c in rows} == before
    factory.kw["bind"].dispose()
    upgrade(db_url)
    assert _bins(factory, campaign.id) == before


def test_concurrent_submissions_lose_no_count(
    db_url: str, factory: Any, world: Any, packs: None, answer_all: Any, op: Principal
) -> None:
    """Submissions update the same histograms (the federation's, the sector's) from several
    transactions at once: each locks what it merges, so the result equals a recompute."""
    import threading

    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time; PostgreSQL is where writers overlap")
    _telcos(factory, op, world, 8)
    with transaction(factory) as s:
        c = service.launch_campaign(s, op, CampaignIn(name="PQC", pack="aman-pqc-readiness"))
    with factory() as s:
        ids = list(s.scalars(select(Assessment.id).where(Assessment.campaign_id == c.id)))
    for i, aid in enumerate(ids):
        answer_all(aid, str(i % 5))
    start, errors = threading.Barrier(len(ids)), []

    def submit(aid: Any) -> None:
        try:
            start.wait()
            _submit(factory, op, aid)
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(aid,)) for aid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    concurrent = _bins(factory, c.id)
    with transaction(factory) as s:
        rollups.recompute(s, c.id)
    assert _bins(factory, c.id) == concurrent
    assert concurrent[("federation", "#targets", 0)] == len(ids)
    totals = [n for (sc, node, _), n in concurrent.items() if (sc, node) == ("federation", "total")]
    assert sum(totals) == len(ids)
