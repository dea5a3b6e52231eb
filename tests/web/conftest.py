"""Fixtures for page tests: users with real passwords, a logged-in TestClient, and (for the
browser tests) a live uvicorn server on 127.0.0.1 and Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import functools
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from aman.auth.permissions import Principal
from aman.auth.schemas import UserPatch
from aman.db import transaction

PASSWORD = "Correct-Horse-Battery-9"
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def email_of(who: str) -> str:
    """The e-mail address the root `world` fixture gives each role's user."""
    return f"{who.replace('_', '.')}@test.example"


@functools.lru_cache(maxsize=4)
def _hash_once(password: str) -> str:
    """Argon2 is slow by design; one real hash per password serves every user of a test."""
    from aman.auth.passwords import hash_password

    return hash_password(password)


def set_passwords(factory: sessionmaker[Session], user_ids: dict[str, Any]) -> None:
    """Give every user of the world the same real password (through the auth service)."""
    from aman.auth import service as auth

    op = Principal.local_operator("test")
    with pytest.MonkeyPatch.context() as patch, transaction(factory) as s:
        patch.setattr(auth, "hash_password", _hash_once)
        for user_id in user_ids.values():
            auth.update_user(s, op, user_id, UserPatch(password=PASSWORD))


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login(client: Any, who: str, password: str = PASSWORD) -> Any:
    """Log `who` in through the login form, as a browser would."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": email_of(who), "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response


def login_attempt(client: Any, who: str, password: str) -> Any:
    """One login form submission; the response is returned whatever it is."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email_of(who), "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def post_form(client: Any, url: str, data: dict[str, Any], page_url: str | None = None) -> Any:
    """POST a form with the CSRF token of the page it sits on (default: `url` itself)."""
    page = client.get(page_url or url)
    return client.post(url, data={**data, "csrf_token": csrf_of(page.text)}, follow_redirects=False)


class WebHelpers:
    """The helpers above as a fixture (test modules cannot import this conftest)."""

    password = PASSWORD
    email = staticmethod(email_of)
    csrf = staticmethod(csrf_of)
    login = staticmethod(login)
    login_attempt = staticmethod(login_attempt)
    post = staticmethod(post_form)

    @staticmethod
    def screenshot(tab: Any, name: str) -> Path:
        return screenshot(tab, name)


@pytest.fixture
def web() -> WebHelpers:
    return WebHelpers()


@pytest.fixture
def web_world(world: Any, factory: sessionmaker[Session]) -> Any:
    """The root `world`, its users with real passwords."""
    set_passwords(factory, world.users)
    return world


@pytest.fixture
def logged_in(client: Any, web_world: Any) -> Callable[[str], Any]:
    """Log a world user into the shared TestClient: `logged_in("a_admin")`."""

    def _login(who: str) -> Any:
        client.cookies.clear()
        login(client, who)
        return client

    return _login


# --- framework packs ----------------------------------------------------------------------

FRAMEWORK_FIXTURES = REPO / "tests" / "frameworks" / "fixtures"
V2_EXTRA = """
  - ref_id: "SUCI-02"
    parent: "SUCI"
    title: "Rotation of the home network public key"
    description: "The home network key used to conceal the SUPI is rotated at least yearly."
    importance: medium
    levels: [advanced]
"""


def pack_v2_text() -> str:
    """good_pack.yaml as version 1.1.0: one title reworded, one requirement added (untranslated)."""
    text = (FRAMEWORK_FIXTURES / "good_pack.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "1.0.0"', 'version: "1.1.0"', 1)
    text = text.replace(
        'title: "OAuth 2.0 authorisation of service requests"',
        'title: "OAuth 2.0 authorisation of every service request"',
    )
    head, _, tail = text.partition("mapping_sets:")
    return head.rstrip("\n") + "\n" + V2_EXTRA.strip("\n") + "\n" + "mapping_sets:" + tail


@pytest.fixture
def framework_packs(factory: sessionmaker[Session], tmp_path: Path) -> list[str]:
    """test-csf 2.0, test-5g-core 1.0.0 and 1.1.0 imported through the frameworks service."""
    from aman.frameworks import service
    from aman.frameworks.importers import ImportRequest

    v2 = tmp_path / "good_pack_v2.yaml"
    v2.write_text(pack_v2_text(), encoding="utf-8")
    files = [FRAMEWORK_FIXTURES / "csf_pack.yaml", FRAMEWORK_FIXTURES / "good_pack.yaml", v2]
    op = Principal.local_operator("test")
    with transaction(factory) as s:
        for path in files:
            service.import_file(s, op, path, ImportRequest(fmt="pack"))
    return ["test-csf@2.0", "test-5g-core@1.0.0", "test-5g-core@1.1.0"]


# --- live server and browser -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(tab: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
