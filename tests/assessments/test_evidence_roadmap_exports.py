"""Evidence files, gaps and roadmap, inference between packs, exports, and the constant query
count of the assessment endpoint."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from aman.assessments.schemas import CampaignIn
from aman.db import transaction

API = "/api/v1"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_evidence_upload_limits_and_download(
    client: Any, world: Any, campaign: Any, assessment_of: Any
) -> None:
    a = assessment_of(campaign.id, world.org_a)
    url = f"{API}/assessments/{a.id}/evidence"
    h = world.auth("a_assessor")
    r = client.post(
        url,
        headers=h,
        data={"ref_id": "PQC-INV-01"},
        files={"file": ("inventory.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["media_type"] == "application/pdf" and len(ev["sha256"]) == 64
    for name, body in (
        ("tool.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"MZ not a pdf"),
        ("empty.txt", b""),
        ("latin1.txt", "café".encode("latin-1")),
    ):
        r = client.post(
            url,
            headers=h,
            data={"ref_id": "PQC-INV-01"},
            files={"file": (name, body, "application/octet-stream")},
        )
        assert r.status_code == 422, name
    r = client.post(
        url, headers=h, data={"ref_id": "NOPE"}, files={"file": ("x.pdf", PDF, "application/pdf")}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ref_id"
    r = client.get(f"{url}/{ev['id']}/file", headers=h)
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"{url}/{ev['id']}/file", headers=world.auth("b_admin")).status_code == 404
    r = client.post(
        f"{url}/url", headers=h, json={"ref_id": "PQC-INV-01", "url": "javascript:alert(1)"}
    )
    assert r.status_code == 422
    r = client.post(
        f"{url}/url",
        headers=h,
        json={"ref_id": "PQC-INV-01", "url": "https://intranet.example/cbom"},
    )
    assert r.status_code == 201
    detail = client.get(f"{API}/assessments/{a.id}", headers=h).json()
    inv = next(x for x in detail["requirements"] if x["ref_id"] == "PQC-INV-01")
    assert inv["evidence_count"] == 2


def test_gaps_and_roadmap(
    client: Any, world: Any, campaign: Any, assessment_of: Any, answer_all: Any
) -> None:
    a = assessment_of(campaign.id, world.org_a)
    answer_all(a.id, "1", {"PQC-TLS-01": "5"})
    h = world.auth("a_admin")
    gaps = client.get(f"{API}/assessments/{a.id}/gaps", headers=h).json()
    assert gaps and all(g["gap"] > 0 for g in gaps)
    assert "PQC-TLS-01" not in {g["ref_id"] for g in gaps}  # 5 is above the target of 3
    assert gaps == sorted(gaps, key=lambda g: (-g["gap"], g["ref_id"]))
    items = client.post(f"{API}/assessments/{a.id}/roadmap/suggest", headers=h).json()
    assert items and all(i["suggested"] and i["due_date"] for i in items)
    covered = [ref for i in items for ref in i["ref_ids"]]
    assert len(covered) == len(set(covered))
    first = items[0]
    r = client.patch(
        f"{API}/assessments/{a.id}/roadmap/{first['id']}",
        headers=h,
        json={"status": "done", "owner": "CISO office"},
    )
    assert r.json()["completed_at"] and r.json()["owner"] == "CISO office"
    again = client.post(f"{API}/assessments/{a.id}/roadmap/suggest", headers=h).json()
    assert first["id"] not in {i["id"] for i in again}  # edited items are kept, not duplicated
    assert not set(first["ref_ids"]) & {ref for i in again for ref in i["ref_ids"]}
    progress = client.get(f"{API}/assessments/{a.id}/roadmap/progress", headers=h).json()
    assert progress[-1]["done"] == 1
    r = client.post(
        f"{API}/assessments/{a.id}/roadmap",
        headers=h,
        json={"action": "Buy HSMs", "ref_ids": ["XX-1"]},
    )
    assert r.status_code == 422


def test_prefill_is_inferred_until_confirmed(
    client: Any, world: Any, factory: Any, packs: None, op: Any, answer_all: Any
) -> None:
    from aman.assessments import service

    with transaction(factory) as s:
        cloud = service.launch_campaign(s, op, CampaignIn(name="Cloud", pack="aman-cloud-baseline"))
        csf = service.launch_campaign(s, op, CampaignIn(name="CSF", pack="nist-csf-2.0"))
    from sqlalchemy import select

    from aman.assessments.models import Assessment

    with factory() as s:
        src = s.scalar(
            select(Assessment).where(
                Assessment.campaign_id == cloud.id, Assessment.organisation_id == world.org_a
            )
        )
        dst = s.scalar(
            select(Assessment).where(
                Assessment.campaign_id == csf.id, Assessment.organisation_id == world.org_a
            )
        )
        other = s.scalar(
            select(Assessment).where(
                Assessment.campaign_id == cloud.id, Assessment.organisation_id == world.org_b
            )
        )
    answer_all(src.id, "5")
    h = world.auth("a_admin")
    r = client.post(
        f"{API}/assessments/{dst.id}/prefill", headers=h, params={"source": str(src.id)}
    )
    assert r.status_code == 200 and r.json()["inferred"] > 10
    detail = client.get(f"{API}/assessments/{dst.id}", headers=h).json()
    inferred = [x for x in detail["requirements"] if x["answer"]]
    assert all(x["answer"]["inferred_from"]["pack"] == "aman-cloud-baseline" for x in inferred)
    assert detail["assessment"]["score"] is None  # nothing counts before confirmation
    capped = [
        x
        for x in inferred
        if x["answer"]["inferred_from"]["relationship"] in ("superset_of", "intersects_with")
    ]
    assert all(x["answer"]["value"] <= 0.5 for x in capped)
    ref = inferred[0]["ref_id"]
    r = client.post(f"{API}/assessments/{dst.id}/answers/{ref}/confirm", headers=h)
    assert r.status_code == 200 and r.json()["inferred_from"] is None
    assert client.get(f"{API}/assessments/{dst.id}", headers=h).json()["assessment"]["score"]
    r = client.post(
        f"{API}/assessments/{dst.id}/prefill", headers=h, params={"source": str(other.id)}
    )
    assert r.status_code == 404  # another member's assessment is not even visible


def test_exports_and_questionnaire_round_trip(
    client: Any, world: Any, campaign: Any, assessment_of: Any, answer_all: Any
) -> None:
    a = assessment_of(campaign.id, world.org_a)
    answer_all(a.id, "2")
    h = world.auth("a_admin")
    r = client.get(f"{API}/assessments/{a.id}/export", headers=h, params={"format": "oscal-ar"})
    ar = r.json()["assessment-results"]
    trestle = pytest.importorskip(
        "trestle.oscal.assessment_results", reason="compliance-trestle not installed"
    )
    trestle.AssessmentResults.model_validate(ar)
    assert len(ar["results"][0]["findings"]) > 50
    client.post(f"{API}/assessments/{a.id}/roadmap/suggest", headers=h)
    r = client.get(f"{API}/assessments/{a.id}/export", headers=h, params={"format": "oscal-poam"})
    from trestle.oscal.poam import PlanOfActionAndMilestones

    PlanOfActionAndMilestones.model_validate(r.json()["plan-of-action-and-milestones"])
    xlsx = client.get(
        f"{API}/assessments/{a.id}/export", headers=h, params={"format": "xlsx"}
    ).content
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["questionnaire"]
    header = [c.value for c in sheet[1]]
    ref_col, result_col = header.index("ref_id") + 1, header.index("result") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, ref_col).value == "PQC-TLS-01":
            sheet.cell(row, result_col).value = "5"
    out = io.BytesIO()
    book.save(out)
    r = client.post(
        f"{API}/assessments/{a.id}/questionnaire",
        headers=h,
        files={"file": ("q.xlsx", out.getvalue())},
    )
    assert r.status_code == 200, r.text
    assert r.json()["answers"] == 1
    hist = client.get(
        f"{API}/assessments/{a.id}/history", headers=h, params={"ref_id": "PQC-TLS-01"}
    ).json()
    assert hist[-1]["source"] == "import" and hist[-1]["result"] == "5"
    r = client.post(
        f"{API}/assessments/{a.id}/questionnaire",
        headers=h,
        files={"file": ("q.xlsx", b"PK\x03\x04 not really")},
    )
    assert r.status_code == 422


def test_assessment_endpoint_query_count_is_constant(
    client: Any, world: Any, factory: Any, packs: None, op: Any, app: Any, answer_all: Any
) -> None:
    """The number of statements does not grow with the number of requirements."""
    from sqlalchemy import select

    from aman.assessments import service
    from aman.assessments.models import Assessment

    counts = {}
    for pack in ("aman-national-capacity", "nist-csf-2.0"):  # 58 and 106 assessable
        with transaction(factory) as s:
            c = service.launch_campaign(
                s,
                op,
                CampaignIn(
                    name=pack,
                    pack=pack,
                    subject_kind="member" if "national" in pack else "organisation",
                ),
            )
        with factory() as s:
            a = s.scalar(
                select(Assessment).where(
                    Assessment.campaign_id == c.id, Assessment.member_id == world.member_a
                )
            )
        answer_all(a.id, "met" if "national" in pack else "3")
        url = f"{API}/assessments/{a.id}"
        client.get(url, headers=world.auth("fed_admin"))  # warm the pack cache and token
        statements = [0]

        def count(*_: object, statements: list[int] = statements) -> None:
            statements[0] += 1

        event.listen(app.state.engine, "before_cursor_execute", count)
        body = client.get(url, headers=world.auth("fed_admin")).json()
        event.remove(app.state.engine, "before_cursor_execute", count)
        counts[pack] = (len(body["requirements"]), statements[0])
    (small_n, small_q), (big_n, big_q) = counts.values()
    assert big_n > small_n and big_q == small_q
    assert orjson.dumps(counts)
