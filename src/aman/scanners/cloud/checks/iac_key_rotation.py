"""Key rotation (checkov: CKV_AWS_7). Evaluated by checkov; see ``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.key-rotation",
    domain="cloud",
    title="Customer-managed keys rotated",
    severity=Severity.MEDIUM,
    rationale=(
        "Keys that are never rotated leave every ciphertext they ever protected exposed if "
        "they leak."
    ),
    remediation="Enable automatic rotation of customer-managed keys.",
    requirements=req("CL-DP-05"),
)
