"""A signed bundle round-trips from a member's installation to the federation's: verified
against the registered key, idempotent on replay, refused when tampered or signed by another
key, and nothing is written when refused."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import func, select

from aman.assessments import bundles, service
from aman.assessments.models import Answer, Assessment
from aman.assessments.schemas import CampaignIn, ReviewIn
from aman.db import make_engine, make_sessionmaker, transaction
from aman.errors import InvalidInput
from aman.registry import service as registry
from aman.registry.schemas import MemberIn, MemberPatch, OrganisationIn


def _pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture
def member_side(
    tmp_path: Path, sqlite_template: Path, pack_cache: Path, op: Any, answer_all: Any
) -> Any:
    """The member's own installation (its own SQLite file) with one accepted assessment."""
    from aman.frameworks.service import sync_shipped

    path = tmp_path / "member.db"
    shutil.copy(sqlite_template, path)
    factory = make_sessionmaker(make_engine(f"sqlite:///{path}"))
    with transaction(factory) as s:
        sync_shipped(s, op, pack_cache)
        m = registry.create_member(
            s, op, MemberIn(name="CERT A", country_code="MY", membership_class="full")
        )
        registry.create_organisation(
            s, op, OrganisationIn(member_id=m.id, name="Telco A", sector="telecom")
        )
        c = service.launch_campaign(s, op, CampaignIn(name="PQC 2026", pack="aman-pqc-readiness"))
        a = s.scalar(select(Assessment).where(Assessment.campaign_id == c.id))
    from aman.assessments.packs import pack_tree
    from aman.assessments.schemas import AnswerIn

    with transaction(factory) as s:
        tree = pack_tree(s, a.pack_uuid)[0]
        for node in tree.assessable():
            service.answer(s, op, a.id, node.ref_id, AnswerIn(result="4"))
        service.submit(s, op, a.id)
        service.review(s, op, a.id, ReviewIn(decision="accept"))
    return factory, m.id, c.id


def _count(factory: Any, model: Any) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("consent", ["assessments", "aggregates"])
def test_round_trip_replay_tamper_unknown_key(
    member_side: Any, factory: Any, world: Any, packs: None, op: Any, consent: str
) -> None:
    member_factory, member_id, campaign_id = member_side
    key = Ed25519PrivateKey.generate()
    with member_factory() as s:
        payload = bundles.build_payload(s, op, member_id, campaign_id, consent, b"k" * 32)
    bundle = bundles.sign(payload, key)
    with transaction(factory) as s:  # the federation registers CERT A's public key
        registry.update_member(s, op, world.member_a, MemberPatch(public_key=_pem(key)))

    before = (_count(factory, Assessment), _count(factory, Answer))
    tampered = copy.deepcopy(bundle)
    tampered["payload"]["assessments"][0]["score"] = 99.0
    with pytest.raises(InvalidInput, match="altered"), transaction(factory) as s:
        bundles.import_bundle(s, op, tampered)
    forged = bundles.sign(payload, Ed25519PrivateKey.generate())
    with pytest.raises(InvalidInput, match="not registered"), transaction(factory) as s:
        bundles.import_bundle(s, op, forged)
    assert (_count(factory, Assessment), _count(factory, Answer)) == before

    with transaction(factory) as s:
        first = bundles.import_bundle(s, op, bundle)
    assert first["assessments"] == 1 and not first["replay"]
    with transaction(factory) as s:
        again = bundles.import_bundle(s, op, bundle)
    assert again["replay"]
    with factory() as s:
        imported = list(s.scalars(select(Assessment).where(Assessment.origin.like("bundle:%"))))
        answers = int(
            s.scalar(
                select(func.count())
                .select_from(Answer)
                .where(Answer.assessment_id == imported[0].id)
            )
            or 0
        )
    assert len(imported) == 1 and imported[0].status == "accepted"
    assert imported[0].score == pytest.approx(payload["assessments"][0]["score"])
    if consent == "assessments":
        assert answers == 59
    else:
        assert answers == 0  # only scores travel, under a pseudonym
        with factory() as s:
            from aman.registry.models import Organisation

            org = s.get(Organisation, imported[0].organisation_id)
            assert org is not None and org.name.startswith("org-") and "Telco" not in org.name
