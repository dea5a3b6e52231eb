"""Cross-member value: pseudonymous sightings, capped value correlation, and object search.

Counts across members ("seen by 7 members in 5 countries") are computed over every member's
data but reveal no member; lists of objects only ever contain what the reader may see.
Correlation runs on demand against an index of value digests, with a hard per-value fan-out cap
and warninglisted values skipped, so it cannot explode the way a materialised correlation table
does (MISP: 291 GB of correlations for a 4.9 GB attribute table).
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
from sqlalchemy import ColumnElement, and_, distinct, func, select
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.errors import FieldError, InvalidInput, NotFound, PermissionDenied
from aman.intel import extract, service, tlp
from aman.intel.models import Collection, ObservableValue, SightingRecord, StoredObject
from aman.intel.timestamps import format_us, from_datetime
from aman.intel.visibility import Reader, predicate, reader_for
from aman.pagination import decode_cursor, encode_cursor
from aman.registry.models import Member

FAN_OUT_CAP = 50  # visible matches listed per value
MAX_SIGHTING_COUNT = 999_999_999  # the STIX 2.1 bound of `count`
HARD_CAP = 1000  # beyond this many stored matches a value is "over-correlating"
HASH_LENGTHS = {32: ("md5",), 40: ("sha-1",), 64: ("sha-256",), 128: ("sha-512",)}


def _live() -> list[ColumnElement[bool]]:
    return [StoredObject.is_latest.is_(True), StoredObject.deleted_at.is_(None)]


def _community(session: Session, principal: Principal) -> Reader:
    reader = reader_for(session, principal)
    if not reader.community:
        raise PermissionDenied(f"{principal.label} lacks intel.read")
    return reader


def visible_anywhere(session: Session, reader: Reader, stix_id: str) -> bool:
    stmt = (
        select(StoredObject.pk)
        .where(StoredObject.stix_id == stix_id, StoredObject.deleted_at.is_(None))
        .where(predicate(reader))
        .limit(1)
    )
    return session.execute(stmt).first() is not None


# --- sightings --------------------------------------------------------------------------


@dataclass(frozen=True)
class SightingSummary:
    sighting_of: str
    members: int
    countries: int
    sightings: int
    total_count: int
    first_seen: datetime | None
    last_seen: datetime | None


def sighting_summary(session: Session, principal: Principal, stix_id: str) -> SightingSummary:
    """How widely an object was sighted across the federation, naming no one."""
    reader = _community(session, principal)
    if not visible_anywhere(session, reader, stix_id):
        raise NotFound(f"no visible object {stix_id}")
    joined = (
        select(
            StoredObject.stix_id.label("sid"),
            StoredObject.member_id.label("member"),
            Member.country_code.label("country"),
            SightingRecord.count.label("count"),
            SightingRecord.first_seen.label("first_seen"),
            SightingRecord.last_seen.label("last_seen"),
        )
        .join(StoredObject, StoredObject.pk == SightingRecord.object_pk)
        .outerjoin(Member, Member.id == StoredObject.member_id)
        .where(SightingRecord.sighting_of == stix_id, *_live())
        .subquery()
    )
    row = session.execute(
        select(
            func.count(distinct(joined.c.member)),
            func.count(distinct(joined.c.country)),
            func.count(distinct(joined.c.sid)),
            func.min(joined.c.first_seen),
            func.max(joined.c.last_seen),
        )
    ).one()
    per_sighting = select(func.max(joined.c.count).label("c")).group_by(joined.c.sid).subquery()
    total = session.scalar(select(func.coalesce(func.sum(per_sighting.c.c), 0)))
    return SightingSummary(
        stix_id, int(row[0]), int(row[1]), int(row[2]), int(total or 0), row[3], row[4]
    )


def record_sighting(
    session: Session,
    principal: Principal,
    coll: Collection,
    stix_id: str,
    *,
    count: int,
    first_seen: datetime,
    last_seen: datetime,
    level: str,
) -> str:
    """Report that the principal's member saw a visible object: a STIX sighting pushed into
    `coll` (write access is checked by `push`), counted pseudonymously from then on."""
    reader = _community(session, principal)
    if not visible_anywhere(session, reader, stix_id):
        raise NotFound(f"no visible object {stix_id}")
    errors = []
    if level not in tlp.LEVELS:
        errors.append(FieldError("tlp", "one of " + ", ".join(tlp.LEVELS)))
    if not 1 <= count <= MAX_SIGHTING_COUNT:
        errors.append(FieldError("count", f"between 1 and {MAX_SIGHTING_COUNT}"))
    if last_seen < first_seen:
        errors.append(FieldError("last_seen", "must not be before first_seen"))
    if errors:
        raise InvalidInput("the sighting is not valid", errors)
    now = format_us(from_datetime(datetime.now(UTC)))
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": now,
        "modified": now,
        "sighting_of_ref": stix_id,
        "count": count,
        "first_seen": format_us(from_datetime(first_seen)),
        "last_seen": format_us(from_datetime(last_seen)),
        "object_marking_refs": [tlp.TLP2_IDS[level]],
    }
    _, result = service.push(session, principal, coll, [sighting])
    if result.failures:
        raise InvalidInput(
            "the sighting could not be stored",
            [FieldError("sighting", f.message or "") for f in result.failures],
        )
    return str(sighting["id"])


# --- correlation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    stix_id: str
    type: str
    collection_id: uuid.UUID
    tlp: str
    own: bool  # the reader's member originated it


@dataclass
class ValueCorrelation:
    kind: str
    value: str
    warninglist: str | None
    members: int = 0  # distinct members holding the value (pseudonymous)
    over_correlating: bool = False
    matches: list[Match] = field(default_factory=list)
    truncated: bool = False


def _members_holding(session: Session, digest: str) -> tuple[int, bool]:
    ids = (
        select(StoredObject.member_id)
        .join(ObservableValue, ObservableValue.object_pk == StoredObject.pk)
        .where(ObservableValue.digest == digest, *_live())
        .limit(HARD_CAP + 1)
        .subquery()
    )
    total = session.scalar(select(func.count()).select_from(ids)) or 0
    members = session.scalar(select(func.count(distinct(ids.c.member_id)))) or 0
    return int(members), total > HARD_CAP


def correlate(
    session: Session,
    reader: Reader,
    value: extract.Value,
    exclude: str | None = None,
    cap: int = FAN_OUT_CAP,
) -> ValueCorrelation:
    result = ValueCorrelation(value.kind, value.value, value.warninglist)
    if value.warninglist:
        return result  # known-benign: never correlated
    result.members, result.over_correlating = _members_holding(session, value.digest)
    stmt = (
        select(
            StoredObject.stix_id,
            StoredObject.type,
            StoredObject.collection_id,
            StoredObject.tlp,
            StoredObject.member_id,
        )
        .join(ObservableValue, ObservableValue.object_pk == StoredObject.pk)
        .where(ObservableValue.digest == value.digest, *_live())
        .where(predicate(reader))
        .order_by(StoredObject.pk)
        .limit(min(cap, FAN_OUT_CAP) + 1)
    )
    if exclude:
        stmt = stmt.where(StoredObject.stix_id != exclude)
    rows = list(session.execute(stmt))
    result.truncated = len(rows) > min(cap, FAN_OUT_CAP)
    result.matches = [
        Match(sid, kind, coll, level, member is not None and member in reader.all_members)
        for sid, kind, coll, level, member in rows[: min(cap, FAN_OUT_CAP)]
    ]
    return result


def kinds_for(text: str) -> list[str]:
    """The correlation kinds a free-text value can be, judged by its shape."""
    try:
        address = ipaddress.ip_address(text)
        return [f"ipv{address.version}-addr:value"]
    except ValueError:
        pass
    if "://" in text:
        return ["url:value"]
    if "@" in text:
        return ["email-addr:value"]
    if re.fullmatch(r"[0-9a-fA-F]+", text) and len(text) in HASH_LENGTHS:
        return [f"file:hashes.{a}" for a in HASH_LENGTHS[len(text)]]
    if text.isdigit():
        return ["autonomous-system:number"]
    return ["domain-name:value"]


def candidate_values(text: str) -> list[extract.Value]:
    """The normalised reading(s) of a free-text value (an IP, a domain, a URL, a hash…)."""
    text = text.strip()
    if not text or len(text) > 2048:
        raise InvalidInput("give a value to look up", [FieldError("value", "1-2048 chars")])
    values = [extract.make_value(kind, text) for kind in kinds_for(text)]
    return [v for v in values if v is not None]


def correlate_text(session: Session, principal: Principal, text: str) -> list[ValueCorrelation]:
    reader = _community(session, principal)
    return [correlate(session, reader, v) for v in candidate_values(text)]


def correlate_object(
    session: Session, principal: Principal, stix_id: str
) -> list[ValueCorrelation]:
    """For each value of a visible object, the other visible objects sharing it."""
    reader = _community(session, principal)
    stmt = (
        select(
            ObservableValue.kind,
            ObservableValue.value,
            ObservableValue.digest,
            ObservableValue.warninglist,
        )
        .join(StoredObject, StoredObject.pk == ObservableValue.object_pk)
        .where(StoredObject.stix_id == stix_id, *_live())
        .where(predicate(reader))
    )
    seen: dict[str, extract.Value] = {}
    for kind, value, digest, warn in session.execute(stmt):
        seen[digest] = extract.Value(kind, value, digest, warn)
    if not seen and not visible_anywhere(session, reader, stix_id):
        raise NotFound(f"no visible object {stix_id}")
    return [correlate(session, reader, v, exclude=stix_id) for v in seen.values()]


# --- search -----------------------------------------------------------------------------


#: rows a text search reads per request at most (newest first); `next_cursor` goes on from
#: there, so one request never scans a whole store, however rare the text.
TEXT_WINDOW = 50_000


@dataclass(frozen=True)
class SearchPage:
    rows: list[StoredObject]
    next_cursor: str | None


def search(
    session: Session,
    principal: Principal,
    *,
    value: str | None = None,
    types: tuple[str, ...] = (),
    tlp: str | None = None,
    member_id: uuid.UUID | None = None,
    collection_id: uuid.UUID | None = None,
    text: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> SearchPage:
    """Latest visible versions, newest first, filtered; keyset-paginated on the row key.

    `text` is a case-insensitive substring of the stored JSON (names, descriptions,
    patterns…): no index serves it, so each request reads at most the next TEXT_WINDOW rows
    below the cursor and may return fewer than `limit` results with a cursor to go on.
    Restricted (AMBER/RED) results are audited here, so the API and the pages cannot forget
    it."""
    reader = _community(session, principal)
    limit = max(1, min(limit, 500))
    stmt = select(StoredObject).where(
        *_live(),
        predicate(reader),
    )
    if value:
        digests = [v.digest for v in candidate_values(value)]
        stmt = stmt.where(
            StoredObject.pk.in_(
                select(ObservableValue.object_pk).where(ObservableValue.digest.in_(digests))
            )
            | (StoredObject.stix_id == value.strip())
        )
    if types:
        stmt = stmt.where(StoredObject.type.in_(types))
    if tlp:
        stmt = stmt.where(StoredObject.tlp == tlp)
    if member_id:
        stmt = stmt.where(StoredObject.member_id == member_id)
    if collection_id:
        stmt = stmt.where(StoredObject.collection_id == collection_id)
    below = int(decode_cursor(cursor, 1)[0]) if cursor else None
    if below is not None:
        stmt = stmt.where(and_(StoredObject.pk < below))
    floor = None
    if text and text.strip():
        if len(text.strip()) > 200:
            raise InvalidInput("the text is too long", [FieldError("text", "1-200 chars")])
        needle = orjson.dumps(text.strip()).decode()[1:-1]  # as it is written in the JSON
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(StoredObject.body.ilike(f"%{escaped}%", escape="\\"))
        top = (
            below
            if below is not None
            else (session.scalar(select(func.max(StoredObject.pk))) or 0) + 1
        )
        floor = top - TEXT_WINDOW
        stmt = stmt.where(StoredObject.pk >= floor)
    rows = list(session.scalars(stmt.order_by(StoredObject.pk.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    service.audit_stored(session, principal, reader, rows)  # every AMBER/RED read, any caller
    if more and rows:
        return SearchPage(rows, encode_cursor([rows[-1].pk]))
    lowest = session.scalar(select(func.min(StoredObject.pk))) if floor is not None else None
    if floor is not None and lowest is not None and floor > lowest:
        return SearchPage(rows, encode_cursor([floor]))  # the window ended, the store did not
    return SearchPage(rows, None)
