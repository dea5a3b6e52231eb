"""Runs every registered check of a domain over the subjects a parser produced.

The engine knows no check by name: it asks the registry for the domain's check modules and
calls each module's ``evaluate_<kind>(subject, ctx)`` on the subjects of that kind (the
sslyze plugin pattern), so adding a check is adding a module. A check that met no subject
of its kind reports *not applicable* once for the whole scope, which tells the evidence
roll-up the check ran (a check with no finding at all would leave a requirement manual).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from aman.evidence.model import Check, Finding, Status
from aman.evidence.registry import CheckRegistry, get_registry
from aman.scanners.common.outcome import Outcome

Evaluator = Callable[[Any, Any], Outcome | None]


class Subject(Protocol):
    """Anything a check can judge: it names its kind, its target and where it lies."""

    @property
    def kind(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def path(self) -> str | None: ...

    @property
    def line(self) -> int | None: ...

    @property
    def digest(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Stamp:
    """Who produced findings, and when."""

    tool: str
    tool_version: str
    observed_at: datetime


def finding(check: Check, subject: Subject, outcome: Outcome, stamp: Stamp) -> Finding:
    return Finding(
        check_id=check.id,
        status=outcome.status,
        severity=outcome.severity or check.severity,
        target=subject.target,
        message=outcome.message,
        observed_at=stamp.observed_at,
        tool=stamp.tool,
        tool_version=stamp.tool_version,
        evidence=outcome.evidence,
        input_hash=subject.digest,
        path=subject.path,
        line=outcome.line or subject.line,
    )


class Dispatcher:
    """Subject kind -> [(check, evaluate function)] for one domain."""

    def __init__(self, domain: str, kinds: Sequence[str], registry: CheckRegistry) -> None:
        self.checks: list[Check] = []
        self.table: dict[str, list[tuple[Check, Evaluator]]] = {}
        for item in registry.registered(domain):
            found = False
            for kind in kinds:
                fn = getattr(item.module, f"evaluate_{kind}", None)
                if fn is not None:
                    self.table.setdefault(kind, []).append((item.check, fn))
                    found = True
            if found:
                self.checks.append(item.check)

    def run(
        self,
        subjects: Sequence[Subject],
        ctx: Any,
        stamp: Stamp,
        scope_target: str,
        *,
        fill: bool = True,
    ) -> list[Finding]:
        """Findings of every check on every subject; with ``fill``, a scope-level "not
        applicable" for each check that met no subject."""
        out: list[Finding] = []
        for subject in subjects:
            for check, fn in self.table.get(subject.kind, []):
                outcome = fn(subject, ctx)
                if outcome is not None:
                    out.append(finding(check, subject, outcome, stamp))
        return self.fill(out, stamp, scope_target) if fill else out

    def fill(self, findings: list[Finding], stamp: Stamp, scope_target: str) -> list[Finding]:
        """Append "not applicable" for the checks without any finding in ``findings``."""
        reported = {f.check_id for f in findings}
        missing = [c for c in self.checks if c.id not in reported]
        return findings + [_scope_not_applicable(c, scope_target, stamp) for c in missing]


def _scope_not_applicable(check: Check, scope_target: str, stamp: Stamp) -> Finding:
    return Finding(
        check_id=check.id,
        status=Status.NOT_APPLICABLE,
        severity=check.severity,
        target=scope_target,
        message="nothing in scope that this check applies to",
        observed_at=stamp.observed_at,
        tool=stamp.tool,
        tool_version=stamp.tool_version,
    )


def evaluate(
    domain: str,
    kinds: Sequence[str],
    subjects: Sequence[Subject],
    ctx: Any,
    stamp: Stamp,
    scope_target: str,
    registry: CheckRegistry | None = None,
) -> list[Finding]:
    """Every applicable check of ``domain`` on every subject, in subject then check order."""
    return Dispatcher(domain, kinds, registry or get_registry()).run(
        subjects, ctx, stamp, scope_target
    )
