"""Web pages of threat intelligence: the collections, a collection's objects, search, one
object (its versions, markings, pseudonymous sightings and capped correlations) and reporting a
sighting. Trends and the landscape reports are in `views_landscape.py`.

Thin: every read goes through the intel services with the page principal, so TLP is enforced by
the very SQL predicate TAXII and the API use, reads of AMBER/RED objects are audited by the same
service, and an object the reader may not see is a 404 page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import orjson
from fastapi import Request, Response
from sqlalchemy.orm import Session

from aman.auth.deps import DbSession
from aman.auth.permissions import Principal
from aman.auth.roles import INTEL_READ
from aman.errors import FieldError, InvalidInput
from aman.intel import analysis, query, service, tlp
from aman.intel.models import Collection, StoredObject
from aman.intel.pages import (
    COLLECTION_KIND_LABELS,
    STIX_TYPES,
    TLP_LABELS,
    TLP_MEANINGS,
    collection_text,
    key_fields,
    markings_of,
    pretty_json,
    refs_in,
    summary_parts,
)
from aman.intel.query import Filters
from aman.intel.schemas import SightingIn
from aman.intel.taxii.routes import API_ROOT
from aman.intel.timestamps import from_datetime, to_datetime
from aman.intel.views_landscape import router as landscape_router
from aman.intel.visibility import reader_for
from aman.registry.view_labels import member_names
from aman.web import nav
from aman.web.auth import PageUser
from aman.web.forms import CsrfForm, FormErrors, form_values, parse
from aman.web.i18n import N_, Translator, translator
from aman.web.render import page_router, redirect, render
from aman.web.tables import Column, Table, export_response, query_string

router = page_router()
router.include_router(landscape_router)
nav.register(
    nav.NavItem(
        "intel",
        N_("Threat intelligence"),
        "/intel",
        60,
        nav.having(INTEL_READ),
        N_("Shared STIX intelligence under TLP: collections, search, sightings and trends."),
    )
)
PAGE_SIZE = 50
EXPORT_ROWS = 1000  # one statement; bulk exports are TAXII's and the API's job
SEARCH_EXPORT_ROWS = 500  # the search service's own cap
_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,248}$")
# Types a sighting may point at (STIX 2.1: sighting_of_ref references an SDO).
SIGHTABLE = frozenset(
    {
        "attack-pattern",
        "campaign",
        "course-of-action",
        "grouping",
        "identity",
        "incident",
        "indicator",
        "infrastructure",
        "intrusion-set",
        "location",
        "malware",
        "malware-analysis",
        "note",
        "observed-data",
        "opinion",
        "report",
        "threat-actor",
        "tool",
        "vulnerability",
    }
)
SIGHTING_FIELDS = ("collection", "count", "first_seen", "last_seen", "tlp")


def tlp_context(t: Translator) -> dict[str, Any]:
    """What the TLP badge macro and the filters need on every intel page."""
    return {
        "tlp_labels": TLP_LABELS,
        "tlp_meanings": {level: t(text) for level, text in TLP_MEANINGS.items()},
        "tlp_options": [(level, TLP_LABELS[level]) for level in tlp.LEVELS],
        "type_options": [(kind, kind) for kind in STIX_TYPES],
    }


@dataclass(frozen=True)
class Line:
    """One object (latest visible version) as a row of a list."""

    stix_id: str
    type: str
    summary: str
    code: bool  # the summary is a pattern, value or ids, not a name
    tlp: str
    originator: str
    modified: datetime
    added: datetime
    revoked: bool


def _originator(names: dict[uuid.UUID, str], member_id: uuid.UUID | None, t: Translator) -> str:
    if member_id is None:
        return t(N_("The federation"))
    return names.get(member_id, str(member_id))


def _line(
    stix_id: str,
    version_us: int,
    added_us: int,
    level: str,
    member_id: uuid.UUID | None,
    body_text: str | None,
    names: dict[uuid.UUID, str],
    t: Translator,
) -> Line:
    body = orjson.loads(body_text) if body_text else {}
    return Line(
        stix_id,
        str(body.get("type") or stix_id.split("--")[0]),
        *summary_parts(body),
        level,
        _originator(names, member_id, t),
        to_datetime(version_us),
        to_datetime(added_us),
        bool(body.get("revoked")),
    )


def lines_table(title: str, lines: Sequence[Line], t: Translator) -> Table:
    """The rows as a table for CSV/XLSX export (the page draws its own, with TLP badges)."""
    table = Table(
        title,
        [
            Column("type", t(N_("Type")), ltr=True),
            Column("summary", t(N_("Name, pattern or value")), ltr=True),
            Column("tlp", t(N_("TLP")), ltr=True),
            Column("originator", t(N_("Originating member"))),
            Column("modified", t(N_("Modified"))),
            Column("added", t(N_("Added"))),
            Column("stix_id", t(N_("STIX id")), ltr=True),
        ],
    )
    for x in lines:
        level = TLP_LABELS.get(x.tlp, x.tlp)
        table.add([x.type, x.summary, level, x.originator, x.modified, x.added, x.stix_id])
    return table


def _level(value: str | None, errors: FormErrors) -> str | None:
    if not value:
        return None
    if value not in tlp.LEVELS:
        errors.add("tlp", "one of " + ", ".join(tlp.LEVELS))
        return None
    return value


def _kind(value: str | None, errors: FormErrors) -> str | None:
    if not value:
        return None
    if not _TYPE.match(value):
        errors.add("type", "a STIX type such as indicator or ipv4-addr")
        return None
    return value


def _day_us(value: str | None, name: str, errors: FormErrors) -> int | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.add(name, "YYYY-MM-DD")
        return None
    return from_datetime(datetime.combine(day, time(0), tzinfo=UTC))


# --- collections ------------------------------------------------------------------------


@router.get("/intel")
def collections_page(request: Request, web_user: PageUser, session: DbSession) -> Response:
    t = translator(request)
    service.ensure_default_collections(session)
    summaries = service.collection_summaries(session, web_user.principal)
    names = member_names(session)
    rows = [(s, *_collection_text(s.view.collection, names, t)) for s in summaries]
    context = {
        # Inboxes one may post to but not read (every other member's): listed apart.
        "rows": [r for r in rows if r[0].view.can_read],
        "post_only": [r for r in rows if not r[0].view.can_read],
        "kind_labels": {k: t(v) for k, v in COLLECTION_KIND_LABELS.items()},
        "to_datetime": to_datetime,
        "taxii_root": f"/taxii2/{API_ROOT}/",
    }
    return render(request, "intel/collections.html", context)


def _collection_text(
    coll: Collection, names: dict[uuid.UUID, str], t: Translator
) -> tuple[str, str]:
    owner = names.get(coll.owner_member_id) if coll.owner_member_id else None
    return collection_text(coll.kind, coll.title, coll.description, owner, t)


@router.get("/intel/collections/{ref}")
def collection_page(
    request: Request,
    ref: str,
    web_user: PageUser,
    session: DbSession,
    type: str | None = None,
    tlp: str | None = None,
    added_after: str | None = None,
    cursor: str | None = None,
    format: str | None = None,
) -> Response:
    """A collection's objects visible to the reader, newest first, one keyset page (one SQL
    statement: filters and TLP in the WHERE clause)."""
    t = translator(request)
    principal = web_user.principal
    reader = reader_for(session, principal)
    coll = service.readable_collection(session, reader, ref)
    errors = FormErrors()
    kind, level = _kind(type, errors), _level(tlp, errors)
    after_us = _day_us(added_after, "added_after", errors)
    filters = Filters(
        types=(kind,) if kind else (),
        tlps=(level,) if level else (),
        added_after_us=after_us,
        newest_first=True,
        before_us=query.decode_next(cursor) if cursor else None,
        limit=EXPORT_ROWS if format else PAGE_SIZE,
    )
    page = service.read_objects(session, principal, reader, coll, filters, with_body=True)
    names = member_names(session)
    lines = [
        _line(r.stix_id, r.version_us, r.date_added_us, r.tlp, r.member_id, r.body, names, t)
        for r in page.rows
    ]
    if format:
        table = lines_table(_collection_text(coll, names, t)[0], lines, t)
        return export_response(table, format, coll.alias, t.rtl)
    title, description = _collection_text(coll, names, t)
    context = {
        "coll": coll,
        "title": title,
        "description": description,
        "kind_label": t(COLLECTION_KIND_LABELS.get(coll.kind, coll.kind)),
        "lines": lines,
        "errors": errors,
        "type": type or "",
        "tlp": tlp or "",
        "added_after": added_after or "",
        "query": query_string(type=kind, tlp=level, added_after=added_after if after_us else None),
        "cursor": cursor,
        "next_cursor": page.next,
        "taxii_url": f"/taxii2/{API_ROOT}/collections/{coll.id}/",
        **tlp_context(t),
    }
    return render(request, "intel/collection.html", context)


# --- search -----------------------------------------------------------------------------


@router.get("/intel/search")
def search_page(
    request: Request,
    web_user: PageUser,
    session: DbSession,
    value: str | None = None,
    text: str | None = None,
    type: str | None = None,
    tlp: str | None = None,
    cursor: str | None = None,
    format: str | None = None,
) -> Response:
    """Objects across every collection, newest first: by an observable value (its shape says
    whether it is an IP, a domain, a URL, a hash…), a STIX id, text, type and TLP."""
    t = translator(request)
    principal = web_user.principal
    errors = FormErrors()
    kind, level = _kind(type, errors), _level(tlp, errors)
    value, text = (value or "").strip(), (text or "").strip()
    lines: list[Line] = []
    correlations: list[analysis.ValueCorrelation] = []
    next_cursor = None
    if not errors:
        try:
            found = analysis.search(
                session,
                principal,
                value=value or None,
                text=text or None,
                types=(kind,) if kind else (),
                tlp=level,
                cursor=cursor,
                limit=SEARCH_EXPORT_ROWS if format else PAGE_SIZE,
            )
            if value:
                correlations = analysis.correlate_text(session, principal, value)
        except InvalidInput as exc:
            errors = FormErrors.of(exc, t.locale, ("value", "text", "cursor"))
        else:
            names = member_names(session)
            lines = [_stored_line(r, names, t) for r in found.rows]
            next_cursor = found.next_cursor
    if format and not errors:
        table = lines_table(t(N_("Search results")), lines, t)
        return export_response(table, format, "search", t.rtl)
    context = {
        "lines": lines,
        "correlations": [c for c in correlations if c.warninglist or c.members],
        "errors": errors,
        "value": value,
        "text": text,
        "type": type or "",
        "tlp": tlp or "",
        "filtered": bool(value or text or kind or level),
        "query": query_string(value=value, text=text, type=kind, tlp=level),
        "cursor": cursor,
        "next_cursor": next_cursor,
        "text_window": analysis.TEXT_WINDOW,
        **tlp_context(t),
    }
    return render(request, "intel/search.html", context, status_code=422 if errors else 200)


def _stored_line(row: StoredObject, names: dict[uuid.UUID, str], t: Translator) -> Line:
    return _line(
        row.stix_id, row.version_us, row.date_added_us, row.tlp, row.member_id, row.body, names, t
    )


# --- one object ---------------------------------------------------------------------------


def _sighting_form(
    views: Sequence[service.CollectionView],
    names: dict[uuid.UUID, str],
    t: Translator,
    form: dict[str, Any] | None,
) -> dict[str, Any]:
    """The collections a sighting may go to (those the user may write, but the landscape's)
    and the form's values: as posted, or defaults (community, today, TLP:AMBER)."""
    writable = [v.collection for v in views if v.can_write and v.collection.kind != "landscape"]
    default = next((c.alias for c in writable if c.kind == "community"), "")
    today = datetime.now(UTC).date().isoformat()
    return {
        "writable": [(c.alias, _collection_text(c, names, t)[0]) for c in writable],
        "form": form
        or {
            "collection": default or (writable[0].alias if writable else ""),
            "count": 1,
            "first_seen": today,
            "last_seen": today,
            "tlp": tlp.AMBER,
        },
    }


def _object_page(
    request: Request,
    session: Session,
    principal: Principal,
    stix_id: str,
    form: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    t = translator(request)
    row = service.latest_visible(session, principal, stix_id)  # 404 unless visible; audited
    body = orjson.loads(row.body)
    views = service.list_collections(session, principal)
    readable = {v.collection.id: v.collection for v in views if v.can_read}
    names = member_names(session)
    versions = service.visible_versions(session, principal, row.stix_id)
    sightable = row.type in SIGHTABLE
    context = {
        "row": row,
        "summary": summary_parts(body),
        "fields": key_fields(body),
        "markings": markings_of(body),
        "refs": refs_in(body),
        "json": pretty_json(body),
        "originator": _originator(names, row.member_id, t),
        "collection": readable.get(row.collection_id),
        "collection_titles": {
            cid: _collection_text(coll, names, t)[0] for cid, coll in readable.items()
        },
        "versions": versions,
        "version_originator": {v.member_id: _originator(names, v.member_id, t) for v in versions},
        "to_datetime": to_datetime,
        "sightable": sightable,
        "sightings": (
            analysis.sighting_summary(session, principal, row.stix_id) if sightable else None
        ),
        "correlations": analysis.correlate_object(session, principal, row.stix_id),
        "fan_out_cap": analysis.FAN_OUT_CAP,
        **(_sighting_form(views, names, t, form) if sightable else {"writable": []}),
        "errors": errors or FormErrors(),
        **tlp_context(t),
    }
    status = 422 if errors else 200
    return render(request, "intel/object.html", context, status_code=status)


@router.get("/intel/objects/{stix_id}")
def object_page(request: Request, stix_id: str, web_user: PageUser, session: DbSession) -> Response:
    return _object_page(request, session, web_user.principal, stix_id)


@router.post("/intel/objects/{stix_id}/sightings")
def record_sighting(
    request: Request, stix_id: str, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    """Report a sighting of a visible object into a collection the user may write to."""
    principal = web_user.principal
    t = translator(request)
    values = form_values(form)
    try:
        data = parse(SightingIn, {k: v for k, v in values.items() if k in SIGHTING_FIELDS})
        coll = service.find_collection(session, data.collection)
        if coll is None or coll.kind == "landscape":
            raise InvalidInput("no such collection", [FieldError("collection", "not writable")])
        # Visibility first (an unseen object is a 404), then write access (push: a 403).
        analysis.record_sighting(
            session,
            principal,
            coll,
            stix_id,
            count=data.count,
            first_seen=datetime.combine(data.first_seen, time(0), tzinfo=UTC),
            last_seen=datetime.combine(data.last_seen, time(0), tzinfo=UTC),
            level=data.tlp,
        )
    except InvalidInput as exc:
        session.rollback()
        errors = FormErrors.of(exc, t.locale, SIGHTING_FIELDS)
        return _object_page(request, session, principal, stix_id, values, errors)
    return redirect(f"/intel/objects/{stix_id}#sightings", N_("Sighting recorded."))
