"""Hard-coded credentials (checkov: CKV_AWS_41, CKV_AWS_45). Evaluated by checkov; see
``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.static-credentials",
    domain="cloud",
    title="No hard-coded cloud credentials",
    severity=Severity.HIGH,
    rationale=(
        "Access keys and secrets written into provider blocks or function environments end up"
        " in version control and state files."
    ),
    remediation=(
        "Use workload identities or a secrets manager; rotate any key that was committed."
    ),
    requirements=req("CL-IAM-06", "CL-DP-07"),
)
