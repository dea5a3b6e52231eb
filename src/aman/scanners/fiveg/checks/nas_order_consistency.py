"""Every AMF applies the same NAS algorithm preference."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import CoreSummary

CHECK = Check(
    id="5g.nas.order-consistency",
    domain="5g",
    title="Same NAS algorithm order on every AMF",
    severity=Severity.MEDIUM,
    rationale=(
        "The order decides what protects each UE's signalling. AMFs with different orders "
        "give different protection depending on which AMF serves the UE, and usually mean "
        "one instance escaped the hardened baseline."
    ),
    remediation="Apply one integrity and one ciphering order to every AMF from one template.",
    references=(ts33501("5.5"),),
    requirements=req("5G-NAS-03"),
)


def evaluate_core(core: CoreSummary, ctx: AuditContext) -> Outcome | None:
    amfs = [nf for nf in core.functions if nf.nas is not None]
    if len(amfs) < 2:
        return None
    orders = {
        nf.path: {
            "integrity": list(nf.nas.integrity or ()) if nf.nas else [],
            "ciphering": list(nf.nas.ciphering or ()) if nf.nas else [],
        }
        for nf in amfs
    }
    distinct = {(tuple(o["integrity"]), tuple(o["ciphering"])) for o in orders.values()}
    if len(distinct) > 1:
        return failed(
            f"{len(distinct)} different algorithm orders across {len(amfs)} AMFs", amfs=orders
        )
    return passed(f"{len(amfs)} AMFs share one algorithm order", amfs=orders)
