"""Network cryptography discovered automatically for the scope."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    IR8547,
    EvalContext,
    Outcome,
    errored,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.observations import RunSummary

CHECK = Check(
    id="pqc.inventory.network",
    domain="pqc",
    title="Automated discovery of network cryptography",
    severity=Severity.MEDIUM,
    rationale=(
        "A scan of the scope recorded protocol versions, key-exchange groups, certificates "
        "and signature algorithms of each endpoint; its date shows how current the "
        "inventory is."
    ),
    remediation="Scan every TLS and SSH endpoint of the organisation at least quarterly.",
    references=(IR8547,),
    requirements=req("PQC-INV-03"),
)


def evaluate_run(summary: RunSummary, ctx: EvalContext) -> Outcome | None:
    if summary.run_kind != "network":
        return None
    evidence = {"endpoints": summary.endpoints, "reachable": summary.reachable}
    if summary.endpoints and summary.reachable == 0:
        return errored("no endpoint of the scope answered", **evidence)
    if summary.reachable < summary.endpoints:
        return warned(f"{summary.reachable} of {summary.endpoints} endpoints answered", **evidence)
    return passed(f"{summary.endpoints} endpoints inventoried", **evidence)
