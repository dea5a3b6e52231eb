"""Benchmark of the 5G, cloud and AI checks.

1. 5G audit of 100 network-function configuration files (Open5GS templates and free5GC
   files with keys), in process, warm: target < 1 s.
2. AI scan of a 1 GB PyTorch-style model archive (generated under /tmp, never committed),
   in a child process so its peak RSS is its own: target < 5 s with bounded memory.
3. Kubernetes checks over 1,000 manifests, Aman's built-in checks vs checkov on the same
   files and the same (overlapping) checks, side by side: times, ratio and agreement.

Writes ``benchmarks/results/checks.json``. Usage: ``.venv/bin/python benchmarks/bench_checks.py``
(checkov must be on PATH for part 3, e.g. ``PATH=/opt/checkov-bin:$PATH``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import table, write_results
from aman.scanners.cloud.checkov import executable
from aman.scanners.cloud.scan import CloudOptions, scan
from aman.scanners.fiveg.audit import audit
from checks_agreement import agreement, our_verdicts, run_checkov_k8s, their_verdicts
from checks_fixtures import write_5g_configs, write_k8s, write_model_archive

MODEL = Path("/tmp/aman-bench/model-1gb.pt")
CHILD = """
import json, resource, sys, time
from pathlib import Path
from aman.scanners.ai.scan import scan, AiOptions
start = time.perf_counter()
run = scan(Path(sys.argv[1]), AiOptions(validate_bom=False))
took = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": took, "rss_mib": rss, "counts": run.counts()}))
"""


def best_of(fn: Any, repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def bench_5g(work: Path) -> dict[str, Any]:
    root = write_5g_configs(work / "5g", 100)
    audit(root)  # warm: imports and check discovery
    seconds, run = best_of(lambda: audit(root), 5)
    nfs = len(run.summary["network_functions"])
    return {
        "files": run.files,
        "network_functions": nfs,
        "seconds": seconds,
        "findings": len(run.findings),
        "counts": run.counts(),
    }


def bench_ai(size_gib: float) -> dict[str, Any]:
    path = write_model_archive(MODEL, size_gib)
    baseline = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, aman.scanners.ai.scan;"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    samples = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True
        )
        samples.append(json.loads(out.stdout))
    best = min(samples, key=lambda s: s["seconds"])
    return {
        "bytes": path.stat().st_size,
        "seconds": best["seconds"],
        "seconds_median": statistics.median(s["seconds"] for s in samples),
        "peak_rss_mib": max(s["rss_mib"] for s in samples),
        "import_rss_mib": float(baseline.stdout),
        "counts": best["counts"],
    }


def bench_k8s(work: Path, with_checkov: bool) -> dict[str, Any]:
    root = write_k8s(work / "k8s", 1000)
    scan(root)
    seconds, run = best_of(lambda: scan(root, CloudOptions()), 3)
    result: dict[str, Any] = {
        "manifests": run.files,
        "aman_seconds": seconds,
        "aman_findings": len(run.findings),
    }
    if with_checkov and executable():
        checkov_seconds, reports = run_checkov_k8s(root)
        result["checkov_seconds"] = checkov_seconds
        result["ratio"] = checkov_seconds / seconds
        result["agreement"] = agreement(our_verdicts(run.findings), their_verdicts(reports))
        result["checkov_version"] = next(
            (r.get("summary", {}).get("checkov_version") for r in reports), None
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-gib", type=float, default=1.0)
    parser.add_argument("--no-checkov", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aman-bench-checks-") as tmp:
        work = Path(tmp)
        fiveg = bench_5g(work)
        ai = bench_ai(args.model_gib)
        k8s = bench_k8s(work, not args.no_checkov)
    rows = [
        ("5G audit, 100 NF files", f"{fiveg['seconds'] * 1000:.0f} ms", "< 1 s", "", ""),
        (
            f"AI scan, {ai['bytes'] / (1 << 30):.2f} GiB archive",
            f"{ai['seconds']:.2f} s",
            "< 5 s",
            f"peak RSS {ai['peak_rss_mib']:.0f} MiB",
            "",
        ),
        ("K8s checks, 1,000 manifests (Aman)", f"{k8s['aman_seconds']:.2f} s", "", "", ""),
    ]
    if "checkov_seconds" in k8s:
        agree = k8s["agreement"]
        rows.append(
            (
                "K8s, same manifests and checks (checkov)",
                f"{k8s['checkov_seconds']:.2f} s",
                "",
                f"{k8s['ratio']:.1f}x slower",
                f"agreement {agree['agree']}/{agree['compared']} ({agree['rate']:.1%})",
            )
        )
    print(table(rows, ("benchmark", "time", "target", "note", "agreement")))
    if "agreement" in k8s:
        print(json.dumps(k8s["agreement"]["per_check"], indent=1))
    path = write_results("checks", {"fiveg": fiveg, "ai": ai, "k8s": k8s})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
