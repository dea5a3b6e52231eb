"""Pulling from another TAXII 2.1 server as a client (real HTTP, a second Aman database), and
the `aman intel` CLI end to end."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from aman.auth.permissions import Principal
from aman.db import make_engine, make_sessionmaker, transaction
from aman.intel import service, taxii_client, tlp
from aman.intel.models import Feed, StoredObject
from aman.registry import service as reg
from aman.registry.schemas import MemberIn

OP = Principal.local_operator("test")


@pytest.fixture
def peer_db(sqlite_template: Path, tmp_path: Path) -> Any:
    """A second, independent Aman installation (SQLite)."""
    path = tmp_path / "peer.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_sessionmaker(engine)
    engine.dispose()


def test_pull_pages_through_and_resumes_where_it_stopped(
    http: Any, live: Any, intel_world: Any, kit: Any, peer_db: Any
) -> None:
    a = intel_world.auth("a_analyst")
    fed = kit.collection_ids(http, a)["federation"]
    green = [kit.indicator(f"192.0.2.{i}") for i in range(1, 24)]
    amber = [kit.indicator(f"198.51.100.{i}", tlp.AMBER) for i in range(1, 4)]
    kit.post_objects(http, a, fed, green + amber)
    with transaction(peer_db) as s:
        peer = reg.create_member(
            s, OP, MemberIn(name="Peer CERT", country_code="ID", membership_class="full")
        )
        service.ensure_default_collections(s)
        into = service.find_collection(s, "federation")
        assert into is not None
        url = f"{live.url}/taxii2/intel/collections/{fed}/"
        feed = taxii_client.add_feed(s, OP, "partner", url, into)
        creds = taxii_client.Credentials(token=intel_world.tokens["b_analyst"])
        first = taxii_client.pull(s, OP, feed, creds, page_size=5, as_member=peer.id)
    # B's view of A's data: the GREEN part only, in five-object pages.
    assert (first.received, first.stored, first.failed) == (23, 23, 0)
    assert first.pages == 5 and first.added_after is not None
    with transaction(peer_db) as s:
        feed = s.scalar(select(Feed).where(Feed.name == "partner"))
        assert feed is not None and feed.added_after == first.added_after
        again = taxii_client.pull(s, OP, feed, creds, page_size=5, as_member=peer.id)
        assert again.received == 0
    more = [kit.indicator(f"203.0.113.{i}") for i in range(1, 4)]
    kit.post_objects(http, a, fed, more)
    with transaction(peer_db) as s:
        feed = s.scalar(select(Feed).where(Feed.name == "partner"))
        assert feed is not None
        third = taxii_client.pull(s, OP, feed, creds, page_size=5, as_member=peer.id)
        assert third.stored == 3
        ids = set(s.scalars(select(StoredObject.stix_id)))
    assert ids == {o["id"] for o in green + more}
    with transaction(peer_db) as s:
        feed = s.scalar(select(Feed).where(Feed.name == "partner"))
        assert feed is not None
        bad = taxii_client.Credentials(user="b.analyst@intel.example", password="wrong")
        with pytest.raises(taxii_client.RemoteError, match="401"):
            taxii_client.pull(s, OP, feed, bad, as_member=peer.id)


runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> None:
    from aman.settings import get_settings

    monkeypatch.setenv("AMAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMAN_DATABASE_URL", db_url)
    monkeypatch.setenv("AMAN_SECRET_KEY", "cli-test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _run(*args: str) -> str:
    from aman.cli import app

    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return str(result.stdout)


@pytest.mark.usefixtures("cli_env")
def test_cli_push_search_show_trends_export(
    tmp_path: Path, factory: Any, kit: Any, world: Any
) -> None:
    with transaction(factory) as s:
        reg.create_member(
            s,
            OP,
            MemberIn(
                name="CERT Z", short_name="ZZ-CERT", country_code="TR", membership_class="full"
            ),
        )
    ind = kit.indicator("192.0.2.77")
    bundle = tmp_path / "bundle.json"
    bundle.write_text(
        json.dumps(
            {
                "type": "bundle",
                "id": f"bundle--{uuid.uuid4()}",
                "objects": [ind, {"type": "indicator", "id": "bad"}],
            }
        )
    )
    out = _run("intel", "push", str(bundle), "--as-member", "ZZ-CERT")
    assert "stix: 2 objects, 1 stored, 0 already present, 1 rejected" in out
    found = json.loads(_run("intel", "search", "--value", "192.0.2.77", "--json"))
    assert [f["stix_id"] for f in found] == [ind["id"]]
    shown = json.loads(_run("intel", "show", ind["id"], "--json"))
    assert shown["object"]["id"] == ind["id"]
    assert shown["correlations"][0]["warninglist"] == "rfc5737-documentation"
    assert json.loads(_run("intel", "trends", "--json")) == []
    cols = json.loads(_run("intel", "collections", "--json"))
    assert {"federation", "threat-landscape", "inbox-zz-cert"} <= {c["alias"] for c in cols}
    out_file = tmp_path / "event.json"
    _run("intel", "export", "--format", "misp", "--out", str(out_file))
    event = json.loads(out_file.read_text())["Event"]
    assert [a["value"] for a in event["Attribute"]] == ["192.0.2.77"]
    result = runner.invoke(
        __import__("aman.cli", fromlist=["app"]).app,
        ["intel", "show", "indicator--" + str(uuid.uuid4())],
    )
    assert result.exit_code == 2 and "no visible object" in result.output
