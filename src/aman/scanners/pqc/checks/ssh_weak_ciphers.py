"""No 3DES, DES, RC4 or "none" cipher in SSH."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import SP800_131A, EvalContext, Outcome, failed, passed, req
from aman.scanners.pqc.checks._ssh import kexinit_or_outcome
from aman.scanners.pqc.observations import SSHObservation

WEAK = ("3des-", "des-", "arcfour", "blowfish-", "cast128-", "none")

CHECK = Check(
    id="pqc.ssh.weak-ciphers",
    domain="pqc",
    title="No 3DES, DES, RC4 or none cipher in SSH",
    severity=Severity.HIGH,
    rationale="These ciphers are broken or below 112-bit security, or disable encryption.",
    remediation="Restrict Ciphers to AES-GCM, AES-CTR and ChaCha20-Poly1305.",
    references=(SP800_131A,),
    requirements=req("PQC-WKC-03"),
)


def evaluate_ssh(obs: SSHObservation, ctx: EvalContext) -> Outcome:
    kexinit = kexinit_or_outcome(obs)
    if isinstance(kexinit, Outcome):
        return kexinit
    offered = dict.fromkeys((*kexinit.ciphers_c2s, *kexinit.ciphers_s2c))
    weak = [c for c in offered if c.lower().startswith(WEAK)]
    if weak:
        return failed(f"offers {', '.join(weak)}", weak_ciphers=weak)
    return passed("no weak cipher offered", ciphers=list(offered))
