"""The pure permission check: a grant covers its node's subtree and nothing else."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from aman.auth.permissions import Grant, Node, Principal
from aman.auth.roles import REGISTRY_READ, REGISTRY_WRITE, ROLES, USERS_MANAGE

M1, M2 = uuid.UUID(int=1), uuid.UUID(int=2)
O1, O2 = uuid.UUID(int=11), uuid.UUID(int=12)  # O1 belongs to M1, O2 to M2
NODES = [
    Node(),
    Node.member(M1),
    Node.member(M2),
    Node.organisation(M1, O1),
    Node.organisation(M2, O2),
]


def test_subtree_coverage() -> None:
    assert Node().covers(Node.organisation(M2, O2))
    assert Node.member(M1).covers(Node.organisation(M1, O1))
    assert not Node.member(M1).covers(Node.organisation(M2, O2))
    assert not Node.member(M1).covers(Node())
    assert not Node.organisation(M1, O1).covers(Node.member(M1))


@given(
    st.sampled_from(ROLES),
    st.sampled_from(NODES),
    st.sampled_from(NODES),
    st.sampled_from([REGISTRY_READ, REGISTRY_WRITE, USERS_MANAGE]),
)
def test_can_implies_coverage_and_visible_agrees(
    role: str, granted: Node, target: Node, perm: str
) -> None:
    p = Principal(uuid.uuid4(), "u", (Grant(role, granted),))
    if p.can(perm, target):
        assert granted.covers(target)
    visible = p.visible(perm)
    if target.organisation_id is not None and p.can(perm, target):
        assert (
            visible.everything
            or target.member_id in visible.member_ids
            or target.organisation_id in visible.organisation_ids
        )
    if not p.can(perm, Node()):
        assert not visible.everything


def test_member_admin_cannot_reach_the_federation() -> None:
    p = Principal(uuid.uuid4(), "u", (Grant("member-admin", Node.member(M1)),))
    assert p.can(USERS_MANAGE, Node.organisation(M1, O1))
    assert not p.can(USERS_MANAGE, Node())
    assert not p.can(REGISTRY_WRITE, Node.member(M2))
