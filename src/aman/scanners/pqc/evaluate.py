"""Turns observations into subjects and runs every registered PQC check over them.

The engine knows nothing of individual checks: it asks the registry for the PQC checks and
calls each module's ``evaluate_<kind>`` for the subjects of that kind, so adding a check
is adding a module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aman import __version__
from aman.evidence.model import Check, Finding, input_hash
from aman.evidence.registry import CheckRegistry, get_registry
from aman.scanners.pqc.checks._base import EvalContext, Outcome
from aman.scanners.pqc.observations import (
    CertificateSubject,
    Observation,
    Subject,
    TLSObservation,
)

TOOL = "aman-pqc"
Evaluator = Callable[[Any, EvalContext], Outcome | None]


def subjects_of(observations: Iterable[Observation]) -> list[Subject]:
    """Endpoints, plus the certificate chain each TLS endpoint served."""
    out: list[Subject] = []
    for obs in observations:
        out.append(obs)
        if isinstance(obs, TLSObservation) and obs.handshake.chain:
            chain = obs.handshake.chain
            out.append(
                CertificateSubject(
                    target=obs.target,
                    chain=chain,
                    source="tls",
                    observed_at=obs.observed_at,
                    digest=input_hash([c.fingerprint_sha256 for c in chain]),
                )
            )
    return out


def _digest(subject: Subject) -> str:
    facts = getattr(subject, "facts", None)
    if facts is not None:
        return input_hash(facts())
    return str(getattr(subject, "digest", ""))


class CheckDispatcher:
    """Dispatch table: subject kind -> [(check, evaluate function)]."""

    def __init__(self, registry: CheckRegistry) -> None:
        self.table: dict[str, list[tuple[Check, Evaluator, frozenset[str] | None]]] = {}
        for item in registry.registered("pqc"):
            profiles = getattr(item.module, "PROFILES", None)
            for kind in ("tls", "ssh", "certificate", "key", "code", "run"):
                fn = getattr(item.module, f"evaluate_{kind}", None)
                if fn is not None:
                    self.table.setdefault(kind, []).append((item.check, fn, profiles))

    def findings(self, subjects: Sequence[Subject], ctx: EvalContext) -> list[Finding]:
        out: list[Finding] = []
        for subject in subjects:
            checks = self.table.get(subject.kind, [])
            if not checks:
                continue
            digest = _digest(subject)
            path = getattr(subject, "path", None)
            line = getattr(subject, "line", None)
            profile = getattr(subject, "profile", "full")
            for check, fn, profiles in checks:
                if profiles is not None and profile not in profiles:
                    continue
                outcome = fn(subject, ctx)
                if outcome is None:
                    continue
                out.append(
                    Finding(
                        check_id=check.id,
                        status=outcome.status,
                        severity=outcome.severity or check.severity,
                        target=subject.target,
                        message=outcome.message,
                        observed_at=subject.observed_at,
                        tool=TOOL,
                        tool_version=__version__,
                        evidence=outcome.evidence,
                        input_hash=digest,
                        path=path,
                        line=line,
                    )
                )
        return out


def evaluate(
    subjects: Sequence[Subject], ctx: EvalContext, registry: CheckRegistry | None = None
) -> list[Finding]:
    """Every applicable PQC check on every subject, in subject then check order."""
    return CheckDispatcher(registry or get_registry()).findings(subjects, ctx)
