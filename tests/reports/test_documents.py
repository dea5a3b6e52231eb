"""Reports as documents: HTML and PDF in English, Arabic (right to left) and French, through
the service, the API (bearer tokens, tenant isolation) and the CLI."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from aman.errors import InvalidInput
from aman.reports import service

# Laying out PDFs is the slow part; it does not depend on the database, whose reads the
# overview tests cover on both backends.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@SQLITE_ONLY
def test_assessment_report_pdf_carries_scores_gaps_and_roadmap(
    fed: Any, factory: Any, principal_of: Any
) -> None:
    with factory() as s:
        report = service.assessment_report(
            s, principal_of("a_assessor"), fed.assessments[("Telco A", 2)], k=2
        )
    assert report.media_type == "application/pdf"
    assert report.content.startswith(b"%PDF-")
    assert re.fullmatch(r"aman-assessment-telco-a-\d{4}-\d\d-\d\d-en\.pdf", report.filename)
    text = pdf_text(report.content)
    assert "Assessment report: Telco A" in text
    assert "40" in text and "Largest gaps to the target" in text
    assert "Governance and ownership" in text  # an area of the PQC pack


@SQLITE_ONLY
def test_arabic_report_is_right_to_left_and_translated(
    fed: Any, factory: Any, principal_of: Any
) -> None:
    with factory() as s:
        html = service.assessment_report(
            s,
            principal_of("a_assessor"),
            fed.assessments[("Telco A", 2)],
            fmt="html",
            lang="ar",
            k=2,
        )
        pdf = service.assessment_report(
            s, principal_of("a_assessor"), fed.assessments[("Telco A", 2)], lang="ar", k=2
        )
    page = html.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "الحوكمة والملكية" in page  # the pack's own Arabic title of an area
    assert html.media_type.startswith("text/html")
    text = pdf_text(pdf.content)
    assert "الحوكمة" in text or "ﺍﻟﺤﻮﻛﻤﺔ" in text or "ملكية" in text  # shaped Arabic is text


@SQLITE_ONLY
def test_member_and_federation_reports(fed: Any, factory: Any, op: Any, principal_of: Any) -> None:
    with factory() as s:
        mine = service.member_report(s, principal_of("a_admin"), fed.world.member_a, k=2)
        annual = service.federation_report(s, op, fmt="pdf", lang="fr", k=2, year=2026)
    text = pdf_text(mine.content)
    assert "Member state report: Malaysia" in text
    assert "Telco A" in text and "Cloud A" in text and "Bank B" not in text
    annual_text = pdf_text(annual.content)
    assert "2026" in annual_text and "Oman" in annual_text and "Malaisie" in annual_text


def test_reports_refuse_other_tenants_and_bad_options(
    fed: Any, factory: Any, principal_of: Any
) -> None:
    from aman.errors import NotFound, PermissionDenied

    with factory() as s:
        with pytest.raises(NotFound):
            service.assessment_report(
                s, principal_of("a_admin"), fed.assessments[("Bank B", 2)], k=2
            )
        with pytest.raises(PermissionDenied):
            service.member_report(s, principal_of("a_admin"), fed.world.member_b, k=2)
        with pytest.raises(PermissionDenied):
            service.federation_report(s, principal_of("a_admin"), k=2)
        with pytest.raises(InvalidInput) as caught:
            service.assessment_report(
                s, principal_of("a_admin"), fed.assessments[("Bank A", 2)], fmt="docx", lang="de"
            )
    assert {e.field for e in caught.value.errors} == {"format", "lang"}


def test_api_serves_reports_to_token_holders_only(fed: Any, client: Any) -> None:
    world = fed.world
    url = f"/api/v1/reports/assessments/{fed.assessments[('Telco A', 2)]}"
    response = client.get(url, headers=world.auth("a_viewer"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    assert client.get(url, headers=world.auth("b_admin")).status_code == 404
    assert client.get(url).status_code == 401
    html = client.get(url + "?format=html&lang=fr", headers=world.auth("a_viewer"))
    assert html.status_code == 200 and 'lang="fr"' in html.text
    bad = client.get(url + "?format=docx", headers=world.auth("a_viewer"))
    assert bad.status_code == 422
    annual = client.get("/api/v1/reports/federation?format=html", headers=world.auth("a_admin"))
    assert annual.status_code == 403


@SQLITE_ONLY
def test_cli_writes_the_report(fed: Any, settings: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from aman.cli import app
    from aman.settings import get_settings

    monkeypatch.setenv("AMAN_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("AMAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    out = tmp_path / "annual.html"
    try:
        result = CliRunner().invoke(
            app, ["reports", "federation", "--format", "html", "--lang", "ar", "-o", str(out)]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert 'dir="rtl"' in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["reports", "federation", "--format", "doc"])
    assert bad.exit_code == 2
