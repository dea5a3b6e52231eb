"""Plugging the web UI into the application: static files, page routers, HTML 404s."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from aman.web.render import STATIC_DIR, error_page

# Paths that belong to machines: their errors stay RFC 9457 problem documents.
MACHINE_PREFIXES = ("/api/", "/api", "/taxii2", "/static/", "/healthz", "/readyz")


class CachedStatic(StaticFiles):
    """Static files with a long cache life: their URLs carry a content hash (`static()`)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200 and b"v=" in scope.get("query_string", b""):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(MACHINE_PREFIXES):
        return False
    return "application/json" not in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """Mount `/static`, include the page routers and answer unknown page paths with a page."""
    from aman.frameworks.views import router as frameworks_pages
    from aman.registry.views import router as registry_pages
    from aman.web.routes import router as core_pages

    app.mount("/static", CachedStatic(directory=STATIC_DIR), name="static")
    app.include_router(core_pages)
    app.include_router(registry_pages)
    app.include_router(frameworks_pages)

    api_handler = app.exception_handlers.get(StarletteHTTPException)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code in (404, 405) and _wants_page(request) and api_handler is not None:
            return error_page(request, exc.status_code)
        if api_handler is None:  # pragma: no cover - problems.install always registers one
            raise exc
        return await api_handler(request, exc)  # type: ignore[no-any-return,misc]

    app.add_exception_handler(StarletteHTTPException, http_error)
