"""Statistics from histogram bins (pure). A bin is a score rounded to a whole percent (0..100):
exact for answers (every scale in use lands on whole percents) and within half a point for
node scores, which is finer than any dashboard shows."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

SCALE = 1  # bins per percentage point
TOP = 100 * SCALE


def to_bin(percent: float) -> int:
    """Halves round up (not to even, as `round` does): the rule SQL applies in a recompute."""
    return max(0, min(TOP, math.floor(percent * SCALE + 0.5)))


@dataclass(frozen=True, slots=True)
class Stats:
    count: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None


def _value_at(ordered: list[tuple[int, int]], index: int) -> int:
    """The `index`-th smallest value (0-based) of a sorted histogram."""
    seen = 0
    for value, count in ordered:
        seen += count
        if index < seen:
            return value
    return ordered[-1][0]


def _quantile(ordered: list[tuple[int, int]], total: int, q: float) -> float:
    """Linear interpolation between order statistics (the 'inclusive' method)."""
    position = q * (total - 1)
    low = int(position)
    a, b = _value_at(ordered, low), _value_at(ordered, min(low + 1, total - 1))
    return (a + (b - a) * (position - low)) / SCALE


def stats(bins: Iterable[tuple[int, int]]) -> Stats:
    ordered = sorted((b, c) for b, c in bins if c > 0)
    total = sum(c for _, c in ordered)
    if total == 0:
        return Stats(0, None, None, None, None)
    mean = sum(b * c for b, c in ordered) / total / SCALE
    return Stats(
        total,
        mean,
        _quantile(ordered, total, 0.5),
        _quantile(ordered, total, 0.25),
        _quantile(ordered, total, 0.75),
    )


def percentile_rank(bins: Iterable[tuple[int, int]], own: float) -> float | None:
    """Share of the values below `own` (ties count half), in percent."""
    ordered = [(b, c) for b, c in bins if c > 0]
    total = sum(c for _, c in ordered)
    if total == 0:
        return None
    mine = to_bin(own)
    below = sum(c for b, c in ordered if b < mine)
    equal = sum(c for b, c in ordered if b == mine)
    return 100.0 * (below + 0.5 * equal) / total
