"""No DES, 3DES or RC4 in source code."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import SP800_131A, EvalContext, Outcome, failed, req
from aman.scanners.pqc.observations import CodeUse

CHECK = Check(
    id="pqc.code.weak-cipher",
    domain="pqc",
    title="No DES, 3DES or RC4 in code",
    severity=Severity.HIGH,
    rationale="DES and RC4 are broken; 3DES is limited to 112 bits and to small data volumes.",
    remediation="Use AES-GCM or ChaCha20-Poly1305.",
    references=(SP800_131A,),
    requirements=req("PQC-WKC-03", "PQC-WKC-04"),
)


def evaluate_code(use: CodeUse, ctx: EvalContext) -> Outcome | None:
    if use.weakness != "cipher":
        return None
    return failed(
        f"{use.algorithm} ({use.library}) in {use.language}",
        algorithm=use.algorithm,
        library=use.library,
        snippet=use.snippet,
    )
