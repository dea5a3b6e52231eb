"""TLS servers on the SBI verify client certificates (mutual TLS)."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, not_applicable, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import Endpoint, NetworkFunction

CHECK = Check(
    id="5g.sbi.mtls",
    domain="5g",
    title="Mutual TLS between network functions",
    severity=Severity.HIGH,
    rationale=(
        "Network functions shall authenticate each other with mutually authenticated TLS. "
        "A server that does not verify client certificates lets any host on the network call "
        "it, or register a rogue function with the NRF."
    ),
    remediation="Enable client verification (Open5GS: verify_client: true and "
    "verify_client_cacert) on every SBI server.",
    references=(ts33501("13.1.0"),),
    requirements=req("5G-SBA-02"),
)


def unverified(endpoints: tuple[Endpoint, ...]) -> list[dict[str, object]]:
    """TLS endpoints that do not check client certificates against a CA."""
    return [
        {
            "interface": e.interface,
            "address": e.address,
            "port": e.port,
            "line": e.line,
            "verify_client": e.tls.verify_client,
            "client_ca": e.tls.client_ca,
        }
        for e in endpoints
        if e.scheme == "https" and not (e.tls.verify_client and e.tls.client_ca)
    ]


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    servers = nf.sbi()
    if not servers:
        return None
    if not any(e.scheme == "https" for e in servers):
        return not_applicable("the SBI is not on TLS (see 5g.sbi.tls)")
    missing = unverified(servers)
    if missing:
        note = " (free5GC offers no client verification setting)" if nf.vendor == "free5gc" else ""
        first = missing[0]
        reason = "without a CA" if first["verify_client"] else "without client verification"
        return failed(
            f"TLS server {first['address']}:{first['port']} {reason}{note}",
            line=int(str(first["line"])),
            servers=missing,
        )
    return passed(f"{len(servers)} SBI server(s) require client certificates")
