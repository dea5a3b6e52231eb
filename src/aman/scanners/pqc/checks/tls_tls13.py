"""TLS 1.3 is offered (TLS 1.2 cannot negotiate post-quantum groups)."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import RFC8446, EvalContext, Outcome, failed, passed, req
from aman.scanners.pqc.checks._tls import has_tls13, unreachable, versions
from aman.scanners.pqc.observations import TLSObservation

CHECK = Check(
    id="pqc.tls.tls13",
    domain="pqc",
    title="TLS 1.3 offered",
    severity=Severity.HIGH,
    rationale=(
        "Post-quantum and hybrid key exchange exist only in TLS 1.3; TLS 1.2 is frozen "
        "without them. An endpoint without TLS 1.3 cannot protect its traffic against "
        "harvest-now-decrypt-later."
    ),
    remediation="Enable TLS 1.3 on the server, load balancer or TLS terminator.",
    references=(RFC8446,),
    requirements=req("PQC-TLS-04"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    offered = versions(obs)
    if has_tls13(obs):
        return passed("TLS 1.3 offered", versions=offered)
    return failed(f"no TLS 1.3; offers {', '.join(offered) or 'nothing'}", versions=offered)
