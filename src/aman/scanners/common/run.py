"""The result of one check run, independent of storage and of how it is shown.

Problems met while reading (unreadable files, symlinks leaving the root, bombs, malformed
YAML) become error findings of the domain's ``<domain>.input`` check, one per file, so they
show up beside the findings and in exports instead of being swallowed. A run whose input
was read cleanly gets one passing ``<domain>.input`` finding for the scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aman.evidence.export import findings_document
from aman.evidence.model import Finding, Severity, Status, input_hash
from aman.evidence.registry import get_registry
from aman.evidence.sarif import to_sarif
from aman.scanners.common.engine import Stamp
from aman.scanners.common.problems import Problem


@dataclass(frozen=True, slots=True)
class Document:
    """A document a run produced and keeps (e.g. the AI-BOM)."""

    kind: str
    media_type: str
    content: bytes


@dataclass
class CheckRun:
    """Everything one run of a domain's checks produced."""

    domain: str
    scope: str
    started_at: datetime
    finished_at: datetime
    findings: list[Finding]
    files: int
    problems: list[Problem] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def tool(self) -> str:
        return self.findings[0].tool if self.findings else f"aman-{self.domain}"

    @property
    def tool_version(self) -> str:
        return self.findings[0].tool_version if self.findings else ""

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    def failed(self) -> bool:
        return any(f.status is Status.FAIL for f in self.findings)


def scope_target(domain: str, scope: str) -> str:
    return f"{domain}-scope:{scope}"


def input_findings(
    check_id: str, problems: Sequence[Problem], stamp: Stamp, scope: str, files: int
) -> list[Finding]:
    """One error finding per problem, or one pass for a cleanly read scope."""
    domain = check_id.split(".", 1)[0]
    if not problems:
        return [
            Finding(
                check_id=check_id,
                status=Status.PASS,
                severity=Severity.MEDIUM,
                target=scope_target(domain, scope),
                message=f"{files} files read within the input limits",
                observed_at=stamp.observed_at,
                tool=stamp.tool,
                tool_version=stamp.tool_version,
                evidence={"files": files},
            )
        ]
    return [
        Finding(
            check_id=check_id,
            status=Status.ERROR,
            severity=Severity.MEDIUM,
            target=p.path,
            message=p.message,
            observed_at=stamp.observed_at,
            tool=stamp.tool,
            tool_version=stamp.tool_version,
            evidence={"problem": p.code},
            input_hash=input_hash(f"{p.path}\0{p.code}"),
            path=p.path,
            line=p.line,
        )
        for p in problems
    ]


def json_document(run: CheckRun, run_id: str | None = None) -> dict[str, Any]:
    """The ``aman-findings/1`` export plus the run's scope, problems, notes and summary."""
    doc = findings_document(run.findings)
    doc["run"] = {
        "id": run_id,
        "domain": run.domain,
        "scope": run.scope,
        "files": run.files,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat(),
    }
    doc["problems"] = [
        {"path": p.path, "code": p.code, "message": p.message, "line": p.line} for p in run.problems
    ]
    doc["notes"] = list(run.notes)
    doc["summary"] = run.summary
    return doc


def sarif_document(run: CheckRun, run_id: str | None = None) -> dict[str, Any]:
    """The run as SARIF 2.1.0, the notes (e.g. "clean is not safe") in run properties."""
    return to_sarif(
        run.findings,
        get_registry().get,
        tool_version=run.tool_version,
        started_at=run.started_at,
        finished_at=run.finished_at,
        run_id=None if run_id is None else f"aman/{run.domain}/files/{run_id}",
        properties={"aman": {"scope": run.scope, "notes": run.notes, "files": run.files}},
    )


def worst_first(findings: Iterable[Finding]) -> list[Finding]:
    order = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2, Status.PASS: 3}
    sev = {s: i for i, s in enumerate(Severity)}
    return sorted(
        findings, key=lambda f: (order.get(f.status, 4), sev[f.severity], f.check_id, f.target)
    )


def add_problems(run: CheckRun, problems: Sequence[Problem], check_id: str) -> None:
    """Fold problems met before the checks ran (staging an upload) into the run."""
    if not problems:
        return
    scope = scope_target(run.domain, run.scope)
    run.findings = [
        f
        for f in run.findings
        if not (f.check_id == check_id and f.target == scope and f.status is Status.PASS)
    ]
    template = next((f for f in run.findings), None)
    stamp = Stamp(
        template.tool if template else f"aman-{run.domain}",
        template.tool_version if template else "",
        run.started_at,
    )
    run.findings += input_findings(check_id, problems, stamp, run.scope, run.files)
    run.problems = [*problems, *run.problems]
