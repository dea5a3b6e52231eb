"""No MD5 or SHA-1 in certificate signatures that are relied on."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import SP800_131A, EvalContext, Outcome, failed, passed, req
from aman.scanners.pqc.checks._certs import relied_on_signature
from aman.scanners.pqc.observations import CertificateSubject

CHECK = Check(
    id="pqc.cert.weak-signature-hash",
    domain="pqc",
    title="No MD5 or SHA-1 certificate signatures",
    severity=Severity.HIGH,
    rationale=(
        "MD5 and SHA-1 collisions are practical, so certificates signed with them can be "
        "forged. Self-signatures of trust anchors are not verified and are ignored."
    ),
    remediation="Re-issue the certificates with SHA-256 or stronger (or ML-DSA).",
    references=(SP800_131A,),
    requirements=req("PQC-WKC-01"),
)


def _weak(name: str) -> bool:
    lowered = name.lower()
    return "md5" in lowered or "sha1" in lowered or "sha-1" in lowered


def evaluate_certificate(subject: CertificateSubject, ctx: EvalContext) -> Outcome:
    weak = [
        {"subject": c.subject, "signature": c.signature.name}
        for c in subject.chain
        if relied_on_signature(c) and _weak(c.signature.name)
    ]
    if weak:
        return failed(f"{weak[0]['subject']} signed with {weak[0]['signature']}", weak=weak)
    return passed("no MD5 or SHA-1 signature relied on")
