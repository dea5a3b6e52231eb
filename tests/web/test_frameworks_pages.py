"""Frameworks browser: pack list, tree (with htmx fragments), requirement details in the chosen
language with the English fallback marked, search, mappings side by side, version diff."""

from __future__ import annotations

import csv
import io
from typing import Any


def test_pack_list_and_export(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    page = client.get("/frameworks").text
    assert "Test 5G Core Baseline" in page and ">2</td>" in page  # two versions of the 5G pack
    rows = list(csv.reader(io.StringIO(client.get("/frameworks?format=csv").text.lstrip("\ufeff"))))
    assert {r[1] for r in rows[1:]} == {"test-csf", "test-5g-core"}
    newest = next(r for r in rows if r[1] == "test-5g-core")
    assert newest[2] == "1.1.0"


def test_tree_shows_levels_and_loads_children_as_a_fragment(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    page = client.get("/frameworks/test-5g-core/1.0.0").text
    assert 'class="tree"' in page
    assert "/frameworks/test-5g-core/1.0.0/requirements/SBA-01" in page
    fragment = client.get(
        "/frameworks/test-5g-core/1.0.0/tree?parent=SBA", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith("<ul>")
    assert "<html" not in fragment.text and "SBA-02" in fragment.text
    full = client.get("/frameworks/test-5g-core/1.0.0/tree?parent=SBA").text
    assert "<html" in full and "SBA-02" in full  # the same link works without JavaScript


def test_requirement_in_french_with_english_fallback_marked(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    web.post(client, "/language", {"lang": "fr", "next": "/"}, page_url="/")
    translated = client.get("/frameworks/test-5g-core/1.1.0/requirements/SBA-01").text
    assert "TLS mutuel entre les fonctions réseau" in translated
    assert "Exigences correspondantes" in translated  # "Mapped requirements"
    assert "test-csf PR.DS-02" in translated and "inclus dans" in translated  # subset_of
    untranslated = client.get("/frameworks/test-5g-core/1.1.0/requirements/SUCI-02").text
    assert '<span lang="en">Rotation of the home network public key</span>' in untranslated
    assert '<span class="fallback">en anglais</span>' in untranslated


def test_arabic_pages_are_right_to_left(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    web.post(client, "/language", {"lang": "ar", "next": "/"}, page_url="/")
    page = client.get("/frameworks/test-5g-core/1.0.0").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "خط الأساس لأمن نواة الجيل الخامس" in page  # the pack's own Arabic title
    assert "حول هذه الحزمة" in page  # "About this pack"
    assert '<bdi dir="ltr">SBA-01</bdi>' in page  # codes keep their direction


def test_search_finds_requirements_in_any_language(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    english = client.get("/frameworks/search?q=permanent+identifier").text
    assert "SUCI-01" in english
    assert "2 requirements found." in english  # in each of the two versions
    french = client.get("/frameworks/search?q=fonctions+réseau").text
    assert "SBA-01" in french
    nothing = client.get("/frameworks/search?q=the").text
    assert 'role="alert"' in nothing
    rows = client.get("/frameworks/search?q=OAuth&format=csv").text
    assert "SBA-02" in rows


def test_mappings_side_by_side(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    page = client.get("/frameworks/test-5g-core/1.1.0/mappings?target=test-csf")
    assert page.status_code == 200
    html = page.text
    assert "Mutual TLS between network functions" in html
    assert "/frameworks/test-csf/2.0/requirements/PR.DS-02" in html
    assert "subset of" in html and "intersects with" in html
    external = client.get("/frameworks/test-5g-core/1.1.0/mappings?target=3gpp-ts-33.501").text
    assert "13.1" in external and "equal to" in external
    exported = client.get("/frameworks/test-5g-core/1.1.0/mappings?target=test-csf&format=xlsx")
    assert exported.status_code == 200
    assert exported.content[:2] == b"PK"
    assert client.get("/frameworks/test-csf/2.0/mappings").status_code == 404  # none of its own


def test_diff_between_versions(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    chooser = client.get("/frameworks/diff?pack=test-5g-core").text
    assert '<option value="1.0.0"' in chooser and '<option value="1.1.0"' in chooser
    page = client.get("/frameworks/diff?pack=test-5g-core&old=1.0.0&new=1.1.0").text
    assert "1 added, 0 removed, 1 changed." in page
    assert "SUCI-02" in page and "Rotation of the home network public key" in page
    assert "<del>OAuth 2.0 authorisation of service requests</del>" in page
    assert "<ins>OAuth 2.0 authorisation of every service request</ins>" in page
    same = client.get("/frameworks/diff?pack=test-5g-core&old=1.0.0&new=1.0.0").text
    assert "The two versions are the same." in same


def test_unknown_pack_or_requirement_is_a_404_page(
    client: Any, web_world: Any, web: Any, framework_packs: list[str]
) -> None:
    web.login(client, "a_viewer")
    for url in ("/frameworks/nope/1.0", "/frameworks/test-5g-core/1.0.0/requirements/NOPE"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
