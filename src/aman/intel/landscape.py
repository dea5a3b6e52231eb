"""Threat-landscape statistics and the federation's review-then-publish report.

Trends count activities (relationships, sightings, incidents…) by victim sector, victim country
and ATT&CK technique per month, over every member's data, and publish a cell only when at least
*k* distinct members contributed to it (k-anonymity; k is never below `MIN_K`). TLP:RED
activity is left out: "not for disclosure" covers aggregates too.

A report is drafted from a frozen snapshot of the cells, reviewed by a *different* publisher
(four eyes) and then published, also as a STIX `report` in the threat-landscape collection.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import Select, and_, distinct, func, or_, select
from sqlalchemy.orm import Session, aliased

from aman.auth import audit
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import INTEL_PUBLISH
from aman.db import utcnow
from aman.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from aman.intel import store, tlp
from aman.intel.extract import TECHNIQUE_LINK, VICTIM
from aman.intel.models import LandscapeReport, Link, StoredObject, Tag
from aman.intel.service import LANDSCAPE_ALIAS, ensure_default_collections, find_collection
from aman.intel.timestamps import format_us, from_datetime
from aman.intel.visibility import reader_for

MIN_K = 5
DIMENSIONS = ("sector", "country", "technique")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FEDERATION_IDENTITY = "identity--" + str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:aman:federation"))


@dataclass(frozen=True)
class Cell:
    dimension: str
    value: str
    month: str
    members: int
    activities: int


def _check_month(value: str | None, name: str) -> None:
    if value is not None and not _MONTH.match(value):
        raise InvalidInput("bad month", [FieldError(name, "use YYYY-MM")])


def _cells_query(
    dimension: str | None, start: str | None, end: str | None, k: int
) -> Select[str, str, str, int, int]:
    event = aliased(StoredObject)
    owner = aliased(StoredObject)
    members = func.count(distinct(event.member_id))
    stmt = (
        select(Tag.dimension, Tag.value, Link.month, members, func.count(distinct(event.stix_id)))
        .select_from(Link)
        .join(event, event.pk == Link.object_pk)
        .join(Tag, Tag.stix_id == Link.ref_id)
        .join(owner, owner.pk == Tag.object_pk)
        .where(
            event.is_latest.is_(True),
            event.deleted_at.is_(None),
            event.member_id.is_not(None),
            event.tlp != tlp.RED,
            owner.is_latest.is_(True),
            owner.deleted_at.is_(None),
            or_(
                and_(Link.role == VICTIM, Tag.dimension.in_(("sector", "country"))),
                and_(Link.role == TECHNIQUE_LINK, Tag.dimension == "technique"),
            ),
        )
        .group_by(Tag.dimension, Tag.value, Link.month)
        .having(members >= k)
        .order_by(Tag.dimension, Link.month, members.desc(), Tag.value)
    )
    if dimension:
        stmt = stmt.where(Tag.dimension == dimension)
    if start:
        stmt = stmt.where(Link.month >= start)
    if end:
        stmt = stmt.where(Link.month <= end)
    return stmt


def trend_cells(
    session: Session,
    principal: Principal,
    *,
    dimension: str | None = None,
    start: str | None = None,
    end: str | None = None,
    k: int = MIN_K,
) -> list[Cell]:
    """Published-safe trend cells: each backed by at least k (≥ MIN_K) distinct members."""
    if not reader_for(session, principal).community:
        raise PermissionDenied(f"{principal.label} lacks intel.read")
    if k < MIN_K:
        raise InvalidInput(
            f"k must be at least {MIN_K}", [FieldError("k", "k-anonymity threshold")]
        )
    if dimension is not None and dimension not in DIMENSIONS:
        raise InvalidInput("bad dimension", [FieldError("dimension", ", ".join(DIMENSIONS))])
    _check_month(start, "start")
    _check_month(end, "end")
    rows = session.execute(_cells_query(dimension, start, end, k))
    return [Cell(d, v, m, int(n), int(a)) for d, v, m, n, a in rows]


# --- the report workflow ----------------------------------------------------------------


def _publisher(principal: Principal) -> None:
    authorize(principal, INTEL_PUBLISH, Node.federation())


def create_draft(
    session: Session,
    principal: Principal,
    title: str,
    period_start: str,
    period_end: str,
    summary: str = "",
    k: int = MIN_K,
) -> LandscapeReport:
    _publisher(principal)
    cells = trend_cells(session, principal, start=period_start, end=period_end, k=k)
    if period_end < period_start:
        raise InvalidInput("empty period", [FieldError("period_end", "before period_start")])
    report = LandscapeReport(
        title=title,
        period_start=period_start,
        period_end=period_end,
        k=k,
        status="draft",
        summary=summary,
        cells=[asdict(c) for c in cells],
        author_id=principal.user_id,
        author=principal.label,
    )
    session.add(report)
    session.flush()
    audit.record(
        session,
        principal,
        "intel.report.draft",
        "landscape_report",
        report.id,
        details={"cells": len(cells), "k": k},
    )
    return report


def get_report(session: Session, principal: Principal, report_id: uuid.UUID) -> LandscapeReport:
    report = session.get(LandscapeReport, report_id)
    if report is None:
        raise NotFound("no such report")
    if report.status != "published":
        _publisher(principal)
    elif not reader_for(session, principal).community:
        raise NotFound("no such report")
    return report


def list_reports(session: Session, principal: Principal) -> list[LandscapeReport]:
    stmt = select(LandscapeReport).order_by(LandscapeReport.created_at.desc())
    if not principal.can(INTEL_PUBLISH, Node.federation()):
        if not reader_for(session, principal).community:
            raise PermissionDenied(f"{principal.label} lacks intel.read")
        stmt = stmt.where(LandscapeReport.status == "published")
    return list(session.scalars(stmt))


def submit(session: Session, principal: Principal, report_id: uuid.UUID) -> LandscapeReport:
    report = get_report(session, principal, report_id)
    if report.status != "draft":
        raise Conflict(f"the report is {report.status}, not a draft")
    report.status = "in-review"
    report.submitted_at = utcnow()
    audit.record(session, principal, "intel.report.submit", "landscape_report", report.id)
    return report


def return_to_draft(
    session: Session, principal: Principal, report_id: uuid.UUID, reason: str
) -> LandscapeReport:
    report = get_report(session, principal, report_id)
    if report.status != "in-review":
        raise Conflict(f"the report is {report.status}, not in review")
    report.status = "draft"
    audit.record(
        session,
        principal,
        "intel.report.return",
        "landscape_report",
        report.id,
        details={"reason": reason[:500]},
    )
    return report


def publish(session: Session, principal: Principal, report_id: uuid.UUID) -> LandscapeReport:
    """A second publisher approves the reviewed snapshot; it goes out as STIX too."""
    report = get_report(session, principal, report_id)
    if report.status != "in-review":
        raise Conflict(f"the report is {report.status}; submit it for review first")
    same_user = report.author_id is not None and report.author_id == principal.user_id
    if same_user or report.author == principal.label:
        raise PermissionDenied("the author cannot approve their own report (four eyes)")
    now = utcnow()
    report.status = "published"
    report.reviewer_id = principal.user_id
    report.reviewer = principal.label
    report.published_at = now
    report.stix_id = f"report--{report.id}"
    ensure_default_collections(session)
    coll = find_collection(session, LANDSCAPE_ALIAS)
    assert coll is not None
    stamp = format_us(from_datetime(now))
    objects = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": FEDERATION_IDENTITY,
            "created": "2020-01-01T00:00:00.000Z",
            "modified": "2020-01-01T00:00:00.000Z",
            "name": "The federation",
            "identity_class": "organization",
            "object_marking_refs": [tlp.TLP2_IDS[tlp.GREEN]],
        },
        {
            "type": "report",
            "spec_version": "2.1",
            "id": report.stix_id,
            "created": stamp,
            "modified": stamp,
            "created_by_ref": FEDERATION_IDENTITY,
            "name": report.title,
            "description": report.summary,
            "report_types": ["threat-report"],
            "published": stamp,
            "object_refs": [FEDERATION_IDENTITY],
            "object_marking_refs": [tlp.TLP2_IDS[tlp.GREEN]],
            "x_aman_period": [report.period_start, report.period_end],
            "x_aman_k_anonymity": report.k,
            "x_aman_trends": report.cells,
        },
    ]
    result = store.ingest(session, coll, objects, store.Audience(None))
    if result.failures:
        raise InvalidInput(
            "the report could not be encoded as STIX",
            [FieldError("stix", f.message or "") for f in result.failures],
        )
    audit.record(
        session,
        principal,
        "intel.report.publish",
        "landscape_report",
        report.id,
        details={"author": report.author, "stix_id": report.stix_id},
    )
    return report
