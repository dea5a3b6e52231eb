"""The pages every user meets: login, logout, the language switcher and home."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aman.auth import service as auth_service
from aman.auth.api import client_ip
from aman.auth.deps import SESSION_COOKIE, get_settings_dep, session_token_from_cookie, signer
from aman.auth.schemas import UserPatch
from aman.errors import TooManyAttempts
from aman.settings import Settings
from aman.web import nav
from aman.web.auth import MaybeUser, PageUser, safe_next
from aman.web.forms import CsrfForm, RawForm, check_csrf
from aman.web.i18n import LANG_COOKIE, N_, supported
from aman.web.render import page_router, redirect, render

router = page_router()
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
LANG_COOKIE_SECONDS = 365 * 24 * 3600

nav.register(nav.NavItem("home", N_("Home"), "/", 0, nav.anyone))


def _text(form: CsrfForm, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, web_user: MaybeUser, next: str = "/") -> Response:
    if web_user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "email": ""})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, form: CsrfForm, settings: AppSettings) -> Response:
    """Check the password (with the API's back-off), open a web session, set the cookie."""
    session = request.state.db
    email, password = _text(form, "email"), form.get("password")
    target = safe_next(_text(form, "next"))
    context: dict[str, Any] = {"next": target, "email": email}
    if not email or not isinstance(password, str) or not password:
        context["error"] = N_("Enter your e-mail address and password.")
        return render(request, "login.html", context, status_code=422)
    try:
        user = auth_service.attempt_login(
            session, email, password, client_ip(request, settings), settings
        )
    except TooManyAttempts as exc:
        context["retry_after"] = exc.retry_after
        headers = {"Retry-After": str(exc.retry_after)}
        return render(request, "login.html", context, status_code=429, headers=headers)
    if user is None:
        session.commit()  # keep the failure counters for the back-off
        context["error"] = N_("Wrong e-mail address or password.")
        return render(request, "login.html", context, status_code=401)
    token, _ = auth_service.create_web_session(session, user, settings)
    session.commit()  # the next page must find the session, whatever the timing
    response = redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        signer(settings).sign(token).decode(),
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, form: RawForm, web_user: MaybeUser, settings: AppSettings) -> Response:
    """End the session (CSRF-checked); an already expired session just clears the cookie."""
    token = session_token_from_cookie(request, settings)
    if web_user is not None and token:
        check_csrf(request, form, web_user)
        auth_service.end_web_session(request.state.db, token)
        request.state.db.commit()
    response = redirect("/login", flash=N_("You have logged out."))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def switch_language(
    request: Request, form: CsrfForm, web_user: MaybeUser, settings: AppSettings
) -> Response:
    """Remember the language in a cookie and, for a logged-in user, in their settings."""
    lang = supported(_text(form, "lang")) or settings.default_locale
    if web_user is not None and web_user.user.locale != lang:
        auth_service.update_user(
            request.state.db, web_user.principal, web_user.user.id, UserPatch(locale=lang)
        )
        request.state.db.commit()
    response = redirect(safe_next(_text(form, "next")))
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=LANG_COOKIE_SECONDS,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, web_user: PageUser) -> Response:
    items = [i for i in nav.items_for(web_user.principal) if i.key != "home"]
    return render(request, "home.html", {"sections": items})
