"""Framework-pack benchmarks (issue: framework packs).

1. Import of the NIST SP 800-53 rev5 MODERATE resolved OSCAL catalog (3.9 MB) into SQLite and
   PostgreSQL — Aman's set-based import vs. the node-by-node pattern (one ORM round trip per
   requirement, as CISO Assistant's library loader does), both on Aman's own tables. PostgreSQL
   runs twice: over the local socket, and through a proxy adding 1 ms of round-trip time, as
   between an application server and a database host.
2. Warm start-up load of every shipped pack (compiled-JSON cache) vs. a cold YAML parse.
3. Requirement-tree API for a 1,200-requirement pack: p50/p95 server time per endpoint.

Run: make bench  (or .venv/bin/python benchmarks/bench_frameworks.py); set
AMAN_TEST_POSTGRES_URL to include PostgreSQL. Results: benchmarks/results/frameworks.json.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from _common import (
    SHARED_DATA,
    LatencyProxy,
    percentiles,
    postgres_database,
    table,
    timed,
    write_results,
)
from aman.app import create_app
from aman.auth.permissions import Principal
from aman.db import make_engine, make_sessionmaker, transaction
from aman.frameworks import oscal, service
from aman.frameworks.compiler import load_all
from aman.frameworks.models import PackVersion, RequirementRow
from aman.frameworks.schemas import Pack
from aman.migrate import upgrade_engine_url
from aman.settings import Settings

OP = Principal.local_operator("bench")
MODERATE = (
    SHARED_DATA / "oscal" / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"
)


def _convert() -> Pack:
    info = oscal.PackInfo(pack_id="sp800-53-moderate", publisher="NIST", licence="public domain")
    return oscal.load_oscal_catalog(MODERATE, info).pack


def _node_by_node(url: str, pack: Pack) -> None:
    """The baseline: one INSERT round trip per requirement (flush per node)."""
    factory = make_sessionmaker(make_engine(url))
    with transaction(factory) as s:
        row = PackVersion(
            pack_id="node-by-node",
            version="1",
            title="x",
            publisher="x",
            licence_class="full_text",
            licence="x",
            domains=[],
            scoring={},
            translations={},
            requirement_count=0,
            assessable_count=0,
            sha256="x",
            origin="bench",
            document=b"{}",
        )
        s.add(row)
        s.flush()
        ids: dict[str, uuid.UUID] = {}
        for position, r in enumerate(pack.requirements):
            node = RequirementRow(
                pack_uuid=row.id,
                ref_id=r.ref_id,
                parent_id=ids.get(r.parent or ""),
                position=position,
                depth=0,
                path=f"{position:05d}",
                title=r.title,
                description=r.description,
                assessable=r.assessable,
                weight=r.weight,
                importance=2,
                domains=[],
                levels=[],
                references=[],
                checks=[],
                competencies=[],
                translations={},
                search_text="",
            )
            s.add(node)
            s.flush()
            ids[r.ref_id] = node.id


def bench_import(label: str, url: str) -> dict[str, Any]:
    upgrade_engine_url(url)
    factory = make_sessionmaker(make_engine(url))
    convert_s, pack = timed(_convert)

    def aman_import() -> None:
        with transaction(factory) as s:
            service.import_pack(s, OP, pack, "bench")

    import_s, _ = timed(aman_import)
    baseline_s, _ = timed(lambda: _node_by_node(url, pack))
    return {
        "database": label,
        "requirements": len(pack.requirements),
        "convert_s": convert_s,
        "import_s": import_s,
        "total_s": convert_s + import_s,
        "node_by_node_s": baseline_s,
        "ratio": baseline_s / import_s,
    }


def bench_startup(tmp: Path) -> dict[str, Any]:
    cache = tmp / "cache"
    cold, result = timed(lambda: load_all(service.SHIPPED_PACKS, cache))
    warm = []
    for _ in range(20):
        seconds, again = timed(lambda: load_all(service.SHIPPED_PACKS, cache))
        assert again.from_cache == len(again.packs)
        warm.append(seconds)
    shutil.rmtree(cache)
    return {
        "packs": len(result.packs),
        "cold_s": cold,
        "warm_median_s": sorted(warm)[10],
        "warm_max_s": max(warm),
    }


def _big_pack() -> Pack:
    """A synthetic pack of 12 domains x 10 categories x 10 requirements = 1,200 assessable."""
    reqs: list[dict[str, Any]] = []
    for d in range(12):
        reqs.append({"ref_id": f"D{d:02d}", "title": f"Domain {d}", "assessable": False})
        for c in range(10):
            cat = f"D{d:02d}.C{c:02d}"
            reqs.append(
                {
                    "ref_id": cat,
                    "parent": f"D{d:02d}",
                    "title": f"Category {c}",
                    "assessable": False,
                }
            )
            reqs += [
                {
                    "ref_id": f"{cat}-{n:02d}",
                    "parent": cat,
                    "title": f"Requirement {d}.{c}.{n} on secure configuration",
                    "description": "The organisation keeps an accurate inventory " * 4,
                    "translations": {"ar": {"title": "متطلب"}, "fr": {"title": "Exigence"}},
                }
                for n in range(10)
            ]
    return Pack.model_validate(
        {
            "schema_version": 1,
            "pack": {
                "id": "bench-1200",
                "version": "1",
                "title": "Benchmark pack",
                "publisher": "bench",
                "licence_class": "full_text",
                "licence": "CC0-1.0",
                "domains": ["general"],
            },
            "scoring": {"kind": "yes_partial_no"},
            "requirements": reqs,
        }
    )


def bench_tree(tmp: Path) -> list[dict[str, Any]]:
    url = f"sqlite:///{tmp / 'tree.db'}"
    upgrade_engine_url(url)
    pack = _big_pack()
    with transaction(make_sessionmaker(make_engine(url))) as s:
        service.import_pack(s, OP, pack, "bench")
        from aman.auth import service as auth
        from aman.auth.schemas import GrantIn, TokenIn, UserIn

        user = auth.create_user(
            s,
            OP,
            UserIn(email="bench@x.example", display_name="b", grants=[GrantIn(role="viewer")]),
        )
        _, token = auth.create_token(s, OP, user.id, TokenIn(name="bench"))
    app = create_app(Settings(data_dir=tmp, database_url=url, secret_key="bench"))
    headers = {"Authorization": f"Bearer {token}"}
    cases = {
        "top level (12 nodes)": ("/api/v1/frameworks/bench-1200/1/requirements", {}),
        "one domain, depth 2 (110 nodes)": (
            "/api/v1/frameworks/bench-1200/1/requirements",
            {"parent": "D05", "depth": 2},
        ),
        "whole tree (1,332 nodes)": ("/api/v1/frameworks/bench-1200/1/requirements", {"depth": 3}),
        "one requirement + ancestors": (
            "/api/v1/frameworks/bench-1200/1/requirements/D05.C05-05",
            {},
        ),
    }
    out = []
    with TestClient(app) as client:
        for name, (path, params) in cases.items():
            samples = []
            for i in range(220):
                start = time.perf_counter()
                r = client.get(path, params=params, headers=headers)
                elapsed = time.perf_counter() - start
                assert r.status_code == 200
                if i >= 20:
                    samples.append(elapsed)
            out.append({"case": name, **percentiles(samples)})
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        imports = [bench_import("SQLite", f"sqlite:///{tmp / 'import.db'}")]
        with postgres_database() as pg:
            if pg:
                imports.append(bench_import("PostgreSQL (local socket)", pg))
        with postgres_database() as pg:
            if pg:
                where = make_url(pg)
                proxy = LatencyProxy(where.host or "127.0.0.1", where.port or 5432, 0.0005)
                imports.append(bench_import("PostgreSQL (+1 ms RTT proxy)", proxy.url(pg)))
        startup = bench_startup(tmp)
        tree = bench_tree(tmp)
    print(
        "Import of the SP 800-53 r5 MODERATE OSCAL catalog "
        f"({imports[0]['requirements']} requirements):"
    )
    print(
        table(
            [
                (
                    i["database"],
                    f"{i['convert_s']:.3f}",
                    f"{i['import_s']:.3f}",
                    f"{i['total_s']:.3f}",
                    f"{i['node_by_node_s']:.3f}",
                    f"{i['ratio']:.1f}x",
                )
                for i in imports
            ],
            ("database", "OSCAL→pack s", "DB import s", "total s", "node-by-node s", "speed-up"),
        )
    )
    print(
        f"\nShipped packs ({startup['packs']}): cold load {startup['cold_s'] * 1000:.0f} ms, "
        f"warm load median {startup['warm_median_s'] * 1000:.1f} ms "
        f"(max {startup['warm_max_s'] * 1000:.1f} ms)"
    )
    print("\nRequirement-tree API, 1,200-requirement pack (in-process, 200 requests each):")
    print(
        table(
            [(t["case"], f"{t['p50_ms']:.1f}", f"{t['p95_ms']:.1f}") for t in tree],
            ("request", "p50 ms", "p95 ms"),
        )
    )
    path = write_results("frameworks", {"import": imports, "startup": startup, "tree": tree})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
