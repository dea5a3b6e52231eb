"""SSH servers offer a hybrid post-quantum key exchange."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    SSH_MLKEM,
    EvalContext,
    Outcome,
    failed,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._ssh import kexinit_or_outcome, real_kex, software
from aman.scanners.pqc.observations import SSHObservation
from aman.scanners.pqc.ssh_messages import KexKind, classify_kex

CHECK = Check(
    id="pqc.ssh.hybrid-kex",
    domain="pqc",
    title="SSH offers a hybrid post-quantum key exchange",
    severity=Severity.HIGH,
    rationale=(
        "Administrative SSH sessions carry credentials and configuration worth harvesting. "
        "mlkem768x25519-sha256 (OpenSSH 9.9+, default since 10.0) and "
        "sntrup761x25519-sha512 protect them against later quantum decryption. The "
        "server's offer is read from its plaintext KEXINIT."
    ),
    remediation="Upgrade to OpenSSH 10 or enable mlkem768x25519-sha256 in KexAlgorithms.",
    references=(SSH_MLKEM,),
    requirements=req("PQC-SSH-01"),
)


def evaluate_ssh(obs: SSHObservation, ctx: EvalContext) -> Outcome:
    kexinit = kexinit_or_outcome(obs)
    if isinstance(kexinit, Outcome):
        return kexinit
    pq = list(kexinit.pq_kex)
    evidence = {"pq_kex": pq, "kex": real_kex(kexinit), "software": software(obs)}
    if pq:
        return passed(f"offers {', '.join(pq)}", **evidence)
    experimental = [
        k
        for k in kexinit.kex_algorithms
        if classify_kex(k) in (KexKind.EXPERIMENTAL_PQ, KexKind.WITHDRAWN_PQ)
    ]
    if experimental:
        return warned(
            f"offers only experimental or withdrawn PQ methods: {', '.join(experimental)}",
            **evidence,
        )
    return failed("offers classical key exchange only", **evidence)
