"""Every service-based interface and every SBI peer uses HTTPS."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

ROAMING_ROLES = frozenset({"sepp", "sepp-n32f"})

CHECK = Check(
    id="5g.sbi.tls",
    domain="5g",
    title="SBI over TLS, no http:// peers",
    severity=Severity.HIGH,
    rationale=(
        "All network functions shall support TLS on the SBI and use it within the PLMN unless "
        "the network is protected by other means. Plain HTTP exposes subscriber data, "
        "authentication vectors and access tokens to anyone on the path."
    ),
    remediation="Set the SBI scheme to https with a certificate, and use https:// NRF/SCP URIs.",
    references=(ts33501("13.1.0"),),
    requirements=req("5G-SBA-01"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    servers = nf.sbi()
    peers = [p for p in nf.peers if p.role not in ROAMING_ROLES]
    if not servers and not peers:
        return None
    plain_servers = [
        {"address": e.address, "port": e.port, "scheme": e.scheme, "line": e.line}
        for e in servers
        if e.scheme != "https"
    ]
    plain_peers = [
        {"role": p.role, "uri": p.uri, "line": p.line} for p in peers if p.scheme != "https"
    ]
    if plain_servers or plain_peers:
        first = (plain_servers or plain_peers)[0]
        parts = []
        if plain_servers:
            parts.append(f"{len(plain_servers)} SBI server(s) on {plain_servers[0]['scheme']}")
        if plain_peers:
            parts.append(f"{len(plain_peers)} peer URI(s) such as {plain_peers[0]['uri']}")
        return failed(
            "no TLS: " + ", ".join(parts),
            line=int(str(first["line"])),
            servers=plain_servers,
            peers=plain_peers,
        )
    return passed(f"{len(servers)} SBI server(s) and {len(peers)} peer(s) on https")
