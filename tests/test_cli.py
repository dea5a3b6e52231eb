"""The CLI end to end: migrations, the demo (idempotent), listings as JSON, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aman.cli import app
from aman.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> None:
    monkeypatch.setenv("AMAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMAN_DATABASE_URL", db_url)
    monkeypatch.setenv("AMAN_SECRET_KEY", "cli-test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _json(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


@pytest.mark.usefixtures("cli_env")
def test_demo_is_idempotent_and_believable() -> None:
    first = runner.invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "admin@aman.example" in first.output
    members = _json("members", "list")
    orgs = _json("orgs", "list")
    again = runner.invoke(app, ["demo", "--no-serve"])
    assert again.exit_code == 0
    logins = [line for line in first.output.splitlines() if ".example" in line]
    assert len(logins) == 6
    assert logins == [line for line in again.output.splitlines() if ".example" in line]
    assert "loaded pack nist-csf-2.0@2.0" in first.output
    assert "loaded pack" not in again.output  # packs are in; nothing re-imported
    assert len(_json("members", "list")) == len(members) == 27
    assert len(_json("orgs", "list")) == len(orgs)
    assert 27 * 3 <= len(orgs) <= 27 * 6
    classes = {m["membership_class"] for m in members}
    assert classes == {"full", "general", "professional", "affiliate", "commercial"}
    assert all(m["sponsors"] for m in members if not m["voting"])
    countries = {c["code"]: c for c in _json("countries", "list", "--oic")}
    assert {m["country_code"] for m in members} <= set(countries)
    assert len({o["sector"] for o in orgs}) >= 8
    stale = _json("contacts", "stale", "--days", "180")
    assert 0 < len(stale) < 54
    wgs = _json("wg", "list")
    assert {w["domain"] for w in wgs} == {"5g", "cloud", "ai", "pqc", "blockchain"}
    audit = runner.invoke(
        app, ["audit", "list", "--action", "member.create", "--json", "--limit", "500"]
    )
    assert len(json.loads(audit.stdout)) == 27


@pytest.mark.usefixtures("cli_env")
def test_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    bad = tmp_path / "orgs.csv"
    bad.write_text("member,name,sector\nNobody,X,telecom\n", encoding="utf-8")
    result = runner.invoke(app, ["orgs", "import", str(bad)])
    assert result.exit_code == 2
    assert "line 2" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["tokens", "list", "ghost@example.org"])
    assert result.exit_code == 2 and "no user ghost@example.org" in result.output


@pytest.mark.usefixtures("cli_env")
def test_tokens_from_the_cli_work_on_the_api() -> None:
    from fastapi.testclient import TestClient

    from aman.app import create_app

    assert runner.invoke(app, ["demo", "--no-serve"]).exit_code == 0
    result = runner.invoke(app, ["tokens", "create", "analyst@cert.my.example", "--name", "ci"])
    assert result.exit_code == 0, result.output
    secret = next(line for line in result.output.split() if line.startswith("aman_"))
    with TestClient(create_app(get_settings())) as c:
        me = c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me["email"] == "analyst@cert.my.example"
    assert me["grants"][0]["role"] == "analyst"


def test_tables_round_floats_and_json_keeps_every_digit(capsys: pytest.CaptureFixture[str]) -> None:
    from aman.cli_support import emit

    emit([{"mean": 58.85950413223141, "coverage": 1.0, "q1": None}], ["mean", "coverage"], False)
    table = capsys.readouterr().out
    assert "58.86" in table and "58.859" not in table and "1.0" not in table
    emit([{"mean": 58.85950413223141}], ["mean"], True)
    assert '"mean": 58.85950413223141' in capsys.readouterr().out
