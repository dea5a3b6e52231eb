"""In a real browser (Debian's Chromium through Playwright): fill in an assessment with
autosave, upload evidence, submit and see the score and status change, download the PDF
report and read it, see the charts drawn under the CSP, and be refused another member's
organisation. Screenshots of the main pages go to test-artifacts/screenshots/."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pypdf import PdfReader

# One browser run is enough: the pages read the same services on both databases.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _data_module() -> ModuleType:
    name = "aman_reports_test_data"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "reports" / "federation_data.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


data = _data_module()


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


@pytest.fixture
def scene(factory: Any, web_world: Any, pack_cache: Path) -> Any:
    """Completed campaigns for the dashboards, and Telco A's open assessment with two
    requirements left to answer."""
    data.sync_packs(factory, pack_cache)
    fed = data.build(factory, web_world)
    campaign = data.open_campaign(factory)
    fed.open_assessment = data.assessment_in(factory, campaign, web_world.org_a)
    fed.left = data.answer_all_but(factory, fed.open_assessment, keep=2, result="2")
    return fed


def log_in(page: Any, web: Any, who: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", web.email(who))
    page.fill("input[name=password]", web.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def watch_console(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def charts_drawn(page: Any) -> int:
    """Wait until every chart of the page is drawn (or failed); the number drawn."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vega-chart')]"
        ".every(e => e.dataset.rendered === 'true' || e.dataset.error)"
    )
    assert page.locator(".vega-chart[data-error]").count() == 0
    return int(page.locator(".vega-chart[data-rendered=true]").count())


def requirement(page: Any, ref: str) -> Any:
    return page.locator(f'article[data-ref="{ref}"]')


def test_fill_in_submit_and_download_the_report(
    scene: Any, page: Any, web: Any, tmp_path: Path
) -> None:
    problems = watch_console(page)
    log_in(page, web, "a_assessor")
    page.goto("/dashboards")
    page.wait_for_url(re.compile(rf".*/dashboards/organisations/{scene.world.org_a}$"))
    assert charts_drawn(page) == 1
    web.screenshot(page, "organisation-dashboard")

    page.get_by_role("link", name=re.compile("Fill in PQC readiness 2027")).click()
    first, last = scene.left
    card = requirement(page, first)
    card.wait_for()
    score = page.locator("#score-value")
    before = score.inner_text()
    card.get_by_label(re.compile(r"^5 — ")).check()  # autosave on change
    page.wait_for_function(
        "before => document.querySelector('#score-value').textContent !== before", arg=before
    )
    assert float(score.inner_text()) > float(before)
    with page.expect_response(lambda r: f"/answers/{first}" in r.url):
        card.locator("textarea[name=comment]").fill("Hybrid ML-KEM enabled on the edge.")
    assert "Saved" in card.locator(".save-state").inner_text()
    evidence = tmp_path / "tls-scan.txt"
    evidence.write_text("X25519MLKEM768 negotiated by 12 of 12 endpoints\n", encoding="utf-8")
    card.locator("input[type=file]").set_input_files(str(evidence))
    with page.expect_response(lambda r: r.url.endswith("/evidence")):
        card.get_by_role("button", name="Upload").click()
    card.get_by_role("link", name="tls-scan.txt").wait_for()
    web.screenshot(page, "fill-in")

    requirement(page, last).get_by_label("Not applicable").check()
    total = page.locator("#answered-count")
    page.wait_for_function(
        "() => { const [a, b] = document.querySelector('#answered-count').textContent"
        ".split('/').map(s => s.trim()); return a === b; }"
    )
    assert total.inner_text().split("/")[0].strip() == total.inner_text().split("/")[1].strip()
    page.locator("#submit-assessment").click()
    page.wait_for_url(re.compile(rf".*/assessments/{scene.open_assessment}$"))
    assert "Assessment submitted for review." in page.locator("main").inner_text()
    assert page.locator("#figures").get_by_text("Submitted").count() == 1
    charts_drawn(page)
    web.screenshot(page, "assessment-overview")

    page.locator(".report-menu summary").click()
    with page.expect_download() as download_info:
        page.locator("a[data-report=pdf-en]").click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Assessment report: Telco A" in text
    assert "tls-scan.txt" in re.sub(r"\s+", "", text)  # the evidence list (cells may wrap)

    refused = page.goto(f"/dashboards/organisations/{scene.world.org_b}")
    assert refused is not None and refused.status == 404
    assert "Bank B" not in page.content()
    assert not [p for p in problems if "404" not in p], problems


def test_dashboards_draw_their_charts_in_english_and_arabic(
    scene: Any, page: Any, web: Any
) -> None:
    problems = watch_console(page)
    log_in(page, web, "fed_admin")
    page.goto("/dashboards/federation")
    assert charts_drawn(page) == 5
    web.screenshot(page, "federation-dashboard")
    page.goto(f"/dashboards/members/{scene.world.member_a}")
    assert charts_drawn(page) == 3
    web.screenshot(page, "member-dashboard")
    page.goto(f"/assessments/{scene.open_assessment}/roadmap")
    web.screenshot(page, "roadmap-board")
    page.goto("/dashboards/federation")
    page.locator("form.lang-switch button[lang=ar]").click()
    page.wait_for_selector("html[dir=rtl]")
    assert charts_drawn(page) == 5
    web.screenshot(page, "federation-dashboard-ar")
    assert not problems, problems
