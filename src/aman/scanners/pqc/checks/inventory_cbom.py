"""The scan's inventory is exported as a valid CycloneDX 1.6 CBOM."""

from __future__ import annotations

from aman.evidence.model import Check, Reference, Severity
from aman.scanners.pqc.checks._base import EvalContext, Outcome, failed, passed, req
from aman.scanners.pqc.observations import RunSummary

CYCLONEDX = Reference("cyclonedx-1.6", "cryptoProperties", "https://cyclonedx.org/docs/1.6/json/")

CHECK = Check(
    id="pqc.inventory.cbom",
    domain="pqc",
    title="CBOM in CycloneDX 1.6",
    severity=Severity.LOW,
    rationale=(
        "A machine-readable cryptography bill of materials lets suppliers, regulators and "
        "tools exchange the inventory. Stored scans validate their CBOM against the official "
        "1.6 schema; quick command-line scans check that every reference resolves."
    ),
    remediation="Export the CBOM of each scan and keep it with the inventory.",
    references=(CYCLONEDX,),
    requirements=req("PQC-INV-02"),
)


def evaluate_run(summary: RunSummary, ctx: EvalContext) -> Outcome | None:
    if summary.cbom_valid is None:
        return None
    how = "schema-valid" if summary.cbom_validation == "schema" else "references consistent"
    if summary.cbom_valid:
        return passed(f"CycloneDX 1.6 CBOM generated, {how}", validation=summary.cbom_validation)
    return failed(f"CBOM check failed: {summary.cbom_error}", validation=summary.cbom_validation)
