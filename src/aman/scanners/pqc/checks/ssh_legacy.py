"""No SSH protocol 1, SHA-1 or 1024-bit key exchange, or SHA-1 host-key signatures."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    RFC9142,
    EvalContext,
    Outcome,
    failed,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._ssh import kexinit_or_outcome
from aman.scanners.pqc.observations import SSHObservation

WEAK_KEX = (
    "diffie-hellman-group1-sha1",
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
    "gss-group1-sha1-",
    "gss-group14-sha1-",
    "gss-gex-sha1-",
    "rsa1024-sha1",
)
SHA1_HOST_KEYS = (
    "ssh-rsa",
    "ssh-dss",
    "ssh-rsa-cert-v01@openssh.com",
    "ssh-dss-cert-v01@openssh.com",
)

CHECK = Check(
    id="pqc.ssh.legacy-algorithms",
    domain="pqc",
    title="No SSH-1, SHA-1 or 1024-bit SSH key exchange",
    severity=Severity.HIGH,
    rationale=(
        "RFC 9142 retires SHA-1 key exchanges and the 1024-bit group1; SSH protocol 1 is "
        "broken. ssh-rsa and ssh-dss host keys sign with SHA-1."
    ),
    remediation="Remove the listed methods from KexAlgorithms and HostKeyAlgorithms.",
    references=(RFC9142,),
    requirements=req("PQC-WKC-06"),
)


def evaluate_ssh(obs: SSHObservation, ctx: EvalContext) -> Outcome:
    kexinit = kexinit_or_outcome(obs)
    if isinstance(kexinit, Outcome):
        return kexinit
    weak = [k for k in kexinit.kex_algorithms if k.startswith(WEAK_KEX)]
    sha1_keys = [h for h in kexinit.server_host_key_algorithms if h in SHA1_HOST_KEYS]
    evidence = {"weak_kex": weak, "sha1_host_keys": sha1_keys}
    if weak:
        return failed(f"offers {', '.join(weak)}", **evidence)
    if sha1_keys:
        return warned(f"offers SHA-1 host-key signatures {', '.join(sha1_keys)}", **evidence)
    return passed("no SHA-1 or 1024-bit key exchange", **evidence)
