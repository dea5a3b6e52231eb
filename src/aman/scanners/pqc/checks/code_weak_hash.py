"""No MD5 or SHA-1 in source code."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import SP800_131A, EvalContext, Outcome, failed, req
from aman.scanners.pqc.observations import CodeUse

CHECK = Check(
    id="pqc.code.weak-hash",
    domain="pqc",
    title="No MD5 or SHA-1 in code",
    severity=Severity.MEDIUM,
    rationale=(
        "MD5 and SHA-1 are broken for collision resistance; their use for signatures, "
        "integrity or password storage is a vulnerability. Non-security uses (cache keys) "
        "should be marked as such or replaced so that scans stay clean."
    ),
    remediation="Use SHA-256 or SHA-3 (or a password hash such as Argon2 for passwords).",
    references=(SP800_131A,),
    requirements=req("PQC-WKC-01", "PQC-WKC-04"),
)


def evaluate_code(use: CodeUse, ctx: EvalContext) -> Outcome | None:
    if use.weakness != "hash":
        return None
    return failed(
        f"{use.algorithm} ({use.library}) in {use.language}",
        algorithm=use.algorithm,
        library=use.library,
        snippet=use.snippet,
    )
