"""Signed submission bundles: how a member's own Aman installation reports to the federation,
online or on removable media (air-gapped).

The member signs the canonical JSON of the payload with its Ed25519 key; the federation checks
the signature against the public key registered for that member, then imports idempotently: a
replay of the same bundle is a no-op, and a tampered or unknown-key bundle writes nothing.
With `aggregates` consent the bundle carries scores per organisation under a pseudonym and no
individual answers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import datetime
from typing import Any, Literal

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from aman.assessments import rollups
from aman.assessments.models import Answer, Assessment, BundleImport, Campaign
from aman.assessments.packs import pack_tree
from aman.assessments.service import answers_of, get_campaign, rescore, subject_names
from aman.auth import audit
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import ASSESSMENTS_READ, CAMPAIGNS_MANAGE
from aman.db import pairs, utcnow
from aman.errors import Conflict, FieldError, InvalidInput
from aman.frameworks.models import PackVersion
from aman.registry.keys import validate_public_key
from aman.registry.models import Member, Organisation

FORMAT = "aman-submission-bundle"
SCHEMA_VERSION = 1
Consent = Literal["assessments", "aggregates"]


def canonical(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def fingerprint(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()


def sign(payload: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "payload": payload,
        "signature": {
            "alg": "Ed25519",
            "key": fingerprint(key.public_key()),
            "value": base64.b64encode(key.sign(canonical(payload))).decode(),
        },
    }


def verify(bundle: Any, public_key_pem: str) -> dict[str, Any]:
    """The payload of a well-formed bundle signed by this key; InvalidInput otherwise."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise InvalidInput("not an Aman submission bundle", [FieldError("format", "unexpected")])
    if bundle.get("schema_version") != SCHEMA_VERSION:
        raise InvalidInput("unsupported bundle version", [FieldError("schema_version", "1")])
    payload, sig = bundle.get("payload"), bundle.get("signature")
    if not isinstance(payload, dict) or not isinstance(sig, dict):
        raise InvalidInput("malformed bundle", [FieldError("payload", "missing")])
    key = validate_public_key(public_key_pem)
    if sig.get("key") != fingerprint(key):
        raise InvalidInput(
            "signed with a key not registered for this member",
            [FieldError("signature.key", "unknown key")],
        )
    try:
        key.verify(base64.b64decode(str(sig.get("value")), validate=True), canonical(payload))
    except (InvalidSignature, ValueError) as exc:
        raise InvalidInput(
            "the signature does not match: the bundle was altered",
            [FieldError("signature.value", "invalid")],
        ) from exc
    return payload


# --- export (on the member's installation) ----------------------------------------------


def pseudonym(secret: bytes, name: str) -> str:
    return "org-" + hmac.new(secret, name.encode(), hashlib.sha256).hexdigest()[:16]


def build_payload(
    session: Session,
    principal: Principal,
    member_id: uuid.UUID,
    campaign_id: uuid.UUID,
    consent: Consent,
    pseudonym_key: bytes,
) -> dict[str, Any]:
    """The member's accepted assessments of one campaign, as its consent allows."""
    authorize(principal, ASSESSMENTS_READ, Node.member(member_id))
    campaign = get_campaign(session, principal, campaign_id)
    member = session.get(Member, member_id)
    assert member is not None
    tree, _, pack = pack_tree(session, campaign.pack_uuid)
    rows = list(
        session.scalars(
            select(Assessment).where(
                Assessment.campaign_id == campaign.id,
                Assessment.member_id == member_id,
                Assessment.status == "accepted",
            )
        )
    )
    names = subject_names(session, rows)
    sizes = pairs(
        session.execute(
            select(Organisation.id, Organisation.size_band).where(
                Organisation.id.in_([a.organisation_id for a in rows if a.organisation_id])
            )
        )
    )
    items = []
    for a in rows:
        item: dict[str, Any] = {
            "sector": a.sector,
            "score": a.score,
            "tier": a.tier,
            "stage": a.stage,
            "node_scores": a.node_scores,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
        }
        name = names.get(a.id) or "member"
        if consent == "assessments":
            size = sizes.get(a.organisation_id) if a.organisation_id else None
            item["subject"] = {"name": name, "size_band": size}
            item["answers"] = [
                {"ref_id": x.ref_id, "result": x.result, "na": x.na, "comment": x.comment}
                for x in answers_of(session, a.id)
                if x.inferred_from is None
            ]
        else:
            item["subject"] = {"pseudonym": pseudonym(pseudonym_key, name)}
        items.append(item)
    return {
        "bundle_id": str(uuid.uuid4()),
        "created_at": utcnow().isoformat(),
        "member": {"name": member.name, "country_code": member.country_code},
        "consent": consent,
        "pack": {"id": pack.pack_id, "version": pack.version, "sha256": pack.sha256},
        "campaign": {
            "name": campaign.name,
            "cycle": campaign.cycle,
            "subject_kind": campaign.subject_kind,
        },
        "assessments": items,
        "requirements": len(tree.nodes),
    }


# --- import (on the federation's installation) ------------------------------------------


def import_bundle(session: Session, principal: Principal, bundle: Any) -> dict[str, Any]:
    authorize(principal, CAMPAIGNS_MANAGE, Node.federation())
    claimed = (bundle.get("payload") or {}).get("member") if isinstance(bundle, dict) else None
    if not isinstance(claimed, dict):
        raise InvalidInput("malformed bundle", [FieldError("payload.member", "missing")])
    member = session.scalar(select(Member).where(Member.name == claimed.get("name")))
    if member is None or not member.public_key:
        raise InvalidInput(
            "unknown member or no registered public key",
            [FieldError("payload.member", str(claimed.get("name")))],
        )
    payload = verify(bundle, member.public_key)
    digest = hashlib.sha256(canonical(payload)).hexdigest()
    bundle_id = uuid.UUID(str(payload["bundle_id"]))
    seen = session.get(BundleImport, bundle_id)
    if seen is not None:
        if seen.sha256 != digest:
            raise Conflict("a different bundle was imported under this id")
        return {**seen.summary, "replay": True}
    pack = session.scalar(
        select(PackVersion).where(
            PackVersion.pack_id == payload["pack"]["id"],
            PackVersion.version == payload["pack"]["version"],
        )
    )
    if pack is None or pack.sha256 != payload["pack"]["sha256"]:
        raise InvalidInput(
            "the bundle's pack version is not installed here with that content",
            [FieldError("payload.pack", f"{payload['pack']['id']}@{payload['pack']['version']}")],
        )
    campaign = _campaign(session, payload, pack)
    created = [
        _import_item(session, principal, campaign, member, item, payload["consent"], bundle_id)
        for item in payload.get("assessments", [])
    ]
    summary = {
        "bundle_id": str(bundle_id),
        "member": member.name,
        "campaign": str(campaign.id),
        "assessments": len(created),
        "consent": payload["consent"],
        "replay": False,
    }
    session.add(
        BundleImport(bundle_id=bundle_id, member_id=member.id, sha256=digest, summary=summary)
    )
    audit.record(
        session,
        principal,
        "bundle.import",
        "bundle",
        bundle_id,
        member_id=member.id,
        details=summary,
    )
    return summary


def _campaign(session: Session, payload: dict[str, Any], pack: PackVersion) -> Campaign:
    info = payload["campaign"]
    found = session.scalar(
        select(Campaign).where(
            Campaign.name == info["name"],
            Campaign.pack_uuid == pack.id,
            Campaign.cycle == info["cycle"],
        )
    )
    if found is None:
        found = Campaign(
            name=info["name"],
            pack_uuid=pack.id,
            subject_kind=info["subject_kind"],
            scope={"source": "bundles"},
            cycle=info["cycle"],
        )
        session.add(found)
        session.flush()
    return found


def _import_item(
    session: Session,
    principal: Principal,
    campaign: Campaign,
    member: Member,
    item: dict[str, Any],
    consent: str,
    bundle_id: uuid.UUID,
) -> Assessment:
    org_id = None
    if campaign.subject_kind == "organisation":
        subject = item.get("subject") or {}
        name = subject.get("name") or subject.get("pseudonym")
        org = session.scalar(
            select(Organisation).where(
                Organisation.member_id == member.id, Organisation.name == name
            )
        )
        if org is None:
            org = Organisation(
                member_id=member.id,
                name=str(name)[:200],
                country_code=member.country_code,
                sector=item["sector"],
                size_band=subject.get("size_band") or "medium",
            )
            session.add(org)
            session.flush()
        org_id = org.id
    a = Assessment(
        campaign_id=campaign.id,
        pack_uuid=campaign.pack_uuid,
        member_id=member.id,
        organisation_id=org_id,
        sector=item.get("sector"),
        status="accepted",
        submitted_at=_time(item.get("submitted_at")),
        accepted_at=utcnow(),
        origin=f"bundle:{bundle_id}",
        node_scores=item.get("node_scores") or {},
        score=item.get("score"),
        tier=item.get("tier"),
        stage=item.get("stage"),
        coverage=1.0,
    )
    session.add(a)
    session.flush()
    if consent == "assessments":
        _, scheme, _ = pack_tree(session, campaign.pack_uuid)
        rows = [
            {
                "id": uuid.uuid4(),
                "assessment_id": a.id,
                "ref_id": x["ref_id"],
                "result": x["result"],
                "na": bool(x["na"]),
                "comment": x.get("comment") or "",
                "value": None if x["na"] or x["result"] is None else scheme.normalise(x["result"]),
                "version": 1,
                "updated_by": principal.label,
                "updated_at": utcnow(),
            }
            for x in item.get("answers", [])
        ]
        if rows:
            session.execute(insert(Answer), rows)
        rescore(session, a)  # the federation scores with its own copy of the pack
    rollups.apply(session, a)
    return a


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None
