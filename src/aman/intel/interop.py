"""Files in and out: STIX bundles (or TAXII envelopes) and MISP event JSON, and exports of what
a reader may see, as a STIX bundle or a MISP event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Principal
from aman.errors import FieldError, InvalidInput
from aman.intel import misp, query, service, store
from aman.intel.models import Collection, IngestStatus, StoredObject
from aman.intel.visibility import predicate, reader_for

MAX_EXPORT = 100_000


@dataclass(frozen=True)
class Parsed:
    format: str  # "stix" or "misp"
    objects: list[Any]
    skipped: list[str]


def parse_document(data: bytes) -> Parsed:
    """A STIX bundle, TAXII envelope, list or single object; or a MISP event export."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("not JSON", [FieldError("file", str(exc))]) from None
    if isinstance(doc, dict) and ("Event" in doc or "response" in doc):
        try:
            converted = misp.misp_to_stix(doc)
        except ValueError as exc:
            raise InvalidInput("not a MISP export", [FieldError("file", str(exc))]) from None
        return Parsed("misp", list(converted.objects), converted.skipped)
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "Event" in doc[0]:
        converted = misp.misp_to_stix(doc)
        return Parsed("misp", list(converted.objects), converted.skipped)
    if isinstance(doc, dict) and isinstance(doc.get("objects"), list):
        return Parsed("stix", doc["objects"], [])
    if isinstance(doc, list):
        return Parsed("stix", doc, [])
    if isinstance(doc, dict) and "type" in doc:
        return Parsed("stix", [doc], [])
    raise InvalidInput(
        "unrecognised document",
        [FieldError("file", "expected a STIX bundle/envelope or a MISP event export")],
    )


def import_document(
    session: Session,
    principal: Principal,
    collection: Collection,
    data: bytes,
    *,
    as_member: uuid.UUID | None = None,
    recipients: Sequence[uuid.UUID] = (),
) -> tuple[IngestStatus, store.IngestResult, Parsed]:
    parsed = parse_document(data)
    status, result = service.push(
        session, principal, collection, parsed.objects, as_member=as_member, recipients=recipients
    )
    return status, result, parsed


def visible_objects(
    session: Session,
    principal: Principal,
    collection: Collection,
    types: Sequence[str] = (),
    limit: int = MAX_EXPORT,
) -> list[dict[str, Any]]:
    """The latest visible version of each object in a collection, in date_added order."""
    reader = reader_for(session, principal)
    coll = service.readable_collection(session, reader, str(collection.id))
    stmt = (
        select(
            StoredObject.pk,
            StoredObject.stix_id,
            StoredObject.version_us,
            StoredObject.date_added_us,
            StoredObject.tlp,
            StoredObject.member_id,
            StoredObject.body,
        )
        .where(
            StoredObject.collection_id == coll.id,
            StoredObject.is_latest.is_(True),
            StoredObject.deleted_at.is_(None),
            predicate(reader),
        )
        .order_by(StoredObject.date_added_us)
        .limit(limit)
    )
    if types:
        stmt = stmt.where(StoredObject.type.in_(types))
    rows = [query.Row(*r) for r in session.execute(stmt)]
    service.audit_reads(session, principal, reader, rows)
    audit.record(
        session,
        principal,
        "intel.export",
        "intel_collection",
        coll.id,
        details={"objects": len(rows), "types": list(types)},
    )
    return [orjson.loads(r.body or "null") for r in rows]


def bundle(objects: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
