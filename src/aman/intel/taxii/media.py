"""TAXII media types, content negotiation, and the TAXII error object."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

TAXII_MEDIA = "application/taxii+json;version=2.1"
STIX_MEDIA = "application/stix+json;version=2.1"


class TaxiiError(Exception):
    """An error to render as a TAXII error object."""

    def __init__(
        self,
        status: int,
        title: str,
        description: str = "",
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.description = description
        self.details = details
        self.headers = headers or {}


def taxii_json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type=TAXII_MEDIA, headers=headers)


def error_response(exc: TaxiiError) -> Response:
    body: dict[str, Any] = {"title": exc.title, "http_status": str(exc.status)}
    if exc.description:
        body["description"] = exc.description
    if exc.details:
        body["details"] = exc.details
    return taxii_json(body, exc.status, exc.headers)


def too_large(limit: int) -> tuple[str, bytes]:
    """The TAXII error for a request cut off by the platform's body-size limit (registered
    with `aman.middleware` for every path under /taxii2)."""
    body = {
        "title": "Payload Too Large",
        "http_status": "413",
        "description": f"the request body exceeds the server's limit of {limit} bytes",
    }
    return TAXII_MEDIA, orjson.dumps(body)


def _media_ok(media_range: str, allow_wildcards: bool) -> bool:
    parts = [p.strip() for p in media_range.split(";")]
    kind = parts[0].lower()
    params = {}
    for p in parts[1:]:
        key, _, value = p.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    if allow_wildcards and kind in ("*/*", "application/*"):
        return True
    if kind != "application/taxii+json":
        return False
    return params.get("version", "2.1") == "2.1"


def check_accept(request: Request) -> None:
    """406 unless the client accepts TAXII 2.1 JSON (a missing Accept header accepts all)."""
    accept = request.headers.get("accept")
    if not accept:
        return
    if not any(_media_ok(r, allow_wildcards=True) for r in accept.split(",")):
        raise TaxiiError(
            406,
            "Not Acceptable",
            f"this server answers with {TAXII_MEDIA}; the Accept header was {accept[:200]!r}",
        )


def check_content_type(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    if not _media_ok(content_type, allow_wildcards=False):
        raise TaxiiError(
            415,
            "Unsupported Media Type",
            f"send envelopes as {TAXII_MEDIA}; the Content-Type was {content_type[:200]!r}",
        )
