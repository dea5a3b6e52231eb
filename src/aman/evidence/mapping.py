"""From findings to a verdict per requirement: the pure rules of automated evidence.

A pack maps each requirement to the checks that evidence it (Prowler's
``Requirements[].Checks``). Given the latest finding per (check, target):

- no mapped checks -> ``manual`` (a human answers);
- any mapped check failed on any target -> ``not_met``, the failures attached;
- else any could not be evaluated -> ``error``;
- else every mapped check has findings and at least one applied -> ``met``;
- else (a mapped check never ran, or nothing applied) -> ``manual``.

Warnings count as passes with a remark. The function is total and order-independent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from aman.evidence.model import EvidenceStatus, Finding, RequirementEvidence, Status

_STATUS_ORDER = {
    Status.FAIL: 0,
    Status.ERROR: 1,
    Status.WARN: 2,
    Status.PASS: 3,
    Status.NOT_APPLICABLE: 4,
}


def latest_per_key(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the newest finding per (check, target); on a tie the later one wins."""
    latest: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        seen = latest.get(finding.key)
        if seen is None or finding.observed_at >= seen.observed_at:
            latest[finding.key] = finding
    return list(latest.values())


def _ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Failures first, then by check and target, so reports read worst-first."""
    return tuple(sorted(findings, key=lambda f: (_STATUS_ORDER[f.status], f.check_id, f.target)))


def _verdict(
    checks: Sequence[str], relevant: Sequence[Finding]
) -> tuple[EvidenceStatus, list[str]]:
    statuses = {f.status for f in relevant}
    seen = {f.check_id for f in relevant}
    missing = [c for c in checks if c not in seen]
    if Status.FAIL in statuses:
        return EvidenceStatus.NOT_MET, missing
    if Status.ERROR in statuses:
        return EvidenceStatus.ERROR, missing
    applied = statuses & {Status.PASS, Status.WARN}
    if applied and not missing:
        return EvidenceStatus.MET, missing
    return EvidenceStatus.MANUAL, missing


def evidence_for_requirement(
    ref_id: str, checks: Sequence[str], findings_by_check: Mapping[str, Sequence[Finding]]
) -> RequirementEvidence:
    """The verdict for one requirement from findings already grouped by check id."""
    unique = tuple(dict.fromkeys(checks))
    if not unique:
        return RequirementEvidence(ref_id, EvidenceStatus.MANUAL, ())
    relevant = [f for c in unique for f in findings_by_check.get(c, ())]
    status, missing = _verdict(unique, relevant)
    used = [f for f in relevant if f.status is not Status.NOT_APPLICABLE] or relevant
    times = [f.observed_at for f in used]
    return RequirementEvidence(
        ref_id=ref_id,
        status=status,
        checks=unique,
        findings=_ordered(relevant),
        observed_at=min(times) if times else None,
        newest_at=max(times) if times else None,
        missing_checks=tuple(missing),
    )


def requirement_evidence(
    requirement_checks: Mapping[str, Sequence[str]], latest_findings: Iterable[Finding]
) -> dict[str, RequirementEvidence]:
    """Verdict for every requirement of ``requirement_checks`` (ref_id -> check ids).

    ``latest_findings`` should hold one finding per (check, target), the newest; older
    ones would make a fixed problem look current. Findings of unmapped checks are ignored.
    """
    by_check: dict[str, list[Finding]] = {}
    for finding in latest_findings:
        by_check.setdefault(finding.check_id, []).append(finding)
    return {
        ref_id: evidence_for_requirement(ref_id, checks, by_check)
        for ref_id, checks in requirement_checks.items()
    }
