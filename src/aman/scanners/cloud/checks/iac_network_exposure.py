"""Network exposure (checkov: CKV_AWS_24, CKV_AWS_25...). Evaluated by checkov; see
``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.network-exposure",
    domain="cloud",
    title="No administrative ports open to the internet",
    severity=Severity.HIGH,
    rationale=(
        "SSH, RDP and all-port rules open to 0.0.0.0/0 are scanned for within minutes of "
        "creation and are a leading entry point for intrusions."
    ),
    remediation="Restrict ingress to known ranges or use a bastion, VPN or session manager.",
    requirements=req("CL-NET-02"),
)
