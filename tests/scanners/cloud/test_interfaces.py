"""`aman check cloud` and the cloud upload API, down to the cloud baseline assessment."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sarif_kit.validate import validation_errors
from sqlalchemy import select
from typer.testing import CliRunner

from aman.assessments.models import Answer, Assessment
from aman.assessments.schemas import CampaignIn
from aman.auth.permissions import Principal
from aman.cli import app
from aman.db import transaction
from aman.scanners.cloud.demo import write_estate

runner = CliRunner(env={"COLUMNS": "200"})
OP = Principal.local_operator("test")


def test_cli_outputs(tmp_path: Path) -> None:
    write_estate(tmp_path / "k8s", hardened=False)
    table = runner.invoke(app, ["check", "cloud", str(tmp_path / "k8s")])
    assert table.exit_code == 0, table.output
    shown = " ".join(table.stdout.split())
    assert "cloud.k8s.privileged" in shown and "checkov not run" in shown
    doc = json.loads(runner.invoke(app, ["check", "cloud", str(tmp_path / "k8s"), "--json"]).stdout)
    assert doc["summary"]["workloads"] == 2 and doc["counts"]["fail"] > 5
    sarif = json.loads(
        runner.invoke(app, ["check", "cloud", str(tmp_path / "k8s"), "--sarif"]).stdout
    )
    assert validation_errors(sarif) == []
    clean = runner.invoke(app, ["check", "cloud", str(tmp_path / "k8s"), "--fail-on-findings"])
    assert clean.exit_code == 1


def test_upload_fills_the_cloud_assessment(
    client: Any, world: Any, factory: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    from aman.assessments import service
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, tmp_path_factory.mktemp("packs"))
        campaign = service.launch_campaign(
            s, OP, CampaignIn(name="Cloud", pack="aman-cloud-baseline")
        )
    write_estate(tmp_path / "k8s", hardened=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(tmp_path / "k8s" / "portal.yaml", "k8s/portal.yaml")
    response = client.post(
        "/api/v1/scanners/cloud/checks",
        headers=world.auth("a_analyst"),
        data={"organisation_id": str(world.org_a)},
        files=[("files", ("estate.zip", buffer.getvalue(), "application/zip"))],
    )
    assert response.status_code == 201, response.text
    assert response.json()["summary"]["workloads"] == 2
    with factory() as s:
        assessment = s.scalar(
            select(Assessment.id).where(
                Assessment.campaign_id == campaign.id, Assessment.organisation_id == world.org_a
            )
        )
        answers = {
            a.ref_id: a for a in s.scalars(select(Answer).where(Answer.assessment_id == assessment))
        }
    assert answers["CL-K8S-01"].automated["status"] == "not_met"
    assert answers["CL-K8S-09"].automated["status"] == "not_met"
    assert answers["CL-K8S-02"].automated["status"] == "met"
    assert "CL-DP-02" not in answers  # needs checkov: stays manual
