"""Assessment benchmarks (issue: assessments).

1. Full roll-up recompute for 10,000 organisations x 200 requirements (2,000,000 answers) on
   SQLite and PostgreSQL.
2. Incremental roll-up update after one submission (the bins of one assessment).
3. The assessment API for a 1,200-requirement assessment: p50/p95 server time.

Run: .venv/bin/python benchmarks/bench_assessments.py [--orgs 10000]; set AMAN_TEST_POSTGRES_URL
to include PostgreSQL. Results: benchmarks/results/assessments.json.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from _common import percentiles, postgres_database, table, write_results
from aman.app import create_app
from aman.assessments import rollups, service
from aman.assessments.models import Answer, Assessment, Campaign, RollupHistogram
from aman.assessments.schemas import CampaignIn
from aman.auth.permissions import Principal
from aman.db import make_engine, make_sessionmaker, transaction, utcnow
from aman.frameworks import service as frameworks
from aman.frameworks.schemas import Pack
from aman.migrate import upgrade_engine_url
from aman.registry.models import Member, Organisation
from aman.settings import Settings

OP = Principal.local_operator("bench")
SECTORS = [
    "telecom",
    "finance",
    "energy",
    "government",
    "health",
    "cloud-it",
    "transport",
    "water",
    "education",
    "manufacturing",
    "other",
]


def synthetic_pack(pack_id: str, groups: int, per_group: int) -> Pack:
    reqs: list[dict[str, Any]] = []
    for g in range(groups):
        reqs.append({"ref_id": f"G{g:02d}", "title": f"Domain {g}", "assessable": False})
        reqs += [
            {
                "ref_id": f"G{g:02d}-{n:03d}",
                "parent": f"G{g:02d}",
                "title": f"Requirement {g}.{n}",
                "description": "Keep an inventory. " * 5,
            }
            for n in range(per_group)
        ]
    return Pack.model_validate(
        {
            "schema_version": 1,
            "pack": {
                "id": pack_id,
                "version": "1",
                "title": pack_id,
                "publisher": "bench",
                "licence_class": "full_text",
                "licence": "CC0-1.0",
                "domains": ["general"],
            },
            "scoring": {
                "kind": "maturity",
                "min": 0,
                "max": 5,
                "target": 3,
                "levels": [{"value": v, "title": str(v)} for v in range(6)],
            },
            "requirements": reqs,
        }
    )


def populate(url: str, orgs: int) -> tuple[Any, uuid.UUID, uuid.UUID]:
    """10 domains x 20 requirements, `orgs` organisations, all answered and accepted."""
    upgrade_engine_url(url)
    factory = make_sessionmaker(make_engine(url))
    rng = random.Random(7)
    with transaction(factory) as s:
        frameworks.import_pack(s, OP, synthetic_pack("bench-200", 10, 20), "bench")
        members = [
            Member(name=f"CERT {i:02d}", country_code="MY", membership_class="full")
            for i in range(27)
        ]
        s.add_all(members)
        s.flush()
        org_rows = [
            {
                "id": uuid.uuid4(),
                "member_id": members[i % 27].id,
                "name": f"Org {i:05d}",
                "country_code": "MY",
                "sector": SECTORS[i % len(SECTORS)],
                "size_band": "medium",
                "critical_infrastructure": False,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for i in range(orgs)
        ]
        s.execute(insert(Organisation), org_rows)
        campaign = service.launch_campaign(s, OP, CampaignIn(name="bench", pack="bench-200"))
        ids = list(s.scalars(select(Assessment.id).where(Assessment.campaign_id == campaign.id)))
    refs = [f"G{g:02d}-{n:03d}" for g in range(10) for n in range(20)]
    now = utcnow()
    for start in range(0, len(ids), 250):
        chunk, node_rows = ids[start : start + 250], []
        answers = []
        for aid in chunk:
            strength = rng.random()
            values = [min(5, max(0, round(strength * 5 + rng.gauss(0, 1)))) for _ in refs]
            answers += [
                {
                    "id": uuid.uuid4(),
                    "assessment_id": aid,
                    "ref_id": ref,
                    "result": str(v),
                    "value": v / 5,
                    "na": False,
                    "comment": "",
                    "version": 1,
                    "updated_by": "bench",
                    "updated_at": now,
                }
                for ref, v in zip(refs, values, strict=True)
            ]
            groups = {
                f"G{g:02d}": sum(values[g * 20 : (g + 1) * 20]) / 20 / 5 * 100 for g in range(10)
            }
            total = sum(groups.values()) / 10
            node_rows.append((aid, groups, total))
        with transaction(factory) as s:
            s.execute(insert(Answer), answers)
            for aid, groups, total in node_rows:
                a = s.get(Assessment, aid)
                assert a is not None
                a.status, a.score, a.coverage = "accepted", total, 1.0
                a.node_scores = {"nodes": groups, "domains": {"general": total}}
    return factory, campaign.id, ids[0]


def bench_rollups(label: str, url: str, orgs: int) -> dict[str, Any]:
    start = time.perf_counter()
    factory, campaign_id, some_id = populate(url, orgs)
    populate_s = time.perf_counter() - start
    full = []
    for _ in range(3):
        with transaction(factory) as s:
            t = time.perf_counter()
            bins = rollups.recompute(s, campaign_id)
            full.append(time.perf_counter() - t)
    incremental = []
    for _ in range(20):
        with transaction(factory) as s:
            a = s.get(Assessment, some_id)
            assert a is not None
            t = time.perf_counter()
            rollups.remove(s, a)
            rollups.apply(s, a)
            incremental.append((time.perf_counter() - t) / 2)
    with factory() as s:
        campaign = s.get(Campaign, campaign_id)
        assert campaign is not None
        histograms = s.scalar(
            select(func.count()).where(RollupHistogram.campaign_id == campaign_id)
        )
    return {
        "database": label,
        "organisations": orgs,
        "answers": orgs * 200,
        "populate_s": populate_s,
        "recompute_s": min(full),
        "bins": bins,
        "histograms": histograms,
        "incremental_ms": sorted(incremental)[len(incremental) // 2] * 1000,
        "incremental_max_ms": max(incremental) * 1000,
    }


def bench_api(tmp: Path) -> dict[str, Any]:
    url = f"sqlite:///{tmp / 'api.db'}"
    upgrade_engine_url(url)
    factory = make_sessionmaker(make_engine(url))
    with transaction(factory) as s:
        frameworks.import_pack(s, OP, synthetic_pack("bench-1200", 60, 20), "bench")
        m = Member(name="CERT", country_code="MY", membership_class="full")
        s.add(m)
        s.flush()
        s.add(
            Organisation(
                member_id=m.id, name="Org", country_code="MY", sector="telecom", size_band="medium"
            )
        )
        c = service.launch_campaign(s, OP, CampaignIn(name="api", pack="bench-1200"))
        a = s.scalar(select(Assessment).where(Assessment.campaign_id == c.id))
        assert a is not None
        rng = random.Random(1)
        from aman.assessments.packs import pack_tree

        tree = pack_tree(s, a.pack_uuid)[0]
        service.record_completed(
            s,
            OP,
            a,
            {n.ref_id: str(rng.randint(0, 5)) for n in tree.assessable()},
            accepted_at=utcnow(),
        )
        from aman.auth import service as auth
        from aman.auth.schemas import GrantIn, TokenIn, UserIn

        user = auth.create_user(
            s,
            OP,
            UserIn(
                email="b@x.example", display_name="b", grants=[GrantIn(role="federation-admin")]
            ),
        )
        _, token = auth.create_token(s, OP, user.id, TokenIn(name="b"))
    app = create_app(Settings(data_dir=tmp, database_url=url, secret_key="bench", gc_freeze=True))
    samples = []
    with TestClient(app) as client:
        for i in range(120):
            t = time.perf_counter()
            r = client.get(
                f"/api/v1/assessments/{a.id}", headers={"Authorization": f"Bearer {token}"}
            )
            elapsed = time.perf_counter() - t
            assert r.status_code == 200 and len(r.json()["requirements"]) == 1260
            if i >= 20:
                samples.append(elapsed)
    return {"requirements": 1200, **percentiles(samples)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        api = bench_api(tmp)
        print(f"assessment API: {api}", flush=True)
        runs = [bench_rollups("SQLite", f"sqlite:///{tmp / 'rollup.db'}", args.orgs)]
        print(f"roll-ups: {runs[-1]}", flush=True)
        with postgres_database() as pg:
            if pg:
                runs.append(bench_rollups("PostgreSQL", pg, args.orgs))
                print(f"roll-ups: {runs[-1]}", flush=True)
    print(
        f"Roll-ups, {args.orgs:,} organisations x 200 requirements ({args.orgs * 200:,} answers):"
    )
    print(
        table(
            [
                (
                    r["database"],
                    f"{r['recompute_s']:.2f}",
                    f"{r['bins']:,} in {r['histograms']:,}",
                    f"{r['incremental_ms']:.1f}",
                    f"{r['populate_s']:.0f}",
                )
                for r in runs
            ],
            ("database", "full recompute s", "bins in histograms", "incremental ms", "data load s"),
        )
    )
    print(
        f"\nAssessment API, 1,200 requirements (100 requests): p50 {api['p50_ms']:.1f} ms, "
        f"p95 {api['p95_ms']:.1f} ms"
    )
    path = write_results("assessments", {"rollups": runs, "api": api})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
