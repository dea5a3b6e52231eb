"""Training benchmark (issue: training and capacity building).

Programmes for all demo member states from the demo campaigns: the demo federation (27
members, their organisations, the completed 5G, cloud, AI, PQC and national-capacity
campaigns) is loaded into a fresh database, then

1. `recommend_members`: an explained programme per member state, in one call (cold: first
   call of the process; warm: median of 5 more);
2. `generate_programmes`: the same, stored as versioned programmes (first generation).

Target: < 2 s in total for all member states. Run: .venv/bin/python benchmarks/bench_training.py;
set AMAN_TEST_POSTGRES_URL to include PostgreSQL. Results: benchmarks/results/training.json.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import postgres_database, table, write_results
from aman.auth.permissions import Principal
from aman.db import make_engine, make_sessionmaker, transaction
from aman.demo import load_demo
from aman.frameworks.service import sync_shipped
from aman.migrate import upgrade_engine_url
from aman.settings import Settings
from aman.training import service
from aman.training.schemas import RecommendIn

OP = Principal.local_operator("bench")
WARM_RUNS = 5


def load(url: str, data_dir: Path) -> float:
    start = time.perf_counter()
    upgrade_engine_url(url)
    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as session:
        sync_shipped(session, OP, data_dir / "cache" / "packs")
        service.ensure_catalogue(session)
    engine.dispose()
    load_demo(Settings(data_dir=data_dir, database_url=url, secret_key="bench"))
    return time.perf_counter() - start


def measure(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    options = RecommendIn()
    runs = []
    plans: dict[Any, Any] = {}
    for _ in range(1 + WARM_RUNS):
        with factory() as session:
            start = time.perf_counter()
            plans = service.recommend_members(session, OP, options)
            runs.append(time.perf_counter() - start)
    with transaction(factory) as session:
        start = time.perf_counter()
        stored = service.generate_programmes(session, OP, options)
        generate = time.perf_counter() - start
    engine.dispose()
    return {
        "members": len(plans),
        "modules": sum(len(p.items) for p in plans.values()),
        "gap_sources": sum(p.sources for p in plans.values()),
        "recommend_cold_s": runs[0],
        "recommend_warm_median_s": statistics.median(runs[1:]),
        "generate_and_store_s": generate,
        "programmes_stored": len(stored),
    }


def main() -> None:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'aman.db'}"
        results["sqlite"] = {"load_demo_s": load(url, Path(tmp))} | measure(url)
    with postgres_database() as pg, tempfile.TemporaryDirectory() as tmp:
        if pg:
            results["postgresql"] = {"load_demo_s": load(pg, Path(tmp))} | measure(pg)
    rows = [
        (
            backend,
            str(r["members"]),
            str(r["gap_sources"]),
            str(r["modules"]),
            f"{r['recommend_cold_s']:.2f}",
            f"{r['recommend_warm_median_s']:.2f}",
            f"{r['generate_and_store_s']:.2f}",
        )
        for backend, r in results.items()
    ]
    header = (
        "backend",
        "members",
        "gap sources",
        "modules",
        "cold s",
        "warm s",
        "generate+store s",
    )
    print(table(rows, header))
    path = write_results("training", {"target_s": 2.0, "results": results})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
