"""Scores of an assessment: pure functions from (tree, scheme, answers) to numbers.

Arithmetic is exact (`fractions.Fraction`); only the reported figures are floats. Sums over a
tree then do not depend on sibling order, marking a requirement not applicable gives exactly the
result of a pack without it, and a score of exactly 95 lands in a ">= 95" tier instead of
missing it by a rounding error.

Rules per scheme kind (the "contribution" of a requirement is its term in the numerator and
denominator of every average or sum it takes part in; n/a and unanswered requirements have none):

- maturity, yes_partial_no: an assessable leaf scores its normalised value; any other node scores
  the weighted average (by `Node.weight`) of its scored children, plus its own answer with weight
  1 when it is itself assessable (e.g. a control with enhancements). Nodes without any scored
  member have no score and drop out of their parent's average. The total averages the top level.
- points: obtained / possible over the subtree; a partial answer obtains half the points.
  Unanswered requirements are left out of "possible" (an assessment in progress is scored on what
  it has answered; `coverage` says how much that is).
- stages: a node reaches the highest declared stage s such that every applicable indicator of
  stage <= s in its subtree is met (unanswered indicators are not met; n/a ones are ignored),
  and scores reached / highest stage. A stage without indicators in the subtree is passed: the
  CMM rule read literally (its aspects carry indicators at every stage). A node without any
  answered indicator has no score; `ScoreResult.stage` is the stage of the whole pack.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from fractions import Fraction

from aman.assessments.domain import AnswerValue, Scheme, Tier, Tree

HUNDRED = Fraction(100)

#: Exact normalised value of an answered requirement; None means not applicable.
Reading = Fraction | None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Scores on 0..100; None where nothing applicable has been answered."""

    total: float | None
    by_node: dict[str, float | None]
    by_domain: dict[str, float | None]
    answered: int
    applicable: int
    coverage: float
    tier: Tier | None
    stage: int | None


def exact_value(scheme: Scheme, result: str, ref_id: str) -> Fraction:
    """`result` normalised exactly; ValueError naming the requirement when it is invalid.

    `Scheme.normalise` returns k/n as a float with n at most max - min (2 for the fixed scales),
    and the closest fraction with such a denominator recovers k/n exactly.
    """
    try:
        value = scheme.normalise(result)
    except ValueError as exc:
        raise ValueError(f"{ref_id}: {exc}") from None
    return Fraction(value).limit_denominator(max(2, scheme.max - scheme.min))


def read_answers(
    tree: Tree,
    scheme: Scheme,
    answers: Mapping[str, AnswerValue],
    level: str | None = None,
) -> dict[str, Reading]:
    """Validated answers of the requirements in scope (the level): value, or None for n/a.

    Unanswered requirements are absent. Answers outside the level are validated, then dropped.
    `na` wins over a stored result, so toggling n/a in the UI need not erase the result. Raises
    ValueError naming the ref_id for an unknown or grouping requirement, an invalid result, or
    n/a where the scheme does not allow it.
    """
    in_scope = {node.ref_id for node in tree.assessable(level)}
    readings: dict[str, Reading] = {}
    for ref_id, answer in answers.items():
        node = tree.by_ref.get(ref_id)
        if node is None:
            raise ValueError(f"{ref_id}: no such requirement in this pack version")
        if not node.assessable:
            raise ValueError(f"{ref_id}: a grouping requirement cannot be answered")
        reading: Reading
        if answer.na:
            if not scheme.na_allowed:
                raise ValueError(f"{ref_id}: this scheme does not allow 'not applicable'")
            reading = None
        elif answer.result is None:
            continue
        else:
            reading = exact_value(scheme, answer.result, ref_id)
        if ref_id in in_scope:
            readings[ref_id] = reading
    return readings


def post_order(tree: Tree) -> list[str | None]:
    """Every node reachable from the top, children before parents; None is the virtual root."""
    order: list[str | None] = []
    stack: list[tuple[str | None, bool]] = [(None, False)]
    while stack:
        ref_id, expanded = stack.pop()
        if expanded:
            order.append(ref_id)
            continue
        stack.append((ref_id, True))
        stack.extend((child, False) for child in reversed(tree.children.get(ref_id, ())))
    return order


def _own(ref_id: str | None, readings: Mapping[str, Reading], scope: Set[str]) -> Fraction | None:
    """A node's own answered value when it counts (in scope, answered, applicable)."""
    return readings.get(ref_id) if ref_id is not None and ref_id in scope else None


def _weighted(
    tree: Tree, readings: Mapping[str, Reading], scope: Set[str]
) -> dict[str | None, Fraction | None]:
    ratios: dict[str | None, Fraction | None] = {}
    for ref_id in post_order(tree):
        numerator = denominator = Fraction(0)
        own = _own(ref_id, readings, scope)
        if own is not None:
            numerator, denominator = own, Fraction(1)
        for child in tree.children.get(ref_id, ()):
            ratio = ratios[child]
            if ratio is None:
                continue
            weight = Fraction(tree.by_ref[child].weight)
            if weight <= 0:
                raise ValueError(f"{child}: weight must be greater than 0")
            numerator += weight * ratio
            denominator += weight
        ratios[ref_id] = numerator / denominator if denominator else None
    return ratios


def _points(
    tree: Tree, readings: Mapping[str, Reading], scope: Set[str]
) -> dict[str | None, Fraction | None]:
    sums: dict[str | None, tuple[Fraction, Fraction]] = {}
    ratios: dict[str | None, Fraction | None] = {}
    for ref_id in post_order(tree):
        obtained = possible = Fraction(0)
        own = _own(ref_id, readings, scope)
        if own is not None and ref_id is not None:
            points = tree.by_ref[ref_id].points
            if points is None or points <= 0:
                raise ValueError(f"{ref_id}: the points scheme needs points > 0")
            obtained, possible = own * Fraction(points), Fraction(points)
        for child in tree.children.get(ref_id, ()):
            obtained += sums[child][0]
            possible += sums[child][1]
        sums[ref_id] = (obtained, possible)
        ratios[ref_id] = obtained / possible if possible else None
    return ratios


def stage_values(tree: Tree, scheme: Scheme) -> tuple[int, ...]:
    """The declared stages, ascending; without declarations, the stages indicators carry."""
    declared = {value for value, _title in scheme.stages}
    carried: set[int] = set()
    for node in tree.nodes:
        if not node.assessable:
            continue
        if node.stage is None:
            raise ValueError(f"{node.ref_id}: the stages scheme needs a stage")
        if declared and node.stage not in declared:
            raise ValueError(f"{node.ref_id}: stage {node.stage} is not declared by the scheme")
        carried.add(node.stage)
    return tuple(sorted(declared or carried))


def _stages(
    tree: Tree, scheme: Scheme, readings: Mapping[str, Reading], scope: Set[str]
) -> dict[str | None, Fraction | None]:
    values = stage_values(tree, scheme)
    top = values[-1] if values else 1
    # per node: (any indicator answered, lowest stage with an unmet indicator)
    state: dict[str | None, tuple[bool, int | None]] = {}
    ratios: dict[str | None, Fraction | None] = {}
    for ref_id in post_order(tree):
        answered, lowest_unmet = False, None
        if ref_id is not None and ref_id in scope:
            stage = tree.by_ref[ref_id].stage
            reading = readings.get(ref_id, Fraction(0))  # unanswered: not (yet) met
            answered = ref_id in readings and reading is not None
            if reading is not None and reading < 1:
                lowest_unmet = stage
        for child in tree.children.get(ref_id, ()):
            child_answered, child_unmet = state[child]
            answered = answered or child_answered
            if child_unmet is not None:
                lowest_unmet = (
                    child_unmet if lowest_unmet is None else min(lowest_unmet, child_unmet)
                )
        state[ref_id] = (answered, lowest_unmet)
        reached = max((s for s in values if lowest_unmet is None or s < lowest_unmet), default=0)
        ratios[ref_id] = Fraction(reached, top) if answered else None
    return ratios


def _ratios(
    tree: Tree, scheme: Scheme, readings: Mapping[str, Reading], scope: Set[str]
) -> dict[str | None, Fraction | None]:
    """Per node (None = the whole pack) the score on 0..1, counting only requirements in scope."""
    if scheme.kind == "points":
        return _points(tree, readings, scope)
    if scheme.kind == "stages":
        return _stages(tree, scheme, readings, scope)
    return _weighted(tree, readings, scope)


def tier_for(scheme: Scheme, total: float | None) -> Tier | None:
    """The tier with the highest `min_score` not above the total (on 0..100).

    Decided on the reported total, a correctly rounded float of the exact score, so the tier
    shown never contradicts the number shown next to it.
    """
    if total is None:
        return None
    reached = [tier for tier in scheme.tiers if tier.min_score <= total]
    return max(reached, key=lambda tier: tier.min_score, default=None)


def _percent(ratio: Fraction | None) -> float | None:
    return None if ratio is None else float(ratio * HUNDRED)


def score(
    tree: Tree,
    scheme: Scheme,
    answers: Mapping[str, AnswerValue],
    level: str | None = None,
) -> ScoreResult:
    """Score an assessment (see the module docstring for the rules of each scheme kind).

    `level` restricts the assessment to requirements whose `levels` are empty or contain it.
    `coverage` is answered / applicable, and 1.0 when nothing is applicable (nothing is left to
    answer). `by_domain` holds one entry per domain of an in-scope requirement, each scored as the
    pack restricted to that domain's requirements.
    """
    readings = read_answers(tree, scheme, answers, level)
    in_scope = tree.assessable(level)
    scope = frozenset(node.ref_id for node in in_scope)
    ratios = _ratios(tree, scheme, readings, scope)
    domains = sorted({domain for node in in_scope for domain in node.domains})
    by_domain = {
        domain: _percent(
            _ratios(
                tree,
                scheme,
                readings,
                frozenset(node.ref_id for node in in_scope if domain in node.domains),
            )[None]
        )
        for domain in domains
    }
    applicable = len(scope) - sum(1 for reading in readings.values() if reading is None)
    answered = sum(1 for reading in readings.values() if reading is not None)
    root = ratios[None]
    stage = None
    if scheme.kind == "stages" and root is not None:
        values = stage_values(tree, scheme)
        stage = int(root * values[-1]) if values else 0
    total = _percent(root)
    return ScoreResult(
        total=total,
        by_node={node.ref_id: _percent(ratios.get(node.ref_id)) for node in tree.nodes},
        by_domain=by_domain,
        answered=answered,
        applicable=applicable,
        coverage=answered / applicable if applicable else 1.0,
        tier=tier_for(scheme, total),
        stage=stage,
    )
