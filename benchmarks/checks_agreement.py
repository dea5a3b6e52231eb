"""Built-in Kubernetes checks vs checkov on the same manifests: timing and agreement."""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from aman.evidence.model import Finding, Status
from aman.scanners.cloud.checkov import environment, executable
from aman.scanners.cloud.checkov_map import CHECKOV_MAP, overlap_ids


def our_verdicts(findings: list[Finding]) -> dict[tuple[str, str], bool]:
    """(file:Kind/ns/name, Aman check) -> failed?, for the overlapping checks."""
    wanted = {CHECKOV_MAP[i].check_id for i in overlap_ids()}
    return {
        (f.target, f.check_id): f.status is Status.FAIL
        for f in findings
        if f.check_id in wanted and f.status in (Status.FAIL, Status.PASS)
    }


def run_checkov_k8s(root: Path, timeout: float = 3600) -> tuple[float, list[dict[str, Any]]]:
    exe = executable()
    if exe is None:
        raise RuntimeError("checkov is not installed")
    cmd = [
        exe,
        "-d",
        str(root),
        "--framework",
        "kubernetes",
        "-o",
        "json",
        "--skip-download",
        "--soft-fail",
        "--check",
        ",".join(overlap_ids()),
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=environment(), check=True)
    elapsed = time.perf_counter() - start
    doc = orjson.loads(
        proc.stdout[min(i for i in (proc.stdout.find(b"["), proc.stdout.find(b"{")) if i >= 0) :]
    )
    reports = doc if isinstance(doc, list) else [doc]
    return elapsed, reports


def their_verdicts(reports: list[dict[str, Any]]) -> dict[tuple[str, str], bool]:
    out: dict[tuple[str, str], bool] = {}
    for report in reports:
        results = report.get("results") or {}
        for key, failed in (("failed_checks", True), ("passed_checks", False)):
            for item in results.get(key) or []:
                kind, ns, name = str(item["resource"]).split(".", 2)
                target = f"{str(item['file_path']).lstrip('/')}:{kind}/{ns}/{name}"
                check = CHECKOV_MAP[item["check_id"]].check_id
                out[(target, check)] = out.get((target, check), False) or failed
    return out


def agreement(
    ours: dict[tuple[str, str], bool], theirs: dict[tuple[str, str], bool]
) -> dict[str, Any]:
    common = sorted(set(ours) & set(theirs))
    per_check: dict[str, Counter[str]] = {}
    for key in common:
        counter = per_check.setdefault(key[1], Counter())
        if ours[key] == theirs[key]:
            counter["agree"] += 1
        else:
            counter["aman_only" if ours[key] else "checkov_only"] += 1
    agree = sum(c["agree"] for c in per_check.values())
    return {
        "compared": len(common),
        "agree": agree,
        "rate": agree / len(common) if common else None,
        "only_aman": len(set(ours) - set(theirs)),
        "only_checkov": len(set(theirs) - set(ours)),
        "per_check": {k: dict(v) for k, v in sorted(per_check.items())},
        "checkov_cpus": os.cpu_count(),
    }
