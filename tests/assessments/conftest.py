"""Fixtures for assessment tests: shipped packs loaded, a world with two members."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aman.auth.permissions import Principal
from aman.db import transaction

OP = Principal.local_operator("test")


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


@pytest.fixture
def packs(factory: Any, pack_cache: Path) -> None:
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, pack_cache)


@pytest.fixture
def campaign(factory: Any, world: Any, packs: None) -> Any:
    """A federation campaign on the PQC readiness pack over every organisation."""
    from aman.assessments import service
    from aman.assessments.schemas import CampaignIn

    with transaction(factory) as s:
        return service.launch_campaign(
            s, OP, CampaignIn(name="PQC 2026", pack="aman-pqc-readiness")
        )


@pytest.fixture
def op() -> Principal:
    return OP


@pytest.fixture
def assessment_of(factory: Any) -> Any:
    """assessment_of(campaign_id, organisation_id) -> the assessment row."""
    return lambda campaign_id, organisation_id: _assessment_of(
        factory, campaign_id, organisation_id
    )


@pytest.fixture
def answer_all(factory: Any) -> Any:
    """answer_all(assessment_id, result="3", overrides=None): answer every requirement."""
    return lambda assessment_id, result="3", overrides=None: _answer_all(
        factory, assessment_id, result, overrides
    )


def _assessment_of(factory: Any, campaign_id: Any, organisation_id: Any) -> Any:
    from sqlalchemy import select

    from aman.assessments.models import Assessment

    with factory() as s:
        return s.scalar(
            select(Assessment).where(
                Assessment.campaign_id == campaign_id, Assessment.organisation_id == organisation_id
            )
        )


def _answer_all(
    factory: Any, assessment_id: Any, result: str = "3", overrides: dict[str, str] | None = None
) -> None:
    """Answer every applicable requirement through the service (as the local operator)."""
    from aman.assessments import service
    from aman.assessments.packs import pack_tree
    from aman.assessments.schemas import AnswerIn

    with transaction(factory) as s:
        a = service.get_assessment(s, OP, assessment_id)
        tree = pack_tree(s, a.pack_uuid)[0]
        for node in tree.assessable(a.level):
            value = (overrides or {}).get(node.ref_id, result)
            data = AnswerIn(na=True) if value == "n/a" else AnswerIn(result=value)
            service.answer(s, OP, a.id, node.ref_id, data)
