"""Public exposure of data stores (checkov: CKV_AWS_20, CKV2_AWS_6, CKV_AWS_17...). Evaluated by
checkov; see ``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.iac.public-data",
    domain="cloud",
    title="Data stores not public",
    severity=Severity.HIGH,
    rationale=(
        "Public bucket ACLs, missing public-access blocks and publicly accessible databases "
        "are the commonest cause of cloud data breaches: the data is one URL away from "
        "anyone."
    ),
    remediation=(
        "Block public access at account and bucket level; keep databases in private subnets."
    ),
    requirements=req("CL-DP-06"),
)
