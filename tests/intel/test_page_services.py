"""Service reads added for the web pages, on both databases: newest-first keyset pages with a
TLP filter, per-reader collection figures, visible versions, text search and reporting a
sighting."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aman.auth.models import AuditEntry
from aman.auth.permissions import Grant, Node, Principal
from aman.db import transaction
from aman.errors import InvalidInput, NotFound, PermissionDenied
from aman.intel import analysis, query, service, tlp
from aman.intel.models import Collection
from aman.intel.query import Filters
from aman.intel.visibility import reader_for


def member_principal(member_id: uuid.UUID, role: str = "analyst") -> Principal:
    return Principal(uuid.uuid4(), f"{role}@{member_id.hex[:6]}", (Grant(role, Node(member_id)),))


def _coll(s: Session, alias: str = "federation") -> Collection:
    service.ensure_default_collections(s)
    coll = service.find_collection(s, alias)
    assert coll is not None
    return coll


@pytest.fixture
def posted(factory: sessionmaker[Session], intel_world: Any, kit: Any) -> dict[str, Any]:
    """Member A posts nine indicators cycling through CLEAR, GREEN and RED."""
    levels = [tlp.CLEAR, tlp.GREEN, tlp.RED] * 3
    objs = [
        kit.indicator(f"45.137.22.{i}", level, name=f"obj {i} 100%_sure")
        for i, level in enumerate(levels)
    ]
    with transaction(factory) as s:
        service.push(s, member_principal(intel_world.base.member_a), _coll(s), objs)
    return {"objs": objs, "levels": levels}


def test_newest_first_pages_with_a_tlp_filter(
    factory: sessionmaker[Session], intel_world: Any, posted: dict[str, Any]
) -> None:
    b = member_principal(intel_world.base.member_b)
    with transaction(factory) as s:
        reader, coll = reader_for(s, b), _coll(s)
        seen: list[str] = []
        before = None
        while True:
            page = query.page(
                s,
                reader,
                coll.id,
                Filters(newest_first=True, before_us=before, limit=2),
                with_body=False,
            )
            seen += [r.stix_id for r in page.rows]
            if page.next is None:
                break
            before = query.decode_next(page.next)
        pairs = zip(posted["objs"], posted["levels"], strict=True)
        visible = [o["id"] for o, level in pairs if level != tlp.RED]
        assert seen == visible[::-1]  # B never sees RED; newest first, each once
        greens = query.page(
            s, reader, coll.id, Filters(tlps=(tlp.GREEN,), newest_first=True), with_body=False
        )
        assert {r.tlp for r in greens.rows} == {tlp.GREEN} and len(greens.rows) == 3
        reds = query.page(s, reader, coll.id, Filters(tlps=(tlp.RED,)), with_body=False)
        assert reds.rows == []


def test_collection_figures_are_per_reader(
    factory: sessionmaker[Session], intel_world: Any, posted: dict[str, Any]
) -> None:
    a = member_principal(intel_world.base.member_a)
    b = member_principal(intel_world.base.member_b)
    with transaction(factory) as s:
        by_alias = {x.view.collection.alias: x for x in service.collection_summaries(s, a)}
        assert by_alias["federation"].objects == 9
        mine = by_alias["federation"].last_added_us
        by_alias = {x.view.collection.alias: x for x in service.collection_summaries(s, b)}
        assert by_alias["federation"].objects == 6
        # The newest object is GREEN (index 7) and the last RED one (8) is newer: B's "last
        # added" must not betray it.
        assert by_alias["federation"].last_added_us is not None
        assert mine is not None and by_alias["federation"].last_added_us < mine
        assert by_alias["inbox-cert-b"].objects == 0
        # B may post into A's inbox (naming A as recipient) but not browse it: no figures.
        assert by_alias["inbox-cert-a"].objects is None
        assert not by_alias["inbox-cert-a"].view.can_read
        with pytest.raises(PermissionDenied):
            service.collection_summaries(s, Principal(uuid.uuid4(), "nobody", ()))


def test_visible_versions_and_text_search(
    factory: sessionmaker[Session], intel_world: Any, posted: dict[str, Any], kit: Any
) -> None:
    a = member_principal(intel_world.base.member_a)
    b = member_principal(intel_world.base.member_b)
    red = posted["objs"][2]
    green = posted["objs"][1]
    newer = {**green, "modified": "2024-06-01T00:00:00.000Z", "name": "renamed"}
    with transaction(factory) as s:
        service.push(s, a, _coll(s), [newer])
    with transaction(factory) as s:
        assert len(service.visible_versions(s, a, green["id"])) == 2
        assert [v.version_us for v in service.visible_versions(s, b, green["id"])] == sorted(
            (v.version_us for v in service.visible_versions(s, a, green["id"])), reverse=True
        )
        assert service.visible_versions(s, b, red["id"]) == []
        assert len(service.visible_versions(s, a, red["id"])) == 1
        # Text: case-insensitive, LIKE wildcards taken literally, TLP enforced.
        hits = analysis.search(s, b, text="OBJ 4 100%_SURE")
        assert [r.stix_id for r in hits.rows] == [posted["objs"][4]["id"]]
        assert analysis.search(s, b, text="100%_s").rows  # the literal text exists
        assert analysis.search(s, b, text="100__sure").rows == []  # "_" is no wildcard
        assert analysis.search(s, b, text="obj 2 ").rows == []  # RED: not B's to find
        assert [r.stix_id for r in analysis.search(s, a, text="obj 2 ").rows] == [red["id"]]
        assert analysis.search(s, b, text="renamed").rows[0].stix_id == green["id"]
        with pytest.raises(InvalidInput):
            analysis.search(s, b, text="x" * 201)


def test_search_audits_the_restricted_rows_it_returns(
    factory: sessionmaker[Session], intel_world: Any, posted: dict[str, Any]
) -> None:
    a = member_principal(intel_world.base.member_a)
    with transaction(factory) as s:
        assert len(analysis.search(s, a).rows) > 3
    with transaction(factory) as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "intel.read"))
        assert entry.member_id == intel_world.base.member_a
        assert entry.details["count"] == 3  # the three RED objects; CLEAR/GREEN not audited


def test_reporting_a_sighting(
    factory: sessionmaker[Session], intel_world: Any, posted: dict[str, Any]
) -> None:
    b = member_principal(intel_world.base.member_b)
    green, red = posted["objs"][1]["id"], posted["objs"][2]["id"]
    day = datetime(2024, 6, 1, tzinfo=UTC)
    with transaction(factory) as s:
        coll = _coll(s)
        with pytest.raises(NotFound):  # B may not see A's RED object, so cannot sight it
            analysis.record_sighting(
                s, b, coll, red, count=1, first_seen=day, last_seen=day, level=tlp.AMBER
            )
        with pytest.raises(InvalidInput) as bad:
            analysis.record_sighting(
                s,
                b,
                coll,
                green,
                count=0,
                first_seen=day,
                last_seen=day.replace(month=5),
                level="purple",
            )
        assert {e.field for e in bad.value.errors} == {"count", "last_seen", "tlp"}
        viewer = member_principal(intel_world.base.member_b, "viewer")
        with pytest.raises(PermissionDenied):
            analysis.record_sighting(
                s, viewer, coll, green, count=1, first_seen=day, last_seen=day, level="amber"
            )
        sid = analysis.record_sighting(
            s, b, coll, green, count=7, first_seen=day, last_seen=day, level=tlp.AMBER
        )
    with transaction(factory) as s:
        summary = analysis.sighting_summary(s, member_principal(intel_world.member_c), green)
        assert (summary.members, summary.total_count) == (1, 7)
        stored = service.latest_visible(s, b, sid)
        assert stored.tlp == tlp.AMBER and stored.member_id == intel_world.base.member_b
        with pytest.raises(NotFound):  # AMBER: C counts it but cannot read it
            service.latest_visible(s, member_principal(intel_world.member_c), sid)


def test_a_text_search_reads_a_bounded_window_per_request(
    factory: sessionmaker[Session],
    intel_world: Any,
    posted: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """However rare the text, one request reads at most TEXT_WINDOW rows; the cursor goes on
    below the window until the oldest row, then there is no cursor."""
    monkeypatch.setattr(analysis, "TEXT_WINDOW", 3)
    a = member_principal(intel_world.base.member_a)
    oldest = posted["objs"][0]["id"]
    pages: list[list[str]] = []
    with transaction(factory) as s:
        cursor = None
        while True:
            page = analysis.search(s, a, text="obj 0 100", cursor=cursor)
            pages.append([r.stix_id for r in page.rows])
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert len(pages) >= 3 and pages[-1] == [oldest]  # found only once the window got there
        assert all(p == [] for p in pages[:-1])
        every = analysis.search(s, a, text="100%_sure", limit=2)  # a full page: the usual cursor
        assert len(every.rows) == 2 and every.next_cursor is not None
