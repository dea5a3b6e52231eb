"""Encryption in transit (checkov: CKV_AWS_2, CKV_AWS_103...). Evaluated by checkov; see
``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.encryption-in-transit",
    domain="cloud",
    title="Encryption in transit",
    severity=Severity.HIGH,
    rationale=(
        "Listeners and services that accept plain HTTP or old TLS let anyone on the path read"
        " or alter traffic, credentials included."
    ),
    remediation="Serve HTTPS only with TLS 1.2 or newer; require TLS for database connections.",
    requirements=req("CL-DP-03"),
)
