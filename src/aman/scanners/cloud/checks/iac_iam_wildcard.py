"""IAM wildcards and privilege escalation (checkov: CKV_AWS_1, CKV_AWS_62...). Evaluated by
checkov; see ``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.iam-wildcard",
    domain="cloud",
    title="No wildcard IAM permissions",
    severity=Severity.HIGH,
    rationale=(
        "Policies granting '*' actions on '*' resources, or rights to escalate privileges, "
        "make every compromised identity an administrator."
    ),
    remediation=(
        "Grant specific actions on specific resources; attach policies to roles or groups."
    ),
    requirements=req("CL-IAM-04"),
)
