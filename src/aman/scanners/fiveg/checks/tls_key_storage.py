"""TLS and CA private keys are neither inline in YAML nor readable by others."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome
from aman.scanners.fiveg.checks._base import AuditContext, req
from aman.scanners.fiveg.checks._keys import storage_verdict
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.tls.key-storage",
    domain="5g",
    title="TLS private keys protected at rest",
    severity=Severity.HIGH,
    rationale=(
        "A TLS private key readable by other accounts, or pasted into a configuration file, "
        "lets whoever reads it impersonate the network function."
    ),
    remediation="Store keys in files of mode 0600 (or an HSM) and reference them by path.",
    requirements=req("5G-CRY-03"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    facts = nf.facts_for("tls-server") + nf.facts_for("tls-client") + nf.facts_for("ca")
    return storage_verdict(facts, "TLS private key")
