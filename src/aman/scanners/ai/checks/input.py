"""The model files in scope could be read and opened (problems become error findings)."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.ai.checks._base import req

CHECK = Check(
    id="ai.input",
    domain="ai",
    title="Model files readable within limits",
    severity=Severity.MEDIUM,
    rationale=(
        "A model file that could not be read, or a container refused as a zip bomb, was not "
        "scanned; it is reported as an error so it is never taken for a clean model."
    ),
    remediation="Obtain the file again from its source; never load a refused container.",
    requirements=req("AI-SC-03"),
)
