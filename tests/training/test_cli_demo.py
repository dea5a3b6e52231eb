"""`aman training …` end to end, and the training demo (idempotent, one running cohort per
member state with demand)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from aman.cli import app
from aman.db import transaction
from aman.settings import get_settings
from aman.training.models import Certificate, Cohort, Enrolment, TrainingProgramme

from .conftest import OP  # type: ignore[import-not-found]

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Any:
    monkeypatch.setenv("AMAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMAN_DATABASE_URL", db_url)
    monkeypatch.setenv("AMAN_SECRET_KEY", "cli-test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _run(*args: str) -> str:
    result = runner.invoke(app, ["training", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.usefixtures("cli_env")
def test_cli_tour(world: Any, cloud_campaign: uuid.UUID) -> None:
    assert "ok: 41 competencies, 58 modules, 8 tracks" in _run("validate")
    assert len(json.loads(_run("competencies", "--json"))) == 41
    labs = json.loads(_run("modules", "--kind", "lab", "--json"))
    assert labs and {m["kind"] for m in labs} == {"lab"}
    text = _run("recommend", "--member", "MY", "--budget", "40", "--explain")
    assert "Programme for CERT A" in text and "-> module" in text
    plan = json.loads(_run("recommend", "--member", "CERT A", "--json"))
    assert plan["scope"]["name"] == "CERT A" and plan["items"]
    bad = runner.invoke(app, ["training", "recommend"])
    assert bad.exit_code == 2 and "--member or --federation" in bad.output
    generated = json.loads(_run("generate", "--member", "MY", "--json"))
    assert len(generated) == 1 and generated[0]["member"] == "CERT A"
    _run("approve", generated[0]["id"])
    rows = json.loads(_run("programmes", "--member", "MY", "--json"))
    assert [r["status"] for r in rows] == ["approved"]
    assert (
        "no member 'XX'" in runner.invoke(app, ["training", "recommend", "--member", "XX"]).output
    )
    cap = json.loads(_run("capacity", "--member", "MY", "--json"))
    assert cap["totals"]["people"] == 0 and cap["indicators"][0]["ref_id"] == "NC-CAP-05"


def test_demo_is_idempotent(factory: Any, world: Any, cloud_campaign: uuid.UUID) -> None:
    from aman.training.demo import load_training_demo

    with transaction(factory) as s:
        assert load_training_demo(s, OP) == 2
    with transaction(factory) as s:
        assert load_training_demo(s, OP) == 0
        cohorts = list(s.scalars(select(Cohort)))
        assert len(cohorts) == 2 and {c.status for c in cohorts} == {"running"}
        assert s.scalar(select(func.count()).select_from(Enrolment)) == 12
        assert s.scalar(select(func.count()).select_from(Certificate)) == 2
        tailored = s.scalar(select(func.count()).where(TrainingProgramme.kind == "tailored"))
        assert tailored == 2
