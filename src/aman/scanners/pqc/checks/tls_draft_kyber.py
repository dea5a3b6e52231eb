"""Pre-standard Kyber draft groups are no longer accepted."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import FIPS203, EvalContext, Outcome, failed, passed, req
from aman.scanners.pqc.checks._tls import has_tls13, unreachable
from aman.scanners.pqc.observations import TLSObservation

CHECK = Check(
    id="pqc.tls.draft-kyber",
    domain="pqc",
    title="No pre-standard Kyber groups",
    severity=Severity.LOW,
    rationale=(
        "X25519Kyber768Draft00 (0x6399) and other draft codepoints use pre-FIPS Kyber, "
        "which browsers dropped; keeping them enabled means unmaintained code paths and "
        "no interoperability gain. FIPS 203 ML-KEM groups replace them."
    ),
    remediation="Remove draft Kyber groups from the server configuration; offer X25519MLKEM768.",
    references=(FIPS203,),
    requirements=req("PQC-TLS-05"),
)


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    drafts = [g.name for g in obs.scan.obsolete_pq_groups]
    if drafts:
        return failed(f"still accepts {', '.join(drafts)}", draft_groups=drafts)
    if not has_tls13(obs):
        return passed("no TLS 1.3, hence no draft groups")
    return passed("no draft Kyber group accepted")
