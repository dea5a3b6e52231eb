"""The NRF authorises service access with OAuth 2.0 access tokens."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.oauth.enabled",
    domain="5g",
    title="OAuth 2.0 service authorisation on the NRF",
    severity=Severity.MEDIUM,
    rationale=(
        "With token-based authorisation the NRF, as authorisation server, grants each "
        "consumer scoped access tokens (client-credentials grant, JWS-signed) for the "
        "services it may use; without it any authenticated function can call any service."
    ),
    remediation="Enable OAuth 2.0 on the NRF and configure consumers with the NRF certificate; "
    "where the core cannot enforce it, record the gap and rely on strict mutual TLS.",
    references=(ts33501("13.4.1"),),
    requirements=req("5G-SBA-04"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    if nf.oauth is None:
        return None
    if not nf.oauth.supported:
        return failed(
            f"{nf.vendor} does not enforce OAuth 2.0 access tokens: service access rests on "
            "transport security alone",
            line=nf.line,
        )
    if not nf.oauth.enabled:
        return failed("OAuth 2.0 is disabled on the NRF", line=nf.oauth.line or nf.line)
    return passed("OAuth 2.0 access tokens required by the NRF", line=nf.oauth.line)
