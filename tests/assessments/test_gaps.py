"""Gaps and roadmap suggestions: hand-computed examples and invariants."""

from __future__ import annotations

import importlib.util
import random
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.assessments.domain import AnswerValue, Node, Scheme, Tree
from aman.assessments.gaps import Gap, describe_value, effort_for, gaps, suggest_roadmap


def _helpers() -> ModuleType:
    name = "assessments_scoring_helpers"
    if name not in sys.modules:
        path = Path(__file__).with_name("scoring_helpers.py")
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


H = _helpers()

TODAY = date(2026, 3, 1)
MATURITY = Scheme(
    "maturity",
    min=0,
    max=5,
    target=3,
    levels=(
        (0, "Non-existent"),
        (1, "Initial"),
        (2, "Repeatable"),
        (3, "Defined"),
        (4, "Managed"),
        (5, "Optimised"),
    ),
)


def tree() -> Tree:
    return Tree.of(
        [
            Node("GOV", None, False, "Governance"),
            Node("GOV-1", "GOV", True, "Security policy", weight=2, importance=3),
            Node("GOV-2", "GOV", True, "Roles", weight=1, importance=2),
            Node("GOV-3", "GOV", True, "Risk register", weight=1, importance=1),
            Node("GOV-4", "GOV", True, "Supplier policy", weight=1, importance=4),
            Node("OPS", None, False, "Operations"),
            Node("OPS-1", "OPS", True, "Patching", weight=1.5, importance=4),
            Node("OPS-2", "OPS", True, "Backups", weight=1, importance=2),
            Node("NET", None, True, "Network segmentation", weight=1, importance=3),
        ]
    )


def answers(**results: str) -> dict[str, AnswerValue]:
    out = {}
    for key, result in results.items():
        ref = key.replace("_", "-")
        out[ref] = AnswerValue(ref, na=True) if result == "na" else AnswerValue(ref, result)
    return out


BASE = answers(GOV_1="1", GOV_3="4", GOV_4="na", OPS_1="0", OPS_2="2", NET="3")


def test_gaps_by_hand_with_the_scheme_target() -> None:
    rows = gaps(tree(), MATURITY, BASE)
    # target 3/5 = 0.6. GOV-1: (0.6-0.2) x 2 x 3 = 2.4; GOV-2 unanswered: 0.6 x 1 x 2 = 1.2;
    # OPS-1: 0.6 x 1.5 x 4 = 3.6; OPS-2: 0.2 x 1 x 2 = 0.4; GOV-3 above target and NET at it: 0;
    # GOV-4 is not applicable: no row
    assert [(r.ref_id, r.gap) for r in rows] == [
        ("OPS-1", pytest.approx(3.6)),
        ("GOV-1", pytest.approx(2.4)),
        ("GOV-2", pytest.approx(1.2)),
        ("OPS-2", pytest.approx(0.4)),
        ("GOV-3", 0.0),
        ("NET", 0.0),
    ]
    gov2 = rows[2]
    assert gov2 == Gap("GOV-2", "Roles", 0.0, 0.6, 1.0, 2, gov2.gap, True)
    assert not rows[0].unanswered and rows[0].current == 0.0 and rows[0].target == 0.6


def test_gaps_with_an_explicit_target_and_a_level() -> None:
    rows = {r.ref_id: r for r in gaps(tree(), MATURITY, BASE, target=1.0)}
    assert rows["GOV-3"].gap == pytest.approx(0.2 * 1 * 1)
    assert rows["NET"].gap == pytest.approx(0.4 * 1 * 3)
    leveled = Tree.of(
        [replace(n, levels=("advanced",)) if n.ref_id == "OPS-1" else n for n in tree().nodes]
    )
    assert "OPS-1" not in {r.ref_id for r in gaps(leveled, MATURITY, BASE, level="basic")}
    assert "OPS-1" in {r.ref_id for r in gaps(leveled, MATURITY, BASE, level="advanced")}
    with pytest.raises(ValueError, match=r"target 1\.5"):
        gaps(tree(), MATURITY, BASE, target=1.5)


@pytest.mark.parametrize("scale", range(1, 13))
def test_an_answer_at_the_target_has_no_gap_on_any_scale(scale: int) -> None:
    nodes = [Node(f"Q{t}", None, True) for t in range(scale + 1)]
    for target in range(scale + 1):
        scheme = Scheme("maturity", min=0, max=scale, target=target)
        met = {n.ref_id: AnswerValue(n.ref_id, str(target)) for n in nodes}
        assert all(row.gap == 0.0 for row in gaps(Tree.of(nodes), scheme, met))
        assert suggest_roadmap(gaps(Tree.of(nodes), scheme, met), Tree.of(nodes), TODAY) == []


def test_gaps_validate_answers() -> None:
    with pytest.raises(ValueError, match="GOV-1: '7'"):
        gaps(tree(), MATURITY, answers(GOV_1="7"))


def test_yes_partial_no_gaps_use_target_one() -> None:
    rows = gaps(tree(), Scheme("yes_partial_no"), answers(GOV_1="partial", NET="yes"))
    by_ref = {r.ref_id: r for r in rows}
    assert by_ref["GOV-1"].gap == 0.5 * 2 * 3 and by_ref["NET"].gap == 0.0


def test_roadmap_groups_three_siblings_and_spreads_due_dates() -> None:
    rows = gaps(tree(), MATURITY, BASE | answers(GOV_4="2"))
    plan = suggest_roadmap(rows, tree(), TODAY, scheme=MATURITY)
    # GOV has four requirements with gaps (1, 2, 4; 3 has none): one grouped action;
    # OPS has only two, so OPS-1 and OPS-2 stay separate
    assert [s.ref_ids for s in plan] == [("GOV-1", "GOV-2", "GOV-4"), ("OPS-1",), ("OPS-2",)]
    grouped = plan[0]
    assert grouped.priority == pytest.approx(2.4 + 1.2 + 0.2 * 1 * 4)
    assert grouped.action == (
        "Raise Governance: 3 requirements (GOV-1 from 1 (Initial) to 3 (Defined); "
        "GOV-2 from not assessed to 3 (Defined); GOV-4 from 2 (Repeatable) to 3 (Defined))"
    )
    assert grouped.effort == "L"  # summed shortfall 0.4 + 0.6 + 0.2 = 1.2
    assert plan[1].action == 'Raise OPS-1 "Patching" from 0 (Non-existent) to 3 (Defined)'
    assert plan[1].effort == "M"  # 0.6
    assert plan[2].effort == "S"  # 0.2
    assert [s.due for s in plan] == [TODAY + timedelta(days=d) for d in (90, 180, 365)]


def test_roadmap_without_scheme_uses_percentages_and_truncates() -> None:
    rows = gaps(tree(), MATURITY, BASE)
    plan = suggest_roadmap(rows, tree(), TODAY, max_items=2)
    assert len(plan) == 2
    assert plan[0].action == 'Raise OPS-1 "Patching" from 0% to 60%'
    assert [s.due for s in plan] == [TODAY + timedelta(days=90), TODAY + timedelta(days=180)]
    assert suggest_roadmap(rows, tree(), TODAY, max_items=0) == []


@pytest.mark.parametrize(
    ("shortfall", "effort"),
    [(0.0, "S"), (0.5, "S"), (0.51, "M"), (1.0, "M"), (2.9, "L"), (3.0, "L"), (3.01, "XL")],
)
def test_effort_classes(shortfall: float, effort: str) -> None:
    assert effort_for(shortfall) == effort


def test_due_dates_for_six_actions_are_in_thirds() -> None:
    nodes = [Node(f"Q{i}", None, True, importance=1 + i % 4) for i in range(6)]
    rows = gaps(Tree.of(nodes), Scheme("yes_partial_no"), {})
    plan = suggest_roadmap(rows, Tree.of(nodes), TODAY)
    assert [(s.due - TODAY).days for s in plan] == [90, 90, 180, 180, 365, 365]


def test_roadmap_rejects_duplicate_and_unknown_requirements() -> None:
    rows = gaps(tree(), MATURITY, BASE)
    with pytest.raises(ValueError, match="OPS-1: appears twice"):
        suggest_roadmap([rows[0], rows[0]], tree(), TODAY)
    with pytest.raises(ValueError, match="X: no such requirement"):
        suggest_roadmap([replace(rows[0], ref_id="X")], tree(), TODAY)
    with pytest.raises(ValueError, match="max_items"):
        suggest_roadmap(rows, tree(), TODAY, max_items=-1)


def test_describe_value_on_each_scale() -> None:
    assert describe_value(0.6, MATURITY) == "3 (Defined)"
    assert describe_value(0.7, MATURITY) == "3.5"
    assert describe_value(0.5, Scheme("yes_partial_no")) == "partial"
    assert describe_value(0.0, Scheme("points")) == "not met"
    assert describe_value(0.25, Scheme("stages")) == "25%"


# --- invariants -----------------------------------------------------------------------------


@given(H.cases(), st.floats(0, 1) | st.none())
@settings(max_examples=100)
def test_gaps_are_never_negative_and_sorted(case: Any, target: float | None) -> None:
    rows = gaps(case.tree, case.scheme, case.answers, target, case.level)
    assert all(r.gap >= 0 and 0 <= r.current <= 1 for r in rows)
    assert [(-r.gap, r.ref_id) for r in rows] == sorted((-r.gap, r.ref_id) for r in rows)
    na = {ref for ref, a in case.answers.items() if a.na}
    scope = {n.ref_id for n in case.tree.assessable(case.level)}
    assert {r.ref_id for r in rows} == scope - na


@given(H.cases(), st.data())
@settings(max_examples=100)
def test_raising_an_answer_never_raises_its_gap(case: Any, data: st.DataObject) -> None:
    scheme: Scheme = case.scheme
    scope = [
        n.ref_id
        for n in case.tree.assessable(case.level)
        if not (case.answers.get(n.ref_id) and case.answers[n.ref_id].na)
    ]
    if not scope:
        return
    ref = data.draw(st.sampled_from(scope))
    answer = case.answers.get(ref)
    current = -1.0 if answer is None else scheme.normalise(answer.result)
    higher = [r for r in scheme.allowed_results() if scheme.normalise(r) > current]
    if not higher:
        return
    raised = case.answers | {ref: AnswerValue(ref, data.draw(st.sampled_from(higher)))}
    before = {r.ref_id: r.gap for r in gaps(case.tree, scheme, case.answers, level=case.level)}
    after = {r.ref_id: r.gap for r in gaps(case.tree, scheme, raised, level=case.level)}
    assert after[ref] <= before[ref]
    assert {k: v for k, v in after.items() if k != ref} == {
        k: v for k, v in before.items() if k != ref
    }


@given(H.cases(max_nodes=20), st.integers(0, 30), st.randoms(use_true_random=False))
@settings(max_examples=150)
def test_roadmap_covers_each_gap_at_most_once_and_is_deterministic(
    case: Any, max_items: int, rnd: random.Random
) -> None:
    rows = gaps(case.tree, case.scheme, case.answers, level=case.level)
    plan = suggest_roadmap(rows, case.tree, TODAY, max_items=max_items, scheme=case.scheme)
    covered = [ref for s in plan for ref in s.ref_ids]
    assert len(covered) == len(set(covered))
    positive = {r.ref_id for r in rows if r.gap > 0}
    assert set(covered) <= positive
    if len(plan) < max_items:
        assert set(covered) == positive
    assert len(plan) <= max_items
    assert [s.priority for s in plan] == sorted((s.priority for s in plan), reverse=True)
    assert [s.due for s in plan] == sorted(s.due for s in plan)
    assert all(TODAY < s.due <= TODAY + timedelta(days=365) for s in plan)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert (
        suggest_roadmap(shuffled, case.tree, TODAY, max_items=max_items, scheme=case.scheme) == plan
    )
