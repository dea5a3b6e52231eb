"""No 3DES, DES, RC4, export or NULL cipher suite is accepted."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    SP800_131A,
    EvalContext,
    Outcome,
    errored,
    failed,
    passed,
    req,
)
from aman.scanners.pqc.checks._tls import unreachable
from aman.scanners.pqc.observations import TLSObservation
from aman.scanners.pqc.tls_constants import WEAK_CIPHER_SUITES, cipher_suite_name
from aman.scanners.pqc.tls_results import ProbeOutcome

PROFILES = frozenset({"full"})  # needs probes the groups profile skips

CHECK = Check(
    id="pqc.tls.weak-ciphers",
    domain="pqc",
    title="No 3DES, DES, RC4, export or NULL suites",
    severity=Severity.HIGH,
    rationale=(
        "These suites are broken or below 112-bit security (Sweet32, RC4 biases, export "
        "downgrades). Verified with a TLS 1.2 hello offering nothing else: a ServerHello "
        "means one is accepted."
    ),
    remediation="Remove the suites from the server's cipher configuration.",
    references=(SP800_131A,),
    requirements=req("PQC-WKC-03"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    probe = obs.weak_ciphers
    if probe is None:
        return errored("weak-cipher probe not run")
    hello = probe.server_hello
    if probe.outcome is ProbeOutcome.SUPPORTED and hello is not None:
        if hello.cipher_suite in WEAK_CIPHER_SUITES:
            suite = cipher_suite_name(hello.cipher_suite)
            return failed(f"accepted {suite}", cipher_suite=suite)
        return errored(
            f"server chose 0x{hello.cipher_suite:04x}, which was not offered",
            cipher_suite=cipher_suite_name(hello.cipher_suite),
        )
    if probe.answered:
        name = probe.alert.name if probe.alert else probe.outcome.value
        return passed(f"refused every weak suite ({name})", answer=name)
    if probe.outcome in (ProbeOutcome.RESET, ProbeOutcome.CLOSED):
        return passed(f"connection {probe.outcome.value} on a weak-only hello")
    return errored(f"weak-cipher probe {probe.outcome.value}", detail=probe.detail)
