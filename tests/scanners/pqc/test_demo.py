"""The demo: lab servers scanned for the two demo organisations, stored once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from aman.auth.permissions import Principal
from aman.db import transaction
from aman.evidence.models import ScanRun
from aman.registry import service as registry
from aman.registry.schemas import MemberIn, OrganisationIn
from aman.scanners.pqc import service
from aman.scanners.pqc.demo import load_scan_demo


def test_demo_scans_two_organisations_once(factory: Any, settings: Any) -> None:
    op = Principal.local_operator("t")
    with transaction(factory) as s:
        registry.ensure_federation(s, "Demo", ["en"])
        my = registry.create_member(
            s,
            op,
            MemberIn(name="National CERT of Malaysia", country_code="MY", membership_class="full"),
        )
        telco = registry.create_organisation(
            s, op, OrganisationIn(member_id=my.id, name="Malaysia Fibre Networks", sector="telecom")
        )
        bank = registry.create_organisation(
            s,
            op,
            OrganisationIn(member_id=my.id, name="Central Bank of Malaysia", sector="finance"),
        )
        telco_id, bank_id = telco.id, bank.id
    with transaction(factory) as s:
        runs = load_scan_demo(s, settings)
        assert {r.organisation_id for r in runs} == {telco_id, bank_id}
        assert all(r.status == "completed" and r.counts["pass"] > 10 for r in runs)
    with transaction(factory) as s:
        assert load_scan_demo(s, settings) == []
        assert len(s.scalars(select(ScanRun)).all()) == 2
        bank_posture = service.organisation_posture(s, op, bank_id)
        telco_posture = service.organisation_posture(s, op, telco_id)
    assert {e.pq_status for e in telco_posture.endpoints} == {
        "PQ preferred",
        "classical only",
    }
    assert bank_posture.risk.data_classes["payment-records"] == 25
    assert bank_posture.migration[0].hndl_exposed
    assert telco_posture.readiness is not None and bank_posture.readiness is not None
