"""Encryption at rest of storage resources (checkov: CKV_AWS_16, CKV_AWS_145...). Evaluated by
checkov; see ``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.encryption-at-rest",
    domain="cloud",
    title="Encryption at rest",
    severity=Severity.HIGH,
    rationale=(
        "Unencrypted volumes, databases, buckets, queues and topics expose their data to "
        "anyone who obtains a snapshot, a backup or the provider's media."
    ),
    remediation="Enable encryption with customer-managed keys on every storage resource.",
    requirements=req("CL-DP-02"),
)
