"""The run's models are listed in a valid CycloneDX 1.6 AI bill of materials."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.ai.checks._base import CYCLONEDX_ML, req
from aman.scanners.ai.model import Inventory
from aman.scanners.common.outcome import Outcome, failed, passed

CHECK = Check(
    id="ai.bom.inventory",
    domain="ai",
    title="AI bill of materials with hashes",
    severity=Severity.LOW,
    rationale=(
        "An AI-BOM lists each model with its SHA-256 and scan results, so a model can be "
        "recognised wherever it turns up and a later advisory matched to where it runs."
    ),
    remediation="Keep the AI-BOM of each scan with the model registry entry.",
    references=(CYCLONEDX_ML,),
    requirements=req("AI-SC-06"),
)


def evaluate_inventory(inventory: Inventory, ctx: Any) -> Outcome | None:
    if not inventory.models:
        return None
    if inventory.bom_error:
        return failed(f"AI-BOM is not valid CycloneDX 1.6: {inventory.bom_error}")
    return passed(
        f"AI-BOM lists {len(inventory.models)} model(s) with SHA-256 and scan results",
        models=len(inventory.models),
    )
