"""The intel pages in a real browser (Debian's Chromium through Playwright): collections, a
collection with TLP badges in FIRST's colours, search, an object with its sightings (and a
sighting reported through the form), trends whose charts draw under the CSP, in English and
Arabic. Screenshots go to test-artifacts/screenshots/intel-*.png."""

from __future__ import annotations

import re
from typing import Any

import pytest

# One browser run is enough: the pages read the same services on both databases.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def scene(intel: Any, factory: Any, web_world: Any) -> Any:
    """The page data, plus a landscape report drafted by one publisher, approved by another."""
    import uuid

    from aman.auth.permissions import Grant, Node, Principal
    from aman.db import transaction
    from aman.intel import landscape

    built = intel.build(factory, web_world)
    intel.trends(factory, built)
    author, reviewer = (
        Principal(uuid.uuid4(), name, (Grant("federation-admin", Node()),))
        for name in ("author", "reviewer")
    )
    with transaction(factory) as s:
        report = landscape.create_draft(
            s, author, "Threat landscape, H1 2024", "2024-01", "2024-06", "Banks are phished."
        )
        landscape.submit(s, author, report.id)
        landscape.publish(s, reviewer, report.id)
        built.report_id = report.id
    return built


def log_in(page: Any, web: Any, who: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", web.email(who))
    page.fill("input[name=password]", web.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def charts_drawn(page: Any) -> int:
    """Wait until every chart of the page is drawn (or failed); the number drawn."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vega-chart')]"
        ".every(e => e.dataset.rendered === 'true' || e.dataset.error)"
    )
    assert page.locator(".vega-chart[data-error]").count() == 0
    return int(page.locator(".vega-chart[data-rendered=true]").count())


def test_intel_pages_in_a_browser(intel: Any, page: Any, scene: Any, web: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    log_in(page, web, "a_analyst")

    page.click("nav.main-nav >> text=Threat intelligence")
    page.wait_for_url(re.compile(r".*/intel$"))
    assert page.locator("table.collections tbody tr").count() >= 3
    web.screenshot(page, "intel-collections")

    page.click("table.collections >> text=Federation community")
    page.wait_for_url(re.compile(r".*/intel/collections/federation$"))
    red = page.locator("table.objects .tlp-red").first
    colours = red.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colours == ["rgb(255, 43, 43)", "rgb(0, 0, 0)"]  # FIRST's TLP:RED
    green = page.locator("table.objects .tlp-green").first
    assert green.evaluate("e => getComputedStyle(e).color") == "rgb(51, 255, 0)"
    web.screenshot(page, "intel-collection")

    page.click("nav.intel-tabs >> text=Landscape reports")
    page.click("text=Threat landscape, H1 2024")
    assert charts_drawn(page) == 4
    web.screenshot(page, "intel-report")

    page.goto(f"/intel/search?value={intel.SHARED_VALUE}")
    assert page.locator("table.objects tbody tr").count() == 2  # A's AMBER and B's GREEN
    web.screenshot(page, "intel-search")

    page.goto(f"/intel/objects/{scene.ids['green']}")
    assert "Seen by 5 members of the federation." in page.locator("#sightings").inner_text()
    page.fill("input[name=count]", "2")
    page.locator("#sightings button[type=submit]").click()
    page.wait_for_url(re.compile(r".*#sightings$"))
    assert "Seen by 6 members of the federation." in page.locator("#sightings").inner_text()
    page.locator("details.json summary").click()
    web.screenshot(page, "intel-object")

    page.goto("/intel/trends?start=2024-05&end=2024-06")
    assert charts_drawn(page) == 4  # sector and technique: per month and over the period
    assert page.locator(".vega-chart svg").count() == 4
    assert page.locator("table.pivot td.suppressed").count() == 2
    web.screenshot(page, "intel-trends")

    page.locator("form.lang-switch button[value=ar]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert charts_drawn(page) == 4
    web.screenshot(page, "intel-trends-ar")
    page.goto(f"/intel/objects/{scene.ids['amber']}")
    web.screenshot(page, "intel-object-ar")
    page.goto("/intel/collections/federation")
    web.screenshot(page, "intel-collection-ar")
    assert problems == []
