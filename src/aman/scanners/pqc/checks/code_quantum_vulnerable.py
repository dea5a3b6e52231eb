"""Quantum-vulnerable public-key cryptography in source code, for the migration inventory."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    FIPS203,
    FIPS204,
    IR8547,
    EvalContext,
    Outcome,
    req,
    warned,
)
from aman.scanners.pqc.observations import CodeUse

CHECK = Check(
    id="pqc.code.quantum-vulnerable",
    domain="pqc",
    title="Quantum-vulnerable public-key use in code",
    severity=Severity.MEDIUM,
    rationale=(
        "RSA, DSA, DH, ECDSA, ECDH and EdDSA are broken by Shor's algorithm and disallowed "
        "by NIST IR 8547 after 2035. Each use in code is inventoried with its file, line "
        "and library so that it can be migrated to ML-KEM or ML-DSA."
    ),
    remediation=(
        "Route the operation through a crypto-agile interface and migrate to ML-KEM "
        "(FIPS 203) or ML-DSA (FIPS 204), hybrid during the transition."
    ),
    references=(IR8547, FIPS203, FIPS204),
    requirements=req("PQC-INV-04"),
)


def evaluate_code(use: CodeUse, ctx: EvalContext) -> Outcome | None:
    if not use.quantum_vulnerable:
        return None
    return warned(
        f"{use.algorithm} {use.operation} ({use.library}) is quantum-vulnerable",
        algorithm=use.algorithm,
        operation=use.operation,
        library=use.library,
        language=use.language,
        key_bits=use.key_bits,
        snippet=use.snippet,
    )
