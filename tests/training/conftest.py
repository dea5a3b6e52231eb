"""Training-test fixtures: shipped packs, completed campaigns, a fake CTFd server.

`ctfd_fake.py` is loaded under a unique module name because tests run with
``--import-mode=importlib`` (the directory is not on sys.path)."""

from __future__ import annotations

import importlib.util
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select

from aman.auth.permissions import Principal
from aman.db import transaction

OP = Principal.local_operator("test")
ACCEPTED = datetime(2026, 6, 30, tzinfo=UTC)


def _load(name: str, file: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


ctfd_fake = _load("aman_training_ctfd_fake", "ctfd_fake.py")


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


@pytest.fixture
def op() -> Principal:
    return OP


@pytest.fixture
def packs(factory: Any, pack_cache: Path) -> None:
    from aman.frameworks.service import sync_shipped

    with transaction(factory) as s:
        sync_shipped(s, OP, pack_cache)


Results = Callable[[str], str | None]


def complete_campaign(
    factory: Any, pack: str, results: Results, *, subject_kind: str = "organisation"
) -> uuid.UUID:
    """Launch a federation campaign on `pack` and record every assessment as accepted, with
    `results(ref_id)` as the answer of each requirement."""
    from aman.assessments import rollups, service
    from aman.assessments.models import Assessment
    from aman.assessments.packs import pack_tree
    from aman.assessments.schemas import CampaignIn

    with transaction(factory) as s:
        c = service.launch_campaign(
            s,
            OP,
            CampaignIn.model_validate(
                {"name": f"{pack} test", "pack": pack, "subject_kind": subject_kind}
            ),
        )
        tree, _, _ = pack_tree(s, c.pack_uuid)
        for a in s.scalars(select(Assessment).where(Assessment.campaign_id == c.id)):
            answers = {n.ref_id: results(n.ref_id) for n in tree.assessable()}
            service.record_completed(s, OP, a, answers, accepted_at=ACCEPTED)
        rollups.recompute(s, c.id)
        return c.id


@pytest.fixture
def cloud_campaign(factory: Any, world: Any, packs: None) -> uuid.UUID:
    """Cloud baseline over both test organisations: everything at 1 except IAM at 5."""
    return complete_campaign(
        factory, "aman-cloud-baseline", lambda ref: "5" if ref.startswith("CL-IAM") else "1"
    )


@pytest.fixture
def ctfd_server() -> Iterator[Any]:
    """A CTFd-compatible server on 127.0.0.1 (only the endpoints Aman uses)."""
    state = ctfd_fake.State(token="ctfd-admin-token")
    server = ctfd_fake.make_server(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    state.url = f"http://{host}:{port}"
    yield state
    server.shutdown()
    server.server_close()
