"""Shared helpers for the framework-engine tests: fixture paths and small pack builders."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"

MINIMAL_HEADER = """\
schema_version: 1
pack:
  id: mini
  version: "1"
  title: "Mini"
  publisher: "Tests"
  licence_class: full_text
  licence: "CC0-1.0"
  domains: [general]
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML text (dedented) to a file and return its path."""

    def write(text: str, name: str = "pack.yaml") -> Path:
        path = tmp_path / name
        path.write_text(dedent(text), encoding="utf-8")
        return path

    return write


def line_with(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s) in {path}")


@pytest.fixture
def find_line() -> Callable[..., int]:
    return line_with


@pytest.fixture
def mini_header() -> str:
    return MINIMAL_HEADER
