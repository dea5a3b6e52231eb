"""Intel logic shared by the TAXII server, the REST API and the CLI: collections, sharing groups,
pushing (with audience), reading (with audit of restricted reads) and deleting objects."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import INTEL_MANAGE
from aman.db import utcnow
from aman.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from aman.intel import query, store
from aman.intel.access import Writer, can_read, can_write, writer_for
from aman.intel.models import (
    Collection,
    IngestStatus,
    SharingGroup,
    SharingGroupMember,
    StoredObject,
)
from aman.intel.query import ALL, Filters, Page
from aman.intel.tlp import RESTRICTED
from aman.intel.visibility import Reader, predicate, reader_for
from aman.registry.models import Member

COMMUNITY_ALIAS = "federation"
LANDSCAPE_ALIAS = "threat-landscape"
STATUS_RETENTION = timedelta(days=7)


# --- collections ------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "member"


def ensure_default_collections(session: Session) -> None:
    """The community and landscape collections and one inbox per member (idempotent)."""
    have = {c.alias: c for c in session.scalars(select(Collection))}
    if COMMUNITY_ALIAS not in have:
        session.add(
            Collection(
                alias=COMMUNITY_ALIAS,
                title="Federation community",
                description="Shared with every member of the federation, within each object's TLP.",
                kind="community",
            )
        )
    if LANDSCAPE_ALIAS not in have:
        session.add(
            Collection(
                alias=LANDSCAPE_ALIAS,
                title="Threat landscape",
                description="The federation's published threat-landscape reports.",
                kind="landscape",
            )
        )
    owners = {c.owner_member_id for c in have.values() if c.kind == "member"}
    for member in session.scalars(select(Member).order_by(Member.name)):
        if member.id in owners:
            continue
        alias = "inbox-" + _slug(member.short_name or member.name)
        if alias in have:
            alias = f"{alias}-{member.id.hex[:6]}"
        have[alias] = Collection(
            alias=alias,
            title=f"{member.name}: inbox",
            description=f"Intelligence addressed to {member.name}, which becomes a named "
            "recipient of everything posted here (including TLP:RED).",
            kind="member",
            owner_member_id=member.id,
        )
        session.add(have[alias])
    session.flush()


def find_collection(session: Session, ref: str) -> Collection | None:
    try:
        return session.get(Collection, uuid.UUID(ref))
    except ValueError:
        return session.scalar(select(Collection).where(Collection.alias == ref))


def readable_collection(session: Session, reader: Reader, ref: str) -> Collection:
    coll = find_collection(session, ref)
    if coll is None or not can_read(reader, coll):
        raise NotFound(f"no collection {ref!r} readable by {reader.label}")
    return coll


@dataclass(frozen=True)
class CollectionView:
    collection: Collection
    can_read: bool
    can_write: bool


def list_collections(session: Session, principal: Principal) -> list[CollectionView]:
    """Collections the principal can read or write, with those two flags."""
    reader = reader_for(session, principal)
    if not reader.community:
        raise PermissionDenied(f"{principal.label} lacks intel.read")
    views = []
    for coll in session.scalars(select(Collection).order_by(Collection.kind, Collection.alias)):
        r, w = can_read(reader, coll), can_write(principal, reader, coll)
        if r or w:
            views.append(CollectionView(coll, r, w))
    return views


def create_group_collection(
    session: Session, principal: Principal, group_id: uuid.UUID, alias: str, title: str
) -> Collection:
    group = session.get(SharingGroup, group_id)
    if group is None:
        raise NotFound("no such sharing group")
    _authorize_group(principal, group)
    if find_collection(session, alias) is not None:
        raise Conflict(f"collection {alias!r} exists", [FieldError("alias", "must be unique")])
    coll = Collection(alias=alias, title=title, kind="group", sharing_group_id=group.id)
    session.add(coll)
    session.flush()
    audit.record(
        session,
        principal,
        "intel.collection.create",
        "intel_collection",
        coll.id,
        member_id=group.owner_member_id,
        details={"alias": alias},
    )
    return coll


# --- sharing groups ---------------------------------------------------------------------


def _authorize_group(principal: Principal, group: SharingGroup) -> None:
    node = Node.member(group.owner_member_id) if group.owner_member_id else Node.federation()
    authorize(principal, INTEL_MANAGE, node)


def create_sharing_group(
    session: Session,
    principal: Principal,
    name: str,
    members: Sequence[uuid.UUID],
    owner_member_id: uuid.UUID | None,
    description: str = "",
) -> SharingGroup:
    node = Node.member(owner_member_id) if owner_member_id else Node.federation()
    authorize(principal, INTEL_MANAGE, node)
    known = set(session.scalars(select(Member.id).where(Member.id.in_(members))))
    unknown = [str(m) for m in members if m not in known]
    if unknown:
        raise InvalidInput("unknown members", [FieldError("members", ", ".join(unknown))])
    group = SharingGroup(name=name, description=description, owner_member_id=owner_member_id)
    session.add(group)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"sharing group {name!r} exists", [FieldError("name", "unique")]) from exc
    wanted = set(members) | ({owner_member_id} if owner_member_id else set())
    session.add_all(SharingGroupMember(group_id=group.id, member_id=m) for m in wanted)
    session.flush()
    audit.record(
        session,
        principal,
        "intel.group.create",
        "intel_sharing_group",
        group.id,
        member_id=owner_member_id,
        details={"name": name, "members": len(wanted)},
    )
    return group


def set_group_members(
    session: Session, principal: Principal, group_id: uuid.UUID, members: Sequence[uuid.UUID]
) -> SharingGroup:
    group = session.get(SharingGroup, group_id)
    if group is None:
        raise NotFound("no such sharing group")
    _authorize_group(principal, group)
    session.execute(delete(SharingGroupMember).where(SharingGroupMember.group_id == group.id))
    wanted = set(members) | ({group.owner_member_id} if group.owner_member_id else set())
    session.add_all(SharingGroupMember(group_id=group.id, member_id=m) for m in wanted)
    session.flush()
    audit.record(
        session,
        principal,
        "intel.group.update",
        "intel_sharing_group",
        group.id,
        member_id=group.owner_member_id,
        details={"members": len(wanted)},
    )
    return group


def list_sharing_groups(session: Session, principal: Principal) -> list[tuple[SharingGroup, int]]:
    reader = reader_for(session, principal)
    if not reader.community:
        raise PermissionDenied(f"{principal.label} lacks intel.read")
    counts: dict[uuid.UUID, int] = defaultdict(int)
    for gid in session.scalars(select(SharingGroupMember.group_id)):
        counts[gid] += 1
    groups = session.scalars(select(SharingGroup).order_by(SharingGroup.name))
    return [(g, counts[g.id]) for g in groups]


# --- push -------------------------------------------------------------------------------


def _audience(
    session: Session,
    writer: Writer,
    coll: Collection,
    recipients: Sequence[uuid.UUID],
) -> store.Audience:
    named = set(recipients)
    if coll.kind == "member" and coll.owner_member_id is not None:
        named.add(coll.owner_member_id)
    if named:
        known = set(session.scalars(select(Member.id).where(Member.id.in_(named))))
        if named - known:
            raise InvalidInput("unknown recipient", [FieldError("recipients", "no such member")])
    if writer.member_id is not None:
        named.discard(writer.member_id)
    return store.Audience(writer.member_id, frozenset(named), coll.sharing_group_id)


def push(
    session: Session,
    principal: Principal,
    coll: Collection,
    objects: Sequence[object],
    *,
    as_member: uuid.UUID | None = None,
    recipients: Sequence[uuid.UUID] = (),
) -> tuple[IngestStatus, store.IngestResult]:
    """Store objects into `coll` as the principal's member; the TAXII status is returned."""
    reader = reader_for(session, principal)
    if not can_write(principal, reader, coll):
        raise PermissionDenied(f"{principal.label} cannot write to collection {coll.alias}")
    writer = writer_for(principal, as_member)
    audience = _audience(session, writer, coll, recipients)
    result = store.ingest(session, coll, objects, audience)
    status = IngestStatus(
        collection_id=coll.id,
        user_id=principal.user_id,
        member_id=writer.member_id,
        status="complete",
        request_timestamp=utcnow(),
        total_count=len(objects),
        success_count=len(result.successes),
        failure_count=len(result.failures),
        pending_count=0,
        successes=[o.as_dict() for o in result.successes],
        failures=[o.as_dict() for o in result.failures],
    )
    session.add(status)
    purge_statuses(session)  # kept a week (TAXII interoperability asks for at least 24 h)
    session.flush()
    audit.record(
        session,
        principal,
        "intel.push",
        "intel_collection",
        coll.id,
        member_id=writer.member_id,
        details={
            "status": str(status.id),
            "stored": len(result.stored),
            "failed": len(result.failures),
            "recipients": len(audience.recipients),
        },
    )
    return status, result


def get_status(session: Session, principal: Principal, status_id: uuid.UUID) -> IngestStatus:
    row = session.get(IngestStatus, status_id)
    reader = reader_for(session, principal)
    mine = row is not None and (
        principal.system
        or row.user_id == principal.user_id
        or (row.member_id is not None and row.member_id in reader.members)
    )
    if row is None or not mine:
        raise NotFound("no such status")
    return row


def purge_statuses(session: Session) -> int:
    result = session.execute(
        delete(IngestStatus).where(IngestStatus.request_timestamp < utcnow() - STATUS_RETENTION)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- read -------------------------------------------------------------------------------


def audit_reads(
    session: Session, principal: Principal, reader: Reader, rows: Sequence[query.Row]
) -> None:
    """One audit row per originating member whose AMBER/RED objects were just read."""
    by_member: dict[uuid.UUID | None, list[str]] = defaultdict(list)
    for row in rows:
        if row.tlp in RESTRICTED:
            by_member[row.member_id].append(f"{row.stix_id}@{row.version_us}:{row.tlp}")
    for member_id, objects in by_member.items():
        audit.record(
            session,
            principal,
            "intel.read",
            "stix_object",
            objects[0].split("@")[0],
            member_id=member_id,
            details={
                "reader_member": str(reader.primary_member or ""),
                "count": len(objects),
                "objects": objects[:500],
            },
        )


def read_objects(
    session: Session,
    principal: Principal,
    reader: Reader,
    coll: Collection,
    filters: Filters,
    *,
    with_body: bool,
    default_version: str = query.LAST,
) -> Page:
    result = query.page(
        session, reader, coll.id, filters, with_body=with_body, default_version=default_version
    )
    if with_body:
        audit_reads(session, principal, reader, result.rows)
    return result


def delete_object(
    session: Session,
    principal: Principal,
    reader: Reader,
    coll: Collection,
    stix_id: str,
    filters: Filters,
) -> int:
    """Tombstone the matching versions (default: all) of an object the writer originated."""
    if not can_write(principal, reader, coll):
        raise PermissionDenied(f"{principal.label} cannot write to collection {coll.alias}")
    found = query.matching_pks(session, reader, coll.id, stix_id, filters)
    if not found:
        raise NotFound(f"no object {stix_id} in this collection")
    writer = writer_for(principal) if not principal.system else None
    if writer is not None and any(member != writer.member_id for _, member in found):
        raise PermissionDenied("only the originating member may delete an object")
    store.tombstone(session, coll.id, [pk for pk, _ in found])
    store.recompute_flags(session, coll.id, [stix_id])
    audit.record(
        session,
        principal,
        "intel.delete",
        "stix_object",
        stix_id,
        member_id=writer.member_id if writer else None,
        details={"collection": coll.alias, "versions": len(found)},
    )
    return len(found)


def default_delete_versions(filters: Filters) -> Filters:
    """DELETE without match[version] removes every version."""
    if filters.versions:
        return filters
    return Filters(versions=(ALL,), spec_versions=filters.spec_versions)


def member_ids_by_name(session: Session, names: Sequence[str]) -> list[uuid.UUID]:
    """Members by id, short name or name (for CLI/API recipients)."""
    out: list[uuid.UUID] = []
    for name in names:
        try:
            out.append(uuid.UUID(name))
            continue
        except ValueError:
            pass
        member = session.scalar(
            select(Member).where(or_(Member.short_name == name, Member.name == name))
        )
        if member is None:
            raise InvalidInput(f"unknown member {name!r}", [FieldError("recipients", name)])
        out.append(member.id)
    return out


# --- change feed and single objects -----------------------------------------------------


@dataclass(frozen=True)
class Change:
    stix_id: str
    version_us: int
    date_added_us: int
    deleted: bool


def changes(
    session: Session,
    principal: Principal,
    coll: Collection,
    after_us: int | None,
    limit: int = 500,
) -> list[Change]:
    """Additions and deletions (tombstones) in date_added order: what a mirror must apply."""
    reader = reader_for(session, principal)
    readable_collection(session, reader, str(coll.id))
    stmt = (
        select(
            StoredObject.stix_id,
            StoredObject.version_us,
            StoredObject.date_added_us,
            StoredObject.deleted_at,
        )
        .where(StoredObject.collection_id == coll.id, predicate(reader))
        .order_by(StoredObject.date_added_us)
        .limit(max(1, min(limit, 5000)))
    )
    if after_us is not None:
        stmt = stmt.where(StoredObject.date_added_us > after_us)
    return [Change(s, v, d, deleted is not None) for s, v, d, deleted in session.execute(stmt)]


def latest_visible(session: Session, principal: Principal, stix_id: str) -> StoredObject:
    """The newest visible live version of an object, in whichever collection it is newest."""
    reader = reader_for(session, principal)
    if not reader.community:
        raise PermissionDenied(f"{principal.label} lacks intel.read")
    row = session.scalar(
        select(StoredObject)
        .where(
            StoredObject.stix_id == stix_id[:300],
            StoredObject.deleted_at.is_(None),
            predicate(reader),
        )
        .order_by(StoredObject.version_us.desc(), StoredObject.date_added_us.desc())
        .limit(1)
    )
    if row is None:
        raise NotFound(f"no visible object {stix_id[:300]}")
    audit_stored(session, principal, reader, [row])
    return row


def audit_stored(
    session: Session, principal: Principal, reader: Reader, rows: Sequence[StoredObject]
) -> None:
    """`audit_reads` for rows loaded as ORM objects (object pages, search results)."""
    audit_reads(
        session,
        principal,
        reader,
        [
            query.Row(r.pk, r.stix_id, r.version_us, r.date_added_us, r.tlp, r.member_id, None)
            for r in rows
        ],
    )


# --- figures and versions for the web pages ---------------------------------------------


@dataclass(frozen=True)
class CollectionSummary:
    """A collection as one reader sees it: `objects` counts the objects whose latest version
    it may see (None where it may only write), `last_added_us` the newest of those."""

    view: CollectionView
    objects: int | None
    last_added_us: int | None


def collection_summaries(session: Session, principal: Principal) -> list[CollectionSummary]:
    """The principal's collections with per-reader figures, from one GROUP BY under the
    reader's TLP predicate: the count never includes, nor the date betrays, an object the
    reader may not see."""
    views = list_collections(session, principal)
    reader = reader_for(session, principal)
    readable = [v.collection.id for v in views if v.can_read]
    stats: dict[uuid.UUID, tuple[int, int | None]] = {}
    if readable:
        stmt = (
            select(
                StoredObject.collection_id,
                func.count(),
                func.max(StoredObject.date_added_us),
            )
            .where(
                StoredObject.collection_id.in_(readable),
                StoredObject.is_latest.is_(True),
                StoredObject.deleted_at.is_(None),
                predicate(reader),
            )
            .group_by(StoredObject.collection_id)
        )
        stats = {cid: (int(n), last) for cid, n, last in session.execute(stmt)}
    return [
        CollectionSummary(v, *stats.get(v.collection.id, (0, None)))
        if v.can_read
        else CollectionSummary(v, None, None)
        for v in views
    ]


@dataclass(frozen=True)
class Version:
    collection_id: uuid.UUID
    version_us: int
    date_added_us: int
    tlp: str
    member_id: uuid.UUID | None
    revoked: bool


def visible_versions(
    session: Session, principal: Principal, stix_id: str, limit: int = 200
) -> list[Version]:
    """The live versions of an object the principal may see, in every collection, newest
    first (no bodies are read, so nothing here is an audited read)."""
    reader = reader_for(session, principal)
    if not reader.community:
        raise PermissionDenied(f"{principal.label} lacks intel.read")
    stmt = (
        select(
            StoredObject.collection_id,
            StoredObject.version_us,
            StoredObject.date_added_us,
            StoredObject.tlp,
            StoredObject.member_id,
            StoredObject.revoked,
        )
        .where(
            StoredObject.stix_id == stix_id[:300],
            StoredObject.deleted_at.is_(None),
            predicate(reader),
        )
        .order_by(StoredObject.version_us.desc(), StoredObject.date_added_us.desc())
        .limit(max(1, min(limit, 1000)))
    )
    return [Version(*row) for row in session.execute(stmt)]
