"""Training pages through the TestClient: catalogue, explained recommendations, programmes per
member state, cohorts (enrolment, attendance, results), knowledge checks, certificates with
the public verification page, capacity metrics; permissions, tenant isolation, CSRF, answers
never in the page, Arabic and French. One browser test walks the main pages in Chromium."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from aman.auth.permissions import Principal
from aman.db import transaction
from aman.training.models import (
    Attendance,
    Certificate,
    Enrolment,
    ModuleResult,
    Participant,
    ProgrammeModule,
    QuizAttempt,
    TrainingProgramme,
    TrainingQuestion,
)

OP = Principal.local_operator("test")
ACCEPTED = datetime(2026, 6, 30, tzinfo=UTC)
_CODE = re.compile(r'id="verification-code">([A-Z0-9-]+)<')
_PROGRAMME = re.compile(r"/training/programmes/([0-9a-f-]{36})$")
_COHORT = re.compile(r"/training/cohorts/([0-9a-f-]{36})$")


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


def _complete_campaign(factory: Any, pack: str, results: Callable[[str], str]) -> uuid.UUID:
    """A federation campaign on `pack`, every assessment recorded as accepted."""
    from aman.assessments import rollups, service
    from aman.assessments.models import Assessment
    from aman.assessments.packs import pack_tree
    from aman.assessments.schemas import CampaignIn

    with transaction(factory) as s:
        c = service.launch_campaign(s, OP, CampaignIn(name="Cloud 2026", pack=pack))
        tree, _, _ = pack_tree(s, c.pack_uuid)
        for a in s.scalars(select(Assessment).where(Assessment.campaign_id == c.id)):
            answers = {n.ref_id: results(n.ref_id) for n in tree.assessable()}
            service.record_completed(s, OP, a, answers, accepted_at=ACCEPTED)
        rollups.recompute(s, c.id)
        return c.id


@pytest.fixture
def scene(factory: Any, web_world: Any, pack_cache: Path) -> Any:
    """Shipped packs, and a completed cloud campaign over both members' organisations:
    everything at 1 except identity and access management at 5."""
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, pack_cache)
    campaign = _complete_campaign(
        factory, "aman-cloud-baseline", lambda ref: "5" if ref.startswith("CL-IAM") else "1"
    )
    return SimpleNamespace(world=web_world, campaign=campaign)


def _generate(client: Any, web: Any, member: uuid.UUID, campaign: uuid.UUID) -> uuid.UUID:
    response = web.post(
        client,
        "/training/programmes/generate",
        {"member": str(member), "campaign_id": str(campaign), "budget_hours": "60"},
        "/training/programmes",
    )
    assert response.status_code == 303, response.text
    found = _PROGRAMME.search(response.headers["location"])
    assert found, response.headers["location"]
    return uuid.UUID(found.group(1))


@pytest.fixture
def programme(scene: Any, logged_in: Any, web: Any) -> uuid.UUID:
    """Member A's tailored programme, generated and approved by the federation."""
    client = logged_in("fed_admin")
    programme_id = _generate(client, web, scene.world.member_a, scene.campaign)
    page = f"/training/programmes/{programme_id}"
    assert web.post(client, f"{page}/status", {"status": "approved"}, page).status_code == 303
    return programme_id


def _new_cohort(client: Any, web: Any, programme_id: uuid.UUID, member: uuid.UUID) -> uuid.UUID:
    response = web.post(
        client,
        "/training/cohorts/new",
        {
            "programme_id": str(programme_id),
            "member_id": str(member),
            "name": "Cloud cohort 1",
            "language": "en",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-15",
            "capacity": "10",
        },
        f"/training/cohorts/new?programme={programme_id}",
    )
    assert response.status_code == 303, response.text
    found = _COHORT.search(response.headers["location"])
    assert found
    return uuid.UUID(found.group(1))


@pytest.fixture
def cohort(programme: uuid.UUID, scene: Any, logged_in: Any, web: Any, factory: Any) -> Any:
    """Member A's admin runs a cohort with three people; the first is a_viewer's account."""
    client = logged_in("a_admin")
    cohort_id = _new_cohort(client, web, programme, scene.world.member_a)
    url = f"/training/cohorts/{cohort_id}"
    for i in range(3):
        data = {
            "name": f"Analyst {i}",
            "email": f"analyst{i}@a.example",
            "organisation_id": str(scene.world.org_a),
            "work_role": "PD-WRL-001",
            "ecsf_profile": "Cyber Incident Responder",
        }
        if i == 0:
            data["user_id"] = str(scene.world.users["a_viewer"])
        response = web.post(client, f"{url}/participants", data, url)
        assert response.status_code == 303, response.text
    with factory() as s:
        rows = s.execute(
            select(Enrolment.id, Participant.name)
            .join(Participant, Participant.id == Enrolment.participant_id)
            .where(Enrolment.cohort_id == cohort_id)
            .order_by(Participant.name)
        ).all()
        modules = list(
            s.scalars(
                select(ProgrammeModule.module_id)
                .where(ProgrammeModule.programme_id == programme)
                .order_by(ProgrammeModule.position)
            )
        )
    return SimpleNamespace(
        id=cohort_id,
        url=url,
        enrolments=[r[0] for r in rows],
        modules=modules,
    )


def _right_answers(factory: Any, module_id: str) -> dict[str, list[str]]:
    with factory() as s:
        rows = s.scalars(select(TrainingQuestion).where(TrainingQuestion.module_id == module_id))
        return {q.key: [c["id"] for c in q.choices if c.get("correct")] for q in rows}


def _checked_module(factory: Any, modules: list[str]) -> str:
    with factory() as s:
        having = set(s.scalars(select(TrainingQuestion.module_id).distinct()))
    return next(m for m in modules if m in having)


# --- catalogue and module ------------------------------------------------------------------


def test_catalogue_lists_tracks_and_modules_with_filters(web_world: Any, logged_in: Any) -> None:
    client = logged_in("a_viewer")
    page = client.get("/training")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/training" aria-current="page">' in html  # the main navigation entry
    assert "Cybersecurity essentials for technical staff" in html
    assert "5G security practitioner" in html  # a curated track
    assert "58 of 58 modules" in html
    labs = client.get("/training", params={"kind": "lab"}).text
    shown = int(re.search(r"(\d+) of 58 modules", labs).group(1))  # type: ignore[union-attr]
    assert 0 < shown < 58 and labs.count('class="kind kind-lab"') == shown
    assert "Cybersecurity essentials for technical staff" not in labs
    five_g = client.get("/training", params={"domain": "5g", "level": "foundation"}).text
    assert "/training/modules/5g-security-foundations" in five_g
    assert "/training/modules/cloud-security-foundations" not in five_g
    export = client.get("/training", params={"domain": "5g", "format": "csv"})
    assert export.status_code == 200 and "5g-security-foundations" in export.text
    assert "cloud-security-foundations" not in export.text


def test_module_page_shows_competencies_prerequisites_and_delivery(
    web_world: Any, logged_in: Any
) -> None:
    client = logged_in("a_analyst")
    html = client.get("/training/modules/gov-security-governance").text
    assert "Running a security programme" in html
    assert 'href="/training/modules/found-cyber-essentials"' in html  # its prerequisite
    assert "OG-WRL-014" in html and "Systems Security Management" in html  # NICE work role
    assert "Chief Information Security Officer (CISO)" in html  # an ECSF role profile
    assert "aman-gov-210" in html  # the learning platform course
    cloud = client.get("/training/modules/cloud-security-foundations").text
    assert re.search(r'class="code">NF-COM-\d{3}</bdi>', cloud)  # NICE competency areas
    essentials = client.get("/training/modules/found-cyber-essentials").text
    assert 'href="/training/modules/gov-security-governance"' in essentials  # prerequisite of
    assert "pass mark 70%" in essentials
    assert client.get("/training/modules/no-such-module").status_code == 404


# --- the whole flow ------------------------------------------------------------------------


def test_end_to_end_through_the_pages(
    scene: Any, programme: uuid.UUID, cohort: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    client = logged_in("fed_admin")
    # the federation sees the explained programme it generated and approved
    html = client.get(f"/training/programmes/{programme}").text
    assert "Training programme for CERT A (version 1)" in html and "Approved" in html
    assert 'class="chain"' in html and "competency" in html.lower()
    assert "Why these modules" in html
    # the member admin: capacity before any completion
    admin = logged_in("a_admin")
    capacity_before = admin.get("/training/capacity").text
    assert "No completed module recorded yet." in capacity_before
    # attendance for the whole cohort in one sheet, one person absent
    first_module = cohort.modules[0]
    absent = cohort.enrolments[2]
    present = [str(e) for e in cohort.enrolments[:2]]
    response = admin.post(
        f"{cohort.url}/attendance",
        data={
            "module_id": first_module,
            "session_date": "2026-10-05",
            "hours": "6",
            "present": present,
            "csrf_token": web.csrf(admin.get(cohort.url).text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    with factory() as s:
        rows = {a.enrolment_id: a.present for a in s.scalars(select(Attendance))}
    assert len(rows) == 3 and rows[absent] is False and sum(rows.values()) == 2
    # the participant with an account takes the knowledge check themselves
    checked = _checked_module(factory, cohort.modules)
    viewer = logged_in("a_viewer")
    mine = viewer.get("/training/me").text
    assert "Cloud cohort 1" in mine and f"/training/modules/{checked}/check?enrolment=" in mine
    check_url = f"/training/modules/{checked}/check"
    form_page = viewer.get(check_url)  # the only enrolment with this module is chosen
    assert form_page.status_code == 200 and "Submit my answers" in form_page.text
    wrong = viewer.post(
        check_url,
        data={"enrolment": str(cohort.enrolments[0]), "csrf_token": web.csrf(form_page.text)},
        follow_redirects=False,
    )
    assert wrong.status_code == 303
    failed = viewer.get(wrong.headers["location"]).text
    assert "Not passed: 0%" in failed and "2 attempts left." in failed
    answers = _right_answers(factory, checked)
    data: dict[str, Any] = {f"answer-{k}": v for k, v in answers.items()}
    data |= {"enrolment": str(cohort.enrolments[0]), "csrf_token": web.csrf(failed)}
    passed = viewer.post(check_url, data=data, follow_redirects=False)
    assert passed.status_code == 303
    result = viewer.get(passed.headers["location"]).text
    assert "Passed with 100%" in result and "Submit my answers" not in result
    # results: completing a checked module needs a passed check
    admin = logged_in("a_admin")  # one TestClient: logging in switches the user
    page = admin.get(cohort.url).text
    refused = admin.post(
        f"{cohort.url}/results",
        data={
            "module_id": checked,
            "status": "completed",
            "enrolment_ids": [str(e) for e in cohort.enrolments],
            "csrf_token": web.csrf(page),
        },
    )
    assert refused.status_code == 422 and "knowledge check" in refused.text
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ModuleResult)) == 0  # rolled back
        having = set(s.scalars(select(TrainingQuestion.module_id).distinct()))
    for other in [m for m in cohort.modules if m in having and m != checked]:
        url = f"/training/modules/{other}/check"
        form = admin.get(url, params={"enrolment": str(cohort.enrolments[0])}).text
        assert "Recording a supervised attempt for Analyst 0" in form
        data = {f"answer-{k}": v for k, v in _right_answers(factory, other).items()}
        data |= {"enrolment": str(cohort.enrolments[0]), "csrf_token": web.csrf(form)}
        assert admin.post(url, data=data, follow_redirects=False).status_code == 303
    for enrolment in cohort.enrolments[:1]:
        for module in cohort.modules:
            response = web.post(
                admin,
                f"{cohort.url}/results",
                {
                    "module_id": module,
                    "status": "completed",
                    "score": "90",
                    "enrolment_ids": str(enrolment),
                },
                cohort.url,
            )
            assert response.status_code == 303, response.text
    unchecked = [m for m in cohort.modules if m != checked]
    response = admin.post(
        f"{cohort.url}/results",
        data={
            "module_id": unchecked[0],
            "status": "completed",
            "enrolment_ids": [str(e) for e in cohort.enrolments[1:]],
            "csrf_token": web.csrf(admin.get(cohort.url).text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = admin.get(cohort.url).text
    assert "1/" in page and "check passed" in page
    with factory() as s:
        first = s.get(Enrolment, cohort.enrolments[0])
        assert first is not None and first.status == "completed"
    # certificate for the whole programme, shown once, verified publicly
    issued = web.post(
        admin,
        f"/training/enrolments/{cohort.enrolments[0]}/certificates",
        {"module_id": ""},
        cohort.url,
    )
    assert issued.status_code == 201, issued.text
    code_match = _CODE.search(issued.text)
    assert code_match
    code = code_match.group(1)
    assert f"/verify/{code}" in issued.text
    with factory() as s:
        cert = s.scalars(select(Certificate)).one()
        assert code not in (cert.code_hash or "") and cert.kind == "programme"
    pdf = admin.get(f"/training/certificates/{cert.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    admin.cookies.clear()
    public = admin.get(f"/verify/{code}", headers={"Accept": "text/html"})
    assert public.status_code == 200 and "This certificate is valid." in public.text
    assert "Analyst 0" in public.text and 'dir="ltr"' in public.text
    as_json = admin.get(f"/verify/{code}")
    assert as_json.json()["valid"] is True and as_json.json()["holder_name"] == "Analyst 0"
    # capacity numbers moved: three people trained, one certificate, NC-CAP-05 met
    admin = logged_in("a_admin")
    capacity = admin.get("/training/capacity").text
    assert re.search(r'<span class="value">3</span><span class="label">People trained', capacity)
    assert "NC-CAP-05" in capacity and "status-met" in capacity
    assert 'data-spec="spec-periods"' in capacity and 'id="spec-roles"' in capacity
    fed_capacity = logged_in("fed_admin").get(
        "/training/capacity", params={"member": str(scene.world.member_a), "period": "year"}
    )
    assert fed_capacity.status_code == 200 and "2026" in fed_capacity.text
    # revoking shows on the public page
    admin = logged_in("a_admin")
    participant = f"/training/participants/{cert.participant_id}"
    revoked = web.post(
        admin, f"/training/certificates/{cert.id}/revoke", {"next": participant}, participant
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == participant
    assert "Revoked" in admin.get(participant).text
    admin.cookies.clear()
    after = admin.get(f"/verify/{code}", headers={"Accept": "text/html"}).text
    assert "This certificate was revoked." in after


def test_recommendations_explain_every_module(scene: Any, logged_in: Any) -> None:
    client = logged_in("a_admin")  # one member: chosen without asking
    html = client.get("/training/recommendations", params={"budget_hours": "60"}).text
    assert "Recommended for CERT A" in html
    assert 'action="/training/programmes/generate"' not in html  # the federation's call
    chains = re.findall(r'<li class="chain">(.*?)</li>', html, re.S)
    assert chains
    first = chains[0]
    assert re.search(r'class="code">CL-[A-Z]+-\d+', first)  # the requirement
    assert "gap " in first and "target" in first  # the gap with its numbers
    covers = re.findall(r'<div class="cover">\s*<h4>(.*?)</h4>', html, re.S)
    assert covers and 'class="step competency"' in covers[0]  # the competency it calls for
    assert "/training/modules/" in covers[0]  # and the module that develops it
    assert "Demand per competency" in html and "Telco A" in html
    fed = logged_in("fed_admin")
    chooser = fed.get("/training/recommendations").text
    assert "The whole federation" in chooser and "CERT B" in chooser
    assert 'class="chain"' not in chooser  # nothing computed before a choice
    member_b = fed.get("/training/recommendations", params={"member": str(scene.world.member_b)})
    assert "Recommended for CERT B" in member_b.text
    assert "Bank B" in member_b.text and "Telco A" not in member_b.text
    assert "Store as the member state&#39;s programme" in member_b.text  # escaped, as all text
    bad = fed.get(
        "/training/recommendations",
        params={"member": str(scene.world.member_b), "budget_hours": "-3"},
    )
    assert bad.status_code == 422 and "Hours budget" in bad.text


def test_generate_is_idempotent_and_needs_demand(
    scene: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    client = logged_in("fed_admin")
    first = _generate(client, web, scene.world.member_b, scene.campaign)
    again = web.post(
        client,
        "/training/programmes/generate",
        {
            "member": str(scene.world.member_b),
            "campaign_id": str(scene.campaign),
            "budget_hours": "60",
        },
        "/training/programmes",
    )
    assert again.headers["location"] == f"/training/programmes/{first}"
    assert "same programme" in client.get(again.headers["location"]).text
    listing = client.get("/training/programmes").text
    assert "CERT B" in listing and "Programme v1" in listing
    missing = web.post(
        client, "/training/programmes/generate", {"member": ""}, "/training/programmes"
    )
    assert missing.status_code == 422 and "This field is required." in missing.text
    with factory() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(TrainingProgramme)
                .where(TrainingProgramme.kind == "tailored")
            )
            == 1
        )


# --- permissions, isolation, CSRF ------------------------------------------------------------


def test_permissions_follow_the_services(
    programme: uuid.UUID, scene: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    viewer = logged_in("a_viewer")
    page = viewer.get(f"/training/programmes/{programme}").text
    assert "Change the status" not in page and "Start a cohort" not in page
    refused = web.post(
        viewer,
        "/training/programmes/generate",
        {"member": str(scene.world.member_a)},
        "/training/programmes",
    )
    assert refused.status_code == 403
    assert viewer.get("/training/cohorts/new").status_code == 403
    admin = logged_in("a_admin")
    status = web.post(
        admin,
        f"/training/programmes/{programme}/status",
        {"status": "archived"},
        f"/training/programmes/{programme}",
    )
    assert status.status_code == 403
    assert "Start a cohort" in admin.get(f"/training/programmes/{programme}").text
    assessor = logged_in("a_assessor")  # an organisation's role: no member-wide view
    html = assessor.get("/training/recommendations").text
    assert "does not cover a whole member state" in html
    with factory() as s:
        row = s.get(TrainingProgramme, programme)
        assert row is not None and row.status == "approved"


def test_another_member_sees_nothing_of_a_cohort(
    cohort: Any, programme: uuid.UUID, scene: Any, logged_in: Any, web: Any, factory: Any
) -> None:
    with factory() as s:
        person = s.scalars(select(Participant).where(Participant.name == "Analyst 1")).one()
    admin = logged_in("a_admin")
    module = next(m for m in cohort.modules if m != _checked_module(factory, cohort.modules))
    done = web.post(
        admin,
        f"{cohort.url}/results",
        {"module_id": module, "status": "completed", "enrolment_ids": str(cohort.enrolments[1])},
        cohort.url,
    )
    assert done.status_code == 303
    issued = web.post(
        admin,
        f"/training/enrolments/{cohort.enrolments[1]}/certificates",
        {"module_id": module},
        cohort.url,
    )
    assert issued.status_code == 201
    with factory() as s:
        cert = s.scalars(select(Certificate)).one()
    other = logged_in("b_admin")
    listing = other.get("/training/cohorts").text
    assert "Cloud cohort 1" not in listing and "No cohort yet." in listing
    for url in (
        cohort.url,
        f"/training/participants/{person.id}",
        f"/training/certificates/{cert.id}/pdf",
        f"/training/programmes/{programme}",
    ):
        response = other.get(url)
        assert response.status_code == 404, url
        assert "Analyst 1" not in response.text and "Page not found" in response.text
    for url, data in (
        (
            f"{cohort.url}/results",
            {"module_id": module, "status": "failed", "enrolment_ids": str(cohort.enrolments[1])},
        ),
        (f"/training/certificates/{cert.id}/revoke", {}),
        (f"/training/enrolments/{cohort.enrolments[1]}/certificates", {"module_id": module}),
        (f"{cohort.url}/participants", {"name": "Intruder"}),
    ):
        response = web.post(other, url, data, "/training/cohorts")
        assert response.status_code == 404, url
    checked = _checked_module(factory, cohort.modules)
    assert other.get(f"/training/modules/{checked}/check").status_code == 200  # the questions
    check = other.get(
        f"/training/modules/{checked}/check", params={"enrolment": str(cohort.enrolments[1])}
    )
    assert check.status_code == 404 and "Analyst 1" not in check.text  # not A's enrolment
    # member-level reads of another member are refused, as in the API
    assert (
        other.get("/training/capacity", params={"member": str(scene.world.member_a)}).status_code
        == 403
    )
    assert (
        other.get(
            "/training/recommendations", params={"member": str(scene.world.member_a)}
        ).status_code
        == 403
    )
    with factory() as s:
        assert s.get(Certificate, cert.id).revoked_at is None  # type: ignore[union-attr]
        assert s.scalar(select(func.count()).select_from(Participant)) == 3


def test_forms_without_the_csrf_token_are_refused(scene: Any, logged_in: Any, factory: Any) -> None:
    client = logged_in("fed_admin")
    for token in (None, "forged"):
        data = {"member": str(scene.world.member_a), "campaign_id": str(scene.campaign)}
        if token:
            data["csrf_token"] = token
        response = client.post("/training/programmes/generate", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "The form expired or did not come from this site." in response.text
    with factory() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(TrainingProgramme)
                .where(TrainingProgramme.kind == "tailored")
            )
            == 0
        )


# --- knowledge checks ----------------------------------------------------------------------


def test_knowledge_check_pages_never_carry_the_answers(
    cohort: Any, logged_in: Any, factory: Any
) -> None:
    checked = _checked_module(factory, cohort.modules)
    admin = logged_in("a_admin")
    url = f"/training/modules/{checked}/check"
    params = {"enrolment": str(cohort.enrolments[1])}
    before = admin.get(url, params=params)
    assert before.status_code == 200
    assert "Recording a supervised attempt for Analyst 1" in before.text
    assert "correct" not in before.text.lower().replace("every correct answer", "")
    # flip which choices are correct: the page must not change at all
    with transaction(factory) as s:
        for q in s.scalars(select(TrainingQuestion).where(TrainingQuestion.module_id == checked)):
            q.choices = [dict(c, correct=not c.get("correct")) for c in q.choices]
    after = admin.get(url, params=params)
    form = re.compile(r'<form method="post" action="/training/modules/.*?</form>', re.S)
    assert form.search(before.text) and form.search(before.text).group(0) == form.search(  # type: ignore[union-attr]
        after.text
    ).group(0)  # type: ignore[union-attr]
    # a preview without an enrolment shows the questions, disabled, and no submit button
    viewer = logged_in("a_analyst")
    preview = viewer.get(url).text
    assert "You can read the questions" in preview and "Submit my answers" not in preview
    assert " disabled" in preview


def test_attempts_run_out(cohort: Any, logged_in: Any, web: Any, factory: Any) -> None:
    checked = _checked_module(factory, cohort.modules)
    admin = logged_in("a_admin")
    url = f"/training/modules/{checked}/check"
    enrolment = str(cohort.enrolments[2])
    for _ in range(3):
        page = admin.get(url, params={"enrolment": enrolment}).text
        response = admin.post(
            url, data={"enrolment": enrolment, "csrf_token": web.csrf(page)}, follow_redirects=False
        )
        assert response.status_code == 303
    final = admin.get(url, params={"enrolment": enrolment}).text
    assert "All attempts are used." in final and "Submit my answers" not in final
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(QuizAttempt)) == 3


# --- public verification, languages ----------------------------------------------------------


def test_verification_pages_for_browsers_and_machines(client: Any, web_world: Any) -> None:
    form = client.get("/verify")
    assert form.status_code == 200 and 'name="code"' in form.text
    typed = client.get("/verify", params={"code": "abcd efgh"}, follow_redirects=False)
    assert typed.status_code == 303 and typed.headers["location"] == "/verify/ABCD-EFGH"
    unknown = client.get(
        "/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", headers={"Accept": "text/html"}
    )
    assert unknown.status_code == 404 and "Unknown verification code" in unknown.text
    machine = client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    assert machine.status_code == 404
    assert machine.headers["content-type"].startswith("application/problem+json")
    arabic = client.get(
        "/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
        headers={"Accept": "text/html", "Accept-Language": "ar"},
    )
    assert 'dir="rtl"' in arabic.text and "Unknown verification code" not in arabic.text


@pytest.mark.parametrize(
    ("lang", "direction", "words"),
    [("ar", "rtl", ("التدريب", "الكتالوج")), ("fr", "ltr", ("Formation", "Catalogue"))],
)
def test_pages_in_arabic_and_french(
    cohort: Any, logged_in: Any, web: Any, lang: str, direction: str, words: tuple[str, ...]
) -> None:
    client = logged_in("a_admin")
    web.post(client, "/language", {"lang": lang, "next": "/training"}, page_url="/training")
    for url in (
        "/training",
        "/training/recommendations",
        "/training/programmes",
        "/training/cohorts",
        cohort.url,
        "/training/capacity",
        "/training/me",
        "/training/modules/found-cyber-essentials",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert f'<html lang="{lang}" dir="{direction}">' in page.text, url
        assert all(w in page.text for w in words), url
    catalogue = client.get("/training").text
    expected = {
        "ar": "أساسيات الأمن السيبراني للكوادر التقنية",
        "fr": "Les fondamentaux de la cybersécurité pour les équipes techniques",
    }[lang]
    assert expected in catalogue  # module titles in the reader's language


# --- in a browser --------------------------------------------------------------------------


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_training_pages_in_chromium(
    page: Any, cohort: Any, programme: uuid.UUID, factory: Any, web: Any
) -> None:
    """Walk the main pages as a member admin: catalogue, recommendations, the programme, the
    cohort (issue a certificate with the page's form), the public check, capacity charts, a
    knowledge check; then the cohort and the recommendations in Arabic."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    checked = _checked_module(factory, cohort.modules)
    module = next(m for m in cohort.modules if m != checked)
    with transaction(factory) as s:  # one completion: a certificate to issue, capacity to draw
        from aman.training import delivery
        from aman.training.schemas import ResultIn

        delivery.record_result(
            s, OP, cohort.enrolments[1], ResultIn(module_id=module, status="completed")
        )
    page.goto("/login")
    page.fill("input[name=email]", web.email("a_admin"))
    page.fill("input[name=password]", web.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Training", exact=True).click()
    page.wait_for_url(re.compile(r"/training$"))
    assert page.locator("table.catalogue tbody tr").count() == 58
    web.screenshot(page, "training-catalogue")
    page.get_by_label("Format").select_option("tabletop")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"kind=tabletop"))
    rows = page.locator("table.catalogue tbody tr")
    assert 0 < rows.count() < 58 and rows.first.locator(".kind-tabletop").is_visible()
    page.goto("/training/recommendations?budget_hours=60")
    page.locator("details.why").first.wait_for()
    assert page.locator("li.chain").first.is_visible()
    web.screenshot(page, "training-recommendations")
    page.goto(f"/training/programmes/{programme}")
    assert page.get_by_role("link", name="Start a cohort").is_visible()
    web.screenshot(page, "training-programme")
    page.goto(cohort.url)
    assert page.get_by_role("heading", name="Participants and progress").is_visible()
    web.screenshot(page, "training-cohort")
    page.locator(f"form[action$='{cohort.enrolments[1]}/certificates'] button").click()
    page.wait_for_load_state()
    code = page.locator("#verification-code").inner_text()
    assert len(code.replace("-", "")) == 32
    web.screenshot(page, "training-certificate-issued")
    page.locator("#verify-link").click()
    page.wait_for_url(re.compile(r"/verify/"))
    assert page.get_by_role("heading", name="This certificate is valid.").is_visible()
    assert page.locator("#holder").inner_text() == "Analyst 1"
    web.screenshot(page, "training-verify")
    page.goto("/training/capacity")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vega-chart')]"
        ".every(e => e.dataset.rendered === 'true' || e.dataset.error)"
    )
    assert page.locator(".vega-chart[data-error]").count() == 0
    assert page.locator(".vega-chart[data-rendered=true]").count() == 2
    web.screenshot(page, "training-capacity")
    page.goto(f"/training/modules/{checked}/check?enrolment={cohort.enrolments[1]}")
    assert page.locator("fieldset.question").count() >= 3
    web.screenshot(page, "training-check")
    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.goto(cohort.url)
    web.screenshot(page, "training-cohort-ar")
    page.goto("/training/recommendations?budget_hours=60")
    web.screenshot(page, "training-recommendations-ar")
    assert not problems, problems
