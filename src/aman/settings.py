"""Settings from `AMAN_*` environment variables (12-factor), with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LOCALES = ("en", "ar", "fr")


class Settings(BaseSettings):
    """Runtime configuration. Every field maps to `AMAN_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="AMAN_", extra="ignore")

    data_dir: Path = Field(
        default=Path("./var"), description="Where the database, files and keys live"
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file aman.db in the data directory",
    )
    secret_key: str | None = Field(
        default=None,
        description="Signs session cookies; if unset, generated into <data_dir>/secret_key (0600)",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    default_locale: str = "en"
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, gt=0, description="Request body limit")
    session_hours: int = Field(default=12, gt=0)
    secure_cookies: bool = Field(default=False, description="Set Secure on cookies (behind HTTPS)")
    login_max_failures: int = Field(default=5, gt=0, description="Failures before back-off starts")
    login_backoff_max_seconds: int = Field(default=900, gt=0)
    benchmark_k: int = Field(
        default=5, ge=2, description="Peers needed before a benchmark cell is shown"
    )
    gc_freeze: bool = Field(
        default=False,
        description="Freeze the objects alive after start-up out of the garbage collector "
        "(`aman serve` turns it on; tests leave it off)",
    )
    trust_proxy_headers: bool = Field(
        default=False,
        description="Take the client IP from X-Forwarded-For (behind a reverse proxy)",
    )

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {value!r}; choose one of {SUPPORTED_LOCALES}")
        return value

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aman.db').resolve()}"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.ensure_data_dir() / "secret_key"
        if path.exists():
            return path.read_text(encoding="ascii").strip()
        key = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its key
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
