"""Demo evidence from the 5G, cloud and AI checks, stored for a few demo organisations.

The demo federation has no real configurations, manifests or models, so Aman's own
generated fixtures (``fiveg.demo``, ``cloud.demo``, ``ai.demo``) are written to a scratch
directory, checked through the normal pipelines and stored as each organisation's runs:
a telecom operator with a default-like 5G core and one with a hardened core, a government
body's Kubernetes estate, a bank's model registry. Idempotent: an organisation that already
has a demo run of a domain is skipped.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.evidence.models import ScanRun
from aman.registry.models import Member, Organisation
from aman.scanners.ai import demo as ai_demo
from aman.scanners.ai.scan import AiOptions
from aman.scanners.ai.scan import scan as scan_models
from aman.scanners.cloud import demo as cloud_demo
from aman.scanners.cloud.scan import CloudOptions
from aman.scanners.cloud.scan import scan as scan_cloud
from aman.scanners.common.run import CheckRun
from aman.scanners.common.store import store_run
from aman.scanners.fiveg import demo as fiveg_demo
from aman.scanners.fiveg.audit import AuditOptions, audit
from aman.settings import Settings


@dataclass(frozen=True)
class DemoCheck:
    """One organisation's demo input: which organisation, which domain, how hardened."""

    country: str
    sector: str
    domain: str
    scope: str
    hardened: bool


DEMO_CHECKS = (
    DemoCheck("MY", "telecom", "5g", "demo-5g-core", hardened=False),
    DemoCheck("AE", "telecom", "5g", "demo-5g-core", hardened=True),
    DemoCheck("MY", "government", "cloud", "demo-k8s-estate", hardened=False),
    DemoCheck("OM", "government", "cloud", "demo-k8s-estate", hardened=True),
    DemoCheck("MY", "finance", "ai", "demo-model-registry", hardened=False),
)


def _organisation(session: Session, item: DemoCheck) -> Organisation | None:
    """The demo organisation of that country and sector (named by ``aman.demo``)."""
    member = session.scalar(select(Member).where(Member.country_code == item.country))
    if member is None:
        return None
    return session.scalar(
        select(Organisation)
        .where(Organisation.member_id == member.id, Organisation.sector == item.sector)
        .order_by(Organisation.name)
    )


def _already(session: Session, org: Organisation, item: DemoCheck) -> bool:
    runs = session.scalars(
        select(ScanRun).where(ScanRun.organisation_id == org.id, ScanRun.domain == item.domain)
    )
    return any((r.scope or {}).get("name") == item.scope for r in runs)


def _check(item: DemoCheck, scratch: Path) -> CheckRun:
    root = scratch / item.scope
    if item.domain == "5g":
        fiveg_demo.write_core(root, hardened=item.hardened)
        return audit(root, AuditOptions(scope=item.scope))
    if item.domain == "cloud":
        cloud_demo.write_estate(root, hardened=item.hardened)
        return scan_cloud(root, CloudOptions(scope=item.scope))
    ai_demo.write_registry(root, hardened=item.hardened)
    return scan_models(root, AiOptions(scope=item.scope))


def load_checks_demo(session: Session, settings: Settings) -> list[ScanRun]:
    """Run the demo checks for the demo organisations that have none yet; store the runs."""
    del settings  # the fixtures need no configuration; kept for the demo loader's signature
    principal = Principal.local_operator("demo")
    runs: list[ScanRun] = []
    with tempfile.TemporaryDirectory(prefix="aman-checks-demo-") as scratch:
        for item in DEMO_CHECKS:
            org = _organisation(session, item)
            if org is None or _already(session, org, item):
                continue
            run = _check(item, Path(scratch))
            options = {"demo": True, "hardened": item.hardened}
            runs.append(store_run(session, principal, org.id, run, kind="files", options=options))
    return runs
