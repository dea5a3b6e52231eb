"""Fixtures for report tests: the shipped packs and a small federation with completed
campaigns (federation_data.py, loaded by path: test directories are not packages)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from aman.auth.permissions import Principal


def _load() -> ModuleType:
    name = "aman_reports_test_data"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("federation_data.py")
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


data_module = _load()


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


@pytest.fixture
def fed(factory: Any, world: Any, pack_cache: Path) -> Any:
    """The small federation: 2 members, 6 organisations, PQC x2 cycles, national capacity."""
    data_module.sync_packs(factory, pack_cache)
    return data_module.build(factory, world)


@pytest.fixture
def op() -> Principal:
    return Principal.local_operator("test")


@pytest.fixture
def principal_of(factory: Any, world: Any) -> Any:
    """principal_of("a_admin") → the Principal of that world user (as the API builds it)."""
    from aman.auth import service as auth
    from aman.auth.models import User

    def _get(who: str) -> Principal:
        with factory() as s:
            user = s.get(User, world.users[who])
            return auth.principal_for(s, user)

    return _get
