"""The training API: end to end from a completed campaign to capacity metrics moving, the
public certificate check, and tenant isolation (a member never sees another's training)."""

from __future__ import annotations

import uuid
from typing import Any

API = "/api/v1/training"


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json() if r.content else None


def test_end_to_end_from_campaign_to_capacity(
    client: Any, world: Any, cloud_campaign: uuid.UUID
) -> None:
    fed, admin = world.auth("fed_admin"), world.auth("a_admin")
    before = _ok(
        client.get(f"{API}/capacity", params={"member_id": str(world.member_a)}, headers=admin)
    )
    assert before["totals"]["people"] == 0
    # the federation generates a tailored, explained programme for each member state
    progs = _ok(client.post(f"{API}/programmes/generate", json={"budget_hours": 60}, headers=fed))
    mine = next(p for p in progs if p["member_id"] == str(world.member_a))
    assert {p["member_id"] for p in progs} == {str(world.member_a), str(world.member_b)}
    detail = _ok(client.get(f"{API}/programmes/{mine['id']}", headers=admin))
    assert detail["modules"] and sum(m["hours"] for m in detail["modules"]) <= 60
    first = detail["plan"]["items"][0]
    assert first["covers"][0]["reasons"][0]["chain"].endswith(f"({first['title']})")
    assert detail["modules"][0]["cohort_size"] >= 6
    # member admins cannot approve; the federation does
    assert (
        client.post(
            f"{API}/programmes/{mine['id']}/status", json={"status": "approved"}, headers=admin
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/cohorts",
            json={"programme_id": mine["id"], "member_id": str(world.member_a), "name": "Early"},
            headers=admin,
        ).status_code
        == 409
    )
    _ok(
        client.post(
            f"{API}/programmes/{mine['id']}/status", json={"status": "approved"}, headers=fed
        )
    )
    # the member admin runs a cohort
    cohort = _ok(
        client.post(
            f"{API}/cohorts",
            json={
                "programme_id": mine["id"],
                "member_id": str(world.member_a),
                "name": "Cohort A1",
                "language": "en",
            },
            headers=admin,
        ),
        201,
    )
    people = [
        _ok(
            client.post(
                f"{API}/participants",
                json={
                    "member_id": str(world.member_a),
                    "organisation_id": str(world.org_a),
                    "name": f"Analyst {i}",
                    "email": f"analyst{i}@a.example",
                    "work_role": "PD-WRL-001",
                },
                headers=admin,
            ),
            201,
        )
        for i in range(3)
    ]
    enrolments = _ok(
        client.post(
            f"{API}/cohorts/{cohort['id']}/enrolments",
            json={"participant_ids": [p["id"] for p in people]},
            headers=admin,
        )
    )
    assert len(enrolments) == 3
    module = detail["modules"][0]["module_id"]
    for e in enrolments:
        r = client.post(
            f"{API}/enrolments/{e['id']}/attendance",
            json={"module_id": module, "session_date": "2026-10-05", "hours": 6},
            headers=admin,
        )
        assert r.status_code == 204
        check = client.get(f"{API}/modules/{module}/knowledge-check", headers=admin)
        if check.status_code == 200:
            questions = check.json()["questions"]
            assert all("correct" not in c for q in questions for c in q["choices"])
            answers = _correct(client, module)
            att = _ok(
                client.post(
                    f"{API}/enrolments/{e['id']}/attempts",
                    json={"module_id": module, "answers": answers},
                    headers=admin,
                ),
                201,
            )
            assert att["passed"] is True
        _ok(
            client.post(
                f"{API}/enrolments/{e['id']}/results",
                json={"module_id": module, "status": "completed", "score": 0.9},
                headers=admin,
            )
        )
    issued = _ok(
        client.post(
            f"{API}/enrolments/{enrolments[0]['id']}/certificates",
            json={"module_id": module},
            headers=admin,
        ),
        201,
    )
    assert issued["verify_url"].endswith(f"/verify/{issued['code']}")
    pdf = client.get(f"{API}/certificates/{issued['certificate']['id']}/pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # anyone can verify, and learns only name, title, date and validity
    public = client.get(f"/verify/{issued['code']}")
    assert public.status_code == 200
    assert set(public.json()) == {
        "valid",
        "status",
        "holder_name",
        "title",
        "issued_on",
        "valid_until",
    }
    assert public.json()["holder_name"] == "Analyst 0" and public.json()["valid"] is True
    page = client.get(f"/verify/{issued['code']}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Analyst 0" in page.text
    assert client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH").status_code == 404
    # capacity metrics moved
    after = _ok(
        client.get(f"{API}/capacity", params={"member_id": str(world.member_a)}, headers=admin)
    )
    assert after["totals"]["people"] == 3 and after["totals"]["by_role"] == {"PD-WRL-001": 3}
    assert (
        sum(r["people"] for r in after["rows"]) >= 3 and after["totals"]["evidence"]["module"] >= 3
    )
    # re-generation after delivery: the completed module is no longer proposed
    again = _ok(
        client.post(
            f"{API}/recommendations",
            json={"member_id": str(world.member_a), "budget_hours": 60},
            headers=admin,
        )
    )
    assert module not in [i["module_id"] for i in again["items"]]


def _correct(client: Any, module: str) -> dict[str, list[str]]:
    from aman.training import catalogue

    check = catalogue.shipped().checks[module]
    return {q.key: [c.id for c in q.choices if c.correct] for q in check.questions}


def test_catalogue_endpoints(client: Any, world: Any) -> None:
    h = world.auth("a_viewer")
    modules = _ok(client.get(f"{API}/modules", params={"kind": "ctf"}, headers=h))
    assert modules and all(m["kind"] == "ctf" and m["delivery"]["ctf_challenges"] for m in modules)
    comps = _ok(client.get(f"{API}/competencies", headers=h))
    assert len(comps["competencies"]) == 41 and comps["provenance"]["licence"] == "CC-BY-4.0"
    fw = _ok(client.get(f"{API}/frameworks", headers=h))
    assert fw["nice"]["work_roles"]["PD-WRL-003"] == "Incident Response"
    assert (
        client.patch(f"{API}/modules/ir-foundations", json={"hours": 9}, headers=h).status_code
        == 403
    )
    edited = _ok(
        client.patch(
            f"{API}/modules/ir-foundations", json={"hours": 9}, headers=world.auth("fed_admin")
        )
    )
    assert edited["hours"] == 9 and edited["origin"] == "local"
    for url in ("javascript:alert(1)", "data:text/html,x", "//elsewhere.example/x"):
        refused = client.patch(
            f"{API}/modules/ir-foundations",
            json={"delivery": {"url": url}},
            headers=world.auth("fed_admin"),
        )
        assert refused.status_code == 422, url
        assert refused.json()["errors"][0]["field"].startswith("delivery")
    moved = {"url": "https://lms.example/course/42", "lms_course_id": "42"}
    edited = _ok(
        client.patch(
            f"{API}/modules/ir-foundations",
            json={"delivery": moved},
            headers=world.auth("fed_admin"),
        )
    )
    assert edited["delivery"]["url"] == moved["url"] and edited["hours"] == 9
    assert client.get(f"{API}/modules").status_code == 401
    tracks = _ok(client.get(f"{API}/programmes", params={"kind": "track"}, headers=h))
    assert len(tracks) == 8


def test_member_cannot_see_or_touch_another_members_training(
    client: Any, world: Any, cloud_campaign: uuid.UUID
) -> None:
    fed = world.auth("fed_admin")
    progs = _ok(client.post(f"{API}/programmes/generate", json={}, headers=fed))
    prog_b = next(p for p in progs if p["member_id"] == str(world.member_b))
    _ok(
        client.post(
            f"{API}/programmes/{prog_b['id']}/status", json={"status": "approved"}, headers=fed
        )
    )
    b = world.auth("b_admin")
    cohort_b = _ok(
        client.post(
            f"{API}/cohorts",
            json={"programme_id": prog_b["id"], "member_id": str(world.member_b), "name": "B1"},
            headers=b,
        ),
        201,
    )
    person_b = _ok(
        client.post(
            f"{API}/participants",
            json={
                "member_id": str(world.member_b),
                "name": "Secret Person",
                "email": "secret@b.example",
            },
            headers=b,
        ),
        201,
    )
    (enrol_b,) = _ok(
        client.post(
            f"{API}/cohorts/{cohort_b['id']}/enrolments",
            json={"participant_ids": [person_b["id"]]},
            headers=b,
        )
    )
    for who in ("a_admin", "a_analyst", "a_assessor", "a_viewer"):
        h = world.auth(who)
        listed = _ok(client.get(f"{API}/participants", headers=h))["items"]
        assert all(p["member_id"] != str(world.member_b) for p in listed), who
        assert _ok(client.get(f"{API}/cohorts", headers=h)) == [] or all(
            c["member_id"] == str(world.member_a)
            for c in _ok(client.get(f"{API}/cohorts", headers=h))
        )
        assert all(
            p["member_id"] != str(world.member_b)
            for p in _ok(client.get(f"{API}/programmes", headers=h))
        )
        for path in (
            f"/participants/{person_b['id']}",
            f"/cohorts/{cohort_b['id']}",
            f"/programmes/{prog_b['id']}",
            f"/cohorts/{cohort_b['id']}/enrolments",
            f"/enrolments/{enrol_b['id']}/results",
            f"/participants/{person_b['id']}/certificates",
        ):
            assert client.get(API + path, headers=h).status_code == 404, (who, path)
        writes = (
            (
                "POST",
                f"/cohorts/{cohort_b['id']}/enrolments",
                {"participant_ids": [person_b["id"]]},
            ),
            ("PATCH", f"/cohorts/{cohort_b['id']}", {"status": "cancelled"}),
            (
                "POST",
                f"/enrolments/{enrol_b['id']}/results",
                {"module_id": "x", "status": "completed"},
            ),
            ("POST", f"/enrolments/{enrol_b['id']}/certificates", {}),
            ("POST", "/participants", {"member_id": str(world.member_b), "name": "Implant"}),
            (
                "POST",
                "/cohorts",
                {"programme_id": prog_b["id"], "member_id": str(world.member_b), "name": "Implant"},
            ),
            ("POST", "/recommendations", {"member_id": str(world.member_b)}),
        )
        for method, path, body in writes:
            assert client.request(method, API + path, json=body, headers=h).status_code in (
                403,
                404,
            ), (who, path)
        assert (
            client.get(
                f"{API}/capacity", params={"member_id": str(world.member_b)}, headers=h
            ).status_code
            == 403
        )
    # a's admin cannot enrol b's person into an a cohort either
    prog_a = next(p for p in progs if p["member_id"] == str(world.member_a))
    _ok(
        client.post(
            f"{API}/programmes/{prog_a['id']}/status", json={"status": "approved"}, headers=fed
        )
    )
    a = world.auth("a_admin")
    cohort_a = _ok(
        client.post(
            f"{API}/cohorts",
            json={"programme_id": prog_a["id"], "member_id": str(world.member_a), "name": "A1"},
            headers=a,
        ),
        201,
    )
    r = client.post(
        f"{API}/cohorts/{cohort_a['id']}/enrolments",
        json={"participant_ids": [person_b["id"]]},
        headers=a,
    )
    assert r.status_code == 422
    # nor run a cohort on b's tailored programme
    r = client.post(
        f"{API}/cohorts",
        json={"programme_id": prog_b["id"], "member_id": str(world.member_a), "name": "A2"},
        headers=a,
    )
    assert r.status_code in (404, 422)
