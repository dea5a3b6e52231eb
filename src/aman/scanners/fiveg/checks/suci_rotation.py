"""More than one home-network key identifier is configured, so keys can be rolled over."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.suci.rotation",
    domain="5g",
    title="Home-network key rollover possible",
    severity=Severity.LOW,
    rationale=(
        "USIMs name the key they concealed with by its Home Network Public Key Identifier. "
        "A UDM that knows only one identifier cannot introduce a new key while cards still "
        "use the old one, so a compromised key cannot be retired without an outage."
    ),
    remediation="Provision a second key identifier and an over-the-air update procedure.",
    references=(ts33501("6.12.2"),),
    requirements=req("5G-PRV-04"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    if not nf.hnet:
        return None
    ids = sorted({e.key_id for e in nf.hnet if e.key_id is not None and e.scheme in (1, 2)})
    if len(ids) < 2:
        return failed(
            f"{len(ids)} usable key identifier(s): no rollover", line=nf.hnet[0].line, key_ids=ids
        )
    return passed(f"{len(ids)} key identifiers configured", key_ids=ids)
