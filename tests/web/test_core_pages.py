"""Login, logout, language, home and error pages through the TestClient (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aman.settings import Settings


def test_pages_redirect_to_login_with_the_local_path(client: Any, web_world: Any) -> None:
    response = client.get("/members?country=MY", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/members%3Fcountry%3DMY"
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert 'name="next" value="/members?country=MY"' in page.text


def test_login_sets_a_hardened_session_cookie_and_goes_to_next(
    client: Any, web_world: Any, web: Any
) -> None:
    page = client.get("/login?next=/organisations")
    response = client.post(
        "/login",
        data={
            "email": web.email("a_admin"),
            "password": web.password,
            "next": "/organisations",
            "csrf_token": web.csrf(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/organisations"
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("aman_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie
    assert client.get("/organisations").status_code == 200


def test_next_may_not_leave_the_site(client: Any, web_world: Any, web: Any) -> None:
    page = client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/"' in page.text
    response = client.post(
        "/login",
        data={
            "email": web.email("a_admin"),
            "password": web.password,
            "next": "https://evil.example/",
            "csrf_token": web.csrf(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_secure_cookie_behind_https(settings: Settings, web_world: Any, web: Any) -> None:
    from aman.app import create_app

    app = create_app(settings.model_copy(update={"secure_cookies": True}))
    try:
        with TestClient(app, base_url="https://testserver") as https_client:
            web.login(https_client, "a_admin")
            cookies = [c for c in https_client.cookies.jar if c.name == "aman_session"]
            assert cookies and all(c.secure for c in cookies)
    finally:
        app.state.engine.dispose()


def test_wrong_password_is_refused_with_a_message(client: Any, web_world: Any, web: Any) -> None:
    response = web.login_attempt(client, "a_admin", "not-the-password")
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.text
    assert "aman_session" not in response.headers.get("set-cookie", "")


def test_backoff_shows_a_friendly_page(client: Any, web_world: Any, web: Any) -> None:
    for _ in range(3):  # settings: login_max_failures=3
        assert web.login_attempt(client, "a_viewer", "wrong-password-1").status_code == 401
    blocked = web.login_attempt(client, "a_viewer", web.password)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1
    assert "Too many failed logins" in blocked.text
    assert 'role="alert"' in blocked.text


def test_login_without_csrf_token_is_refused(client: Any, web_world: Any, web: Any) -> None:
    response = client.post(
        "/login",
        data={"email": web.email("a_admin"), "password": web.password},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "aman_session" not in response.headers.get("set-cookie", "")


def test_logout_needs_csrf_and_ends_the_session(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_admin")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200
    stolen = client.cookies.get("aman_session")
    response = web.post(client, "/logout", {}, page_url="/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    client.cookies.set("aman_session", stolen)  # the old cookie no longer opens anything
    assert client.get("/", follow_redirects=False).status_code == 303
    again = client.post("/logout", data={}, follow_redirects=False)  # ended session: no 403
    assert again.status_code == 303 and again.headers["location"] == "/login"


def test_api_login_cookie_opens_pages_too(client: Any, web_world: Any, web: Any) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": web.email("a_admin"), "password": web.password}
    )
    assert response.status_code == 200
    assert client.get("/members", follow_redirects=False).status_code == 200


def test_language_switch_for_a_visitor(client: Any, web_world: Any, web: Any) -> None:
    response = web.post(client, "/language", {"lang": "ar", "next": "/login"}, page_url="/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    page = client.get("/login")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "كلمة المرور" in page.text  # "Password"


def test_language_switch_is_remembered_for_the_user(
    client: Any, web_world: Any, web: Any, factory: Any
) -> None:
    from aman.auth.models import User

    web.login(client, "a_admin")
    web.post(client, "/language", {"lang": "fr", "next": "/"}, page_url="/")
    with factory() as s:
        assert s.get(User, web_world.users["a_admin"]).locale == "fr"
    client.cookies.delete("lang")
    page = client.get("/", headers={"Accept-Language": "ar"})
    assert '<html lang="fr" dir="ltr">' in page.text  # the user's setting beats the browser


def test_accept_language_chooses_for_a_visitor(client: Any, web_world: Any) -> None:
    page = client.get("/login", headers={"Accept-Language": "de-DE, fr;q=0.8, ar;q=0.5"})
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "Mot de passe" in page.text


def test_unknown_page_is_an_html_404_and_unknown_api_path_json(client: Any) -> None:
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_home_navigation_follows_the_roles(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "fed_admin")
    admin_home = client.get("/").text
    for label in ("Frameworks", "Members", "Organisations", "Contacts", "Working groups"):
        assert f">{label}</a>" in admin_home
    assert "Federation administrator" in admin_home
    web.login(client, "a_assessor")
    assessor_home = client.get("/").text
    assert "Assessor" in assessor_home and "Telco A" in assessor_home


STATIC = Path(__file__).resolve().parents[2] / "src" / "aman" / "web" / "static"


def test_static_assets_are_served_vendored_and_cacheable(client: Any) -> None:
    for path in (
        "vendor/htmx/htmx.min.js",
        "vendor/vega/vega.min.js",
        "vendor/vega-lite/vega-lite.min.js",
        "vendor/vega-embed/vega-embed.min.js",
        "vendor/fonts/noto-sans-arabic-arabic-400-normal.woff2",
        "css/aman.css",
    ):
        response = client.get(f"/static/{path}?v=1")
        assert response.status_code == 200, path
        assert "immutable" in response.headers["cache-control"]
    for licence in ("htmx/LICENSE", "vega/LICENSE", "vega-lite/LICENSE", "vega-embed/LICENSE"):
        assert (STATIC / "vendor" / licence).is_file()


def test_no_page_or_asset_refers_to_another_host() -> None:
    """Air-gapped: no CDN, no web font service, nothing fetched from outside."""
    pattern = re.compile(r"""(?:src|href)=["']https?://|url\(\s*["']?https?://|@import""")
    templates = STATIC.parent / "templates"
    for path in [*templates.rglob("*.html"), *STATIC.rglob("*.css")]:
        assert not pattern.search(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("who", ["fed_admin", "a_viewer"])
def test_pages_carry_no_inline_script_or_style(
    client: Any, web_world: Any, web: Any, who: str
) -> None:
    """The CSP forbids inline script; the pages must not need it (nor inline styles)."""
    web.login(client, who)
    for url in ("/", "/members", "/organisations", "/contacts", "/working-groups", "/frameworks"):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\s(on[a-z]+|style)=", html), url


def test_flash_cookie_is_shown_translated_and_never_formatted(
    client: Any, web_world: Any, web: Any
) -> None:
    web.login(client, "a_admin")
    client.cookies.set("aman_flash", "100% %(evil)s")
    page = client.get("/")
    assert page.status_code == 200 and "100% %(evil)s" in page.text
    web.post(client, "/language", {"lang": "fr", "next": "/"}, page_url="/")
    client.cookies.set("aman_flash", "Your changes were saved.")
    assert "Vos modifications ont été enregistrées." in client.get("/").text


def test_csrf_failure_page_is_translated(client: Any, web_world: Any) -> None:
    client.cookies.set("lang", "fr")
    response = client.post("/login", data={"email": "x@y.example", "password": "p"})
    assert response.status_code == 403
    assert "Le formulaire a expiré ou ne provient pas de ce site." in response.text
