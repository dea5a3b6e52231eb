"""N32 servers verify the partner SEPP's certificate."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, not_applicable, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.checks.sbi_mtls import unverified
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.n32.mtls",
    domain="5g",
    title="Mutual TLS on N32",
    severity=Severity.HIGH,
    rationale=(
        "SEPPs authenticate each other on N32-c; a server that does not verify the client "
        "certificate accepts a connection from anyone who reaches the interconnect."
    ),
    remediation="Set verify_client: true with a CA holding the roaming partners' issuers.",
    references=(ts33501("13.1.2"), ts33501("13.2")),
    requirements=req("5G-ROA-02"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    servers = nf.n32("n32c")
    if not servers:
        return None
    if not any(e.scheme == "https" for e in servers):
        return not_applicable("N32-c is not on TLS (see 5g.n32.tls)")
    missing = unverified(servers)
    if missing:
        first = missing[0]
        return failed(
            f"N32 server {first['address']}:{first['port']} does not verify partner certificates",
            line=int(str(first["line"])),
            servers=missing,
        )
    return passed(f"{len(servers)} N32 server(s) verify partner certificates")
