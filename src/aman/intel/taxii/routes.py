"""TAXII 2.1 endpoints. Thin: negotiate, authenticate, parse filters, call the service, shape.

Responses are assembled from the stored JSON text of each object without re-parsing it, which
is why a 1,000-object page costs little more than a 10-object one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match

from aman.auth.permissions import Principal
from aman.errors import AmanError, NotAuthenticated, TooManyAttempts
from aman.intel import query, service
from aman.intel.access import can_read, can_write
from aman.intel.models import Collection, IngestStatus
from aman.intel.query import Filters
from aman.intel.taxii import params
from aman.intel.taxii.auth import REALM, authenticate
from aman.intel.taxii.media import (
    STIX_MEDIA,
    TAXII_MEDIA,
    TaxiiError,
    check_accept,
    check_content_type,
    error_response,
    taxii_json,
    too_large,
)
from aman.intel.timestamps import format_us, from_datetime
from aman.intel.visibility import Reader, reader_for
from aman.middleware import register_too_large
from aman.settings import Settings

log = logging.getLogger("aman.taxii")
API_ROOT = "intel"


def _as_taxii_error(exc: Exception) -> TaxiiError:
    if isinstance(exc, TaxiiError):
        return exc
    if isinstance(exc, NotAuthenticated):
        return TaxiiError(401, "Unauthorized", exc.detail, headers={"WWW-Authenticate": REALM})
    if isinstance(exc, TooManyAttempts):
        return TaxiiError(429, exc.title, exc.detail, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, AmanError):
        details = {"errors": [e.as_dict() for e in exc.errors]} if exc.errors else None
        return TaxiiError(exc.status, exc.title, exc.detail, details)
    if isinstance(exc, RequestValidationError):
        return TaxiiError(400, "Bad Request", "the request does not match the expected shape")
    if isinstance(exc, HTTPException):
        return TaxiiError(exc.status_code, str(exc.detail), str(exc.detail))
    log.exception("unhandled TAXII error")
    return TaxiiError(500, "Internal Server Error", "an unexpected error occurred; it was logged")


class TaxiiRoute(APIRoute):
    """Every error under /taxii2/ becomes a TAXII error object, never an HTML or RFC 9457 body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except Exception as exc:
                return error_response(_as_taxii_error(exc))

        return handler


router = APIRouter(prefix="/taxii2", route_class=TaxiiRoute, tags=["taxii"])
register_too_large(router.prefix, too_large)  # bodies beyond the platform cap: a TAXII 413


@contextmanager
def _context(request: Request) -> Iterator[tuple[Session, Principal]]:
    """Content negotiation, one transaction, and the authenticated principal."""
    check_accept(request)
    settings: Settings = request.app.state.settings
    session: Session = request.app.state.sessionmaker()
    try:
        principal = authenticate(session, request, settings)
        yield session, principal
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _root(api_root: str) -> None:
    if api_root != API_ROOT:
        raise TaxiiError(404, "Not Found", f"no API root {api_root!r}")


def _collection(session: Session, collection_id: str) -> Collection:
    try:
        uuid.UUID(collection_id)
    except ValueError:
        raise TaxiiError(404, "Not Found", "no such collection") from None
    coll = service.find_collection(session, collection_id)
    if coll is None:
        raise TaxiiError(404, "Not Found", "no such collection")
    return coll


def _readable(session: Session, reader: Reader, collection_id: str) -> Collection:
    coll = _collection(session, collection_id)
    if not can_read(reader, coll):
        raise TaxiiError(403, "Forbidden", f"{reader.label} may not read this collection")
    return coll


def _object_id(object_id: str) -> str:
    if "\x00" in object_id or len(object_id) > 300:
        raise TaxiiError(404, "Not Found", "no such object")
    return object_id


def version_string(us: int) -> str:
    """A version timestamp with millisecond precision when that loses nothing."""
    text = format_us(us)
    return text[:-4] + "Z" if us % 1000 == 0 else text


def _page_headers(page: query.Page) -> dict[str, str]:
    if not page.rows:
        return {}
    return {
        "X-TAXII-Date-Added-First": format_us(page.rows[0].date_added_us),
        "X-TAXII-Date-Added-Last": format_us(page.rows[-1].date_added_us),
    }


def _envelope(page: query.Page) -> bytes:
    head: dict[str, Any] = {"more": page.more}
    if page.next:
        head["next"] = page.next
    if not page.rows:
        return orjson.dumps(head)
    prefix = orjson.dumps(head)[:-1]
    objects = ",".join(row.body or "null" for row in page.rows)
    return prefix + b',"objects":[' + objects.encode() + b"]}"


@router.get("/", summary="TAXII discovery")
def discovery(request: Request) -> Response:
    with _context(request):
        base = str(request.base_url).rstrip("/")
        root = f"{base}/taxii2/{API_ROOT}/"
        return taxii_json(
            {
                "title": "Aman threat-intelligence exchange",
                "description": "STIX 2.1 over TAXII 2.1 for the federation's members, with "
                "TLP 2.0 enforced per member.",
                "contact": "the federation secretariat",
                "default": root,
                "api_roots": [root],
            }
        )


@router.get("/{api_root}/", summary="TAXII API root")
def api_root_info(api_root: str, request: Request) -> Response:
    with _context(request):
        _root(api_root)
        return taxii_json(
            {
                "title": "Aman intelligence",
                "description": "Collections are views computed for the requesting member.",
                "versions": [TAXII_MEDIA],
                "max_content_length": max_content_length(request),
            }
        )


def max_content_length(request: Request) -> int:
    """Half the platform's request cap: envelopes between the two get a TAXII 413 from here;
    anything beyond the cap is cut off by the platform middleware before it is read."""
    settings: Settings = request.app.state.settings
    return max(1024, settings.max_upload_bytes // 2)


def _status_json(row: IngestStatus) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(row.id),
        "status": row.status,
        "request_timestamp": format_us(from_datetime(row.request_timestamp)),
        "total_count": row.total_count,
        "success_count": row.success_count,
        "failure_count": row.failure_count,
        "pending_count": row.pending_count,
    }
    if row.successes:
        data["successes"] = row.successes
    if row.failures:
        data["failures"] = row.failures
    return data


@router.get("/{api_root}/status/{status_id}/", summary="TAXII status of a POST")
@router.get("/{api_root}/status/{status_id}", include_in_schema=False)  # taxii2-client's form
def get_status(api_root: str, status_id: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        try:
            sid = uuid.UUID(status_id)
        except ValueError:
            raise TaxiiError(404, "Not Found", "no such status") from None
        return taxii_json(_status_json(service.get_status(session, principal, sid)))


def _collection_json(view: service.CollectionView) -> dict[str, Any]:
    coll = view.collection
    return {
        "id": str(coll.id),
        "title": coll.title,
        "description": coll.description,
        "alias": coll.alias,
        "can_read": view.can_read,
        "can_write": view.can_write,
        "media_types": [STIX_MEDIA],
    }


@router.get("/{api_root}/collections/", summary="TAXII collections")
def list_collections(api_root: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        service.ensure_default_collections(session)
        views = service.list_collections(session, principal)
        body: dict[str, Any] = {}
        if views:
            body["collections"] = [_collection_json(v) for v in views]
        return taxii_json(body)


@router.get("/{api_root}/collections/{collection_id}/", summary="TAXII collection")
def get_collection(api_root: str, collection_id: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        for view in service.list_collections(session, principal):
            if str(view.collection.id) == collection_id:
                return taxii_json(_collection_json(view))
        raise TaxiiError(404, "Not Found", "no such collection")


@router.get("/{api_root}/collections/{collection_id}/manifest/", summary="TAXII manifest")
def get_manifest(api_root: str, collection_id: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        filters = params.parse(request, params.OBJECTS)
        reader = reader_for(session, principal)
        coll = _readable(session, reader, collection_id)
        page = service.read_objects(session, principal, reader, coll, filters, with_body=False)
        body: dict[str, Any] = {"more": page.more}
        if page.next:
            body["next"] = page.next
        if page.rows:
            body["objects"] = [
                {
                    "id": r.stix_id,
                    "date_added": format_us(r.date_added_us),
                    "version": version_string(r.version_us),
                    "media_type": STIX_MEDIA,
                }
                for r in page.rows
            ]
        return taxii_json(body, headers=_page_headers(page))


@router.get("/{api_root}/collections/{collection_id}/objects/", summary="TAXII get objects")
def get_objects(api_root: str, collection_id: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        filters = params.parse(request, params.OBJECTS)
        reader = reader_for(session, principal)
        coll = _readable(session, reader, collection_id)
        page = service.read_objects(session, principal, reader, coll, filters, with_body=True)
        return Response(_envelope(page), media_type=TAXII_MEDIA, headers=_page_headers(page))


async def _envelope_objects(request: Request) -> list[object]:
    check_content_type(request)
    limit = max_content_length(request)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TaxiiError(413, "Payload Too Large", f"the envelope exceeds {limit} bytes")
    raw = await request.body()
    if len(raw) > limit:
        raise TaxiiError(413, "Payload Too Large", f"the envelope exceeds {limit} bytes")
    try:
        envelope = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise TaxiiError(400, "Bad Request", f"the body is not JSON: {exc}") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise TaxiiError(400, "Bad Request", "the body must be an envelope with an objects list")
    objects: list[object] = envelope["objects"]
    return objects


@router.post(
    "/{api_root}/collections/{collection_id}/objects/",
    summary="TAXII add objects",
    status_code=202,
)
async def add_objects(api_root: str, collection_id: str, request: Request) -> Response:
    check_accept(request)
    _root(api_root)
    if not request.headers.get("authorization"):  # do not read a stranger's body first
        raise NotAuthenticated("send HTTP Basic credentials or an API token (Bearer)")
    objects = await _envelope_objects(request)
    return await run_in_threadpool(_store_objects, request, collection_id, objects)


def _store_objects(request: Request, collection_id: str, objects: list[object]) -> Response:
    with _context(request) as (session, principal):
        reader = reader_for(session, principal)
        coll = _collection(session, collection_id)
        if not (can_read(reader, coll) or can_write(principal, reader, coll)):
            raise TaxiiError(404, "Not Found", "no such collection")
        status, _ = service.push(session, principal, coll, objects)
        return taxii_json(_status_json(status), 202)


@router.get(
    "/{api_root}/collections/{collection_id}/objects/{object_id}/", summary="TAXII get object"
)
def get_object(api_root: str, collection_id: str, object_id: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        filters = params.parse(request, params.ONE_OBJECT)
        object_id = _object_id(object_id)
        reader = reader_for(session, principal)
        coll = _readable(session, reader, collection_id)
        if not query.exists_visible(session, reader, coll.id, object_id):
            raise TaxiiError(404, "Not Found", f"no object {object_id[:300]} here")
        filters = _with_id(filters, object_id)
        page = service.read_objects(session, principal, reader, coll, filters, with_body=True)
        return Response(_envelope(page), media_type=TAXII_MEDIA, headers=_page_headers(page))


def _with_id(filters: Filters, object_id: str) -> Filters:
    return Filters(
        added_after_us=filters.added_after_us,
        ids=(object_id,),
        versions=filters.versions,
        spec_versions=filters.spec_versions,
        limit=filters.limit,
        after_us=filters.after_us,
    )


@router.delete(
    "/{api_root}/collections/{collection_id}/objects/{object_id}/",
    summary="TAXII delete object",
)
def delete_object(api_root: str, collection_id: str, object_id: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        filters = service.default_delete_versions(params.parse(request, params.DELETE))
        object_id = _object_id(object_id)
        reader = reader_for(session, principal)
        coll = _readable(session, reader, collection_id)
        service.delete_object(session, principal, reader, coll, object_id, filters)
        return Response(status_code=200, media_type=TAXII_MEDIA)


@router.get(
    "/{api_root}/collections/{collection_id}/objects/{object_id}/versions/",
    summary="TAXII object versions",
)
def get_versions(api_root: str, collection_id: str, object_id: str, request: Request) -> Response:
    with _context(request) as (session, principal):
        _root(api_root)
        object_id = _object_id(object_id)
        filters = _with_id(params.parse(request, params.VERSIONS), object_id)
        reader = reader_for(session, principal)
        coll = _readable(session, reader, collection_id)
        if not query.exists_visible(session, reader, coll.id, object_id):
            raise TaxiiError(404, "Not Found", f"no object {object_id[:300]} here")
        page = service.read_objects(
            session, principal, reader, coll, filters, with_body=False, default_version=query.ALL
        )
        body: dict[str, Any] = {"more": page.more}
        if page.next:
            body["next"] = page.next
        if page.rows:
            body["versions"] = [version_string(r.version_us) for r in page.rows]
        return taxii_json(body, headers=_page_headers(page))


@router.api_route(
    "/{path:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    include_in_schema=False,
)
def not_found(path: str, request: Request) -> Response:
    """Unknown TAXII URLs get TAXII errors too (405 where the path exists for other methods)."""
    for route in router.routes:
        if route is request.scope.get("route"):
            continue
        if isinstance(route, APIRoute) and route.path_regex.match(request.url.path):
            match, _ = route.matches(request.scope)
            if match is Match.PARTIAL:
                raise TaxiiError(405, "Method Not Allowed", f"{request.method} is not allowed")
    raise TaxiiError(404, "Not Found", f"no TAXII resource at /taxii2/{path[:200]}")
