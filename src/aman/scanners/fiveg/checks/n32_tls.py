"""N32-c between SEPPs runs over HTTPS, to every partner."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.n32.tls",
    domain="5g",
    title="N32-c over TLS",
    severity=Severity.HIGH,
    rationale=(
        "The N32-c control connection between SEPPs negotiates how roaming traffic is "
        "protected and shall use TLS; over plain HTTP a partner or an interconnect provider "
        "on the path can read and alter it."
    ),
    remediation="Use scheme https on every N32 server and https:// URIs for partner SEPPs.",
    references=(ts33501("13.1.2"),),
    requirements=req("5G-ROA-02"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    servers = nf.n32("n32c")
    peers = [p for p in nf.peers if p.role == "sepp"]
    if not servers and not peers:
        return None
    plain = [
        {"server": f"{e.address}:{e.port}", "scheme": e.scheme, "line": e.line}
        for e in servers
        if e.scheme != "https"
    ]
    plain += [
        {"peer": p.uri, "scheme": p.scheme, "line": p.line} for p in peers if p.scheme != "https"
    ]
    if plain:
        return failed(
            f"N32-c without TLS: {plain[0].get('server') or plain[0].get('peer')}",
            line=int(str(plain[0]["line"])),
            plain=plain,
        )
    return passed(f"{len(servers)} N32 server(s) and {len(peers)} partner(s) on https")
