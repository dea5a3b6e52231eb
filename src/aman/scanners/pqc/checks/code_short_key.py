"""No short RSA, DSA, DH or EC keys generated in code."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import SP800_131A, EvalContext, Outcome, failed, req
from aman.scanners.pqc.observations import CodeUse

_MINIMUM = {"RSA": 2048, "DSA": 2048, "DH": 2048, "EC": 224, "ECDSA": 224, "ECDH": 224}

CHECK = Check(
    id="pqc.code.short-key",
    domain="pqc",
    title="No short keys generated in code",
    severity=Severity.HIGH,
    rationale="Keys below 112-bit security are disallowed today (SP 800-131A).",
    remediation="Generate RSA-3072+/P-256+ keys now and plan ML-KEM/ML-DSA.",
    references=(SP800_131A,),
    requirements=req("PQC-WKC-02", "PQC-WKC-04"),
)


def evaluate_code(use: CodeUse, ctx: EvalContext) -> Outcome | None:
    minimum = _MINIMUM.get(use.family)
    if use.key_bits is None or minimum is None or use.key_bits >= minimum:
        return None
    return failed(
        f"{use.family}-{use.key_bits} key ({use.library}); minimum {minimum}",
        family=use.family,
        key_bits=use.key_bits,
        snippet=use.snippet,
    )
