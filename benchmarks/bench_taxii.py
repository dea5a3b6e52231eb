"""TAXII 2.1 server benchmark (issue: threat-intelligence exchange).

Side by side in one run, each server in its own process on 127.0.0.1 and driven by the same
client (taxii2-client 2.3.0): Aman (SQLite), medallion 3.0.0 (memory backend) and OpenTAXII
0.9.3 (SQLite; its own virtualenv). For N generated indicators (TLP:GREEN, IPv4 patterns from
the RFC 2544 benchmarking range, ~450 B each):

1. ingest: one POST of N objects (add_objects, waiting for completion) → objects/s;
2. first page: GET objects limit=100 once the collection holds N (median of 5);
3. full pull: every page at 100 per page (as_pages);
4. authenticated request: GET the API root with HTTP Basic (median of 30, warm).

With --scale M (and AMAN_TEST_POSTGRES_URL set), Aman on PostgreSQL is filled to M objects and
the first page and an `added_after` poll are timed at every tenfold size: both stay flat.

Run: .venv/bin/python benchmarks/bench_taxii.py [--objects 10000] [--scale 1000000]
Results: benchmarks/results/taxii.json.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text
from taxii2client.v21 import Collection, as_pages

from _common import postgres_database, table, write_results
from taxii_servers import Server, start_aman, start_medallion, start_opentaxii

GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TAXII = "application/taxii+json;version=2.1"
SLOW = 2.0  # seconds: a measurement this slow is not repeated


def _address(i: int) -> str:
    """An address in 198.18.0.0/15, the range RFC 2544 sets aside for benchmarks."""
    return f"198.{18 + i // 65536 % 2}.{i // 256 % 256}.{i % 256}"


def indicators(n: int, offset: int = 0) -> list[dict[str, Any]]:
    out = []
    for i in range(offset, offset + n):
        stamp = "2024-05-02T10:00:00.000Z"
        out.append(
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{uuid.uuid4()}",
                "created": stamp,
                "modified": stamp,
                "name": f"Benchmark indicator {i}",
                "description": "Generated for the TAXII benchmark.",
                "indicator_types": ["malicious-activity"],
                "pattern": f"[ipv4-addr:value = '{_address(i)}']",
                "pattern_type": "stix",
                "valid_from": stamp,
                "object_marking_refs": [GREEN],
            }
        )
    return out


def _median_ms(func: Any, repeat: int) -> float:
    first = time.perf_counter()
    func()
    elapsed = time.perf_counter() - first
    if elapsed > SLOW:
        return elapsed * 1000
    samples = [elapsed]
    for _ in range(repeat - 1):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _full_pull(coll: Collection, n: int, budget: float) -> tuple[float, int, bool]:
    """Every page at 100 per page. Pages after the first get `budget` seconds; past it, the
    total is estimated as first page + remaining pages x mean time of the later pages (servers
    that cache a cursor, like medallion, serve later pages much faster than the first)."""
    start = time.perf_counter()
    times: list[float] = []
    pulled = 0
    last = start
    for envelope in as_pages(coll.get_objects, per_request=100):
        now = time.perf_counter()
        times.append(now - last)
        last = now
        pulled += len(envelope.get("objects", []))
        if envelope.get("more") and len(times) >= 2 and now - start - times[0] > budget:
            pages = -(-n // 100)
            later = statistics.mean(times[1:])
            return times[0] + (pages - 1) * later, pulled, False
    return time.perf_counter() - start, pulled, True


def measure(server: Server, n: int, budget: float = 120.0) -> dict[str, Any]:
    print(f"== {server.name}: {n:,} objects")
    coll = Collection(server.collection_url, user=server.user, password=server.password)
    objects = indicators(n)
    start = time.perf_counter()
    status = coll.add_objects({"objects": objects}, poll_interval=0.2, timeout=3600)
    ingest = time.perf_counter() - start
    print(f"   ingest {ingest:.2f} s ({status.success_count} ok, {status.failure_count} failed)")
    first_page = _median_ms(lambda: coll.get_objects(limit=100), 5)
    print(f"   first page {first_page:.1f} ms")
    error = None
    try:
        pull, pulled, complete = _full_pull(coll, n, budget)
    except Exception as exc:  # a server failing mid-pull is a result, not a crash
        pull, pulled, complete, error = 0.0, 0, False, f"{type(exc).__name__}: {exc}"[:300]
        print(f"   full pull FAILED: {error}")
    else:
        state = "" if complete else f" - stopped at the {budget:.0f} s budget, extrapolated"
        print(f"   full pull {pull:.2f} s ({pulled} objects{state})")
    with httpx.Client(auth=(server.user, server.password), timeout=60) as http:
        root = server.api_root_url
        http.get(root, headers={"Accept": TAXII})
        auth_ms = _median_ms(lambda: http.get(root, headers={"Accept": TAXII}), 30)
        plain_ms = None
        if server.healthz:
            http.get(server.healthz)
            plain_ms = _median_ms(lambda: http.get(server.healthz or ""), 30)
    print(f"   authenticated API-root GET {auth_ms:.1f} ms")
    return {
        "server": server.name,
        "notes": server.notes,
        "objects": n,
        "ingest_s": ingest,
        "ingest_per_s": n / ingest,
        "ingest_ok": status.success_count,
        "first_page_ms": first_page,
        "full_pull_s": pull,
        "full_pull_complete": complete,
        "full_pull_error": error,
        "pulled": pulled,
        "auth_request_ms": auth_ms,
        "unauthenticated_request_ms": plain_ms,
    }


def scale_run(target: int, batch: int = 20_000) -> list[dict[str, Any]]:
    """Fill Aman on PostgreSQL to `target` objects; time first page and added_after polls."""
    from aman.auth.permissions import Principal
    from aman.db import make_engine, make_sessionmaker, transaction
    from aman.intel import service
    from aman.intel.timestamps import format_us
    from aman.registry.models import Member

    rows: list[dict[str, Any]] = []
    with postgres_database() as url:
        if url is None:
            print("== scale run skipped: set AMAN_TEST_POSTGRES_URL")
            return rows
        server = start_aman(Path(tempfile.mkdtemp(prefix="aman-scale-")), url)
        op = Principal.local_operator("bench")
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        checkpoints = [c for c in (10_000, 100_000, 1_000_000, 10_000_000) if c <= target]
        loaded = 0
        coll = Collection(server.collection_url, user=server.user, password=server.password)
        try:
            for checkpoint in checkpoints:
                start = time.perf_counter()
                while loaded < checkpoint:
                    size = min(batch, checkpoint - loaded)
                    with transaction(factory) as s:
                        target_coll = service.find_collection(s, "federation")
                        assert target_coll is not None
                        member = s.scalar(select(Member.id).limit(1))
                        service.push(
                            s,
                            op,
                            target_coll,
                            indicators(size, loaded),
                            as_member=uuid.UUID(str(member)),
                        )
                    loaded += size
                load_s = time.perf_counter() - start
                with engine.connect() as conn:
                    conn.execute(text("ANALYZE"))
                    newest = conn.execute(
                        text(
                            "SELECT date_added_us FROM intel_objects "
                            "ORDER BY date_added_us DESC LIMIT 1 OFFSET 50"
                        )
                    ).scalar_one()
                recent = format_us(int(newest))  # a poller 50 objects behind
                first = _median_ms(lambda: coll.get_objects(limit=100), 7)
                poll = _median_ms(
                    lambda since=recent: coll.get_objects(limit=100, added_after=since), 7
                )
                row = {
                    "objects": loaded,
                    "first_page_ms": first,
                    "added_after_poll_ms": poll,
                    "load_s": load_s,
                }
                print(
                    f"   {loaded:>9,}: first page {first:.1f} ms, added_after poll "
                    f"{poll:.1f} ms (loaded in {load_s:.0f} s)"
                )
                rows.append(row)
        finally:
            server.stop()
            engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument(
        "--medallion-objects",
        type=int,
        default=None,
        help="N for medallion (default: --objects; 10,000 takes ~11 minutes)",
    )
    parser.add_argument("--skip", action="append", default=[], choices=["medallion", "opentaxii"])
    parser.add_argument("--scale", type=int, default=0, help="PostgreSQL scale run up to N")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-taxii-"))
    results: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    starters = [("aman", start_aman, args.objects)]
    if "opentaxii" not in args.skip:
        starters.append(("opentaxii", start_opentaxii, args.objects))
    if "medallion" not in args.skip:
        starters.append(("medallion", start_medallion, args.medallion_objects or args.objects))
    for name, starter, n in starters:
        server = starter(work / name)
        if server is None:
            skipped[name] = "did not install or start"
            print(f"== {name}: skipped ({skipped[name]})")
            continue
        try:
            results.append(measure(server, n))
        finally:
            server.stop()
    scale = scale_run(args.scale) if args.scale else []
    report(results, skipped, scale)


def _pull_cell(r: dict[str, Any]) -> str:
    if r.get("full_pull_error"):
        return "failed"
    return f"{r['full_pull_s']:,.2f} s" + ("" if r["full_pull_complete"] else " (est.)")


def _ratio(value: float, base: float, higher_is_better: bool) -> str:
    if not base or not value:
        return "-"
    ratio = value / base if not higher_is_better else base / value
    return f"{ratio:,.1f}x"


def report(
    results: list[dict[str, Any]], skipped: dict[str, str], scale: list[dict[str, Any]]
) -> None:
    aman = next(r for r in results if r["server"] == "Aman")
    rows = []
    for r in results:
        rows.append(
            (
                r["server"],
                f"{r['objects']:,}",
                f"{r['ingest_per_s']:,.0f} obj/s",
                f"{r['first_page_ms']:,.1f} ms",
                _pull_cell(r),
                f"{r['auth_request_ms']:,.1f} ms",
                "-" if r is aman else _ratio(r["ingest_per_s"], aman["ingest_per_s"], True),
                "-" if r is aman else _ratio(r["first_page_ms"], aman["first_page_ms"], False),
                "-"
                if r is aman or r.get("full_pull_error")
                else _ratio(r["full_pull_s"], aman["full_pull_s"], False),
            )
        )
    header = (
        "server",
        "N",
        "ingest",
        "first page",
        "full pull @100",
        "auth GET",
        "Aman faster: ingest",
        "first page",
        "full pull",
    )
    print()
    print(table(rows, header))
    if aman.get("unauthenticated_request_ms") is not None:
        overhead = aman["auth_request_ms"] - aman["unauthenticated_request_ms"]
        print(
            f"\nAman authentication overhead: {overhead:.1f} ms (API root with Basic vs /healthz)"
        )
    if scale:
        print()
        print(
            table(
                [
                    (
                        f"{s['objects']:,}",
                        f"{s['first_page_ms']:.1f} ms",
                        f"{s['added_after_poll_ms']:.1f} ms",
                    )
                    for s in scale
                ],
                ("objects (PostgreSQL)", "first page", "added_after poll"),
            )
        )
    for name, why in skipped.items():
        print(f"{name}: {why}")
    path = write_results("taxii", {"servers": results, "skipped": skipped, "scale": scale})
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
