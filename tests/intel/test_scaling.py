"""Complexity, not timing: the first page costs the same statements whatever the collection
size, and the page query walks the (collection, date_added) index in order (no sort, no scan)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from aman.auth.permissions import Grant, Node, Principal
from aman.db import transaction
from aman.intel import service
from aman.intel.query import Filters, page_statement
from aman.intel.visibility import reader_for


def _fill(factory: sessionmaker[Session], member: uuid.UUID, n: int, kit: Any) -> None:
    analyst = Principal(uuid.uuid4(), "filler", (Grant("analyst", Node(member)),))
    with transaction(factory) as s:
        service.ensure_default_collections(s)
        coll = service.find_collection(s, "federation")
        assert coll is not None
        objs = [kit.indicator(f"198.18.{i // 250}.{i % 250}") for i in range(n)]
        service.push(s, analyst, coll, objs)


def _statements(app: Any, client: Any, url: str, headers: dict[str, str]) -> int:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
    return len(seen)


def test_first_page_statement_count_is_constant(
    app: Any, client: Any, factory: sessionmaker[Session], intel_world: Any, kit: Any
) -> None:
    headers = intel_world.auth("b_analyst")
    _fill(factory, intel_world.base.member_a, 30, kit)
    cid = kit.collection_ids(client, headers)["federation"]
    urls = [
        f"/taxii2/intel/collections/{cid}/objects/?limit=10",
        f"/taxii2/intel/collections/{cid}/manifest/?limit=10&match[type]=indicator",
    ]
    for url in urls:
        client.get(url, headers=headers)  # warm caches (token touch, compiled statements)
    small = [_statements(app, client, url, headers) for url in urls]
    _fill(factory, intel_world.base.member_a, 1500, kit)
    large = [_statements(app, client, url, headers) for url in urls]
    assert small == large
    assert max(large) <= 6  # token, user, grants, sharing groups, collection, page


def test_page_query_uses_the_date_added_index(
    factory: sessionmaker[Session], intel_world: Any, kit: Any
) -> None:
    _fill(factory, intel_world.base.member_a, 200, kit)
    reader_principal = Principal(
        uuid.uuid4(), "reader", (Grant("analyst", Node(intel_world.base.member_b)),)
    )
    with transaction(factory) as s:
        coll = service.find_collection(s, "federation")
        assert coll is not None
        reader = reader_for(s, reader_principal)
        filters = Filters(limit=100, after_us=1, types=("indicator",))
        for f in (Filters(limit=100), filters):
            stmt, params = page_statement(reader, coll.id, f)
            bind = s.get_bind()
            sql = str(
                stmt.params(**params).compile(
                    dialect=bind.dialect, compile_kwargs={"literal_binds": True}
                )
            )
            if bind.dialect.name == "sqlite":
                plan = " | ".join(str(r[-1]) for r in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
                assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
                assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
            else:
                s.execute(text("SET LOCAL enable_seqscan = off"))
                plan = " | ".join(str(r[0]) for r in s.execute(text("EXPLAIN " + sql)))
                assert "Index" in plan, plan
                assert "Sort" not in plan, plan  # rows come out of the index in order
