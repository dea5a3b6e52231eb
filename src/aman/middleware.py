"""Pure ASGI middleware: request ids, request-size limits and security headers."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aman.auth.audit import request_id_var

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
]
# Swagger UI needs its inline bootstrap script; its page gets a looser policy of its own.
DOCS_PATHS = ("/api/docs", "/api/redoc")

#: limit in bytes → (media type, body) of the 413 answer for one path prefix.
TooLargeBody = Callable[[int], tuple[str, bytes]]
_TOO_LARGE: dict[str, TooLargeBody] = {}


def register_too_large(prefix: str, render: TooLargeBody) -> None:
    """Answer oversized requests under `prefix` (e.g. `/taxii2`) in that protocol's own error
    format instead of RFC 9457: a slice registers this, the middleware imports no slice."""
    _TOO_LARGE[prefix.rstrip("/")] = render


def too_large_body(path: str, limit: int) -> tuple[str, bytes]:
    """The media type and body of a 413 for `path` (the longest registered prefix wins)."""
    for prefix in sorted(_TOO_LARGE, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + "/"):
            return _TOO_LARGE[prefix](limit)
    body: dict[str, Any] = {
        "type": "urn:aman:problem:payload-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": f"the request body exceeds {limit} bytes",
        "instance": path,
    }
    return "application/problem+json", orjson.dumps(body)


class RequestContext:
    """Assigns each request an id (or keeps a sane X-Request-ID), enforces the body size limit
    while streaming (Content-Length may lie or be absent), and adds security headers."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        try:
            declared = headers.get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_body:
                await self._reject(scope, send, request_id)
                return
            await self._guarded(scope, receive, send, request_id)
        finally:
            request_id_var.reset(token)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        seen = 0
        started = False
        too_large = False

        async def limited_receive() -> Message:
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    # Tell the app the client went away (frameworks swallow other errors while
                    # parsing bodies); the 413 below is the only response that goes out.
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if too_large:
                return
            if message["type"] == "http.response.start":
                started = True
                extra = [(b"x-request-id", request_id.encode())]
                docs = scope["path"].startswith(DOCS_PATHS)
                extra += SECURITY_HEADERS[:3] if docs else SECURITY_HEADERS
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._reject(scope, send, request_id)

    async def _reject(self, scope: Scope, send: Send, request_id: str) -> None:
        media_type, body = too_large_body(scope["path"], self.max_body)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", media_type.encode("latin-1")),
                    (b"x-request-id", request_id.encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
