"""An ML-DSA certificate is served and used in a TLS handshake somewhere in scope."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    FIPS204,
    EvalContext,
    Outcome,
    not_applicable,
    passed,
    req,
)
from aman.scanners.pqc.observations import RunSummary
from aman.scanners.pqc.tls_constants import PQ_SIGNATURE_SCHEMES

CHECK = Check(
    id="pqc.pki.mldsa-pilot",
    domain="pqc",
    title="ML-DSA certificate in use on a TLS service",
    severity=Severity.LOW,
    rationale=(
        "Piloting ML-DSA certificates (TLS signature schemes 0x0904-0x0906) shows which "
        "clients and middleboxes cope before the PKI migrates. Only positive evidence is "
        "automated: a scope without such an endpoint leaves the requirement to a human, "
        "since the pilot may run elsewhere."
    ),
    remediation="Stand up a pilot service with an ML-DSA-65 certificate from a test CA.",
    references=(FIPS204,),
    requirements=req("PQC-PKI-03"),
)


def evaluate_run(summary: RunSummary, ctx: EvalContext) -> Outcome | None:
    if summary.run_kind != "network":
        return None
    pilots = [
        obs.target
        for obs in summary.tls
        if obs.handshake.chain
        and obs.handshake.chain[0].public_key.family.value == "ML-DSA"
        and obs.handshake.signature_scheme in PQ_SIGNATURE_SCHEMES
    ]
    if pilots:
        return passed(
            f"ML-DSA certificate and handshake signature on {pilots[0]}", endpoints=pilots
        )
    return not_applicable("no endpoint in this scope serves an ML-DSA certificate")
