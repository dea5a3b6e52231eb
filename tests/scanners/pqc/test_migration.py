"""Readiness scores and migration ranking: bounds, order, and what comes first."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from aman.evidence.model import Finding, Severity, Status
from aman.scanners.pqc import catalogue
from aman.scanners.pqc.inventory import Inventory, ProtocolRecord
from aman.scanners.pqc.migration import (
    migration_items,
    organisation_readiness,
    rank,
    readiness_by_target,
)
from aman.scanners.pqc.risk import RiskProfile

T = datetime(2026, 11, 1, tzinfo=UTC)
finding_st = st.builds(
    lambda c, s, t, v: Finding(c, s, v, t, "", T, "aman-pqc", "0"),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(list(Status)),
    st.sampled_from(["h1", "h2"]),
    st.sampled_from(list(Severity)),
)


@given(st.lists(finding_st, max_size=40))
def test_readiness_is_a_bounded_weighted_pass_rate(findings: list[Finding]) -> None:
    scores = readiness_by_target(findings)
    for target, score in scores.items():
        assert 0 <= score <= 100
        mine = [f for f in findings if f.target == target]
        if all(
            f.status is Status.PASS
            for f in mine
            if f.status in (Status.PASS, Status.WARN, Status.FAIL)
        ):
            assert score == 100
    assert all(t in {f.target for f in findings} for t in scores)
    overall = organisation_readiness(scores)
    assert (
        overall is None if not scores else min(scores.values()) <= overall <= max(scores.values())
    )


def _inventory() -> Inventory:
    groups = {
        *catalogue.tls_group(0x001D),
        *catalogue.tls_group(0x11EC),
        *catalogue.ssh_kex("diffie-hellman-group1-sha1"),
    }
    algorithms = {a.name: a for a in groups}
    algorithms["ssh-ed25519"] = catalogue.ssh_host_key("ssh-ed25519")
    return Inventory(
        scope="t",
        generated_at=T,
        algorithms=tuple(algorithms.values()),
        protocols=(
            ProtocolRecord(
                target="classic:443",
                protocol="tls",
                reachable=True,
                groups=("X25519",),
                negotiated_group="X25519",
                data_class="long",
            ),
            ProtocolRecord(
                target="pq:443",
                protocol="tls",
                reachable=True,
                groups=("X25519MLKEM768", "X25519"),
                pq_groups=("X25519MLKEM768",),
                preferred_group="X25519MLKEM768",
            ),
            ProtocolRecord(
                target="old:22",
                protocol="ssh",
                reachable=True,
                kex=("diffie-hellman-group1-sha1",),
                host_key_algorithms=("ssh-ed25519",),
            ),
            ProtocolRecord(target="down:443", protocol="tls", reachable=False),
        ),
    )


def test_migration_list_orders_exposure_and_disallowed_first() -> None:
    profile = RiskProfile(
        years_to_crqc=10,
        migration_years=5,
        data_classes={"long": 20, "short": 1},
        default_data_class="short",
    )
    items = migration_items(_inventory(), profile, date(2026, 11, 1))
    order = [(i.asset, i.kind) for i in items]
    assert order[0] == ("old:22", "key-exchange")  # DH-1024: exposed and already disallowed
    assert order[1] == ("classic:443", "key-exchange")
    assert ("pq:443", "key-exchange") not in order and all(a != "down:443" for a, _ in order)
    first, second = items[0], items[1]
    assert first.ir8547_status == "disallowed" and second.hndl_exposed
    assert second.exposure_years == 15.0 and second.data_class == "long"
    assert second.deadline == date(2033, 12, 31)
    assert [i.rank for i in items] == list(range(1, len(items) + 1))
    assert rank(reversed(items)) == items
