"""The AMF never uses, or offers, the null integrity algorithm NIA0."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed, warned
from aman.scanners.fiveg.checks._base import AuditContext, listing, req, ts33501
from aman.scanners.fiveg.model import NetworkFunction

KNOWN = frozenset({"NIA0", "NIA1", "NIA2", "NIA3"})

CHECK = Check(
    id="5g.nas.nia0",
    domain="5g",
    title="NIA0 (null integrity) disabled in the AMF",
    severity=Severity.HIGH,
    rationale=(
        "Without integrity protection NAS signalling can be forged. TS 33.501 requires NIA0 "
        "to be disabled in the AMF unless unauthenticated emergency sessions are mandated by "
        "regulation; listing it first makes every capable UE fall back to no protection."
    ),
    remediation="Remove NIA0 from the integrity order (e.g. [NIA2, NIA1]).",
    references=(ts33501("5.5.2"),),
    requirements=req("5G-NAS-01"),
)


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    if nf.nas is None:
        return None
    order, line = nf.nas.integrity, nf.nas.integrity_line or nf.line
    if order is None:
        return warned(
            "no integrity order configured: the AMF's built-in default applies and cannot be "
            "verified; configure an explicit list without NIA0",
            line=line,
        )
    seen = list(order)
    if not order:
        return failed("the integrity order is empty", line=line, integrity_order=seen)
    if order[0] == "NIA0":
        return failed(
            f"NIA0 (null integrity) is preferred: {listing(order)}",
            severity=Severity.CRITICAL,
            line=line,
            integrity_order=seen,
        )
    if "NIA0" in order:
        position = order.index("NIA0") + 1
        return failed(
            f"NIA0 (null integrity) is allowed at position {position}: {listing(order)}",
            line=line,
            integrity_order=seen,
        )
    unknown = [a for a in order if a not in KNOWN]
    if unknown:
        return warned(f"unknown integrity algorithm(s) {unknown}", line=line, integrity_order=seen)
    return passed(f"NIA0 not allowed; {order[0]} preferred", line=line, integrity_order=seen)
