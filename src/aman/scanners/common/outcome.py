"""What a check module returns for one subject; the engine turns it into a Finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aman.evidence.model import Severity, Status


@dataclass(frozen=True, slots=True)
class Outcome:
    """A verdict on one subject. ``severity`` overrides the check's (e.g. NIA0 *preferred*
    is critical where NIA0 merely *allowed* is high); ``line`` points at the offending line."""

    status: Status
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    line: int | None = None


def passed(message: str, *, line: int | None = None, **evidence: Any) -> Outcome:
    return Outcome(Status.PASS, message, evidence, line=line)


def failed(
    message: str, *, severity: Severity | None = None, line: int | None = None, **evidence: Any
) -> Outcome:
    return Outcome(Status.FAIL, message, evidence, severity, line)


def warned(message: str, *, line: int | None = None, **evidence: Any) -> Outcome:
    return Outcome(Status.WARN, message, evidence, line=line)


def errored(message: str, *, line: int | None = None, **evidence: Any) -> Outcome:
    return Outcome(Status.ERROR, message, evidence, line=line)


def not_applicable(message: str, **evidence: Any) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, message, evidence)
