"""Home-network private keys are neither inline in YAML nor readable by others."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.checks._keys import storage_verdict
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.suci.key-storage",
    domain="5g",
    title="Home-network private keys protected at rest",
    severity=Severity.HIGH,
    rationale=(
        "The SIDF's private keys de-conceal subscriber identities. Written inline in a "
        "configuration file they spread with every copy of it; in a file readable by group "
        "or others any local account can take them."
    ),
    remediation="Keep home-network keys in an HSM, or in files of mode 0600 owned by the UDM.",
    references=(ts33501("6.12.2"),),
    requirements=req("5G-PRV-03", "5G-CRY-03"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    return storage_verdict(nf.facts_for("hnet"), "home network key")
