"""No home-network key is a published test vector or sample key."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.checks._keys import sample_verdict
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.suci.sample-key",
    domain="5g",
    title="No published home-network key",
    severity=Severity.CRITICAL,
    rationale=(
        "The TS 33.501 Annex C.4 test data and the sample keys shipped with open-source cores "
        "are public: with one of them anyone can de-conceal every SUCI of the network. The "
        "public key's fingerprint is compared with a list of published keys."
    ),
    remediation="Generate new home-network key pairs (in an HSM) and re-personalise USIMs.",
    references=(ts33501("Annex C.4"),),
    requirements=req("5G-PRV-02", "5G-CRY-03"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    return sample_verdict(nf.facts_for("hnet"), ctx.denylist, "home network key")
