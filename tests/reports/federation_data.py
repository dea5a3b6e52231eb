"""A small federation with completed campaigns, for report, dashboard and page tests.

Loaded by path (tests/reports/conftest.py and the web test modules): test directories are not
packages. On top of the root `world` (members A and B, one organisation each) it adds two
organisations per member, runs two cycles of the PQC readiness campaign and one national-
capacity cycle to completion through the assessment services, and recomputes the roll-ups.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aman.assessments import rollups, service
from aman.assessments.models import Assessment, Campaign
from aman.assessments.packs import pack_tree
from aman.assessments.schemas import CampaignIn
from aman.auth.permissions import Principal
from aman.db import transaction
from aman.registry import service as registry
from aman.registry.schemas import OrganisationIn

OP = Principal.local_operator("test")
PQC = "aman-pqc-readiness"
NATIONAL = "aman-national-capacity"
# Maturity level answered on every PQC requirement, per organisation name and cycle.
LEVELS = {
    "Telco A": (1, 2),
    "Bank A": (2, 3),
    "Cloud A": (3, 4),
    "Bank B": (4, 4),
    "Telco B": (0, 1),
    "Gov B": (5, 5),
}
NATIONAL_RESULTS = {"A": "partial", "B": "met"}


@dataclass
class Data:
    world: Any
    orgs: dict[str, uuid.UUID] = field(default_factory=dict)
    pqc: list[uuid.UUID] = field(default_factory=list)  # campaign ids, cycle 1 then 2
    national: uuid.UUID | None = None
    assessments: dict[tuple[str, int], uuid.UUID] = field(default_factory=dict)
    national_assessments: dict[str, uuid.UUID] = field(default_factory=dict)


def sync_packs(factory: sessionmaker[Session], cache: Path) -> None:
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, cache)


def _add_orgs(s: Session, world: Any, data: Data) -> None:
    data.orgs = {"Telco A": world.org_a, "Bank B": world.org_b}
    for name, member, sector in (
        ("Bank A", world.member_a, "finance"),
        ("Cloud A", world.member_a, "cloud-it"),
        ("Telco B", world.member_b, "telecom"),
        ("Gov B", world.member_b, "government"),
    ):
        org = registry.create_organisation(
            s, OP, OrganisationIn(member_id=member, name=name, sector=sector)
        )
        data.orgs[name] = org.id


def _complete(
    s: Session, campaign: Campaign, results: dict[uuid.UUID | None, str], when: datetime
) -> None:
    tree, _, _ = pack_tree(s, campaign.pack_uuid)
    rows = s.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id))
    for a in rows:
        answer = results[a.organisation_id if a.organisation_id else a.member_id]
        service.record_completed(
            s, OP, a, {n.ref_id: answer for n in tree.assessable()}, accepted_at=when
        )
    rollups.recompute(s, campaign.id)


def build(factory: sessionmaker[Session], world: Any) -> Data:
    """The campaigns above, completed (packs must be loaded already)."""
    data = Data(world)
    with transaction(factory) as s:
        _add_orgs(s, world, data)
    for cycle in (1, 2):
        with transaction(factory) as s:
            c = service.launch_campaign(s, OP, CampaignIn(name="PQC readiness", pack=PQC))
            when = datetime(2024 + cycle, 10, 31, tzinfo=UTC)
            c.created_at = when
            by_org = {org: str(LEVELS[name][cycle - 1]) for name, org in data.orgs.items()}
            _complete(s, c, dict(by_org), when)
            data.pqc.append(c.id)
            for name, org in data.orgs.items():
                a = s.scalar(
                    select(Assessment.id).where(
                        Assessment.campaign_id == c.id, Assessment.organisation_id == org
                    )
                )
                assert a is not None
                data.assessments[(name, cycle)] = a
    with transaction(factory) as s:
        c = service.launch_campaign(
            s, OP, CampaignIn(name="National capacity", pack=NATIONAL, subject_kind="member")
        )
        results = {
            world.member_a: NATIONAL_RESULTS["A"],
            world.member_b: NATIONAL_RESULTS["B"],
        }
        _complete(s, c, dict(results), datetime(2026, 9, 30, tzinfo=UTC))
        data.national = c.id
        for key, member in (("A", world.member_a), ("B", world.member_b)):
            a = s.scalar(
                select(Assessment.id).where(
                    Assessment.campaign_id == c.id, Assessment.member_id == member
                )
            )
            assert a is not None
            data.national_assessments[key] = a
    return data


def open_campaign(factory: sessionmaker[Session], name: str = "PQC readiness 2027") -> uuid.UUID:
    """A fresh PQC campaign over every organisation: assessments not started."""
    with transaction(factory) as s:
        return service.launch_campaign(s, OP, CampaignIn(name=name, pack=PQC)).id


def assessment_in(
    factory: sessionmaker[Session], campaign_id: uuid.UUID, org: uuid.UUID
) -> uuid.UUID:
    with factory() as s:
        found = s.scalar(
            select(Assessment.id).where(
                Assessment.campaign_id == campaign_id, Assessment.organisation_id == org
            )
        )
        assert found is not None
        return found


def answer_all_but(
    factory: sessionmaker[Session], assessment_id: uuid.UUID, keep: int, result: str = "3"
) -> list[str]:
    """Answer every applicable requirement but the last `keep`; returns the ones left."""
    from aman.assessments.schemas import AnswerIn

    with transaction(factory) as s:
        a = service.get_assessment(s, OP, assessment_id)
        nodes = pack_tree(s, a.pack_uuid)[0].assessable(a.level)
        for node in nodes[: len(nodes) - keep]:
            service.answer(s, OP, a.id, node.ref_id, AnswerIn(result=result))
        return [n.ref_id for n in nodes[len(nodes) - keep :]]
