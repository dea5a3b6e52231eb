"""Intel REST API under /api/v1/intel: collections, sharing groups, push/import/export, search,
sightings, correlation, routing, constituency, trends, landscape reports and TAXII feeds."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, UploadFile
from sqlalchemy import select

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.auth.permissions import Principal
from aman.errors import FieldError, InvalidInput, NotFound
from aman.intel import analysis, interop, landscape, misp, routing, service, taxii_client
from aman.intel.access import can_write
from aman.intel.models import Collection, Feed, StoredObject
from aman.intel.query import decode_next, encode_next
from aman.intel.schemas import (
    CellOut,
    ChangeOut,
    CollectionOut,
    ConstituencyIn,
    ConstituencyOut,
    CorrelationOut,
    FeedIn,
    FeedOut,
    GroupCollectionIn,
    Level,
    MatchOut,
    ObjectDetail,
    ObjectOut,
    OutcomeOut,
    PullIn,
    PullOut,
    PushIn,
    PushOut,
    ReportIn,
    ReportOut,
    ReturnIn,
    RoutedOut,
    SharingGroupIn,
    SharingGroupMembersIn,
    SharingGroupOut,
    SightingsOut,
)
from aman.intel.store import IngestResult
from aman.intel.taxii.routes import API_ROOT, version_string
from aman.intel.timestamps import format_us
from aman.intel.visibility import reader_for
from aman.pagination import PageOut

router = APIRouter(prefix="/intel", tags=["intel"])
Limit = Annotated[int, Query(ge=1, le=500)]


def _collection(session: DbSession, principal: Principal, ref: str) -> Collection:
    service.ensure_default_collections(session)
    coll = service.find_collection(session, ref)
    if coll is None:
        raise NotFound(f"no collection {ref!r}")
    return coll


def object_out(row: StoredObject) -> ObjectOut:
    body = orjson.loads(row.body)
    level: Level = row.tlp  # type: ignore[assignment]
    return ObjectOut(
        stix_id=row.stix_id,
        type=row.type,
        collection_id=row.collection_id,
        tlp=level,
        member_id=row.member_id,
        version=version_string(row.version_us),
        date_added=format_us(row.date_added_us),
        revoked=row.revoked,
        name=body.get("name") if isinstance(body.get("name"), str) else None,
    )


@router.get("/collections", response_model=list[CollectionOut])
def list_collections(
    request: Request, principal: CurrentPrincipal, session: DbSession
) -> list[CollectionOut]:
    service.ensure_default_collections(session)
    base = str(request.base_url).rstrip("/")
    return [
        CollectionOut(
            id=v.collection.id,
            alias=v.collection.alias,
            title=v.collection.title,
            description=v.collection.description,
            kind=v.collection.kind,
            owner_member_id=v.collection.owner_member_id,
            sharing_group_id=v.collection.sharing_group_id,
            can_read=v.can_read,
            can_write=v.can_write,
            taxii_url=f"{base}/taxii2/{API_ROOT}/collections/{v.collection.id}/",
        )
        for v in service.list_collections(session, principal)
    ]


@router.post("/collections", response_model=dict[str, Any], status_code=201)
def create_group_collection(
    data: GroupCollectionIn, principal: CurrentPrincipal, session: DbSession
) -> dict[str, Any]:
    coll = service.create_group_collection(
        session, principal, data.sharing_group_id, data.alias, data.title
    )
    return {"id": str(coll.id), "alias": coll.alias}


@router.get("/sharing-groups", response_model=list[SharingGroupOut])
def list_sharing_groups(principal: CurrentPrincipal, session: DbSession) -> list[SharingGroupOut]:
    return [
        SharingGroupOut(
            id=g.id,
            name=g.name,
            description=g.description,
            owner_member_id=g.owner_member_id,
            member_count=n,
        )
        for g, n in service.list_sharing_groups(session, principal)
    ]


@router.post("/sharing-groups", response_model=SharingGroupOut, status_code=201)
def create_sharing_group(
    data: SharingGroupIn, principal: CurrentPrincipal, session: DbSession
) -> SharingGroupOut:
    group = service.create_sharing_group(
        session, principal, data.name, data.members, data.owner_member_id, data.description
    )
    return SharingGroupOut.model_validate(group)


@router.put("/sharing-groups/{group_id}/members", response_model=SharingGroupOut)
def set_group_members(
    group_id: uuid.UUID, data: SharingGroupMembersIn, principal: CurrentPrincipal, db: DbSession
) -> SharingGroupOut:
    return SharingGroupOut.model_validate(
        service.set_group_members(db, principal, group_id, data.members)
    )


def _push_out(
    session: DbSession,
    principal: Principal,
    coll: Collection,
    status_id: uuid.UUID,
    total: int,
    result: IngestResult,
    route: bool,
    skipped: list[str] | None = None,
) -> PushOut:
    routed: list[RoutedOut] = []
    if route:
        for _, obj in result.stored:
            for r in routing.route_object(session, principal, coll, obj.id):
                routed.append(
                    RoutedOut(
                        stix_id=obj.id,
                        member_id=r.member_id,
                        collection=r.collection_alias,
                        reason=r.reason,
                        stored=r.stored,
                    )
                )
    return PushOut(
        status_id=status_id,
        total=total,
        stored=len(result.stored),
        successes=len(result.successes),
        failures=[OutcomeOut(**o.as_dict()) for o in result.failures],
        skipped=skipped or [],
        routed=routed,
    )


@router.post("/collections/{ref}/objects", response_model=PushOut, status_code=201)
def push_objects(
    ref: str, data: PushIn, principal: CurrentPrincipal, session: DbSession
) -> PushOut:
    """Push STIX objects, optionally naming recipient members and routing them onwards."""
    coll = _collection(session, principal, ref)
    status, result = service.push(
        session,
        principal,
        coll,
        data.objects,
        as_member=data.as_member,
        recipients=data.recipients,
    )
    return _push_out(session, principal, coll, status.id, len(data.objects), result, data.route)


@router.post("/collections/{ref}/import", response_model=PushOut, status_code=201)
async def import_file(
    ref: str,
    file: UploadFile,
    principal: CurrentPrincipal,
    session: DbSession,
    route: bool = False,
    as_member: uuid.UUID | None = None,
    recipients: Annotated[list[uuid.UUID] | None, Query()] = None,
) -> PushOut:
    """Import a STIX bundle or a MISP event JSON file."""
    data = await file.read()
    coll = _collection(session, principal, ref)
    status, result, parsed = interop.import_document(
        session, principal, coll, data, as_member=as_member, recipients=recipients or []
    )
    return _push_out(
        session, principal, coll, status.id, len(parsed.objects), result, route, parsed.skipped
    )


@router.get("/collections/{ref}/export", response_model=dict[str, Any])
def export(
    ref: str,
    principal: CurrentPrincipal,
    session: DbSession,
    format: Annotated[str, Query(pattern="^(stix|misp)$")] = "stix",
    type: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    """The latest visible version of every object: a STIX bundle or a MISP event."""
    coll = _collection(session, principal, ref)
    objects = interop.visible_objects(session, principal, coll, type or [])
    if format == "misp":
        return misp.stix_to_event(objects, f"Aman export of {coll.alias}")
    return interop.bundle(objects)


@router.get("/collections/{ref}/changes", response_model=list[ChangeOut])
def changes(
    ref: str,
    principal: CurrentPrincipal,
    session: DbSession,
    after: str | None = None,
    limit: Limit = 500,
) -> list[ChangeOut]:
    """Additions and deletions after a position (the `after` of the last change seen)."""
    coll = _collection(session, principal, ref)
    after_us = decode_next(after) if after else None
    return [
        ChangeOut(
            stix_id=c.stix_id,
            version=version_string(c.version_us),
            date_added=encode_next(c.date_added_us),
            deleted=c.deleted,
        )
        for c in service.changes(session, principal, coll, after_us, limit)
    ]


@router.get("/objects", response_model=PageOut[ObjectOut])
def search_objects(
    principal: CurrentPrincipal,
    session: DbSession,
    value: str | None = None,
    text: Annotated[
        str | None, Query(description="case-insensitive text; at most 50,000 rows per page")
    ] = None,
    type: Annotated[list[str] | None, Query()] = None,
    tlp: Level | None = None,
    member_id: uuid.UUID | None = None,
    collection: str | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> PageOut[ObjectOut]:
    coll_id = None
    if collection:
        coll_id = _collection(session, principal, collection).id
    page = analysis.search(
        session,
        principal,
        value=value,
        text=text,
        types=tuple(type or ()),
        tlp=tlp,
        member_id=member_id,
        collection_id=coll_id,
        cursor=cursor,
        limit=limit,
    )
    return PageOut(items=[object_out(r) for r in page.rows], next_cursor=page.next_cursor)


@router.get("/objects/{stix_id}", response_model=ObjectDetail)
def get_object(stix_id: str, principal: CurrentPrincipal, session: DbSession) -> ObjectDetail:
    row = service.latest_visible(session, principal, stix_id)
    return ObjectDetail(**object_out(row).model_dump(), object=orjson.loads(row.body))


def sightings_out(s: analysis.SightingSummary) -> SightingsOut:
    first = s.first_seen.date().isoformat() if s.first_seen else "never"
    text = (
        f"seen by {s.members} member{'s' if s.members != 1 else ''} in {s.countries} "
        f"countr{'ies' if s.countries != 1 else 'y'}, first seen {first}"
    )
    return SightingsOut(**s.__dict__, summary=text)


@router.get("/objects/{stix_id}/sightings", response_model=SightingsOut)
def sightings(stix_id: str, principal: CurrentPrincipal, session: DbSession) -> SightingsOut:
    """Pseudonymous: how many members and countries sighted it, never which."""
    return sightings_out(analysis.sighting_summary(session, principal, stix_id))


def correlation_out(c: analysis.ValueCorrelation) -> CorrelationOut:
    return CorrelationOut(
        kind=c.kind,
        value=c.value,
        warninglist=c.warninglist,
        members=c.members,
        over_correlating=c.over_correlating,
        matches=[MatchOut(**m.__dict__) for m in c.matches],
        truncated=c.truncated,
    )


@router.get("/objects/{stix_id}/correlations", response_model=list[CorrelationOut])
def object_correlations(
    stix_id: str, principal: CurrentPrincipal, session: DbSession
) -> list[CorrelationOut]:
    return [correlation_out(c) for c in analysis.correlate_object(session, principal, stix_id)]


@router.get("/correlate", response_model=list[CorrelationOut])
def correlate(
    value: Annotated[str, Query(min_length=1, max_length=2048)],
    principal: CurrentPrincipal,
    session: DbSession,
) -> list[CorrelationOut]:
    """Which visible objects carry this value, how many members hold it, and whether a
    warninglist suppresses it."""
    return [correlation_out(c) for c in analysis.correlate_text(session, principal, value)]


@router.post("/collections/{ref}/objects/{stix_id}/route", response_model=list[RoutedOut])
def route(
    ref: str, stix_id: str, principal: CurrentPrincipal, session: DbSession
) -> list[RoutedOut]:
    coll = _collection(session, principal, ref)
    return [
        RoutedOut(
            stix_id=stix_id,
            member_id=r.member_id,
            collection=r.collection_alias,
            reason=r.reason,
            stored=r.stored,
        )
        for r in routing.route_object(session, principal, coll, stix_id)
    ]


@router.put("/constituency/{member_id}", response_model=list[ConstituencyOut])
def set_constituency(
    member_id: uuid.UUID, data: ConstituencyIn, principal: CurrentPrincipal, db: DbSession
) -> list[ConstituencyOut]:
    rows = routing.set_constituency(db, principal, member_id, data.asns, data.prefixes)
    return [ConstituencyOut.model_validate(r) for r in rows]


@router.get("/trends", response_model=list[CellOut])
def trends(
    principal: CurrentPrincipal,
    session: DbSession,
    dimension: str | None = None,
    start: str | None = None,
    end: str | None = None,
    k: Annotated[int, Query(ge=1, le=1000)] = landscape.MIN_K,
) -> list[CellOut]:
    """Trend cells by sector, country or ATT&CK technique per month, each backed by ≥ k members."""
    cells = landscape.trend_cells(
        session, principal, dimension=dimension, start=start, end=end, k=k
    )
    return [CellOut(**c.__dict__) for c in cells]


@router.get("/reports", response_model=list[ReportOut])
def list_reports(principal: CurrentPrincipal, session: DbSession) -> list[ReportOut]:
    return [ReportOut.model_validate(r) for r in landscape.list_reports(session, principal)]


@router.post("/reports", response_model=ReportOut, status_code=201)
def create_report(data: ReportIn, principal: CurrentPrincipal, session: DbSession) -> ReportOut:
    report = landscape.create_draft(
        session,
        principal,
        data.title,
        data.period_start,
        data.period_end,
        data.summary,
        data.k,
    )
    return ReportOut.model_validate(report)


@router.get("/reports/{report_id}", response_model=ReportOut)
def get_report(report_id: uuid.UUID, principal: CurrentPrincipal, db: DbSession) -> ReportOut:
    return ReportOut.model_validate(landscape.get_report(db, principal, report_id))


@router.post("/reports/{report_id}/submit", response_model=ReportOut)
def submit_report(report_id: uuid.UUID, principal: CurrentPrincipal, db: DbSession) -> ReportOut:
    return ReportOut.model_validate(landscape.submit(db, principal, report_id))


@router.post("/reports/{report_id}/return", response_model=ReportOut)
def return_report(
    report_id: uuid.UUID, data: ReturnIn, principal: CurrentPrincipal, db: DbSession
) -> ReportOut:
    return ReportOut.model_validate(
        landscape.return_to_draft(db, principal, report_id, data.reason)
    )


@router.post("/reports/{report_id}/publish", response_model=ReportOut)
def publish_report(report_id: uuid.UUID, principal: CurrentPrincipal, db: DbSession) -> ReportOut:
    return ReportOut.model_validate(landscape.publish(db, principal, report_id))


@router.post("/feeds", response_model=FeedOut, status_code=201)
def add_feed(data: FeedIn, principal: CurrentPrincipal, session: DbSession) -> FeedOut:
    coll = _collection(session, principal, data.into)
    reader = reader_for(session, principal)
    if not can_write(principal, reader, coll):
        raise InvalidInput("cannot write there", [FieldError("into", "not writable by you")])
    feed = taxii_client.add_feed(session, principal, data.name, data.url, coll)
    return FeedOut.model_validate(feed)


@router.post("/feeds/{name}/pull", response_model=PullOut)
def pull_feed(name: str, data: PullIn, principal: CurrentPrincipal, db: DbSession) -> PullOut:
    feed = db.scalar(select(Feed).where(Feed.name == name))
    if feed is None:
        raise NotFound(f"no feed {name!r}")
    creds = taxii_client.Credentials(data.user, data.password, data.token)
    result = taxii_client.pull(db, principal, feed, creds, as_member=data.as_member)
    return PullOut(**result.__dict__)
