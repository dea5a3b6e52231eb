"""TLS endpoints accept a hybrid ML-KEM key exchange (harvest-now-decrypt-later protection)."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    ECDHE_MLKEM,
    FIPS203,
    RFC8446,
    EvalContext,
    Outcome,
    errored,
    failed,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._tls import (
    HYBRID_GROUPS,
    has_tls13,
    supported,
    unreachable,
    verdicts,
    versions,
)
from aman.scanners.pqc.observations import TLSObservation
from aman.scanners.pqc.tls_constants import GroupKind
from aman.scanners.pqc.tls_results import GroupSupport

CHECK = Check(
    id="pqc.tls.hybrid-kex",
    domain="pqc",
    title="TLS accepts a hybrid ML-KEM key exchange",
    severity=Severity.HIGH,
    rationale=(
        "Traffic recorded today can be decrypted once a cryptographically relevant quantum "
        "computer exists unless its key exchange resists one. A TLS 1.3 server that accepts "
        "X25519MLKEM768, SecP256r1MLKEM768 or SecP384r1MLKEM1024 protects every client that "
        "offers it. Verified by offering one group with an empty key share: an HRR or "
        "ServerHello selecting it proves support."
    ),
    remediation=(
        "Enable X25519MLKEM768 (OpenSSL 3.5+, BoringSSL, Go 1.24+, rustls) ahead of X25519 "
        "in the server's group list; add SecP384r1MLKEM1024 where CNSA 2.0 applies."
    ),
    references=(FIPS203, ECDHE_MLKEM, RFC8446),
    requirements=req("PQC-TLS-01", "PQC-TLS-03"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    groups = obs.scan.groups
    detail = verdicts(groups, HYBRID_GROUPS)
    hybrids = [g.group.name for g in groups if g.group.code in HYBRID_GROUPS and _ok(g.support)]
    if hybrids:
        return passed(f"accepts {', '.join(hybrids)}", hybrid_groups=hybrids, probes=detail)
    pure = [
        g.group.name
        for g in groups
        if g.group.kind is GroupKind.PURE_PQ and g.support is GroupSupport.SUPPORTED
    ]
    if pure:
        return warned(
            f"accepts pure {', '.join(pure)} but no hybrid group",
            pq_groups=pure,
            probes=detail,
        )
    if not has_tls13(obs):
        return failed(
            f"no TLS 1.3 (offers {', '.join(versions(obs)) or 'nothing'}): no post-quantum "
            "key exchange is possible",
            versions=versions(obs),
        )
    relevant = [g for g in groups if g.group.code in HYBRID_GROUPS]
    if relevant and all(g.support is GroupSupport.INCONCLUSIVE for g in relevant):
        return errored("every hybrid-group probe was inconclusive", probes=detail)
    return failed(
        "accepts no hybrid ML-KEM group; classical only: " + ", ".join(supported(groups)),
        supported_groups=supported(groups),
        probes=detail,
    )


def _ok(support: GroupSupport) -> bool:
    return support is GroupSupport.SUPPORTED
