"""API shapes shared by the 5G, cloud and AI check endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from aman.evidence.models import ScanRun
from aman.evidence.schemas import FindingOut, ScanRunOut
from aman.scanners.common.run import CheckRun, worst_first

MAX_FINDINGS_SHOWN = 1000


class ProblemOut(BaseModel):
    """An input that could not be checked, and why."""

    path: str
    code: str
    message: str
    line: int | None = None


class CheckRunOut(BaseModel):
    """A stored check run with its findings (worst first) and what could not be checked."""

    run: ScanRunOut
    files: int
    counts: dict[str, int]
    problems: list[ProblemOut]
    notes: list[str]
    summary: dict[str, Any]
    findings: list[FindingOut]
    findings_truncated: bool

    @classmethod
    def of(cls, result: CheckRun, stored: ScanRun) -> CheckRunOut:
        ordered = worst_first(result.findings)
        return cls(
            run=ScanRunOut.model_validate(stored),
            files=result.files,
            counts=result.counts(),
            problems=[
                ProblemOut(path=p.path, code=p.code, message=p.message, line=p.line)
                for p in result.problems
            ],
            notes=result.notes,
            summary=result.summary,
            findings=[FindingOut.of(f) for f in ordered[:MAX_FINDINGS_SHOWN]],
            findings_truncated=len(ordered) > MAX_FINDINGS_SHOWN,
        )
