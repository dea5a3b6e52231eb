"""Source code scanned for cryptographic API use."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import IR8547, EvalContext, Outcome, passed, req, warned
from aman.scanners.pqc.observations import RunSummary

CHECK = Check(
    id="pqc.inventory.code",
    domain="pqc",
    title="Discovery of cryptography in code",
    severity=Severity.MEDIUM,
    rationale=(
        "A code scan located calls to cryptographic APIs (Python, Java, Go, JavaScript/"
        "TypeScript, C/C++) with file, line and library, feeding the inventory."
    ),
    remediation="Scan every repository the organisation maintains, and re-scan on change.",
    references=(IR8547,),
    requirements=req("PQC-INV-04"),
)


def evaluate_run(summary: RunSummary, ctx: EvalContext) -> Outcome | None:
    if summary.run_kind != "code":
        return None
    evidence = {"files_scanned": summary.files_scanned, "crypto_uses": summary.code_uses}
    if summary.files_scanned == 0:
        return warned("no source file was scanned", **evidence)
    return passed(
        f"{summary.files_scanned} files scanned, {summary.code_uses} cryptographic uses found",
        **evidence,
    )
