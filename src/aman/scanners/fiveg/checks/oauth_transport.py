"""Access tokens are only issued over TLS."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, not_applicable, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.oauth.transport",
    domain="5g",
    title="OAuth 2.0 only over HTTPS",
    severity=Severity.HIGH,
    rationale=(
        "Token-based authorisation requires the transport to be protected: a bearer token "
        "sent over plain HTTP can be read and replayed by anyone on the path."
    ),
    remediation="Serve the NRF over https before enabling OAuth 2.0.",
    references=(ts33501("13.3.2.1"), ts33501("13.4.1")),
    requirements=req("5G-SBA-05"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    if nf.oauth is None:
        return None
    if not (nf.oauth.supported and nf.oauth.enabled):
        return not_applicable("OAuth 2.0 is not enabled on this NRF")
    plain = [e for e in nf.sbi() if e.scheme != "https"]
    if plain or not nf.sbi():
        line = plain[0].line if plain else nf.line
        return failed(
            "OAuth 2.0 is enabled while the NRF serves plain HTTP: tokens travel in clear",
            line=line,
            scheme=plain[0].scheme if plain else None,
        )
    return passed("access tokens are issued over https")
