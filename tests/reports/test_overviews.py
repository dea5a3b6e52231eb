"""Dashboard and report data: numbers agree with the assessment services, k-anonymity holds,
and every read is refused outside the principal's subtree exactly as in the API."""

from __future__ import annotations

from typing import Any

import pytest

from aman.assessments import insights
from aman.errors import NotFound, PermissionDenied
from aman.reports import federation, member, organisation, sources


def test_federation_overview_matches_the_assessments(fed: Any, factory: Any, op: Any) -> None:
    with factory() as s:
        o = federation.overview(s, op, "en", k=2)
        # National capacity: B met everything (100, top tier), A partly (50).
        assert [(r.member.name, r.score, r.tier) for r in o.capacity] == [
            ("CERT B", 100.0, "T1"),
            ("CERT A", 50.0, "T4"),
        ]
        assert o.capacity[0].tier_title == "Role-modelling"
        # Heat map: member A's organisations in cycle 2 answered 2, 3, 4 of 5 → mean 60.
        cells = {c.member.name: c.stats for c in o.heat}
        assert cells["CERT A"].stats.mean == pytest.approx(60.0)
        assert cells["CERT B"].stats.mean == pytest.approx((80 + 20 + 100) / 3)
        stats = insights.rollup(s, op, fed.pqc[1], f"member:{fed.world.member_a}", ["total"])
        assert stats[0].mean == pytest.approx(cells["CERT A"].stats.mean)
        # Progress counts per campaign: the newest cycle of each name only.
        assert {p.campaign.name: p.counts["accepted"] for p in o.progress} == {
            "PQC readiness": 6,
            "National capacity": 2,
        }
        assert o.pqc is not None and o.pqc.campaign.id == fed.pqc[1]
        assert (o.pqc.at_target, o.pqc.contributors) == (4, 6)  # levels >= 3 of 5 in cycle 2
        assert [round(p.score or 0, 1) for p in o.pqc.trend] == [50.0, 63.3]


def test_sector_benchmarks_are_suppressed_under_k(fed: Any, factory: Any, op: Any) -> None:
    with factory() as s:
        cells = {c.sector: c for c in federation.overview(s, op, "en", k=2).benchmarks}
        assert cells["telecom"].stats is not None and cells["telecom"].count == 2
        assert cells["government"].stats is None  # one organisation: never shown
        strict = federation.overview(s, op, "en", k=3).benchmarks
        assert all(c.stats is None for c in strict)


def test_members_cannot_read_the_federation_picture(
    fed: Any, factory: Any, principal_of: Any
) -> None:
    with factory() as s, pytest.raises(PermissionDenied):
        federation.overview(s, principal_of("a_admin"), "en", k=2)


def test_read_stats_authorises_every_scope(fed: Any, factory: Any, principal_of: Any) -> None:
    a_admin = principal_of("a_admin")
    world = fed.world
    with factory() as s:
        own = sources.read_stats(s, a_admin, fed.pqc, [f"member:{world.member_a}"], ["total"])
        assert {key[0] for key in own} == set(fed.pqc)
        for scope in (f"member:{world.member_b}", "federation", "sector:finance"):
            with pytest.raises(PermissionDenied):
                sources.read_stats(s, a_admin, fed.pqc, [scope], ["total"])


def test_member_overview(fed: Any, factory: Any, principal_of: Any) -> None:
    a_admin = principal_of("a_admin")
    with factory() as s:
        o = member.overview(s, a_admin, fed.world.member_a, "fr", k=2)
        assert o.member.country == "Malaisie"  # country names in the reader's language
        assert o.national is not None and o.national.brief.score == pytest.approx(50.0)
        assert o.national.tier_title == "En évolution"
        peers = o.national.brief.federation
        assert peers is not None and peers.suppressed  # one other member state: under k=2
        by_name = {row.organisation.name: row for row in o.organisations}
        assert set(by_name) == {"Telco A", "Bank A", "Cloud A"}
        assert by_name["Cloud A"].latest["pqc"].score == pytest.approx(80.0)
        assert by_name["Cloud A"].latest["pqc"].campaign.cycle == 2
        bench = by_name["Cloud A"].latest["pqc"].federation
        assert bench is not None and bench.peers == 5 and bench.median == pytest.approx(60.0)
        assert {(c.sector, round(c.stats.stats.mean or 0)) for c in o.sectors} == {
            ("telecom", 40),
            ("finance", 60),
            ("cloud-it", 80),
        }
        assert o.domain_means["pqc"].stats.mean == pytest.approx(60.0)
        assert [round(p.score or 0) for p in o.trends["pqc"]] == [40, 60]


def test_member_overview_of_another_member_is_refused(
    fed: Any, factory: Any, principal_of: Any
) -> None:
    with factory() as s, pytest.raises(PermissionDenied):
        member.overview(s, principal_of("a_admin"), fed.world.member_b, "en", k=2)


def test_assessment_report(fed: Any, factory: Any, principal_of: Any) -> None:
    who = principal_of("a_assessor")  # Telco A's assessor
    with factory() as s:
        r = organisation.assessment_report(s, who, fed.assessments[("Telco A", 2)], "en", k=2)
        assert r.subject == "Telco A" and r.member.name == "CERT A"
        assert r.assessment.score == pytest.approx(40.0)
        assert r.applicable == r.answered > 50
        assert r.areas and all(a.score == pytest.approx(40.0) for a in r.areas)
        assert all(g.gap.current < g.gap.target for g in r.gaps)  # level 2 is under target 3
        assert [round(p.score or 0) for p in r.trend] == [20, 40]
        scopes = {b.scope.split(":")[0]: b for b in r.benchmark}
        assert not scopes["federation"].suppressed and scopes["federation"].peers == 5


def test_another_tenants_assessment_and_organisation_are_not_found(
    fed: Any, factory: Any, principal_of: Any
) -> None:
    who = principal_of("a_admin")
    with factory() as s:
        with pytest.raises(NotFound):
            organisation.assessment_report(s, who, fed.assessments[("Bank B", 2)], "en", k=2)
        with pytest.raises(NotFound):
            organisation.organisation_overview(s, who, fed.orgs["Bank B"], "en")


def test_organisation_overview(fed: Any, factory: Any, principal_of: Any) -> None:
    with factory() as s:
        o = organisation.organisation_overview(s, principal_of("a_assessor"), fed.world.org_a, "ar")
        assert [row.campaign.cycle for row in o.assessments if row.campaign] == [2, 1]
        assert [round(p.score or 0) for p in o.trends] == [20, 40]
        assert o.member.country == "ماليزيا"


def test_a_new_cycle_without_results_keeps_the_last_picture(
    fed: Any, factory: Any, op: Any
) -> None:
    """Launching next year's PQC cycle must not blank the dashboards until submissions."""
    import sys

    campaign = sys.modules["aman_reports_test_data"].open_campaign(factory)
    with factory() as s:
        o = federation.overview(s, op, "en", k=2)
        assert o.domains["pqc"].id == fed.pqc[1]  # the cycle with results
        assert o.heat and o.pqc is not None and o.pqc.campaign.id == fed.pqc[1]
        newest = next(p for p in o.progress if p.campaign.name == "PQC readiness 2027")
        assert newest.campaign.id == campaign and newest.counts["not_started"] == 6
