"""The web UI in a real browser: Debian's Chromium driven by Playwright against uvicorn on
127.0.0.1. SQLite only (the page logic is covered on both databases by the TestClient tests).
Screenshots of the main pages go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aman.auth.permissions import Principal
from aman.db import transaction

NIST_CSF = Path(__file__).resolve().parents[2] / "src/aman/frameworks/packs/nist-csf-2.0.yaml"


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """This module runs once, on SQLite (overrides the two-backend fixture)."""
    import shutil

    path = tmp_path / "aman.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def csf(factory: Any) -> None:
    from aman.frameworks import service
    from aman.frameworks.importers import ImportRequest

    with transaction(factory) as s:
        service.import_file(s, Principal.local_operator("test"), NIST_CSF, ImportRequest("pack"))


def _login(page: Any, web: Any, who: str) -> None:
    page.goto("/login")
    page.get_by_label(re.compile("E-mail|Adresse|البريد")).fill(web.email(who))
    page.locator("#password").fill(web.password)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r"/$"))


def test_login_navigate_and_switch_to_arabic(
    page: Any, live_server: str, web_world: Any, web: Any, csf: None
) -> None:
    page.goto("/members")
    assert page.url.endswith("/login?next=/members")
    assert page.evaluate("document.activeElement.id") == "email"  # autofocus
    web.screenshot(page, "login")
    page.locator("#email").fill(web.email("a_admin"))
    page.locator("#password").fill(web.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/members$"))
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Frameworks", "Members", "Organisations", "Contacts", "Working groups"):
        assert nav.get_by_role("link", name=label, exact=True).is_visible()
    assert nav.get_by_role("link", name="Members").get_attribute("aria-current") == "page"
    web.screenshot(page, "members-en")
    page.keyboard.press("Tab")  # keyboard users first meet the skip link
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    nav = page.get_by_role("navigation", name="الرئيسية")
    assert nav.get_by_role("link", name="الأعضاء").is_visible()
    assert page.get_by_role("columnheader", name="فئة العضوية").is_visible()
    # Mirrored: the brand sits at the right, the first column of the table at the right too.
    brand = page.locator(".brand").bounding_box()
    first_header = page.locator("table.data thead th").first.bounding_box()
    last_header = page.locator("table.data thead th").last.bounding_box()
    assert brand["x"] > 640
    assert first_header["x"] > last_header["x"]
    web.screenshot(page, "members-ar")

    page.goto("/frameworks/nist-csf-2.0/latest")
    web.screenshot(page, "frameworks-pack-ar")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_tree_expands_with_htmx_and_requirement_page(
    page: Any, live_server: str, web_world: Any, web: Any, csf: None
) -> None:
    _login(page, web, "a_viewer")
    page.goto("/frameworks")
    web.screenshot(page, "frameworks")
    page.get_by_role("link", name=re.compile("Cybersecurity Framework")).first.click()
    page.wait_for_url(re.compile(r"/frameworks/nist-csf-2\.0/2\.0$"))
    expand = page.locator("a.expand").first
    href = expand.get_attribute("href")
    before = page.locator(".tree li").count()
    expand.click()
    page.locator(f'a.expand[href="{href}"]').wait_for(state="detached")
    assert page.locator(".tree li").count() > before
    assert page.url.endswith("/frameworks/nist-csf-2.0/2.0")  # loaded in place
    web.screenshot(page, "frameworks-pack")
    page.locator(".tree a.ref").last.click()
    page.wait_for_url(re.compile(r"/requirements/"))
    assert page.get_by_role("heading", name="Mapped requirements").is_visible()
    web.screenshot(page, "requirement")


def test_form_errors_name_the_field_then_success(
    page: Any, live_server: str, web_world: Any, web: Any
) -> None:
    _login(page, web, "a_admin")
    page.goto("/organisations/new")
    page.get_by_label("Member").select_option(label="CERT A")
    page.get_by_label("Name").fill("Q")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert "Name: Too short: at least 2 characters." in summary.inner_text()
    assert "Sector: This field is required." in summary.inner_text() or "Sector" in (
        summary.inner_text()
    )
    assert page.get_by_label("Name").get_attribute("aria-invalid") == "true"
    web.screenshot(page, "organisation-form-errors")
    summary.get_by_role("link", name="Name").click()
    assert page.evaluate("document.activeElement.id") == "f-name"
    page.get_by_label("Name").fill("Port Authority A")
    page.get_by_label("Sector").select_option("transport")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/organisations/[0-9a-f-]{36}$"))
    assert page.get_by_role("status").inner_text() == "The organisation was created."
    web.screenshot(page, "organisation")


def test_another_members_organisation_is_refused(
    page: Any, live_server: str, web_world: Any, web: Any
) -> None:
    _login(page, web, "a_admin")
    response = page.goto(f"/organisations/{web_world.org_b}")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert "Bank B" not in page.content()
    web.screenshot(page, "refused")


def test_pages_work_without_javascript(
    browser: Any, live_server: str, web_world: Any, web: Any, csf: None
) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        _login(page, web, "a_viewer")
        page.goto("/frameworks/nist-csf-2.0/latest")
        page.locator("a.expand").first.click()
        page.wait_for_url(re.compile(r"/tree\?parent="))
        assert page.locator(".tree li").count() > 0
        page.get_by_role("button", name="Français").click()
        page.wait_for_url(re.compile(r"/tree\?parent="))
        assert page.locator("html").get_attribute("lang") == "fr"
    finally:
        context.close()
