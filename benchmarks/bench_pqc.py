"""PQC scanner benchmark: Aman vs sslyze 6.3.1 on the same 50 loopback TLS endpoints.

1. Side by side, in one run: Aman (every TLS 1.3 group incl. PQ, versions, preference,
   certificate inventory) and sslyze (``--tlsv1_3 --elliptic_curves --certinfo``, in its
   own virtualenv because it pins cryptography < 47). Wall clock of each CLI from a cold
   start, plus Aman's in-process engine time. Ratios in the table.
2. Accuracy: per fixture configuration, the groups an OpenSSL client can actually
   negotiate (the oracle) vs what each tool reports.
3. Raw probe throughput (empty-key-share group probes against ``openssl s_server``) and
   SSH KEXINIT grabs per second against the fixture SSH server.

Every server runs on 127.0.0.1 in child processes started here. Writes
``benchmarks/results/pqc.json``. Usage: ``.venv/bin/python benchmarks/bench_pqc.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from _common import table, write_results
from aman.scanners.pqc.engine import Profile
from aman.scanners.pqc.limits import ProbeConfig
from aman.scanners.pqc.pipeline import scan_network
from aman.scanners.pqc.scope import parse_scope
from aman.scanners.pqc.ssh_probe import SSHProber, SSHTarget
from aman.scanners.pqc.tls_probe import TLSProber, TLSTarget
from pqc_oracle import PQ, supported_groups
from pqc_sslyze import ensure_sslyze, parse_sslyze, run_sslyze
from pqc_tools import OpensslServers, ServerProcesses

ROOT = Path(__file__).resolve().parents[1]
AMAN = ROOT / ".venv" / "bin" / "aman"


def aman_cli(ports: list[int], per_host: int, profile: str) -> tuple[float, dict[str, Any]]:
    args = [str(AMAN), "scan", "tls", *(f"127.0.0.1:{p}" for p in ports), "--json"]
    args += ["--timeout", "5", "--per-host", str(per_host), "--retries", "0"]
    args += ["--profile", profile]
    env = {**os.environ, "COLUMNS": "200"}
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, check=True, env=env)
    return time.perf_counter() - start, orjson.loads(done.stdout)


def aman_scan(ports: list[int], per_host: int, profile: Profile) -> float:
    """Scan-phase wall clock in this (warm) process: probes, checks, inventory, CBOM."""
    scope = parse_scope(
        {
            "targets": [{"host": "127.0.0.1", "tls": ports}],
            "limits": {"timeout": 5, "retries": 0, "per_host": per_host},
        }
    )
    start = time.perf_counter()
    scan_network(scope, profile=profile, cbom_check="references")
    return time.perf_counter() - start


def aman_groups(doc: dict[str, Any]) -> dict[int, set[str]]:
    """Port -> TLS 1.3 groups Aman reports as supported, in IANA spelling."""
    names = {"X25519": "x25519", "X448": "x448", "ECDH P-256": "secp256r1"}
    names |= {"ECDH P-384": "secp384r1", "ECDH P-521": "secp521r1"}
    names |= {"ML-KEM-512": "MLKEM512", "ML-KEM-768": "MLKEM768", "ML-KEM-1024": "MLKEM1024"}
    names |= {"DH-2048": "ffdhe2048", "DH-3072": "ffdhe3072"}
    return {
        int(e["target"].rsplit(":", 1)[1]): {names.get(g, g) for g in e["groups"]}
        for e in doc["endpoints"]
    }


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def side_by_side(servers: ServerProcesses, runs: int, sslyze: Path) -> dict[str, Any]:
    ports = [e["port"] for e in servers.tls]
    aman_scan(ports, 5, "full")  # warm-up: imports, key shares, templates
    sslyze_runs = [run_sslyze(sslyze, ports) for _ in range(runs)]
    cli_runs = [aman_cli(ports, 5, "groups") for _ in range(runs)]
    samples = {
        "sslyze_cli": [r[0] for r in sslyze_runs],
        "sslyze_scan": [r[1] for r in sslyze_runs],
        "aman_cli_groups": [r[0] for r in cli_runs],
        "aman_scan_groups": [aman_scan(ports, 5, "groups") for _ in range(runs)],
        "aman_scan_full": [aman_scan(ports, 5, "full") for _ in range(runs)],
        "aman_scan_groups_per_host_50": [aman_scan(ports, 50, "groups") for _ in range(runs)],
    }
    m = {k: median(v) for k, v in samples.items()}
    base = m["sslyze_scan"]
    base, cli = m["sslyze_scan"], m["sslyze_cli"]
    rows = [
        ("sslyze 6.3.1: scan (its own 'SCANS COMPLETED IN')", base, base),
        ("Aman --profile groups: scan", m["aman_scan_groups"], base),
        ("Aman --profile full (all checks): scan", m["aman_scan_full"], base),
        ("Aman groups, 50 connections per host: scan", m["aman_scan_groups_per_host_50"], base),
        ("sslyze CLI, cold start", cli, cli),
        ("aman scan tls --profile groups, cold start", m["aman_cli_groups"], cli),
    ]
    shown = [(what, f"{secs:.2f}", f"{ref / secs:.1f}x") for what, secs, ref in rows]
    print(f"\n{len(ports)} TLS endpoints, median of {runs} runs, wall clock in seconds\n")
    print(table(shown, ("what", "seconds", "faster than sslyze")))
    return {
        "endpoints": len(ports),
        "samples_s": samples,
        "median_s": m,
        "speedup_scan_groups": base / m["aman_scan_groups"],
        "speedup_scan_full": base / m["aman_scan_full"],
        "speedup_cli": cli / m["aman_cli_groups"],
        "accuracy": accuracy(
            servers, aman_groups(cli_runs[-1][1]), parse_sslyze(sslyze_runs[-1][2])
        ),
    }


def accuracy(
    servers: ServerProcesses, aman: dict[int, set[str]], sslyze: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    first: dict[str, int] = {}
    for e in servers.tls:
        first.setdefault(e["profile"], e["port"])
    rows, out = [], []
    for profile, port in first.items():
        truth = supported_groups(port)
        got = aman.get(port, set())
        seen = sslyze.get(port, {})
        aman_ok = got == truth
        # sslyze is right when it connects and the server has no PQ group for it to miss.
        sslyze_ok = bool(seen.get("connected")) and not (truth & PQ)
        pq_truth = sorted(truth & PQ) or ["-"]
        rows.append(
            (
                profile,
                ", ".join(pq_truth),
                ", ".join(sorted(got & PQ)) or "-",
                "ok" if aman_ok else "WRONG",
                seen.get("summary", "?"),
                "ok" if sslyze_ok else "WRONG",
            )
        )
        out.append(
            {
                "profile": profile,
                "port": port,
                "expected": sorted(truth),
                "aman": sorted(got),
                "aman_correct": aman_ok,
                "sslyze": seen,
                "sslyze_correct": bool(sslyze_ok),
            }
        )
    print("\nAccuracy: TLS 1.3 groups per fixture (expected = OpenSSL client handshakes)\n")
    header = ("fixture", "expected PQ groups", "Aman PQ groups", "Aman", "sslyze reports", "sslyze")
    print(table(rows, header))
    return out


def probe_throughput(count: int, concurrency: int) -> dict[str, Any]:
    with OpensslServers(8) as ports:
        config = ProbeConfig(
            timeout=5, retries=0, max_concurrency=concurrency, per_host=concurrency
        )
        prober = TLSProber(config)
        targets = [TLSTarget("127.0.0.1", ports[i % len(ports)]) for i in range(count)]

        async def go() -> list[Any]:
            return list(await asyncio.gather(*(prober.probe_group(t, 0x001D) for t in targets)))

        asyncio.run(go())  # warm-up: templates, connections
        start, cpu = time.perf_counter(), time.process_time()
        results = asyncio.run(go())
        wall, used = time.perf_counter() - start, time.process_time() - cpu
    ok = sum(1 for r in results if r.support.value == "supported")
    rate = count / wall
    print(
        f"\nRaw group probes vs 8 openssl s_server: {rate:,.0f} probes/s "
        f"({ok}/{count} answered HRR, client CPU {1000 * used / count:.2f} ms/probe)"
    )
    return {
        "probes": count,
        "ok": ok,
        "wall_s": wall,
        "probes_per_s": rate,
        "cpu_ms_per_probe": 1000 * used / count,
    }


def ssh_throughput(servers: ServerProcesses, count: int) -> dict[str, Any]:
    prober = SSHProber(ProbeConfig(timeout=5, retries=0, max_concurrency=100, per_host=100))
    targets = [SSHTarget("127.0.0.1", servers.ssh[i % len(servers.ssh)]) for i in range(count)]
    asyncio.run(prober.probe_many(targets[:50]))
    start = time.perf_counter()
    results = asyncio.run(prober.probe_many(targets))
    wall = time.perf_counter() - start
    ok = sum(1 for r in results if r.kexinit is not None)
    print(f"SSH KEXINIT grabs vs the fixture server: {count / wall:,.0f} hosts/s ({ok}/{count} ok)")
    return {"grabs": count, "ok": ok, "wall_s": wall, "hosts_per_s": count / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probes", type=int, default=4000)
    args = parser.parse_args()
    if not shutil.which("openssl"):
        sys.exit("openssl (the command) is needed for the raw-probe servers")
    sslyze = ensure_sslyze()
    data: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    with ServerProcesses(args.endpoints, ssh=4, processes=2) as servers:
        data["side_by_side"] = side_by_side(servers, args.runs, sslyze)
        data["ssh"] = ssh_throughput(servers, 2000)
    data["raw_probes"] = probe_throughput(args.probes, 200)
    with tempfile.TemporaryDirectory():
        path = write_results("pqc", data)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
