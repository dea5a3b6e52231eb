"""Logging (checkov: CKV_AWS_18, CKV_AWS_67...). Evaluated by checkov; see ``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.logging",
    domain="cloud",
    title="Audit and access logging enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "Without multi-region audit trails, log-file validation and access logs an intrusion "
        "leaves no trace to detect or investigate."
    ),
    remediation=(
        "Enable organisation-wide, multi-region audit trails with validation, and access logs"
        " on storage and load balancers."
    ),
    requirements=req("CL-LOG-01"),
)
