"""Endpoints in CNSA 2.0 scope use ML-KEM-1024, AES-256 and ML-DSA-87."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    CNSA2,
    FIPS203,
    FIPS204,
    EvalContext,
    Outcome,
    failed,
    not_applicable,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._tls import unreachable
from aman.scanners.pqc.observations import TLSObservation

MLKEM1024_GROUPS = frozenset({0x11ED, 0x0202})

CHECK = Check(
    id="pqc.tls.cnsa2",
    domain="pqc",
    title="CNSA 2.0 profile (ML-KEM-1024, AES-256, ML-DSA-87)",
    severity=Severity.HIGH,
    rationale=(
        "CNSA 2.0 allows ML-KEM-1024 for key establishment (SecP384r1MLKEM1024 during the "
        "transition), AES-256 and ML-DSA-87. Evaluated only for endpoints the scope marks "
        "as in CNSA 2.0 scope."
    ),
    remediation=(
        "Enable SecP384r1MLKEM1024 or MLKEM1024, restrict TLS 1.3 suites to "
        "TLS_AES_256_GCM_SHA384, and plan ML-DSA-87 certificates."
    ),
    references=(CNSA2, FIPS203, FIPS204),
    requirements=req("PQC-TLS-07"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    if "cnsa2" not in ctx.profiles and obs.endpoint.cnsa_category is None:
        return not_applicable("endpoint not in CNSA 2.0 scope")
    down = unreachable(obs)
    if down is not None:
        return down
    groups = [g.name for g in obs.scan.supported_groups if g.code in MLKEM1024_GROUPS]
    leaf = obs.handshake.chain[0].public_key.name if obs.handshake.chain else None
    cipher = obs.handshake.cipher
    evidence = {"mlkem1024_groups": groups, "leaf_key": leaf, "cipher": cipher}
    if not groups:
        return failed("no ML-KEM-1024 key exchange (SecP384r1MLKEM1024 or MLKEM1024)", **evidence)
    remarks = []
    if cipher is not None and "AES_256" not in cipher and "AES256" not in cipher:
        remarks.append(f"negotiated {cipher}, not AES-256")
    if leaf != "ML-DSA-87":
        remarks.append(f"leaf key {leaf or 'unknown'}, not ML-DSA-87")
    if remarks:
        return warned(f"ML-KEM-1024 supported; {'; '.join(remarks)}", **evidence)
    return passed("ML-KEM-1024, AES-256 and ML-DSA-87 in use", **evidence)
