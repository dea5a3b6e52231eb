"""No RSA, DSA or DH key below 2048 bits and no elliptic curve below 224 bits."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    SP800_57,
    SP800_131A,
    EvalContext,
    Outcome,
    failed,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._certs import too_short
from aman.scanners.pqc.observations import CertificateSubject, KeySubject

CHECK = Check(
    id="pqc.key.size",
    domain="pqc",
    title="No short RSA, DSA, DH or EC keys",
    severity=Severity.HIGH,
    rationale=(
        "Keys below 112-bit classical security (RSA, DSA or DH under 2048 bits, curves "
        "under 224 bits) are disallowed by SP 800-131A today, quantum computers aside."
    ),
    remediation="Replace the keys; prefer ML-DSA or ML-KEM, else RSA-3072 or P-256 and above.",
    references=(SP800_131A, SP800_57),
    requirements=req("PQC-WKC-02"),
)


def evaluate_certificate(subject: CertificateSubject, ctx: EvalContext) -> Outcome:
    short = [
        {"subject": c.subject, "key": c.public_key.name, "bits": c.public_key.classical_bits}
        for c in subject.chain
        if too_short(c.public_key)
    ]
    if short:
        return failed(f"{short[0]['subject']} has a {short[0]['key']} key", short=short)
    return passed("every key in the chain has at least 112-bit security")


def evaluate_key(subject: KeySubject, ctx: EvalContext) -> Outcome:
    a = subject.algorithm
    evidence = {"algorithm": a.name, "security_bits": a.classical_bits, "format": subject.fmt}
    if too_short(a):
        return failed(f"{a.name} key: {a.classical_bits}-bit security", **evidence)
    if a.quantum_vulnerable is None:
        return warned(f"unrecognised key algorithm {a.name}", **evidence)
    return passed(f"{a.name} key", **evidence)
