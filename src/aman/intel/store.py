"""The write path of the STIX store: set-based ingest, tombstone deletes, version flags.

One ingest is one transaction: it reserves a block of `date_added` microseconds on the
collection row (the UPDATE also serialises concurrent writers to that collection, on SQLite and
PostgreSQL alike), inserts all new versions with one multi-row INSERT, and their derived rows
(recipients, values, links, tags, sightings) with one INSERT each.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from sqlalchemy import Table, case, delete, insert, select, update
from sqlalchemy.orm import Session

from aman.db import utcnow
from aman.intel import extract
from aman.intel.models import (
    Collection,
    Link,
    ObservableValue,
    Recipient,
    SightingRecord,
    StoredObject,
    Tag,
)
from aman.intel.timestamps import month_of, to_datetime
from aman.intel.validation import Invalid, StixObject, validate

CHUNK = 900  # ids per IN (...) list: well under SQLite's bound-parameter limit


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class Outcome:
    id: str | None
    version: str | None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": _clean(self.id or "")}
        if self.version:
            data["version"] = _clean(self.version)
        if self.message:
            data["message"] = _clean(self.message)
        return data


def _clean(text: str) -> str:
    """Echoed client text, safe for any database's text and JSON columns."""
    return text.replace("\x00", "\ufffd")[:1000]


@dataclass
class IngestResult:
    successes: list[Outcome] = field(default_factory=list)
    failures: list[Outcome] = field(default_factory=list)
    stored: list[tuple[int, StixObject]] = field(default_factory=list)  # (pk, object) inserted


@dataclass(frozen=True)
class Audience:
    """Who a write is addressed to, beyond what its TLP level already allows."""

    member_id: uuid.UUID | None  # originator (None: the federation)
    recipients: frozenset[uuid.UUID] = frozenset()
    sharing_group_id: uuid.UUID | None = None


def now_us() -> int:
    return time.time_ns() // 1000


def reserve_date_added(session: Session, collection_id: uuid.UUID, count: int) -> int:
    """Reserve `count` consecutive, never-reused microsecond values; return the first.

    The UPDATE takes the collection row's write lock until commit, so concurrent ingests into
    one collection commit in the order of their `date_added` values and a poller using
    `added_after` can never miss a late-committing batch."""
    now = now_us()
    end = session.execute(
        update(Collection)
        .where(Collection.id == collection_id)
        .values(
            last_added_us=case(
                (Collection.last_added_us >= now, Collection.last_added_us + count),
                else_=now + count - 1,
            )
        )
        .returning(Collection.last_added_us)
    ).scalar_one()
    return int(end) - count + 1


def _existing(
    session: Session, collection_id: uuid.UUID, ids: Iterable[str]
) -> dict[str, list[tuple[int, int, bool, bool, bool]]]:
    """(pk, version_us, is_latest, is_first, deleted) of stored versions, by STIX id."""
    found: dict[str, list[tuple[int, int, bool, bool, bool]]] = defaultdict(list)
    id_list = list(ids)
    for i in range(0, len(id_list), CHUNK):
        rows = session.execute(
            select(
                StoredObject.stix_id,
                StoredObject.pk,
                StoredObject.version_us,
                StoredObject.is_latest,
                StoredObject.is_first,
                StoredObject.deleted_at.is_not(None),
            ).where(
                StoredObject.collection_id == collection_id,
                StoredObject.stix_id.in_(id_list[i : i + CHUNK]),
            )
        ).all()
        for sid, pk, ver, latest, first, deleted in rows:
            found[sid].append((pk, ver, latest, first, deleted))
    return found


def _validated(raw_objects: Sequence[object], result: IngestResult) -> list[StixObject]:
    valid: list[StixObject] = []
    for raw in raw_objects:
        try:
            valid.append(validate(raw))
        except Invalid as exc:
            result.failures.append(Outcome(exc.object_id, exc.version, str(exc)))
    return valid


def _row(
    obj: StixObject, collection_id: uuid.UUID, added: int, audience: Audience
) -> dict[str, Any]:
    version_us = obj.modified_us if obj.modified_us is not None else added
    return {
        "collection_id": collection_id,
        "stix_id": obj.id,
        "type": obj.type,
        "spec_version": obj.spec_version,
        "created": None if obj.created_us is None else to_datetime(obj.created_us),
        "modified": None if obj.modified_us is None else to_datetime(obj.modified_us),
        "version_us": version_us,
        "date_added_us": added,
        "tlp": obj.tlp,
        "member_id": audience.member_id,
        "sharing_group_id": audience.sharing_group_id,
        "is_latest": True,
        "is_first": True,
        "revoked": obj.revoked,
        "deleted_at": None,
        "body": orjson.dumps(obj.body).decode(),
    }


def _plan(
    valid: list[StixObject],
    existing: dict[str, list[tuple[int, int, bool, bool, bool]]],
    result: IngestResult,
) -> list[StixObject]:
    """The objects to insert: drop versions already stored (live) or repeated in the batch."""
    seen: set[tuple[str, int | None]] = set()
    new: list[StixObject] = []
    for obj in valid:
        stored = existing.get(obj.id, [])
        key = (obj.id, obj.modified_us)
        live_versions = {ver for _, ver, _, _, deleted in stored if not deleted}
        if key in seen or (obj.modified_us is None and live_versions):
            result.successes.append(Outcome(obj.id, obj.version, "already stored"))
            continue
        if obj.modified_us in live_versions:
            result.successes.append(Outcome(obj.id, obj.version, "already stored"))
            continue
        seen.add(key)
        new.append(obj)
    return new


def _flag_updates(
    rows: list[dict[str, Any]], existing: dict[str, list[tuple[int, int, bool, bool, bool]]]
) -> tuple[list[int], list[int]]:
    """Set is_latest/is_first on the new rows; return existing pks losing each flag."""
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_id[row["stix_id"]].append(row)
    unlatest: list[int] = []
    unfirst: list[int] = []
    for sid, new_rows in by_id.items():
        live = [(pk, ver) for pk, ver, _, _, deleted in existing.get(sid, []) if not deleted]
        versions = [ver for _, ver in live] + [r["version_us"] for r in new_rows]
        top, bottom = max(versions), min(versions)
        for r in new_rows:
            r["is_latest"] = r["version_us"] == top
            r["is_first"] = r["version_us"] == bottom
        for pk, ver, latest, first, deleted in existing.get(sid, []):
            if deleted:
                continue
            if latest and ver != top:
                unlatest.append(pk)
            if first and ver != bottom:
                unfirst.append(pk)
    return unlatest, unfirst


def _clear_flags(session: Session, unlatest: list[int], unfirst: list[int]) -> None:
    for i in range(0, len(unlatest), CHUNK):
        session.execute(
            update(StoredObject)
            .where(StoredObject.pk.in_(unlatest[i : i + CHUNK]))
            .values(is_latest=False)
        )
    for i in range(0, len(unfirst), CHUNK):
        session.execute(
            update(StoredObject)
            .where(StoredObject.pk.in_(unfirst[i : i + CHUNK]))
            .values(is_first=False)
        )


def _derived(
    session: Session,
    stored: list[tuple[int, StixObject]],
    added: dict[int, int],
    audience: Audience,
) -> None:
    recipients, values, links, tags, sightings = [], [], [], [], []
    for pk, obj in stored:
        body = obj.body
        recipients += [{"object_pk": pk, "member_id": m} for m in audience.recipients]
        values += [
            {
                "object_pk": pk,
                "kind": v.kind,
                "value": v.value,
                "digest": v.digest,
                "warninglist": v.warninglist,
            }
            for v in extract.values_of(body)
        ]
        obj_links = extract.links_of(body)
        if obj_links:
            month = month_of(extract.activity_time_us(body) or added[pk])
            links += [
                {"object_pk": pk, "role": link.role, "ref_id": link.ref_id, "month": month}
                for link in obj_links
            ]
        tags += [
            {"object_pk": pk, "stix_id": obj.id, "dimension": d, "value": v}
            for d, v in extract.tags_of(body)
        ]
        seen = extract.sighting_of(body)
        if seen is not None:
            sightings.append(
                {
                    "object_pk": pk,
                    "sighting_of": seen.sighting_of,
                    "count": seen.count,
                    "first_seen": None
                    if seen.first_seen_us is None
                    else to_datetime(seen.first_seen_us),
                    "last_seen": None
                    if seen.last_seen_us is None
                    else to_datetime(seen.last_seen_us),
                }
            )
    for model, data in (
        (Recipient, recipients),
        (ObservableValue, values),
        (Link, links),
        (Tag, tags),
        (SightingRecord, sightings),
    ):
        if data:
            session.execute(insert(_table(model)), data)


def _purge_tombstones(session: Session, collection_id: uuid.UUID, objs: list[StixObject]) -> None:
    """A re-sent version that had been deleted replaces its tombstone (keeping the key unique)."""
    for obj in objs:
        if obj.modified_us is None:
            continue
        session.execute(
            delete(StoredObject).where(
                StoredObject.collection_id == collection_id,
                StoredObject.stix_id == obj.id,
                StoredObject.version_us == obj.modified_us,
                StoredObject.deleted_at.is_not(None),
            )
        )


def ingest(
    session: Session, collection: Collection, raw_objects: Sequence[object], audience: Audience
) -> IngestResult:
    """Validate and store `raw_objects`; per-object outcomes in the result (authorised by the
    caller). Versions already stored count as successes, as TAXII expects of re-sends."""
    result = IngestResult()
    valid = _validated(raw_objects, result)
    if not valid:
        return result
    first_added = reserve_date_added(session, collection.id, len(valid))
    existing = _existing(session, collection.id, {o.id for o in valid})
    new = _plan(valid, existing, result)
    revived = [
        o
        for o in new
        if any(ver == o.modified_us and deleted for _, ver, _, _, deleted in existing.get(o.id, []))
    ]
    if revived:
        _purge_tombstones(session, collection.id, revived)
    rows = [_row(o, collection.id, first_added + i, audience) for i, o in enumerate(new)]
    unlatest, unfirst = _flag_updates(rows, existing)
    _clear_flags(session, unlatest, unfirst)
    if rows:
        pks = _insert_objects(session, collection.id, rows)
        result.stored = list(zip(pks, new, strict=True))
        added = {pk: row["date_added_us"] for pk, row in zip(pks, rows, strict=True)}
        _derived(session, result.stored, added, audience)
    result.successes += [Outcome(o.id, o.version) for o in new]
    return result


def _insert_objects(
    session: Session, collection_id: uuid.UUID, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert with one executemany and read the new keys back by their (unique) date_added:
    multi-row INSERT … RETURNING in parameter order degrades to one statement per row on
    SQLite, which would cost more than the whole rest of the ingest."""
    session.execute(insert(_table(StoredObject)), rows)
    low, high = rows[0]["date_added_us"], rows[-1]["date_added_us"]
    found = session.execute(
        select(StoredObject.date_added_us, StoredObject.pk).where(
            StoredObject.collection_id == collection_id,
            StoredObject.date_added_us.between(low, high),
        )
    )
    keys = {added: pk for added, pk in found}
    return [int(keys[row["date_added_us"]]) for row in rows]


def recompute_flags(session: Session, collection_id: uuid.UUID, stix_ids: Iterable[str]) -> None:
    """Re-derive is_latest/is_first among the live versions of `stix_ids` (after deletes)."""
    for versions in _existing(session, collection_id, stix_ids).values():
        live = [(pk, ver) for pk, ver, _, _, deleted in versions if not deleted]
        if not live:
            continue
        top = max(ver for _, ver in live)
        bottom = min(ver for _, ver in live)
        for pk, ver, latest, first, deleted in versions:
            if deleted:
                continue
            if latest != (ver == top) or first != (ver == bottom):
                session.execute(
                    update(StoredObject)
                    .where(StoredObject.pk == pk)
                    .values(is_latest=ver == top, is_first=ver == bottom)
                )


def tombstone(session: Session, collection_id: uuid.UUID, pks: Sequence[int]) -> None:
    """Mark stored versions deleted, each with a fresh date_added (for change feeds)."""
    if not pks:
        return
    first = reserve_date_added(session, collection_id, len(pks))
    when = utcnow()
    for i, pk in enumerate(sorted(pks)):
        session.execute(
            update(StoredObject)
            .where(StoredObject.pk == pk)
            .values(deleted_at=when, date_added_us=first + i, is_latest=False, is_first=False)
        )
