"""Assessment pages through the TestClient: filling in with and without htmx, evidence,
inferred answers, submit and review, the roadmap board, and tenant isolation."""

from __future__ import annotations

import importlib.util
import re
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select

from aman.assessments.models import Answer, Assessment, Evidence, RoadmapItem
from aman.db import transaction


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
def open_assessment(factory: Any, web_world: Any, pack_cache: Path) -> uuid.UUID:
    """Telco A's assessment in a freshly launched PQC campaign (not started)."""
    data.sync_packs(factory, pack_cache)
    campaign = data.open_campaign(factory)
    return data.assessment_in(factory, campaign, web_world.org_a)


def fill_url(assessment_id: uuid.UUID) -> str:
    return f"/assessments/{assessment_id}/answer"


def first_ref(html: str) -> str:
    found = re.search(r'<article class="requirement[^"]*" id="req-([^"]+)"', html)
    assert found
    return found.group(1)


def test_fill_page_lists_areas_and_requirements(open_assessment: Any, logged_in: Any) -> None:
    client = logged_in("a_assessor")
    page = client.get(fill_url(open_assessment))
    assert page.status_code == 200
    html = page.text
    assert "Governance and ownership" in html and "0 / " in html
    assert 'hx-post="/assessments/' in html and "X-CSRF-Token" in html  # autosave wiring
    assert html.count('<article class="requirement') >= 3
    assert "5 — Optimised" in html and 'name="na"' in html  # the pack's own maturity levels
    assert 'name="csrf_token" value=""' not in html  # every form carries the session's token


def test_answer_without_javascript_redirects_back(
    open_assessment: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    client = logged_in("a_assessor")
    url = fill_url(open_assessment)
    ref = first_ref(client.get(url).text)
    response = web.post(
        client,
        f"/assessments/{open_assessment}/answers/{ref}",
        {"result": "4", "comment": "ok"},
        url,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"#req-{ref}")
    with factory() as s:
        row = s.scalar(select(Answer).where(Answer.assessment_id == open_assessment))
        a = s.get(Assessment, open_assessment)
        assert row is not None and (row.result, row.comment) == ("4", "ok")
        assert a is not None and a.status == "in_progress" and a.score == pytest.approx(80.0)


def test_autosave_answers_with_the_new_score(
    open_assessment: Any, logged_in: Any, web: Any
) -> None:
    client = logged_in("a_assessor")
    html = client.get(fill_url(open_assessment)).text
    ref = first_ref(html)
    response = client.post(
        f"/assessments/{open_assessment}/answers/{ref}",
        data={"result": "2"},
        headers={"HX-Request": "true", "X-CSRF-Token": web.csrf(html)},
    )
    assert response.status_code == 200
    body = response.text
    assert 'id="score-box" hx-swap-oob="true"' in body
    assert re.search(r'id="score-value">40(\.0)?<', body)
    assert "1 / " in body and "Saved" in body
    bad = client.post(
        f"/assessments/{open_assessment}/answers/{ref}",
        data={"result": "9"},
        headers={"HX-Request": "true", "X-CSRF-Token": web.csrf(html)},
    )
    assert bad.status_code == 200 and "save-state error" in bad.text and "is not one of" in bad.text
    forged = client.post(
        f"/assessments/{open_assessment}/answers/{ref}",
        data={"result": "5"},
        headers={"HX-Request": "true", "X-CSRF-Token": "forged"},
    )
    assert forged.status_code == 403


def test_evidence_upload_and_download(
    open_assessment: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    client = logged_in("a_assessor")
    url = fill_url(open_assessment)
    html = client.get(url).text
    ref = first_ref(html)
    response = client.post(
        f"/assessments/{open_assessment}/evidence",
        data={"ref_id": ref, "csrf_token": web.csrf(html)},
        files={"file": ("policy.txt", b"Our PQC policy, version 1.", "text/plain")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "policy.txt" in response.text
    refused = client.post(
        f"/assessments/{open_assessment}/evidence",
        data={"ref_id": ref, "csrf_token": web.csrf(html)},
        files={"file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")},
        headers={"HX-Request": "true"},
    )
    assert "files are not accepted as evidence" in refused.text
    with factory() as s:
        evidence = s.scalar(select(Evidence).where(Evidence.assessment_id == open_assessment))
    assert evidence is not None
    download = client.get(f"/assessments/{open_assessment}/evidence/{evidence.id}")
    assert download.content == b"Our PQC policy, version 1."
    assert "attachment" in download.headers["content-disposition"]


def test_submit_needs_every_answer_then_review(
    open_assessment: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    client = logged_in("a_assessor")
    overview = f"/assessments/{open_assessment}"
    early = web.post(client, f"{overview}/submit", {}, overview)
    assert early.status_code == 422 and "unanswered" in early.text
    left = data.answer_all_but(factory, open_assessment, keep=0)
    assert left == []
    done = web.post(client, f"{overview}/submit", {}, overview)
    assert done.status_code == 303
    page = client.get(overview).text
    assert 'name="csrf_token" value=""' not in page
    assert "Submitted" in page and "Fill in</a>" not in page  # frozen while reviewed
    assert "Accept</button>" not in page  # assessors do not review
    admin = logged_in("a_admin")
    returned = web.post(admin, f"{overview}/review", {"decision": "return"}, overview)
    assert returned.status_code == 422  # a return needs a comment
    accepted = web.post(admin, f"{overview}/review", {"decision": "accept"}, overview)
    assert accepted.status_code == 303
    assert "Accepted" in admin.get(overview).text


def test_inferred_answers_are_marked_and_confirmed(
    open_assessment: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    with transaction(factory) as s:
        a = s.get(Assessment, open_assessment)
        assert a is not None
        from aman.assessments import service
        from aman.auth.permissions import Principal

        op = Principal.local_operator("test")
        html_ref = service.view(s, op, a.id).tree.assessable()[0].ref_id
        service.write_answer(
            s,
            op,
            a,
            html_ref,
            "3",
            0.6,
            False,
            "",
            "inferred",
            inferred_from={"pack": "nist-csf-2.0", "ref_id": "GV.OC-01", "relationship": "subset"},
        )
    client = logged_in("a_assessor")
    html = client.get(fill_url(open_assessment)).text
    assert "requirement inferred" in html and "nist-csf-2.0:GV.OC-01" in html
    assert "It does not count until you confirm it" in html
    confirmed = web.post(
        client,
        f"/assessments/{open_assessment}/answers/{html_ref}/confirm",
        {},
        fill_url(open_assessment),
    )
    assert confirmed.status_code == 303
    with factory() as s:
        row = s.scalar(
            select(Answer).where(Answer.ref_id == html_ref, Answer.assessment_id == open_assessment)
        )
        assert row is not None and row.inferred_from is None and row.result == "3"


def test_roadmap_board(open_assessment: Any, logged_in: Any, web: Any, factory: Any) -> None:
    client = logged_in("a_assessor")
    board = f"/assessments/{open_assessment}/roadmap"
    added = web.post(
        client,
        board,
        {"action": "Inventory TLS endpoints", "effort": "S", "ref_ids": "PQC-INV-01"},
        board,
    )
    assert added.status_code == 303
    bad = web.post(client, board, {"action": "x", "ref_ids": "NOPE-1"}, board)
    assert bad.status_code == 422
    with factory() as s:
        item = s.scalar(select(RoadmapItem).where(RoadmapItem.assessment_id == open_assessment))
    assert item is not None and item.status == "todo"
    moved = web.post(client, f"{board}/{item.id}", {"status": "doing"}, board)
    assert moved.status_code == 303
    page = client.get(board).text
    doing = page[page.index('id="column-doing"') : page.index('id="column-done"')]
    assert "Inventory TLS endpoints" in doing


def test_other_tenants_assessment_pages_are_not_found(
    open_assessment: Any, logged_in: Any, web: Any, factory: Any, web_world: Any
) -> None:
    with factory() as s:
        campaign = s.scalar(select(Assessment.campaign_id).where(Assessment.id == open_assessment))
    theirs = data.assessment_in(factory, campaign, web_world.org_b)
    client = logged_in("a_assessor")
    for path in ("", "/answer", "/roadmap"):
        response = client.get(f"/assessments/{theirs}{path}")
        assert response.status_code == 404 and "Bank B" not in response.text
    mine = client.get(fill_url(open_assessment)).text
    response = client.post(
        f"/assessments/{theirs}/answers/PQC-GOV-01",
        data={"result": "5", "csrf_token": web.csrf(mine)},
    )
    assert response.status_code == 404
    viewer = logged_in("a_viewer")  # reads member A, may not write
    page = viewer.get(fill_url(open_assessment)).text
    assert "read-only for you" in page and '<fieldset class="choices" disabled>' in page


def test_assessment_list_and_export(open_assessment: Any, logged_in: Any) -> None:
    client = logged_in("a_admin")
    page = client.get("/assessments?status=not_started")
    assert page.status_code == 200 and "Telco A" in page.text and "Bank B" not in page.text
    csv = client.get("/assessments?format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and "Telco A" in csv.text
