"""Rendering pages: one Jinja2 environment, `render()`, and the page route that turns errors
into pages (a redirect to login, a 403/404 page) instead of JSON problems.

A view does: `router = page_router()`, then in a handler `return render(request,
"slice/page.html", {...})`. Every template extends `base.html` and gets `_`/`ngettext`, the
locale and direction, the CSRF token, the user, the navigation and locale-aware filters.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Coroutine, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from aman import __version__
from aman.auth.roles import ANALYST, ASSESSOR, FEDERATION_ADMIN, MEMBER_ADMIN, VIEWER
from aman.errors import AmanError, NotAuthenticated
from aman.web import nav
from aman.web.auth import LoginRequired, WebUser, login_url
from aman.web.forms import ANON_CSRF_COOKIE, CsrfFailed, csrf_token
from aman.web.i18n import (
    LANGUAGES,
    N_,
    Formatter,
    direction,
    gettext,
    request_locale,
    translations,
)

log = logging.getLogger("aman.web")
WEB_DIR = Path(__file__).parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
FLASH_COOKIE = "aman_flash"
ROLE_LABELS = {
    FEDERATION_ADMIN: N_("Federation administrator"),
    MEMBER_ADMIN: N_("Member administrator"),
    ANALYST: N_("Analyst"),
    ASSESSOR: N_("Assessor"),
    VIEWER: N_("Viewer"),
}


# Jinja marks what `_()` returns as safe HTML. The result is escaped here first: `_(value)` of
# a value that is not in the catalogue returns the value itself, which may be anyone's text.
@pass_context
def _gettext(ctx: Context, message: str) -> Markup:
    return escape(translations(ctx.get("locale", "en")).gettext(message))


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int) -> Markup:
    return escape(translations(ctx.get("locale", "en")).ngettext(singular, plural, n))


def _fmt(ctx: Context) -> Formatter:
    return Formatter(ctx.get("locale", "en"))


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """`/static/<path>?v=<content hash>`: browsers may cache assets for as long as they like."""
    file = (STATIC_DIR / path).resolve()
    if not file.is_relative_to(STATIC_DIR.resolve()) or not file.is_file():
        raise FileNotFoundError(f"no static file {path}")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    return f"/static/{path}?v={digest}"


def _make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = pass_context(lambda c, v, d=None: _fmt(c).number(v, d))
    env.filters["percent"] = pass_context(lambda c, v, d=0: _fmt(c).percent(v, d))
    env.filters["date"] = pass_context(lambda c, v, f="medium": _fmt(c).date(v, f))
    env.filters["datetime"] = pass_context(lambda c, v, f="medium": _fmt(c).datetime(v, f))
    env.globals["static"] = static_url
    env.globals["version"] = __version__
    env.globals["languages"] = LANGUAGES
    env.globals["role_labels"] = ROLE_LABELS
    return env


templates = _make_env()


def base_context(request: Request) -> dict[str, Any]:
    """What every page knows: the locale, the user and their navigation, the CSRF token."""
    locale = request_locale(request)
    web_user = getattr(request.state, "web_user", None)
    web_user = web_user if isinstance(web_user, WebUser) else None
    principal = web_user.principal if web_user else None
    return {
        "request": request,
        "locale": locale,
        "dir": direction(locale),
        "fmt": Formatter(locale),
        "web_user": web_user,
        "principal": principal,
        "nav_items": nav.items_for(principal),
        "current_path": request.url.path,
        "csrf_token": csrf_token(request),
        # Translated here, not with `_()` in the template: the cookie is client data and
        # `_()` would %-format it.
        "flash": gettext(locale, flash) if (flash := request.cookies.get(FLASH_COOKIE)) else None,
        "is_htmx": is_htmx(request),
    }


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render `template` with the base context plus `context` into an HTML response."""
    data = base_context(request)
    data.update(context or {})
    html = templates.get_template(template).render(data)
    response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie, Accept-Language"
    settings = request.app.state.settings
    new_csrf = getattr(request.state, "new_csrf", None)
    if new_csrf and not request.cookies.get(ANON_CSRF_COOKIE):
        response.set_cookie(
            ANON_CSRF_COOKIE,
            new_csrf,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            path="/",
        )
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def render_fragment(request: Request, template: str, context: Mapping[str, Any]) -> str:
    """A template rendered to markup (for htmx partials and macros used outside pages)."""
    data = base_context(request)
    data.update(context)
    return Markup(templates.get_template(template).render(data))  # noqa: S704 - autoescaped


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def redirect(url: str, flash: str | None = None) -> RedirectResponse:
    """303 See Other after a successful POST; `flash` (an English msgid, shown translated on the
    next page) confirms what happened."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, flash[:200], httponly=True, samesite="lax", path="/")
    return response


# --- errors as pages ---------------------------------------------------------------------

ERROR_TITLES = {
    400: N_("Bad request"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Payload too large"),
    422: N_("Invalid input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}


def error_page(request: Request, status: int, detail: str | None = None) -> HTMLResponse:
    """The page for an error: the title is translated; a service's detail is shown as is."""
    title = ERROR_TITLES.get(status, N_("Error"))
    if detail:
        detail = gettext(request_locale(request), detail)  # ours are msgids; services' stay
    context = {"status": status, "title": title, "detail": detail}
    return render(request, "error.html", context, status_code=status)


def _rollback(request: Request) -> None:
    """Undo the request's writes: the session dependency would otherwise commit them."""
    session = getattr(request.state, "db", None)
    if session is not None:
        session.rollback()


def _page_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, LoginRequired):
        return RedirectResponse(login_url(exc.next_path), status_code=303)
    _rollback(request)
    if isinstance(exc, NotAuthenticated):
        return RedirectResponse(login_url(request.url.path), status_code=303)
    if isinstance(exc, CsrfFailed):
        return error_page(request, 403, N_("The form expired or did not come from this site."))
    if isinstance(exc, AmanError):
        # A tenant's object outside the principal's reach is a 404 in the services already.
        return error_page(request, exc.status, exc.detail)
    if isinstance(exc, RequestValidationError):
        return error_page(request, 404)
    log.exception("unhandled error on page %s %s", request.method, request.url.path)
    return error_page(request, 500)


class PageRoute(APIRoute):
    """A route whose errors become pages: login redirect, 403, 404, 422 or 500 with the site's
    layout, and whose writes are rolled back when it fails."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except Exception as exc:
                return _page_error(request, exc)

        return handler


def page_router(**kwargs: Any) -> APIRouter:
    """An APIRouter for HTML pages (left out of the OpenAPI document)."""
    kwargs.setdefault("include_in_schema", False)
    kwargs.setdefault("default_response_class", HTMLResponse)
    return APIRouter(route_class=PageRoute, **kwargs)
