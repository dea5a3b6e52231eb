"""The CTFd bridge against a CTFd-compatible server on 127.0.0.1: push a challenge set
(idempotent, tagged, flags only on creation), read solves back as competency evidence."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from aman.db import transaction
from aman.errors import InvalidInput, PermissionDenied
from aman.training import delivery
from aman.training.ctfd import CtfdClient, CtfPlatformError, pull_solves, push_module
from aman.training.models import CompetencyEvidence
from aman.training.schemas import ParticipantIn

from .conftest import OP  # type: ignore[import-not-found]


def test_push_is_idempotent_and_tags_competencies(factory: Any, ctfd_server: Any) -> None:
    client = CtfdClient(ctfd_server.url, ctfd_server.token)
    with transaction(factory) as s:
        with pytest.raises(InvalidInput, match="outside the module"):
            push_module(s, OP, client, "5g-config-audit-ctf", {"ir-timeline": "x"})
        with pytest.raises(InvalidInput, match="no CTF challenges"):
            push_module(s, OP, client, "5g-security-foundations")
        first = push_module(
            s, OP, client, "5g-config-audit-ctf", {"5g-null-integrity": "AMAN{nia0}"}
        )
    assert [p.created for p in first] == [True] * 4
    assert len(ctfd_server.challenges) == 4 and len(ctfd_server.flags) == 1
    assert ctfd_server.flags[0]["content"] == "AMAN{nia0}"
    tags = {t["value"] for t in ctfd_server.tags if t["challenge_id"] == first[0].ctfd_id}
    assert {
        "aman:5g.ran-nas",
        "nice:NF-COM-005",
        "level:advanced",
        "module:5g-config-audit-ctf",
    } <= tags
    with transaction(factory) as s:
        again = push_module(s, OP, client, "5g-config-audit-ctf")
    assert [p.created for p in again] == [False] * 4 and len(ctfd_server.challenges) == 4
    assert len(ctfd_server.tags) == len({(t["challenge_id"], t["value"]) for t in ctfd_server.tags})
    del ctfd_server.challenges[first[1].ctfd_id]  # deleted on the CTFd side: recreated
    with transaction(factory) as s:
        third = push_module(s, OP, client, "5g-config-audit-ctf")
    assert [p.created for p in third] == [False, True, False, False]


def test_solves_become_competency_evidence(factory: Any, world: Any, ctfd_server: Any) -> None:
    client = CtfdClient(ctfd_server.url, ctfd_server.token)
    with transaction(factory) as s:
        pushed = {p.key: p.ctfd_id for p in push_module(s, OP, client, "ir-forensics-ctf")}
        person = delivery.create_participant(
            s, OP, ParticipantIn(member_id=world.member_a, name="Sara", email="sara@a.example")
        )
    ctfd_server.users = {
        7: {"id": 7, "name": "sara", "email": "Sara@A.example"},
        8: {"id": 8, "name": "guest", "email": "guest@elsewhere.example"},
    }
    ctfd_server.solve(7, pushed["ir-timeline"], "2026-11-02T10:00:00Z")
    ctfd_server.solve(7, pushed["ir-memory-implant"], "2026-11-02T11:00:00.123456+00:00")
    ctfd_server.solve(7, pushed["ir-exfil-archive"], "2026-11-02T12:00:00Z", correct=False)
    ctfd_server.solve(8, pushed["ir-timeline"], "2026-11-02T12:30:00Z")
    ctfd_server.solve(7, 999, "2026-11-02T13:00:00Z")  # a challenge Aman did not push
    with transaction(factory) as s:
        result = pull_solves(s, OP, client)
    assert (result.solves, result.unmatched) == (4, 2)
    assert result.evidence_added == 3  # timeline: forensics; implant: forensics + incident handling
    with transaction(factory) as s:
        rows = list(
            s.scalars(
                select(CompetencyEvidence).where(CompetencyEvidence.participant_id == person.id)
            )
        )
        assert {(r.competency, r.level, r.source) for r in rows} == {
            ("ir.digital-forensics", "advanced", "ctf"),
            ("ir.incident-handling", "advanced", "ctf"),
        }
        assert pull_solves(s, OP, client).evidence_added == 0  # idempotent
    pages = [p for m, p in ctfd_server.requests if p == "/api/v1/submissions"]
    assert len(pages) >= 2  # pagination followed


def test_platform_errors_are_clear_and_access_is_federation_only(
    factory: Any, world: Any, ctfd_server: Any
) -> None:
    from aman.auth.service import principal_from_token

    bad = CtfdClient(ctfd_server.url, "wrong-token")
    with transaction(factory) as s, pytest.raises(CtfPlatformError, match="403"):
        push_module(s, OP, bad, "ai-red-team-ctf")
    ctfd_server.fail_next = 1
    with transaction(factory) as s, pytest.raises(CtfPlatformError, match="500"):
        push_module(s, OP, CtfdClient(ctfd_server.url, ctfd_server.token), "ai-red-team-ctf")
    down = CtfdClient("http://127.0.0.1:9", ctfd_server.token, timeout=2)
    with transaction(factory) as s, pytest.raises(CtfPlatformError, match="unreachable"):
        push_module(s, OP, down, "ai-red-team-ctf")
    with factory() as s:
        admin = principal_from_token(s, world.tokens["a_admin"])
    with transaction(factory) as s, pytest.raises(PermissionDenied):
        push_module(s, admin, CtfdClient(ctfd_server.url, ctfd_server.token), "ai-red-team-ctf")
