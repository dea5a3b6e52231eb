"""Runs and findings in the database (SQLite and PostgreSQL): set-based storage, one
permission check, keyset pages, latest finding per check and target, evidence per pack."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aman_evidence_test_helpers import make_finding  # type: ignore[import-not-found]
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from aman.auth.models import AuditEntry
from aman.auth.permissions import Grant, Node, Principal
from aman.db import transaction
from aman.errors import InvalidInput, NotFound, PermissionDenied
from aman.evidence import service
from aman.evidence.model import EvidenceStatus, Finding, Status
from aman.evidence.models import FindingRow
from aman.frameworks.loader import load_pack_bytes
from aman.frameworks.service import import_pack

OP = Principal.local_operator("test")
PACK = b"""
schema_version: 1
pack: {id: test-evidence, version: "1.0.0", title: "Evidence test", publisher: "tests",
       licence_class: full_text, licence: "CC-BY-4.0", domains: [pqc]}
scoring: {kind: maturity, min: 0, max: 5, target: 3,
          levels: [{value: 0, title: "No"}, {value: 5, title: "Yes"}]}
requirements:
  - {ref_id: ROOT, title: "Root", assessable: false}
  - {ref_id: R-KEX, parent: ROOT, title: "Hybrid key exchange", checks: [c.kex]}
  - {ref_id: R-BOTH, parent: ROOT, title: "Both", checks: [c.kex, c.tls13]}
  - {ref_id: R-MANUAL, parent: ROOT, title: "Policy"}
"""


def principal(world: Any, who: str, factory: sessionmaker[Session]) -> Principal:
    from aman.auth import service as auth

    with transaction(factory) as s:
        return auth.principal_from_token(s, world.tokens[who])


def store(
    factory: sessionmaker[Session], who: Principal, org: uuid.UUID, findings: list[Finding]
) -> uuid.UUID:
    with transaction(factory) as s:
        run = service.record_run(
            s,
            who,
            org,
            findings,
            domain="pqc",
            kind="network",
            scope={"name": "t"},
            options={"limits": {"per_host": 5}},
            tool="aman-pqc",
            tool_version="0.1.0",
            started_at=findings[0].observed_at,
            finished_at=findings[-1].observed_at,
            artifacts=[service.Artifact("pqc-inventory", "application/json", b"{}")],
        )
        return run.id


def test_store_is_set_based_and_audited(factory: sessionmaker[Session], world: Any) -> None:
    findings = [make_finding(f"c.{i % 7}", Status.PASS, f"h{i}:443") for i in range(300)]
    statements: list[str] = []
    with transaction(factory) as s:
        event.listen(s.bind, "before_cursor_execute", lambda *a: statements.append(a[2]))  # type: ignore[arg-type]
        run = service.record_run(
            s,
            OP,
            world.org_a,
            findings,
            domain="pqc",
            kind="network",
            scope={},
            options={},
            tool="t",
            tool_version="1",
            started_at=findings[0].observed_at,
            finished_at=findings[0].observed_at,
        )
        run_id = run.id
    inserts = [q for q in statements if q.lstrip().upper().startswith("INSERT INTO FINDINGS")]
    assert len(inserts) <= 3, "findings must be inserted set-based, not row by row"
    with transaction(factory) as s:
        stored = service.get_run(s, OP, run_id)
        assert stored.counts["pass"] == 300 and stored.status == "completed"
        assert stored.member_id == world.member_a
        assert service.run_findings(s, stored) == findings
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "scan.start")).all()
        assert [a.object_id for a in audit] == [str(run_id)]


def test_permissions_follow_the_entity_tree(factory: sessionmaker[Session], world: Any) -> None:
    analyst = principal(world, "a_analyst", factory)
    run_a = store(factory, analyst, world.org_a, [make_finding()])
    assessor = principal(world, "a_assessor", factory)
    viewer = principal(world, "a_viewer", factory)
    other = principal(world, "b_admin", factory)
    with pytest.raises(PermissionDenied):
        store(factory, assessor, world.org_a, [make_finding()])  # reads, cannot scan
    with pytest.raises(NotFound):
        store(factory, analyst, world.org_b, [make_finding()])  # another member: invisible
    with transaction(factory) as s:
        for reader in (analyst, assessor, viewer, OP):
            assert service.get_run(s, reader, run_a).id == run_a
            assert [r.id for r in service.list_runs(s, reader).items] == [run_a]
        with pytest.raises(NotFound):
            service.get_run(s, other, run_a)
        assert service.list_runs(s, other).items == []
        with pytest.raises(NotFound):
            service.pack_evidence(s, other, world.org_a, "test-evidence")
    nobody = Principal(uuid.uuid4(), "nobody", (Grant("viewer", Node.member(world.member_b)),))
    with transaction(factory) as s, pytest.raises(NotFound):
        service.list_findings(s, nobody, run_id=run_a)


def test_findings_pages_are_keyset_and_filterable(
    factory: sessionmaker[Session], world: Any
) -> None:
    statuses = [Status.PASS, Status.FAIL, Status.WARN]
    findings = [make_finding("c.x", statuses[i % 3], f"h{i}") for i in range(23)]
    run_id = store(factory, OP, world.org_a, findings)
    seen: list[str] = []
    cursor = None
    with transaction(factory) as s:
        while True:
            page = service.list_findings(s, OP, run_id=run_id, cursor=cursor, limit=5)
            seen += [r.target for r in page.items]
            if not (cursor := page.next_cursor):
                break
        fails = service.list_findings(s, OP, run_id=run_id, status=Status.FAIL, limit=100)
    assert seen == [f.target for f in findings]
    assert [r.target for r in fails.items] == [
        f.target for f in findings if f.status is Status.FAIL
    ]


def test_latest_finding_per_check_and_target(factory: sessionmaker[Session], world: Any) -> None:
    store(factory, OP, world.org_a, [make_finding("c.kex", Status.FAIL, "h1", minutes=1)])
    store(factory, OP, world.org_a, [make_finding("c.kex", Status.PASS, "h1", minutes=9)])
    store(factory, OP, world.org_a, [make_finding("c.kex", Status.FAIL, "h2", minutes=5)])
    store(factory, OP, world.org_b, [make_finding("c.kex", Status.PASS, "h2", minutes=50)])
    with transaction(factory) as s:
        latest = service.latest_findings(s, world.org_a)
        only = service.latest_findings(s, world.org_a, ["c.other"])
    assert {(f.target, f.status) for f in latest} == {("h1", Status.PASS), ("h2", Status.FAIL)}
    assert only == []


def test_evidence_for_pack(factory: sessionmaker[Session], world: Any) -> None:
    pack = load_pack_bytes(PACK, source="test.yaml").pack
    assert pack is not None
    with transaction(factory) as s:
        row = import_pack(s, OP, pack, "test").pack
        empty = service.evidence_for_pack(s, world.org_a, row)
    assert {k: v.status for k, v in empty.items()} == {
        "R-KEX": EvidenceStatus.MANUAL,
        "R-BOTH": EvidenceStatus.MANUAL,
        "R-MANUAL": EvidenceStatus.MANUAL,
    }
    store(factory, OP, world.org_a, [make_finding("c.kex", Status.PASS, "h1")])
    with transaction(factory) as s:
        _, titles, partial = service.pack_evidence(s, OP, world.org_a, "test-evidence")
    assert titles["R-KEX"] == "Hybrid key exchange"
    assert partial["R-KEX"].status is EvidenceStatus.MET
    assert partial["R-BOTH"].status is EvidenceStatus.MANUAL
    assert partial["R-BOTH"].missing_checks == ("c.tls13",)
    store(
        factory,
        OP,
        world.org_a,
        [
            make_finding("c.tls13", Status.PASS, "h1", minutes=2),
            make_finding("c.kex", Status.FAIL, "h2", minutes=2),
        ],
    )
    with transaction(factory) as s:
        verdicts = service.evidence_for_pack(s, world.org_a, row)
        other_org = service.evidence_for_pack(s, world.org_b, row)
    assert verdicts["R-KEX"].status is EvidenceStatus.NOT_MET
    assert [f.target for f in verdicts["R-KEX"].findings if f.status is Status.FAIL] == ["h2"]
    assert verdicts["R-BOTH"].status is EvidenceStatus.NOT_MET
    assert verdicts["R-MANUAL"].status is EvidenceStatus.MANUAL
    assert all(v.status is EvidenceStatus.MANUAL for v in other_org.values())


def test_running_runs_complete_or_fail_once(factory: sessionmaker[Session], world: Any) -> None:
    with transaction(factory) as s:
        run = service.start_run(
            s,
            OP,
            world.org_a,
            domain="pqc",
            kind="network",
            scope={},
            options={},
            tool="t",
            tool_version="1",
        )
        service.complete_run(s, run, [make_finding()])
        with pytest.raises(InvalidInput):
            service.complete_run(s, run, [make_finding()])
        failed = service.start_run(
            s,
            OP,
            world.org_a,
            domain="pqc",
            kind="network",
            scope={},
            options={},
            tool="t",
            tool_version="1",
        )
        service.fail_run(s, failed, "boom")
        assert (failed.status, failed.error) == ("failed", "boom")
        assert s.scalar(select(FindingRow.check_id).where(FindingRow.run_id == run.id)) == (
            "pqc.tls.tls13"
        )


def test_import_and_resolve(factory: sessionmaker[Session], world: Any) -> None:
    with transaction(factory) as s:
        with pytest.raises(InvalidInput):
            service.import_findings(s, OP, world.org_a, [], source="empty.sarif")
        run = service.import_findings(
            s,
            OP,
            world.org_a,
            [make_finding("checkov.CKV_1", Status.FAIL, "main.tf:3")],
            source="x.sarif",
        )
        assert run.kind == "import" and run.scope == {"source": "x.sarif"}
        assert service.resolve_organisation(s, "Telco A").id == world.org_a
        assert service.resolve_organisation(s, str(world.org_b)).id == world.org_b
        with pytest.raises(NotFound):
            service.resolve_organisation(s, "No Such Org")
