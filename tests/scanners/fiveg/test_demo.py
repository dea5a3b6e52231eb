"""The checks demo: runs for a few demo organisations, stored once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from aman.auth.permissions import Principal
from aman.db import transaction
from aman.evidence.models import ScanRun
from aman.registry import service as registry
from aman.registry.schemas import MemberIn, OrganisationIn
from aman.scanners.checks_demo import load_checks_demo


def test_demo_checks_run_once_per_organisation(factory: Any, settings: Any) -> None:
    op = Principal.local_operator("t")
    with transaction(factory) as s:
        registry.ensure_federation(s, "Demo", ["en"])
        my = registry.create_member(
            s,
            op,
            MemberIn(name="National CERT of Malaysia", country_code="MY", membership_class="full"),
        )
        for name, sector in (
            ("Malaysia Mobile Telecom", "telecom"),
            ("Malaysia e-Government Authority", "government"),
            ("Central Bank of Malaysia", "finance"),
        ):
            registry.create_organisation(
                s, op, OrganisationIn(member_id=my.id, name=name, sector=sector)
            )
    with transaction(factory) as s:
        runs = load_checks_demo(s, settings)
        assert sorted(r.domain for r in runs) == ["5g", "ai", "cloud"]
        assert all(r.status == "completed" and r.counts["fail"] > 0 for r in runs)
    with transaction(factory) as s:
        assert load_checks_demo(s, settings) == []
        assert len(s.scalars(select(ScanRun)).all()) == 3
