"""Gaps between an assessment and its target, and a first-cut roadmap to close them.

A gap weighs the normalised shortfall by the requirement's weight and importance, so the list
answers "what matters most to fix". The roadmap groups those gaps into a bounded, dated list of
actions an assessor can accept and edit; it is a suggestion, never a commitment, and the same
input always gives the same suggestion so that regenerating it does not reshuffle a plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal

from aman.assessments.domain import AnswerValue, Scheme, Tree
from aman.assessments.scoring import read_answers

Effort = Literal["S", "M", "L", "XL"]

#: Upper bounds of summed normalised shortfall per effort class (a shortfall of 1.0 is one
#: requirement taken from the bottom of the scale to the top); anything above is XL.
EFFORT_BOUNDS: tuple[tuple[float, Effort], ...] = ((0.5, "S"), (1.0, "M"), (3.0, "L"))
#: Days until the due date for the top, middle and bottom third of actions by priority.
DUE_DAYS = (90, 180, 365)
#: Sibling requirements with gaps under one parent from which one grouped action is suggested.
GROUP_MIN = 3


@dataclass(frozen=True, slots=True)
class Gap:
    ref_id: str
    title: str
    current: float
    target: float
    weight: float
    importance: int
    gap: float
    unanswered: bool

    @property
    def shortfall(self) -> float:
        """Normalised distance to the target, before weighting."""
        return max(0.0, self.target - self.current)


@dataclass(frozen=True, slots=True)
class RoadmapSuggestion:
    action: str
    ref_ids: tuple[str, ...]
    priority: float
    effort: Effort
    due: date


def gaps(
    tree: Tree,
    scheme: Scheme,
    answers: Mapping[str, AnswerValue],
    target: float | None = None,
    level: str | None = None,
) -> list[Gap]:
    """One row per applicable assessable requirement, largest gap first (then by ref_id).

    `gap = max(0, target - current) x weight x importance`, with unanswered requirements at
    0.0 and flagged. Rows with no gap are kept, so the list is also a per-requirement status;
    `suggest_roadmap` ignores them. `target` is normalised (0..1); by default the scheme's.
    """
    goal = float(scheme.default_target() if target is None else target)
    if not 0.0 <= goal <= 1.0:
        raise ValueError(f"target {goal!r} is not a normalised value between 0 and 1")
    readings = read_answers(tree, scheme, answers, level)
    rows = []
    for node in tree.assessable(level):
        if node.ref_id in readings and readings[node.ref_id] is None:
            continue  # not applicable
        reading = readings.get(node.ref_id)
        # floats on purpose: the scheme's target and answers are the same correctly rounded k/n,
        # so a requirement exactly at target has no gap (1/10 as a Fraction of 0.1 would not)
        current = 0.0 if reading is None else float(reading)
        rows.append(
            Gap(
                ref_id=node.ref_id,
                title=node.title,
                current=current,
                target=goal,
                weight=node.weight,
                importance=node.importance,
                gap=max(0.0, goal - current) * node.weight * node.importance,
                unanswered=node.ref_id not in readings,
            )
        )
    rows.sort(key=lambda row: (-row.gap, row.ref_id))
    return rows


def effort_for(shortfall: float) -> Effort:
    """Effort class of an action from the summed normalised shortfall of its requirements.

    The sum is the mean shortfall x the number of requirements: S up to 0.5 (one requirement
    half-way up the scale), M up to 1.0 (one requirement from nothing to the top), L up to 3.0,
    XL beyond.
    """
    for bound, effort in EFFORT_BOUNDS:
        if shortfall <= bound:
            return effort
    return "XL"


def _due(today: date, rank: int, count: int) -> date:
    """Top third of `count` actions due within 90 days, the next third 180, the rest 365."""
    if rank < math.ceil(count / 3):
        days = DUE_DAYS[0]
    elif rank < math.ceil(2 * count / 3):
        days = DUE_DAYS[1]
    else:
        days = DUE_DAYS[2]
    return today + timedelta(days=days)


def describe_value(value: float, scheme: Scheme | None) -> str:
    """A normalised value on the scheme's own scale ("3 (Defined)", "partial"), else a percent."""
    if scheme is not None and scheme.kind == "maturity":
        level = Fraction(scheme.min) + Fraction(value) * (scheme.max - scheme.min)
        level = level.limit_denominator(1000)
        if level.denominator != 1:
            return f"{float(level):.1f}"
        titles = dict(scheme.levels)
        title = titles.get(int(level))
        return f"{int(level)} ({title})" if title else str(int(level))
    if scheme is not None:
        for result in scheme.allowed_results():
            if scheme.normalise(result) == value:
                return result.replace("_", " ")
    return f"{value:.0%}"


def _step(row: Gap, scheme: Scheme | None) -> str:
    current = "not assessed" if row.unanswered else describe_value(row.current, scheme)
    return f"from {current} to {describe_value(row.target, scheme)}"


def _named(ref_id: str, title: str) -> str:
    return f'{ref_id} "{title}"' if title else ref_id


def _action(rows: Sequence[Gap], parent: str | None, tree: Tree, scheme: Scheme | None) -> str:
    if parent is None:
        (row,) = rows
        return f"Raise {_named(row.ref_id, row.title)} {_step(row, scheme)}"
    parent_title = tree.by_ref[parent].title or parent
    steps = "; ".join(f"{row.ref_id} {_step(row, scheme)}" for row in rows)
    return f"Raise {parent_title}: {len(rows)} requirements ({steps})"


def _groups(rows: Sequence[Gap], tree: Tree) -> list[tuple[str | None, list[Gap]]]:
    """Gaps grouped per parent when a parent has enough of them, else one group per gap."""
    by_parent: dict[str, list[Gap]] = {}
    for row in rows:
        parent = tree.by_ref[row.ref_id].parent
        if parent is not None:
            by_parent.setdefault(parent, []).append(row)
    grouped = {parent for parent, members in by_parent.items() if len(members) >= GROUP_MIN}
    groups: list[tuple[str | None, list[Gap]]] = []
    for row in rows:
        parent = tree.by_ref[row.ref_id].parent
        if parent not in grouped:
            groups.append((None, [row]))
        elif by_parent[parent][0] is row:  # the group, once, where its largest gap ranks
            groups.append((parent, by_parent[parent]))
    return groups


def suggest_roadmap(
    gaps: Sequence[Gap],
    tree: Tree,
    today: date,
    *,
    max_items: int = 25,
    scheme: Scheme | None = None,
) -> list[RoadmapSuggestion]:
    """Turn the gaps into at most `max_items` dated actions, highest priority first.

    One action per requirement gap, or one per parent when at least three of its child
    requirements have gaps. Priority is the summed gap; effort follows `effort_for`; due dates
    follow the priority rank (`_due`). Pass the `scheme` to name levels on its own scale in the
    action text (percentages otherwise). Zero gaps are ignored; duplicated or unknown ref_ids
    raise ValueError.
    """
    if max_items < 0:
        raise ValueError("max_items must not be negative")
    seen: set[str] = set()
    for row in gaps:
        if row.ref_id not in tree.by_ref:
            raise ValueError(f"{row.ref_id}: no such requirement in this pack version")
        if row.ref_id in seen:
            raise ValueError(f"{row.ref_id}: appears twice in the gaps")
        seen.add(row.ref_id)
    rows = sorted((row for row in gaps if row.gap > 0), key=lambda row: (-row.gap, row.ref_id))
    drafts = [
        (
            math.fsum(row.gap for row in members),
            math.fsum(row.shortfall for row in members),
            parent,
            members,
        )
        for parent, members in _groups(rows, tree)
    ]
    drafts.sort(key=lambda draft: (-draft[0], draft[3][0].ref_id))
    kept = drafts[:max_items]
    return [
        RoadmapSuggestion(
            action=_action(members, parent, tree, scheme),
            ref_ids=tuple(row.ref_id for row in members),
            priority=priority,
            effort=effort_for(shortfall),
            due=_due(today, rank, len(kept)),
        )
        for rank, (priority, shortfall, parent, members) in enumerate(kept)
    ]
