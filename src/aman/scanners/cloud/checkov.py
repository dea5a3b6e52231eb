"""checkov as a subprocess: offline, time-limited, restricted to the ids Aman maps.

checkov is an optional extra (``aman-platform[cloud]``, ~290 MB with its pins), so it is
never imported: the ``checkov`` executable is run with ``--skip-download`` and
``BC_SKIP_MAPPING=TRUE`` (no look-ups to the vendor's servers), ``--soft-fail`` (the exit
status then means "checkov broke", not "checks failed"), JSON output and a timeout. Its
results become findings of the Aman checks in :mod:`aman.scanners.cloud.checkov_map`, with
Aman's severities; parse errors and failures of checkov itself become problems.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from aman.evidence.model import Finding, Status, input_hash
from aman.scanners.cloud.checkov_map import CHECKOV_MAP, FRAMEWORKS, mapped
from aman.scanners.common.problems import Problem

TOOL = "checkov"
DEFAULT_TIMEOUT = 600.0
_RESULT = {"FAILED": Status.FAIL, "PASSED": Status.PASS}


class CheckovUnavailable(Exception):
    """checkov is not installed (the ``cloud`` extra)."""


@dataclass
class CheckovResult:
    """Findings, problems and the version of one checkov run."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    version: str = ""
    ran: bool = False


def executable(explicit: str | None = None) -> str | None:
    """The checkov executable: an explicit path, ``AMAN_CHECKOV``, or ``checkov`` on PATH."""
    candidate = explicit or os.environ.get("AMAN_CHECKOV") or "checkov"
    return shutil.which(candidate)


def command(exe: str, root: Path, checks: Iterable[str], skip: Sequence[str] = ()) -> list[str]:
    """The checkov command line for a directory (or a single file)."""
    target = ["-f", str(root)] if root.is_file() else ["-d", str(root)]
    cmd = [exe, *target, "--framework", ",".join(FRAMEWORKS), "-o", "json"]
    cmd += ["--skip-download", "--soft-fail", "--check", ",".join(sorted(checks))]
    for path in skip:
        cmd += ["--skip-path", re.escape(path)]
    return cmd


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "CKV_", "PRISMA_"))}
    env.update({"BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR", "PYTHONWARNINGS": "ignore"})
    return env


def _reports(stdout: bytes) -> list[dict[str, Any]]:
    start = min((i for i in (stdout.find(b"["), stdout.find(b"{")) if i >= 0), default=-1)
    if start < 0:
        raise ValueError("no JSON in checkov output")
    doc = orjson.loads(stdout[start:])
    reports = doc if isinstance(doc, list) else [doc]
    return [r for r in reports if isinstance(r, dict)]


def _finding(item: dict[str, Any], framework: str, version: str, at: datetime) -> Finding | None:
    ident = str(item.get("check_id") or "")
    entry = mapped(ident)
    status = _RESULT.get(str((item.get("check_result") or {}).get("result")))
    if entry is None or status is None:
        return None
    rel = str(item.get("file_path") or "").lstrip("/")
    resource = str(item.get("resource") or "")
    lines = item.get("file_line_range") or []
    line = lines[0] if lines and isinstance(lines[0], int) and lines[0] >= 1 else None
    verb = "fails" if status is Status.FAIL else "passes"
    return Finding(
        check_id=entry.check_id,
        status=status,
        severity=entry.severity,
        target=f"{rel}:{resource}#{ident}",
        message=f"{resource} {verb} {ident}: {item.get('check_name') or ''}".strip(),
        observed_at=at,
        tool=TOOL,
        tool_version=version,
        evidence={
            "checkov_id": ident,
            "check_name": item.get("check_name"),
            "framework": framework,
            "resource": resource,
            "lines": lines,
        },
        input_hash=input_hash([rel, resource, ident]),
        path=rel or None,
        line=line,
    )


def convert(reports: list[dict[str, Any]], at: datetime) -> CheckovResult:
    """Findings and parse problems from checkov's JSON reports."""
    out = CheckovResult(ran=True)
    out.version = next(
        (
            str(r["summary"]["checkov_version"])
            for r in reports
            if isinstance(r.get("summary"), dict) and r["summary"].get("checkov_version")
        ),
        "",
    )
    for report in reports:
        framework = str(report.get("check_type") or "")
        results = report.get("results") or {}
        for key in ("failed_checks", "passed_checks"):
            for item in results.get(key) or []:
                found = (
                    _finding(item, framework, out.version, at) if isinstance(item, dict) else None
                )
                if found is not None:
                    out.findings.append(found)
        for path in results.get("parsing_errors") or []:
            rel = str(path).lstrip("/")
            out.problems.append(
                Problem(rel, "malformed", f"checkov could not parse {framework} file")
            )
    return out


def run_checkov(
    root: Path,
    at: datetime,
    *,
    exe: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    skip: Sequence[str] = (),
) -> CheckovResult:
    """Run checkov on ``root``; failures of checkov itself come back as problems."""
    found = executable(exe)
    if found is None:
        raise CheckovUnavailable(
            "checkov is not installed: pip install 'aman-platform[cloud]' (or set AMAN_CHECKOV)"
        )
    cmd = command(found, root, CHECKOV_MAP.keys(), skip)
    label = root.name or str(root)
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            cmd, capture_output=True, timeout=timeout, env=environment(), check=False
        )
    except subprocess.TimeoutExpired:
        return CheckovResult(
            problems=[Problem(label, "checkov-timeout", f"checkov ran over {timeout:g} s")]
        )
    except OSError as exc:
        return CheckovResult(
            problems=[Problem(label, "checkov-failed", f"cannot run checkov: {exc}")]
        )
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return CheckovResult(
            problems=[
                Problem(label, "checkov-failed", f"checkov exited {proc.returncode}: {tail[0]}")
            ]
        )
    try:
        return convert(_reports(proc.stdout), at)
    except (ValueError, orjson.JSONDecodeError) as exc:
        return CheckovResult(
            problems=[Problem(label, "checkov-failed", f"unreadable checkov output: {exc}")]
        )
