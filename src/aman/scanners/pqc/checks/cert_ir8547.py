"""Certificate keys and signatures classified against the NIST IR 8547 transition."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    IR8547,
    SP800_57,
    EvalContext,
    Outcome,
    failed,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._certs import describe, relied_on_signature, status_of
from aman.scanners.pqc.observations import CertificateSubject
from aman.scanners.pqc.risk import Ir8547Status

CHECK = Check(
    id="pqc.cert.ir8547",
    domain="pqc",
    title="Certificate algorithms classified against NIST IR 8547",
    severity=Severity.MEDIUM,
    rationale=(
        "NIST IR 8547 deprecates 112-bit quantum-vulnerable public-key algorithms (such as "
        "RSA-2048) after 2030 and disallows all of them after 2035; below 112 bits they are "
        "already disallowed. Each key and relied-on signature of the chain is classified on "
        "the scan date, with its transition dates in the evidence."
    ),
    remediation=(
        "Replace keys below 112 bits now; plan RSA-2048 replacement before 2031 and the "
        "move to ML-DSA (FIPS 204) certificates before 2036."
    ),
    references=(IR8547, SP800_57),
    requirements=req("PQC-PKI-04"),
)

_RANK = {
    Ir8547Status.DISALLOWED: 0,
    Ir8547Status.DEPRECATED: 1,
    Ir8547Status.UNKNOWN: 2,
    Ir8547Status.ACCEPTABLE: 3,
    Ir8547Status.QUANTUM_SAFE: 4,
}


def evaluate_certificate(subject: CertificateSubject, ctx: EvalContext) -> Outcome:
    rows = []
    worst = Ir8547Status.QUANTUM_SAFE
    for position, cert in enumerate(subject.chain):
        key = status_of(cert.public_key, ctx.on)
        row = describe(cert, position) | {
            "key_status": key.status.value,
            "key_deprecated_after": _iso(key.deprecated_after),
            "key_disallowed_after": _iso(key.disallowed_after),
        }
        statuses = [key.status]
        if relied_on_signature(cert):
            sig = status_of(cert.signature, ctx.on)
            row["signature_status"] = sig.status.value
            statuses.append(sig.status)
        worst = min((worst, *statuses), key=_RANK.__getitem__)
        rows.append(row)
    leaf = subject.leaf.public_key.name
    if worst is Ir8547Status.DISALLOWED:
        return failed(f"chain uses an algorithm IR 8547 disallows today (leaf {leaf})", chain=rows)
    if worst is Ir8547Status.DEPRECATED:
        return warned(f"chain uses a deprecated 112-bit algorithm (leaf {leaf})", chain=rows)
    if worst is Ir8547Status.UNKNOWN:
        return warned(f"chain uses an unrecognised algorithm (leaf {leaf})", chain=rows)
    if worst is Ir8547Status.ACCEPTABLE:
        return passed(f"{leaf}: acceptable until 2035, quantum-vulnerable", chain=rows)
    return passed(f"{leaf}: post-quantum chain", chain=rows)


def _iso(moment: object) -> str | None:
    return None if moment is None else str(moment)
