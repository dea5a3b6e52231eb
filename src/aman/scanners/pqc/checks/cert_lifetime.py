"""Certificate lifetimes are short and no quantum-vulnerable certificate outlives 2035."""

from __future__ import annotations

from datetime import UTC, datetime

from aman.evidence.model import Check, Reference, Severity
from aman.scanners.pqc.checks._base import IR8547, EvalContext, Outcome, failed, passed, req, warned
from aman.scanners.pqc.observations import CertificateSubject
from aman.scanners.pqc.risk import DISALLOWED_AFTER

CABF = Reference(
    "cabf-br", "6.3.2", "https://cabforum.org/working-groups/server/baseline-requirements/"
)
# CA/Browser Forum maximum TLS leaf validity by issuance date (ballot SC-081).
_MAX_DAYS = (
    (datetime(2029, 3, 15, tzinfo=UTC), 47),
    (datetime(2027, 3, 15, tzinfo=UTC), 100),
    (datetime(2026, 3, 15, tzinfo=UTC), 200),
)
_LEGACY_MAX_DAYS = 398

CHECK = Check(
    id="pqc.cert.lifetime",
    domain="pqc",
    title="Short certificate lifetimes, none quantum-vulnerable beyond 2035",
    severity=Severity.MEDIUM,
    rationale=(
        "Short, automated lifetimes make an algorithm change a routine renewal. A "
        "quantum-vulnerable certificate valid after 2035 would outlive the IR 8547 "
        "disallowed date. Leaf lifetimes are compared with the CA/Browser Forum maximum "
        "for their issuance date."
    ),
    remediation="Automate issuance (ACME), shorten lifetimes, re-issue long-lived certificates.",
    references=(IR8547, CABF),
    requirements=req("PQC-PKI-05"),
)


def max_days(not_before: datetime) -> int:
    """The CA/B Forum maximum validity for a TLS certificate issued at ``not_before``."""
    return next((days for start, days in _MAX_DAYS if not_before >= start), _LEGACY_MAX_DAYS)


def evaluate_certificate(subject: CertificateSubject, ctx: EvalContext) -> Outcome:
    cutoff = datetime.combine(DISALLOWED_AFTER, datetime.max.time(), tzinfo=UTC)
    beyond = [
        c.subject for c in subject.chain if c.public_key.quantum_vulnerable and c.not_after > cutoff
    ]
    leaf = subject.leaf
    days = (leaf.not_after - leaf.not_before).days
    limit = max_days(leaf.not_before)
    evidence = {
        "leaf_validity_days": days,
        "max_days_at_issuance": limit,
        "leaf_not_after": leaf.not_after.isoformat(),
        "valid_beyond_2035": beyond,
    }
    if beyond:
        return failed(f"quantum-vulnerable certificate valid after 2035: {beyond[0]}", **evidence)
    if leaf.is_ca is not True and days > limit:
        return warned(f"leaf valid {days} days (maximum {limit} at issuance)", **evidence)
    return passed(f"leaf valid {days} days, ends {leaf.not_after.date()}", **evidence)
