"""The pure rules that turn findings into a verdict per requirement."""

from __future__ import annotations

import random

from aman_evidence_test_helpers import (  # type: ignore[import-not-found]
    findings_st,
    make_finding,
    requirement_checks_st,
)
from hypothesis import given
from hypothesis import strategies as st

from aman.evidence.mapping import latest_per_key, requirement_evidence
from aman.evidence.model import EvidenceStatus, Finding, Status


def verdict(mapping: dict[str, list[str]], findings: list[Finding]) -> dict[str, EvidenceStatus]:
    return {k: v.status for k, v in requirement_evidence(mapping, findings).items()}


def test_examples_of_each_status() -> None:
    mapping = {
        "MANUAL-NO-CHECKS": [],
        "MET": ["a", "b"],
        "NOT-MET": ["a", "c"],
        "ERROR": ["d"],
        "MISSING": ["a", "zzz"],
        "ONLY-NA": ["e"],
        "NA-AND-PASS": ["a", "e"],
    }
    findings = [
        make_finding("a", Status.PASS, "h1"),
        make_finding("a", Status.WARN, "h2"),
        make_finding("b", Status.PASS, "h1"),
        make_finding("c", Status.FAIL, "h2", minutes=3),
        make_finding("d", Status.ERROR, "h1"),
        make_finding("e", Status.NOT_APPLICABLE, "h1"),
    ]
    out = requirement_evidence(mapping, findings)
    assert {k: v.status for k, v in out.items()} == {
        "MANUAL-NO-CHECKS": EvidenceStatus.MANUAL,
        "MET": EvidenceStatus.MET,
        "NOT-MET": EvidenceStatus.NOT_MET,
        "ERROR": EvidenceStatus.ERROR,
        "MISSING": EvidenceStatus.MANUAL,
        "ONLY-NA": EvidenceStatus.MANUAL,
        "NA-AND-PASS": EvidenceStatus.MET,
    }
    not_met = out["NOT-MET"]
    assert not_met.findings[0].status is Status.FAIL  # the failure is attached, first
    assert not_met.observed_at == make_finding(minutes=0).observed_at
    assert not_met.newest_at == make_finding(minutes=3).observed_at
    assert out["MISSING"].missing_checks == ("zzz",)
    assert out["MANUAL-NO-CHECKS"].findings == () and out["MANUAL-NO-CHECKS"].observed_at is None


def test_latest_per_key_keeps_the_newest() -> None:
    old_fail = make_finding("a", Status.FAIL, "h1", minutes=1)
    new_pass = make_finding("a", Status.PASS, "h1", minutes=5)
    other = make_finding("a", Status.FAIL, "h2", minutes=0)
    latest = latest_per_key([new_pass, old_fail, other])
    assert set(latest) == {new_pass, other}
    # a fixed problem is no longer reported as current
    assert verdict({"R": ["a"]}, latest_per_key([old_fail, new_pass]))["R"] is EvidenceStatus.MET


@given(requirement_checks_st, st.lists(findings_st, max_size=30))
def test_requirement_without_checks_is_always_manual(
    mapping: dict[str, list[str]], findings: list[Finding]
) -> None:
    mapping = {**mapping, "EMPTY": []}
    assert verdict(mapping, findings)["EMPTY"] is EvidenceStatus.MANUAL


@given(requirement_checks_st, st.lists(findings_st, max_size=30), findings_st)
def test_adding_a_failure_never_helps(
    mapping: dict[str, list[str]], findings: list[Finding], extra: Finding
) -> None:
    failing = make_finding(extra.check_id, Status.FAIL, extra.target, minutes=20_000)
    before = verdict(mapping, findings)
    after = verdict(mapping, [*findings, failing])
    for ref, checks in mapping.items():
        if failing.check_id in checks:
            assert after[ref] is EvidenceStatus.NOT_MET
        else:
            assert after[ref] is before[ref]
        assert not (before[ref] is EvidenceStatus.NOT_MET and after[ref] is EvidenceStatus.MET)


@given(requirement_checks_st, st.lists(findings_st, max_size=30))
def test_order_does_not_matter_and_unmapped_findings_are_ignored(
    mapping: dict[str, list[str]], findings: list[Finding]
) -> None:
    shuffled = list(findings)
    random.Random(7).shuffle(shuffled)
    noise = [make_finding("unmapped.check", Status.FAIL, "h9")]
    assert verdict(mapping, findings) == verdict(mapping, [*shuffled, *noise])


@given(requirement_checks_st, st.lists(findings_st, max_size=30))
def test_met_means_every_mapped_check_observed_and_nothing_failed(
    mapping: dict[str, list[str]], findings: list[Finding]
) -> None:
    for ref, ev in requirement_evidence(mapping, findings).items():
        relevant = [f for f in findings if f.check_id in mapping[ref]]
        if ev.status is EvidenceStatus.MET:
            assert {f.check_id for f in relevant} == set(mapping[ref])
            assert all(f.status not in (Status.FAIL, Status.ERROR) for f in relevant)
            assert any(f.status in (Status.PASS, Status.WARN) for f in relevant)
        if ev.status is EvidenceStatus.NOT_MET:
            assert any(f.status is Status.FAIL for f in ev.findings)
        assert set(ev.findings) == set(relevant)
