"""Fixtures for the 5G audit tests: Aman's own configurations and freshly generated keys."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO.parent / "shared" / "data" / "5g"


def pem(key: x25519.X25519PrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a file under tmp_path (parents created), optionally with a mode."""

    def _write(rel: str, content: str | bytes, mode: int | None = None) -> Path:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        if mode is not None:
            os.chmod(path, mode)
        return path

    return _write
