"""What PQC check modules share: the outcome type, the evaluation context, references."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aman.evidence.model import Reference, Severity, Status
from aman.scanners.pqc.risk import RiskProfile

PACK = "aman-pqc-readiness"


def req(*refs: str) -> tuple[str, ...]:
    """``pack:ref`` ids of the requirements a check evidences in the PQC pack."""
    return tuple(f"{PACK}:{r}" for r in refs)


IR8547 = Reference("nist-ir-8547", "ipd", "https://csrc.nist.gov/pubs/ir/8547/ipd")
RFC8446 = Reference("rfc-8446", "4.2.8", "https://www.rfc-editor.org/rfc/rfc8446")
ECDHE_MLKEM = Reference(
    "draft-ietf-tls-ecdhe-mlkem",
    "3",
    "https://datatracker.ietf.org/doc/draft-ietf-tls-ecdhe-mlkem/",
)
FIPS203 = Reference("fips-203", "ML-KEM", "https://csrc.nist.gov/pubs/fips/203/final")
FIPS204 = Reference("fips-204", "ML-DSA", "https://csrc.nist.gov/pubs/fips/204/final")
CNSA2 = Reference("cnsa-2.0", "U/OO/194427-22")
SP800_57 = Reference("nist-sp-800-57-pt1-r5", "Table 2")
SP800_131A = Reference("nist-sp-800-131a-r2", "Table 1")
RFC9142 = Reference("rfc-9142", "4", "https://www.rfc-editor.org/rfc/rfc9142")
SSH_MLKEM = Reference("rfc-10042", "mlkem768x25519-sha256")


@dataclass(frozen=True, slots=True)
class Outcome:
    """A check's verdict on one subject; the engine turns it into a Finding."""

    status: Status
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class EvalContext:
    """What checks may depend on besides the subject: the date, profiles, risk inputs."""

    on: date
    profiles: frozenset[str] = frozenset()
    risk: RiskProfile = field(default_factory=RiskProfile)


def passed(message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.PASS, message, evidence)


def failed(message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.FAIL, message, evidence)


def warned(message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.WARN, message, evidence)


def errored(message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.ERROR, message, evidence)


def not_applicable(message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, message, evidence)
