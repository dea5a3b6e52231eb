"""The AMF prefers a real NAS cipher and offers at least one."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed, warned
from aman.scanners.fiveg.checks._base import AuditContext, listing, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

CHECK = Check(
    id="5g.nas.nea0",
    domain="5g",
    title="NEA0 (null cipher) not preferred, a real cipher available",
    severity=Severity.HIGH,
    rationale=(
        "The network picks the first algorithm of its list that the UE supports, so NEA0 "
        "first leaves NAS signalling unencrypted for every UE, and a list without NEA1, NEA2 "
        "or NEA3 never encrypts. TS 33.501 asks for confidentiality wherever regulation "
        "permits; NEA0 may stay last in the list for UEs without ciphering support."
    ),
    remediation="Order the ciphers as [NEA2, NEA1, NEA0] (or drop NEA0 where allowed).",
    references=(ts33501("5.5.1"),),
    requirements=req("5G-NAS-02"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    if nf.nas is None:
        return None
    order, line = nf.nas.ciphering, nf.nas.ciphering_line or nf.line
    if order is None:
        return warned(
            "no ciphering order configured: the AMF's built-in default applies and cannot be "
            "verified; configure an explicit list with a non-null cipher first",
            line=line,
        )
    seen = list(order)
    real = [a for a in order if a != "NEA0"]
    if not real or order[0] == "NEA0":
        what = (
            "no non-null cipher: NAS is never encrypted"
            if not real
            else f"NEA0 (null cipher) is preferred: {listing(order)}"
        )
        if ctx.allow_null_ciphering:
            return warned(f"{what} (accepted: null ciphering by jurisdiction policy)", line=line)
        return failed(what, line=line, ciphering_order=seen)
    return passed(
        f"{order[0]} preferred; ciphers {listing(order)}", line=line, ciphering_order=seen
    )
