"""No TLS or CA private key is a published sample key."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.checks._keys import sample_verdict
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.tls.sample-key",
    domain="5g",
    title="No published TLS or CA key",
    severity=Severity.CRITICAL,
    rationale=(
        "Open-source cores ship sample TLS keys, including a CA key. A deployment that keeps "
        "them can be impersonated, and trusts a CA that anyone can issue certificates from."
    ),
    remediation="Issue new keys and certificates from the operator's own PKI.",
    references=(ts33501("13.1.0"),),
    requirements=req("5G-CRY-03"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    facts = nf.facts_for("tls-server") + nf.facts_for("tls-client") + nf.facts_for("ca")
    return sample_verdict(facts, ctx.denylist, "TLS private key")
