from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from aman.settings import Settings


def test_secret_key_generated_once_with_private_mode(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d")
    key = settings.resolved_secret_key()
    path = tmp_path / "d" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 48 and Settings(data_dir=tmp_path / "d").resolved_secret_key() == key


def test_configured_secret_wins(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path, secret_key="s3").resolved_secret_key() == "s3"
    assert not (tmp_path / "secret_key").exists()


def test_environment_and_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMAN_PORT", "9000")
    monkeypatch.setenv("AMAN_DEFAULT_LOCALE", "ar")
    s = Settings()
    assert s.port == 9000 and s.default_locale == "ar"
    assert s.sqlalchemy_url == f"sqlite:///{(tmp_path / 'aman.db').resolve()}"
    monkeypatch.setenv("AMAN_DEFAULT_LOCALE", "de")
    with pytest.raises(ValidationError, match="unsupported locale"):
        Settings()
