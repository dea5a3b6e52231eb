"""No ECB mode in source code."""

from __future__ import annotations

from aman.evidence.model import Check, Reference, Severity
from aman.scanners.pqc.checks._base import EvalContext, Outcome, failed, req
from aman.scanners.pqc.observations import CodeUse

SP800_38A = Reference("nist-sp-800-38a", "6.1")

CHECK = Check(
    id="pqc.code.ecb-mode",
    domain="pqc",
    title="No ECB mode in code",
    severity=Severity.MEDIUM,
    rationale="ECB encrypts equal blocks to equal ciphertext and leaks the structure of data.",
    remediation="Use an authenticated mode (GCM) with a unique nonce per message.",
    references=(SP800_38A,),
    requirements=req("PQC-WKC-04"),
)


def evaluate_code(use: CodeUse, ctx: EvalContext) -> Outcome | None:
    if use.weakness != "ecb":
        return None
    return failed(
        f"ECB mode ({use.library}) in {use.language}", library=use.library, snippet=use.snippet
    )
