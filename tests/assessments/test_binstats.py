"""Histogram statistics agree with the textbook definitions on the same values."""

from __future__ import annotations

import statistics

from hypothesis import given
from hypothesis import strategies as st

from aman.assessments.binstats import SCALE, TOP, percentile_rank, stats, to_bin

values = st.lists(st.integers(0, TOP), min_size=1, max_size=200)


def _bins(xs: list[int]) -> list[tuple[int, int]]:
    counts: dict[int, int] = {}
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
    return list(counts.items())


@given(values)
def test_stats_match_numpy(xs: list[int]) -> None:
    s = stats(_bins(xs))
    pct = [x / SCALE for x in xs]
    assert s.count == len(xs)
    assert abs((s.mean or 0) - statistics.fmean(pct)) < 1e-9
    if len(pct) == 1:
        assert s.median == s.q1 == s.q3 == pct[0]
        return
    q1, median, q3 = statistics.quantiles(pct, n=4, method="inclusive")
    for got, want in ((s.median, median), (s.q1, q1), (s.q3, q3)):
        assert got is not None and abs(got - want) < 1e-9


@given(values, st.integers(0, TOP))
def test_percentile_rank_bounds(xs: list[int], own: int) -> None:
    rank = percentile_rank(_bins(xs), own / SCALE)
    assert rank is not None and 0 <= rank <= 100
    below = sum(1 for x in xs if x < own) / len(xs) * 100
    assert rank >= below - 1e-9


def test_empty_and_clamping() -> None:
    assert stats([]).count == 0 and stats([]).mean is None
    assert percentile_rank([], 50) is None
    assert to_bin(-3) == 0 and to_bin(150) == TOP and to_bin(42.4) == round(42.4 * SCALE)
