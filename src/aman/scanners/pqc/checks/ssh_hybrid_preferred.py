"""SSH servers list a hybrid key exchange first, on a current implementation."""

from __future__ import annotations

import re

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

_OPENSSH = re.compile(r"^OpenSSH_(\d+)\.(\d+)")

CHECK = Check(
    id="pqc.ssh.hybrid-preferred",
    domain="pqc",
    title="SSH lists a hybrid key exchange first",
    severity=Severity.MEDIUM,
    rationale=(
        "SSH negotiates the first client method the server also supports, so a server's "
        "order matters for clients that follow it and signals intent. OpenSSH 10.0 makes "
        "mlkem768x25519-sha256 the default and 10.1 warns when no PQ method is used."
    ),
    remediation=(
        "Put mlkem768x25519-sha256 first in KexAlgorithms; remove classical-only methods "
        "on administrative paths that carry harvestable data."
    ),
    references=(SSH_MLKEM,),
    requirements=req("PQC-SSH-02"),
)


def evaluate_ssh(obs: SSHObservation, ctx: EvalContext) -> Outcome:
    kexinit = kexinit_or_outcome(obs)
    if isinstance(kexinit, Outcome):
        return kexinit
    methods = real_kex(kexinit)
    first = methods[0] if methods else None
    sw = software(obs)
    evidence = {"first_kex": first, "kex": methods, "software": sw}
    if first is None or classify_kex(first) not in (KexKind.HYBRID_PQ, KexKind.PURE_PQ):
        return failed(f"first key exchange is {first or 'none'}", **evidence)
    version = _OPENSSH.match(sw or "")
    if version and (int(version.group(1)), int(version.group(2))) < (10, 0):
        return warned(f"{first} first, but {sw} predates OpenSSH 10.0", **evidence)
    return passed(f"{first} listed first", **evidence)
