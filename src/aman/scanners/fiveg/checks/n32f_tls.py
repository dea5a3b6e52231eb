"""N32-f (forwarded roaming messages) runs over HTTPS."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.n32f.tls",
    domain="5g",
    title="N32-f over TLS",
    severity=Severity.HIGH,
    rationale=(
        "N32-f carries the roaming SBI messages themselves (subscriber data, authentication "
        "vectors). Between SEPPs without intermediaries it shall use TLS; with IPX providers "
        "in between, PRINS application-layer protection is needed on top."
    ),
    remediation="Set n32f scheme https and use https:// N32-f URIs for partners.",
    references=(ts33501("13.1.2"), ts33501("13.2")),
    requirements=req("5G-ROA-03"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    servers = nf.n32("n32f")
    peers = [p for p in nf.peers if p.role == "sepp-n32f"]
    if not servers and not peers:
        return None
    plain = [
        {"server": f"{e.address}:{e.port}", "line": e.line} for e in servers if e.scheme != "https"
    ]
    plain += [{"peer": p.uri, "line": p.line} for p in peers if p.scheme != "https"]
    if plain:
        return failed(
            f"N32-f without TLS: {plain[0].get('server') or plain[0].get('peer')}",
            line=int(str(plain[0]["line"])),
            plain=plain,
        )
    return passed(f"{len(servers)} N32-f server(s) and {len(peers)} partner(s) on https")
