"""No TLS key-log file is configured."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed
from aman.scanners.fiveg.checks._base import AuditContext, req
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.tls.keylog",
    domain="5g",
    title="No TLS key logging",
    severity=Severity.CRITICAL,
    rationale=(
        "A key-log file (Open5GS sslkeylogfile, client_sslkeylogfile) writes the secrets of "
        "every TLS session to disk, so anyone who reads it can decrypt all captured SBI or "
        "N32 traffic: the TLS protection is void while the setting is on."
    ),
    remediation="Remove every sslkeylogfile and client_sslkeylogfile setting in production.",
    requirements=req("5G-SBA-03"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    if not nf.endpoints and not nf.peers and not nf.keylog:
        return None
    if nf.keylog:
        first = nf.keylog[0]
        return failed(
            f"TLS session keys are written to {first.value} ({first.name})",
            line=first.line,
            settings=[{"setting": s.name, "file": s.value, "line": s.line} for s in nf.keylog],
        )
    return passed("no TLS key-log file configured")
