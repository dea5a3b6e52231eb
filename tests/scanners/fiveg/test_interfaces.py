"""`aman check 5g` and the upload API end to end: outputs, storage, permissions, and the
organisation's assessment of the 5G baseline filled with the verdicts."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sarif_kit.validate import validation_errors
from sqlalchemy import select
from typer.testing import CliRunner

from aman.assessments.models import Answer, Assessment
from aman.assessments.schemas import CampaignIn
from aman.auth.permissions import Principal
from aman.cli import app
from aman.db import transaction
from aman.scanners.fiveg.demo import write_core
from aman.settings import get_settings

runner = CliRunner(env={"COLUMNS": "200"})
OP = Principal.local_operator("test")


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Any:
    monkeypatch.setenv("AMAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AMAN_DATABASE_URL", db_url)
    monkeypatch.setenv("AMAN_SECRET_KEY", "cli-test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_table_json_sarif_without_storage(tmp_path: Path) -> None:
    write_core(tmp_path / "core", hardened=False)
    table = runner.invoke(app, ["check", "5g", str(tmp_path / "core")])
    assert table.exit_code == 0, table.output
    shown = " ".join(table.stdout.split())
    assert "5g.nas.nia0" in shown and "critical" in shown
    doc = json.loads(runner.invoke(app, ["check", "5g", str(tmp_path / "core"), "--json"]).stdout)
    assert doc["format"] == "aman-findings/1" and doc["run"]["id"] is None
    assert {n["type"] for n in doc["summary"]["network_functions"]} >= {"amf", "udm", "sepp"}
    sarif = runner.invoke(app, ["check", "5g", str(tmp_path / "core"), "--sarif"])
    log = json.loads(sarif.stdout)
    assert validation_errors(log) == []
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "5g.nas.nia0" in rules
    gate = runner.invoke(app, ["check", "5g", str(tmp_path / "core"), "--fail-on-findings"])
    assert gate.exit_code == 1
    missing = runner.invoke(app, ["check", "5g", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2


def _campaign(factory: Any, world: Any, tmp_path_factory: Any) -> Any:
    from aman.assessments import service
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, tmp_path_factory.mktemp("packs"))
        c = service.launch_campaign(s, OP, CampaignIn(name="5G", pack="aman-5g-baseline"))
    with factory() as s:
        return s.scalar(
            select(Assessment.id).where(
                Assessment.campaign_id == c.id, Assessment.organisation_id == world.org_a
            )
        )


def _answers(factory: Any, assessment_id: Any) -> dict[str, Answer]:
    with factory() as s:
        rows = s.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
        return {a.ref_id: a for a in rows}


def _bundle(root: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(path.relative_to(root).as_posix())
                info.external_attr = (0o100000 | (path.stat().st_mode & 0o777)) << 16
                info.create_system = 3
                archive.writestr(info, path.read_bytes())
        archive.writestr("../../escape.yaml", "amf: {}\n")
    return buffer.getvalue()


def test_upload_fills_the_5g_assessment(
    client: Any, world: Any, factory: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    assessment = _campaign(factory, world, tmp_path_factory)
    write_core(tmp_path / "core", hardened=False)
    response = client.post(
        "/api/v1/scanners/5g/checks",
        headers=world.auth("a_analyst"),
        data={"organisation_id": str(world.org_a)},
        files=[("files", ("core.zip", _bundle(tmp_path / "core"), "application/zip"))],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["run"]["domain"] == "5g" and body["run"]["kind"] == "upload"
    assert body["findings"][0]["status"] == "fail"  # worst first
    assert any(p["code"] == "path-traversal" for p in body["problems"])
    modes = {f["check_id"]: f for f in body["findings"] if f["target"] == "core.zip/udm.yaml.in"}
    assert modes["5g.suci.key-storage"]["status"] == "fail"  # 0644 kept from the zip
    answers = _answers(factory, assessment)
    assert answers["5G-NAS-01"].automated["status"] == "not_met"
    assert answers["5G-NAS-01"].result == "0"
    assert answers["5G-SBA-01"].automated["status"] == "not_met"
    assert "5G-GOV-01" not in answers
    # another member's admin cannot check, or even see, organisation A
    denied = client.post(
        "/api/v1/scanners/5g/checks",
        headers=world.auth("b_admin"),
        data={"organisation_id": str(world.org_a)},
        files=[("files", ("amf.yaml", b"amf: {}\n", "text/yaml"))],
    )
    assert denied.status_code == 404


def test_upload_of_a_tar_bundle_with_links(client: Any, world: Any) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"amf:\n  security:\n    integrity_order: [NIA0]\n"
        info = tarfile.TarInfo("cfg/amf.yaml")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("cfg/passwd.yaml")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    response = client.post(
        "/api/v1/scanners/5g/checks",
        headers=world.auth("a_admin"),
        data={"organisation_id": str(world.org_a)},
        files=[("files", ("core.tar.gz", buffer.getvalue(), "application/gzip"))],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert any(p["code"] == "link-refused" for p in body["problems"])
    nia0 = [f for f in body["findings"] if f["check_id"] == "5g.nas.nia0"]
    assert nia0[0]["status"] == "fail" and nia0[0]["severity"] == "critical"


def test_cli_stores_a_run_for_an_organisation(cli_env: Any, world: Any, tmp_path: Path) -> None:
    write_core(tmp_path / "core", hardened=True)
    out = runner.invoke(app, ["check", "5g", str(tmp_path / "core"), "--org", "Telco A"])
    assert out.exit_code == 0, out.output
    assert "stored as run" in out.stdout
    runs = json.loads(runner.invoke(app, ["evidence", "runs", "--json"]).stdout)
    assert (
        len(runs) == 1
        and runs[0]["domain"] == "5g"
        and runs[0]["organisation_id"] == str(world.org_a)
    )
