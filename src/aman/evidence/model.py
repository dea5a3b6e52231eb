"""Pure evidence types: checks, findings and the verdict a requirement gets from them.

Plain frozen dataclasses, so scanners can build thousands of findings cheaply, ship them
between processes (Dask workers pickle them) and test the rules without a database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

CHECK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
DOMAINS = frozenset({"pqc", "5g", "cloud", "ai", "general"})


class Severity(StrEnum):
    """How much a failure of the check matters (SARIF/CVSS-like bands)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def weight(self) -> int:
        """Weight used by readiness scores: critical 4 .. info 0."""
        return _SEVERITY_WEIGHT[self]


_SEVERITY_WEIGHT = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Status(StrEnum):
    """The outcome of one check on one target."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"  # passes, but with a remark a human should read
    ERROR = "error"  # the check could not be evaluated (unreachable, unparseable, ...)
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True, slots=True)
class Reference:
    """A pointer into a standard: ``framework`` is a pack-style id, ``id`` its clause."""

    framework: str
    id: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """What a check verifies. One module per check declares one of these.

    ``requirements`` lists ``pack-id:ref_id`` pairs the check is meant to evidence; the
    packs' ``checks:`` lists are the source of truth for verdicts, and a test keeps both
    in agreement.
    """

    id: str
    domain: str
    title: str
    severity: Severity
    rationale: str
    remediation: str = ""
    references: tuple[Reference, ...] = ()
    requirements: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not CHECK_ID_RE.match(self.id):
            raise ValueError(f"check id {self.id!r} must match {CHECK_ID_RE.pattern}")
        if self.domain not in DOMAINS:
            raise ValueError(f"check {self.id}: unknown domain {self.domain!r}")
        if not self.title or not self.rationale:
            raise ValueError(f"check {self.id}: title and rationale are required")


def input_hash(data: bytes | str | dict[str, Any] | list[Any]) -> str:
    """SHA-256 of what a finding was derived from (canonical JSON for structures)."""
    if isinstance(data, str):
        raw = data.encode("utf-8")
    elif isinstance(data, bytes):
        raw = data
    else:
        raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True, slots=True)
class Finding:
    """What one check observed on one target at one time, with the evidence for it.

    ``target`` names what was examined (``host:port``, ``path:line``, ``scope``);
    ``path``/``line`` are set for findings in files so SARIF can point at them.
    """

    check_id: str
    status: Status
    severity: Severity
    target: str
    message: str
    observed_at: datetime
    tool: str
    tool_version: str
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)
    input_hash: str = ""
    path: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        if self.observed_at.tzinfo is None:
            raise ValueError("observed_at must be timezone-aware")
        if self.line is not None and self.line < 1:
            raise ValueError("line numbers start at 1")

    @property
    def key(self) -> tuple[str, str]:
        """Identity for "latest finding": the same check on the same target."""
        return self.check_id, self.target


class EvidenceStatus(StrEnum):
    """Automated verdict on one requirement."""

    MET = "met"
    NOT_MET = "not_met"
    MANUAL = "manual"  # no mapped checks, or not enough automated evidence: a human decides
    ERROR = "error"  # mapped checks could not be evaluated


@dataclass(frozen=True, slots=True)
class RequirementEvidence:
    """The automated verdict on a requirement, with the findings behind it.

    ``observed_at`` is the oldest observation used (how fresh the evidence is at worst);
    ``missing_checks`` are mapped checks with no applicable finding yet.
    """

    ref_id: str
    status: EvidenceStatus
    checks: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    observed_at: datetime | None = None
    newest_at: datetime | None = None
    missing_checks: tuple[str, ...] = ()
