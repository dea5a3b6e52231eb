"""Scoring: hand-computed examples per scheme kind, and invariants over random trees."""

from __future__ import annotations

import importlib.util
import random
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.assessments.domain import AnswerValue, Node, Scheme, Tier, Tree
from aman.assessments.scoring import ScoreResult, score


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

MATURITY = Scheme("maturity", min=0, max=5, target=3)
YPN = Scheme("yes_partial_no")
GCI_TIERS = (
    Tier("T1", "Role-modelling", 95),
    Tier("T2", "Advancing", 85),
    Tier("T3", "Establishing", 55),
    Tier("T4", "Evolving", 20),
    Tier("T5", "Building", 0),
)


def answered(**results: str) -> dict[str, AnswerValue]:
    """Answers by ref_id (underscores stand for dots); "na" marks not applicable."""
    out = {}
    for key, result in results.items():
        ref = key.replace("_", ".")
        out[ref] = AnswerValue(ref, na=True) if result == "na" else AnswerValue(ref, result)
    return out


# --- maturity and yes/partial/no -----------------------------------------------------------


def maturity_tree() -> Tree:
    return Tree.of(
        [
            Node("A", None, False, "Governance", weight=2),
            Node("A.1", "A", True, "Policy", weight=1, domains=("cloud",)),
            Node("A.2", "A", True, "Roles", weight=3, domains=("cloud", "5g")),
            Node("B", None, False, "Operations", weight=1),
            Node("B.1", "B", True, "Patching", domains=("5g",)),
            Node("B.2", "B", True, "Backups", domains=("5g",)),
            Node("B.3", "B", True, "Logging", domains=("5g",)),
        ]
    )


def test_maturity_weighted_averages_by_hand() -> None:
    result = score(maturity_tree(), MATURITY, answered(A_1="3", A_2="5", B_1="1", B_2="na"))
    # A = (1 x 0.6 + 3 x 1.0) / 4 = 0.9; B = 0.2 (B.2 n/a, B.3 unanswered: both left out)
    assert result.by_node == {
        "A": 90.0,
        "A.1": 60.0,
        "A.2": 100.0,
        "B": 20.0,
        "B.1": 20.0,
        "B.2": None,
        "B.3": None,
    }
    assert result.total == pytest.approx((2 * 90 + 1 * 20) / 3)
    assert result.total == float(Fraction(200, 3))
    assert (result.answered, result.applicable) == (3, 4)  # B.2 n/a is not applicable
    assert result.coverage == 0.75
    # 5g: A.2 alone under A (100), B.1 under B (20): (2 x 100 + 1 x 20) / 3
    assert result.by_domain == {"5g": float(Fraction(220, 3)), "cloud": 90.0}
    assert result.tier is None and result.stage is None


def test_assessable_node_with_children_counts_its_own_answer_like_a_child() -> None:
    tree = Tree.of(
        [
            Node("AC-2", None, True, "Account management", weight=5),
            Node("AC-2(1)", "AC-2", True),
            Node("AC-2(2)", "AC-2", True, weight=3),
        ]
    )
    result = score(
        tree,
        YPN,
        {"AC-2": AnswerValue("AC-2", "partial"), "AC-2(2)": AnswerValue("AC-2(2)", "yes")},
    )
    # own answer with weight 1, AC-2(2) with weight 3; AC-2(1) unanswered
    assert result.by_node["AC-2"] == float(Fraction(1 * Fraction(1, 2) + 3 * 1, 4) * 100)
    assert result.total == result.by_node["AC-2"]


def test_gci_like_pillars_and_tier() -> None:
    tree = Tree.of(
        [
            Node("LEG", None, False, "Legal"),
            Node("LEG.1", "LEG", True),
            Node("LEG.2", "LEG", True),
            Node("TEC", None, False, "Technical"),
            Node("TEC.1", "TEC", True),
            Node("TEC.2", "TEC", True),
            Node("TEC.3", "TEC", True),
        ]
    )
    scheme = replace(YPN, tiers=GCI_TIERS)
    result = score(
        tree, scheme, answered(LEG_1="yes", LEG_2="partial", TEC_1="yes", TEC_2="yes", TEC_3="na")
    )
    assert result.by_node["LEG"] == 75.0
    assert result.by_node["TEC"] == 100.0
    assert result.total == 87.5
    assert result.tier == GCI_TIERS[1]  # Advancing: 85 <= 87.5 < 95


@pytest.mark.parametrize(
    ("yes", "tier"),
    [
        (20, "T1"),
        (19, "T1"),
        (18, "T2"),
        (17, "T2"),
        (16, "T3"),
        (11, "T3"),
        (10, "T4"),
        (4, "T4"),
        (3, "T5"),
        (0, "T5"),
    ],
)
def test_gci_tier_boundaries_are_inclusive(yes: int, tier: str) -> None:
    tree = Tree.of([Node(f"Q{i}", None, True) for i in range(20)])
    answers = {f"Q{i}": AnswerValue(f"Q{i}", "yes" if i < yes else "no") for i in range(20)}
    result = score(tree, replace(YPN, tiers=GCI_TIERS), answers)
    assert result.total == yes * 5
    assert result.tier is not None and result.tier.id == tier


def test_tier_boundary_is_exact_where_floats_would_miss_it() -> None:
    # 0.57 * 100 == 56.99999999999999 in binary floating point; 57 of 100 must reach ">= 57"
    tree = Tree.of([Node(f"Q{i}", None, True) for i in range(100)])
    answers = {f"Q{i}": AnswerValue(f"Q{i}", "yes" if i < 57 else "no") for i in range(100)}
    scheme = replace(YPN, tiers=(Tier("high", "High", 57), Tier("low", "Low", 0)))
    result = score(tree, scheme, answers)
    assert result.total == 57.0
    assert result.tier is not None and result.tier.id == "high"


def test_no_tier_below_the_lowest_threshold_and_none_without_answers() -> None:
    tree = Tree.of([Node("Q", None, True)])
    scheme = replace(YPN, tiers=(Tier("T1", "Top", 50),))
    assert score(tree, scheme, answered(Q="no")).tier is None
    empty = score(tree, scheme, {})
    assert (empty.total, empty.tier, empty.answered, empty.applicable, empty.coverage) == (
        None,
        None,
        0,
        1,
        0.0,
    )


def test_everything_not_applicable_has_no_score_and_full_coverage() -> None:
    tree = Tree.of([Node("G", None, False), Node("Q", "G", True)])
    result = score(tree, YPN, answered(Q="na"))
    assert result.total is None and result.by_node == {"G": None, "Q": None}
    assert (result.answered, result.applicable, result.coverage) == (0, 0, 1.0)


# --- points (NCSI-like) -------------------------------------------------------------------


def ncsi_tree() -> Tree:
    return Tree.of(
        [
            Node("1", None, False, "Policy development"),
            Node("1.1", "1", True, "Cyber security policy unit", points=3),
            Node("1.2", "1", True, "Policy coordination format", points=2),
            Node("1.3", "1", True, "Cyber security strategy", points=1),
            Node("1.4", "1", True, "Strategy implementation plan", points=1),
            Node("2", None, False, "Threat analysis", weight=10),  # weights play no part in points
            Node("2.1", "2", True, "Threat analysis unit", points=3),
            Node("2.2", "2", True, "Public threat report", points=2),
        ]
    )


def test_ncsi_like_points_all_met_is_seven_of_seven() -> None:
    result = score(
        ncsi_tree(), Scheme("points"), answered(**{f"1_{i}": "met" for i in range(1, 5)})
    )
    assert result.by_node["1"] == 100.0
    assert result.total == 100.0  # capacity 2 unanswered: left out of "possible"
    assert (result.answered, result.applicable) == (4, 6)


def test_ncsi_like_points_obtained_over_possible() -> None:
    scheme = Scheme("points", partial_allowed=True, tiers=GCI_TIERS)
    answers = answered(
        **{"1_1": "met", "1_2": "partial", "1_3": "not_met", "1_4": "met", "2_1": "met"}
    )
    result = score(ncsi_tree(), scheme, answers)
    assert result.by_node["1"] == float(Fraction(3 + 1 + 0 + 1, 7) * 100)
    assert result.by_node["1.2"] == 50.0
    assert result.by_node["2"] == 100.0
    assert result.total == 80.0  # (5 + 3) / (7 + 3)
    assert result.tier is not None and result.tier.id == "T3"
    assert result.coverage == pytest.approx(5 / 6)


def test_points_reject_partial_when_not_allowed_and_need_points() -> None:
    with pytest.raises(ValueError, match=r"1\.2"):
        score(ncsi_tree(), Scheme("points", partial_allowed=False), answered(**{"1_2": "partial"}))
    tree = Tree.of([Node("X", None, True)])
    with pytest.raises(ValueError, match="X: the points scheme needs points"):
        score(tree, Scheme("points"), answered(X="met"))


# --- stages (CMM-like) --------------------------------------------------------------------

CMM = Scheme(
    "stages",
    stages=(
        (1, "Start-up"),
        (2, "Formative"),
        (3, "Established"),
        (4, "Strategic"),
        (5, "Dynamic"),
    ),
)


def cmm_tree() -> Tree:
    return Tree.of(
        [
            Node("D1", None, False, "Policy and strategy"),
            Node("D1.a", "D1", True, stage=1),
            Node("D1.b", "D1", True, stage=1),
            Node("D1.c", "D1", True, stage=2),
            Node("D1.d", "D1", True, stage=3),
            Node("D1.e", "D1", True, stage=4),
            Node("D2", None, False, "Culture and society"),
            Node("D2.a", "D2", True, stage=1),
            Node("D2.b", "D2", True, stage=4),
            Node("D2.c", "D2", True, stage=5),
        ]
    )


def test_cmm_like_stage_needs_every_lower_indicator_met() -> None:
    answers = answered(D1_a="met", D1_b="met", D1_c="met", D1_d="not_met", D1_e="met")
    answers |= answered(D2_a="met", D2_b="met", D2_c="not_met")
    result = score(cmm_tree(), CMM, answers)
    assert result.by_node["D1"] == 40.0  # stage 3 indicator unmet: stage 2 of 5
    assert result.by_node["D2"] == 80.0  # stage 5 unmet: stage 4
    # a lone indicator follows the same rule: unmet at stage 3, its subtree still reaches 2
    assert result.by_node["D1.e"] == 100.0 and result.by_node["D1.d"] == 40.0
    assert result.by_node["D1.a"] == 100.0 and result.by_node["D2.c"] == 80.0
    assert result.stage == 2 and result.total == 40.0


def test_stages_ignore_na_and_unanswered_indicators_block() -> None:
    answers = answered(D1_a="met", D1_b="met", D1_c="met", D1_d="met", D1_e="na")
    result = score(cmm_tree(), CMM, answers)
    # every applicable indicator of D1 met (stage 4 one n/a), so D1 reaches the top stage
    assert result.by_node["D1"] == 100.0
    # D2 has nothing answered: no score; but its unanswered indicators are not met for the pack
    assert result.by_node["D2"] is None
    assert result.stage == 0 and result.total == 0.0
    answers |= answered(D2_a="met", D2_b="na", D2_c="na")
    assert score(cmm_tree(), CMM, answers).stage == 5


def test_stage_not_declared_by_the_scheme_is_rejected() -> None:
    tree = Tree.of([Node("X", None, True, stage=9)])
    with pytest.raises(ValueError, match="X: stage 9"):
        score(tree, CMM, answered(X="met"))


# --- levels and errors ----------------------------------------------------------------------


def test_implementation_level_restricts_the_requirements() -> None:
    tree = Tree.of(
        [
            Node("B", None, True, levels=("basic", "intermediate", "advanced")),
            Node("A", None, True, levels=("advanced",)),
            Node("ANY", None, True),
        ]
    )
    answers = answered(B="yes", A="no", ANY="partial")
    basic = score(tree, YPN, answers, level="basic")
    assert basic.total == 75.0 and basic.applicable == 2 and basic.by_node["A"] is None
    assert score(tree, YPN, answers, level="advanced").total == 50.0
    assert score(tree, YPN, answers).total == 50.0


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"Q": AnswerValue("Q", "maybe")}, "Q: 'maybe' is not one of yes, partial, no"),
        ({"NOPE": AnswerValue("NOPE", "yes")}, "NOPE: no such requirement"),
        ({"G": AnswerValue("G", "yes")}, "G: a grouping requirement"),
    ],
)
def test_invalid_answers_name_the_requirement(
    answers: dict[str, AnswerValue], message: str
) -> None:
    tree = Tree.of([Node("G", None, False), Node("Q", "G", True)])
    with pytest.raises(ValueError, match=message):
        score(tree, YPN, answers)


def test_na_is_rejected_when_the_scheme_forbids_it_and_wins_over_a_result() -> None:
    tree = Tree.of([Node("Q", None, True), Node("R", None, True)])
    with pytest.raises(ValueError, match="Q: this scheme does not allow"):
        score(tree, replace(YPN, na_allowed=False), answered(Q="na"))
    result = score(tree, YPN, {"Q": AnswerValue("Q", "no", na=True), "R": AnswerValue("R", "yes")})
    assert result.total == 100.0 and result.applicable == 1


def test_maturity_scale_with_offset_minimum() -> None:
    tree = Tree.of([Node("Q", None, True), Node("R", None, True)])
    scheme = Scheme("maturity", min=1, max=4)
    assert score(tree, scheme, answered(Q="1", R="4")).by_node == {"Q": 0.0, "R": 100.0}
    with pytest.raises(ValueError, match="Q: '0'"):
        score(tree, scheme, answered(Q="0"))


# --- invariants -----------------------------------------------------------------------------


def in_bounds(value: float | None) -> bool:
    return value is None or 0.0 <= value <= 100.0


@given(H.cases())
@settings(max_examples=100)
def test_every_score_stays_between_0_and_100(case: Any) -> None:
    result = score(case.tree, case.scheme, case.answers, case.level)
    assert in_bounds(result.total)
    assert all(in_bounds(v) for v in result.by_node.values())
    assert all(in_bounds(v) for v in result.by_domain.values())
    assert 0.0 <= result.coverage <= 1.0
    assert 0 <= result.answered <= result.applicable
    assert result.total is None or result.answered > 0


def same_apart_from(left: ScoreResult, right: ScoreResult, dropped: str | None = None) -> None:
    """Equal results, ignoring a dropped requirement and the domains only it carried (which
    `left` lists without a score and `right` does not list)."""
    assert left.total == right.total
    assert left.tier == right.tier and left.stage == right.stage
    assert (left.answered, left.applicable) == (right.answered, right.applicable)
    assert {k: v for k, v in left.by_node.items() if k != dropped} == right.by_node
    for domain in left.by_domain.keys() | right.by_domain.keys():
        assert left.by_domain.get(domain) == right.by_domain.get(domain)


@given(H.cases(), st.data())
@settings(max_examples=150)
def test_not_applicable_is_exactly_the_pack_without_the_requirement(
    case: Any, data: st.DataObject
) -> None:
    """n/a removes a requirement's contribution, and nothing else.

    Its contribution is its term in every weighted average or points sum it belongs to (or its
    indicator in every stage test). n/a drops that term from numerator and denominator, so the
    result is exactly that of the pack without the requirement, and the others keep their
    relative weights. For a leaf that is plain removal; a requirement with children instead
    becomes a grouping node (its children still count).
    """
    scheme = replace(case.scheme, na_allowed=True)
    tree: Tree = case.tree
    assessable = [n.ref_id for n in tree.nodes if n.assessable]
    if not assessable:
        return
    ref = data.draw(st.sampled_from(assessable))
    answers = dict(case.answers) | {ref: AnswerValue(ref, na=True)}
    marked = score(tree, scheme, answers, case.level)
    without_answer = {k: v for k, v in answers.items() if k != ref}
    as_group = Tree.of([replace(n, assessable=False) if n.ref_id == ref else n for n in tree.nodes])
    grouped = score(as_group, scheme, without_answer, case.level)
    same_apart_from(marked, grouped)
    if not tree.children.get(ref):
        removed = Tree.of([n for n in tree.nodes if n.ref_id != ref])
        same_apart_from(marked, score(removed, scheme, without_answer, case.level), ref)


@given(H.cases(), st.data())
@settings(max_examples=150)
def test_raising_an_answer_never_lowers_the_total_or_an_ancestor(
    case: Any, data: st.DataObject
) -> None:
    scheme: Scheme = case.scheme
    tree: Tree = case.tree
    answers: dict[str, AnswerValue] = case.answers
    level = case.level
    raisable = [
        ref
        for ref, a in answers.items()
        if a.result is not None
        and not a.na
        and H.in_scope(tree, ref, level)
        and scheme.normalise(a.result) < 1
    ]
    if not raisable:
        return
    ref = data.draw(st.sampled_from(sorted(raisable)))
    current = scheme.normalise(answers[ref].result or "")
    higher = [r for r in scheme.allowed_results() if scheme.normalise(r) > current]
    raised = answers | {ref: AnswerValue(ref, data.draw(st.sampled_from(higher)))}
    before, after = score(tree, scheme, answers, level), score(tree, scheme, raised, level)
    assert before.total is not None and after.total is not None and after.total >= before.total
    for node in [ref, *H.ancestors(tree, ref)]:
        low, high = before.by_node[node], after.by_node[node]
        assert low is not None and high is not None and high >= low
    for domain in tree.by_ref[ref].domains:
        low, high = before.by_domain[domain], after.by_domain[domain]
        assert low is not None and high is not None and high >= low
    if scheme.kind == "stages":
        assert before.stage is not None and after.stage is not None and after.stage >= before.stage


@given(H.cases(), st.randoms(use_true_random=False))
@settings(max_examples=100)
def test_sibling_order_does_not_change_scores(case: Any, rnd: random.Random) -> None:
    tree: Tree = case.tree
    shuffled = list(tree.nodes)
    rnd.shuffle(shuffled)
    args = (case.scheme, case.answers, case.level)
    assert score(Tree.of(shuffled), *args) == score(tree, *args)


@given(H.cases(kind="points"))
@settings(max_examples=100)
def test_points_total_is_obtained_over_possible(case: Any) -> None:
    tree: Tree = case.tree
    scheme: Scheme = case.scheme
    obtained = possible = Fraction(0)
    for node in tree.assessable(case.level):
        answer = case.answers.get(node.ref_id)
        if answer is None or answer.na or answer.result is None:
            continue
        points = Fraction(node.points or 0)
        possible += points
        obtained += points * {"met": 1, "partial": Fraction(1, 2), "not_met": 0}[answer.result]
    result = score(tree, scheme, case.answers, case.level)
    assert result.total == (float(obtained / possible * 100) if possible else None)


@given(H.cases(kind="stages"), st.data())
@settings(max_examples=150)
def test_meeting_one_more_indicator_never_lowers_the_stage(case: Any, data: st.DataObject) -> None:
    tree: Tree = case.tree
    answers: dict[str, AnswerValue] = case.answers
    unmet = [
        n.ref_id
        for n in tree.nodes
        if n.assessable and (answers.get(n.ref_id) is None or answers[n.ref_id].result == "not_met")
    ]
    if not unmet:
        return
    ref = data.draw(st.sampled_from(unmet))
    args = (case.scheme, case.level)
    before = score(tree, args[0], answers, args[1])
    after = score(tree, args[0], answers | {ref: AnswerValue(ref, "met")}, args[1])
    if before.stage is not None:
        assert after.stage is not None and after.stage >= before.stage
    for node in [ref, *H.ancestors(tree, ref)]:
        low, high = before.by_node[node], after.by_node[node]
        assert low is None or (high is not None and high >= low)


@given(H.cases())
@settings(max_examples=100)
def test_tier_is_the_highest_reached(case: Any) -> None:
    result = score(case.tree, case.scheme, case.answers, case.level)
    tiers = case.scheme.tiers
    reached = [t for t in tiers if result.total is not None and t.min_score <= result.total]
    assert result.tier == (max(reached, key=lambda t: t.min_score) if reached else None)
