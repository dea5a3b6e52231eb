"""The path to the server tolerates a ClientHello carrying a full hybrid key share."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    ECDHE_MLKEM,
    EvalContext,
    Outcome,
    errored,
    failed,
    passed,
    req,
)
from aman.scanners.pqc.checks._tls import unreachable
from aman.scanners.pqc.observations import TLSObservation
from aman.scanners.pqc.tls_results import LargeHelloStatus

PROFILES = frozenset({"full"})  # needs probes the groups profile skips

CHECK = Check(
    id="pqc.tls.large-hello",
    domain="pqc",
    title="Large ClientHello tolerated",
    severity=Severity.MEDIUM,
    rationale=(
        "A ClientHello with an X25519MLKEM768 share (1216 bytes) spans more than one TCP "
        "segment. Middleboxes that reset such hellos break PQ-capable clients; the probe "
        "compares a large hello with a small one to tell intolerance from lack of PQ."
    ),
    remediation="Update or reconfigure firewalls, IDS/IPS and TLS-inspecting proxies on the path.",
    references=(ECDHE_MLKEM,),
    requirements=req("PQC-TST-01"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    large = obs.scan.large_hello
    if large is None:
        return errored("large-hello probe did not run")
    evidence = {
        "probe": f"{large.probe.outcome.value} {large.probe.detail}".strip(),
        "pq_negotiated": large.pq_negotiated,
    }
    if large.status is LargeHelloStatus.TOLERANT:
        return passed("answered a 1216-byte hybrid key share", **evidence)
    if large.status is LargeHelloStatus.INTOLERANT:
        return failed("dropped the large ClientHello although a small one was answered", **evidence)
    return errored("large-hello probe inconclusive", **evidence)
