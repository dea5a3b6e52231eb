"""SSL 3.0, TLS 1.0 and TLS 1.1 are disabled."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    RFC8446,
    EvalContext,
    Outcome,
    errored,
    failed,
    passed,
    req,
)
from aman.scanners.pqc.checks._tls import unreachable
from aman.scanners.pqc.observations import TLSObservation
from aman.scanners.pqc.tls_constants import version_name

LEGACY = (0x0300, 0x0301, 0x0302)

PROFILES = frozenset({"full"})  # needs probes the groups profile skips

CHECK = Check(
    id="pqc.tls.legacy-versions",
    domain="pqc",
    title="No SSL 3.0, TLS 1.0 or TLS 1.1",
    severity=Severity.HIGH,
    rationale=(
        "RFC 8996 deprecates TLS 1.0 and 1.1; they rely on SHA-1 and MD5 in the handshake "
        "and allow downgrades. Each version is probed on its own."
    ),
    remediation="Set the minimum protocol version to TLS 1.2.",
    references=(RFC8446,),
    requirements=req("PQC-WKC-06"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    legacy = [v for v in obs.scan.versions if v.version in LEGACY]
    accepted = [version_name(v.version) for v in legacy if v.supported]
    if accepted:
        return failed(f"accepts {', '.join(accepted)}", legacy_versions=accepted)
    unknown = [version_name(v.version) for v in legacy if v.supported is None]
    if unknown:
        return errored(f"could not decide {', '.join(unknown)}", undecided=unknown)
    return passed("refuses TLS 1.0 and TLS 1.1")
