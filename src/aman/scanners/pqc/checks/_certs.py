"""Helpers shared by the certificate and key checks."""

from __future__ import annotations

from datetime import date
from typing import Any

from aman.scanners.pqc.algorithms import AlgorithmAssessment
from aman.scanners.pqc.risk import Ir8547, ir8547_status
from aman.scanners.pqc.x509_info import CertificateInfo


def relied_on_signature(cert: CertificateInfo) -> bool:
    """False for a self-issued CA: a trust anchor's self-signature is never verified."""
    return not (cert.self_issued and cert.is_ca is not False)


def status_of(a: AlgorithmAssessment, on: date) -> Ir8547:
    return ir8547_status(a.quantum_vulnerable, a.classical_bits, on)


def describe(cert: CertificateInfo, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "subject": cert.subject,
        "key": cert.public_key.name,
        "key_bits": cert.public_key.classical_bits,
        "signature": cert.signature.name,
        "not_after": cert.not_after.isoformat(),
        "fingerprint_sha256": cert.fingerprint_sha256,
    }


def too_short(a: AlgorithmAssessment) -> bool:
    """A quantum-vulnerable key below 112-bit classical security (RSA/DH/DSA < 2048, EC < 224)."""
    return bool(a.quantum_vulnerable) and a.classical_bits is not None and a.classical_bits < 112
