"""The 5G configuration files in scope could be read (problems become error findings)."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.fiveg.checks._base import req

CHECK = Check(
    id="5g.input",
    domain="5g",
    title="Configuration files readable within limits",
    severity=Severity.MEDIUM,
    rationale=(
        "An audit is only as complete as its input: unreadable, oversized or malformed files "
        "and symbolic links leaving the scanned directory are reported as errors, so a "
        "configuration that could not be checked is never mistaken for a clean one."
    ),
    remediation="Fix the YAML or file permissions, or collect the files again.",
    requirements=req("5G-OAM-03"),
)
