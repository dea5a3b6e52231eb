"""Builders for hostile and benign model files (pickles are only ever *written* here)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest


class RunsCommand:
    """Pickles to a call of os.system: what a malicious model does on load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


class WritesFile:
    """Pickles to builtins.open(marker, 'w')."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "EXECUTED"


@pytest.fixture
def evil_bytes(marker: Path) -> bytes:
    return pickle.dumps(RunsCommand(marker), protocol=2)


@pytest.fixture
def opener_bytes(marker: Path) -> bytes:
    return pickle.dumps(WritesFile(marker), protocol=4)
