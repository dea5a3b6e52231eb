"""A malformed ML-KEM key share is rejected with illegal_parameter."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    FIPS203,
    EvalContext,
    Outcome,
    errored,
    failed,
    not_applicable,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._tls import unreachable
from aman.scanners.pqc.observations import TLSObservation
from aman.scanners.pqc.tls_results import ProbeOutcome

X25519MLKEM768 = 0x11EC
ILLEGAL_PARAMETER = 47

PROFILES = frozenset({"full"})  # needs probes the groups profile skips

CHECK = Check(
    id="pqc.tls.mlkem-share-validation",
    domain="pqc",
    title="Malformed ML-KEM key share rejected",
    severity=Severity.MEDIUM,
    rationale=(
        "FIPS 203 requires the encapsulation-key check before use, and the TLS hybrid drafts "
        "require aborting with illegal_parameter when it fails. Random bytes of the right "
        "length fail the check with near certainty; a server that proceeds skips input "
        "validation in its post-quantum code."
    ),
    remediation="Update the TLS library to a release that validates ML-KEM keys.",
    references=(FIPS203,),
    requirements=req("PQC-TST-05"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    if X25519MLKEM768 not in {g.code for g in obs.scan.supported_groups}:
        return not_applicable("X25519MLKEM768 not supported")
    probe = obs.malformed_share
    if probe is None:
        return not_applicable("malformed-share probe not run")
    evidence = {"outcome": probe.outcome.value, "detail": probe.detail}
    if probe.alert is not None:
        evidence["alert"] = probe.alert.name
        if probe.alert.description == ILLEGAL_PARAMETER:
            return passed("rejected with illegal_parameter", **evidence)
        return warned(f"rejected, but with {probe.alert.name}", **evidence)
    if probe.outcome in (ProbeOutcome.SUPPORTED, ProbeOutcome.HRR):
        return failed("continued the handshake with a malformed ML-KEM share", **evidence)
    if probe.outcome in (ProbeOutcome.RESET, ProbeOutcome.CLOSED):
        return warned(f"connection {probe.outcome.value} instead of an alert", **evidence)
    return errored(f"probe {probe.outcome.value}", **evidence)
