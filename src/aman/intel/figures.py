"""The threat-landscape charts, from published (k-anonymous) trend cells only, with labels in
the reader's language. Suppressed cells have no value to draw: they are gaps, never zeros."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aman.intel.pages import DIMENSION_LABELS, Pivot
from aman.reports import charts
from aman.reports.figures import PDI, RLI
from aman.web.i18n import N_, Translator

Spec = dict[str, Any]
TOP_SERIES = 6  # lines per chart: more would be unreadable
TOP_BARS = 15


def _mark(t: Translator, text: str) -> str:
    """Isolate a label as right-to-left text in RTL pages (see reports.figures)."""
    return RLI + text + PDI if t.rtl and text else text


def trend_specs(
    pivots: dict[str, Pivot], label: Callable[[str, str], str], t: Translator
) -> dict[str, Spec]:
    """Per dimension with published cells: activities per month of its leading values, and
    total activities per value over the period (sums of published cells only)."""
    specs: dict[str, Spec] = {}
    activities, month = t(N_("Activities")), t(N_("Month"))
    for dimension, p in pivots.items():
        if not p.rows:
            continue
        name = t(DIMENSION_LABELS[dimension])
        series = {
            _mark(t, label(dimension, r.value)): {m: c.activities for m, c in r.cells.items()}
            for r in p.rows[:TOP_SERIES]
        }
        specs[f"{dimension}_months"] = charts.monthly_counts(
            series,
            p.months,
            title=_mark(t, t(N_("%(dimension)s: activities per month"), dimension=name)),
            value_title=_mark(t, activities),
            month_title=_mark(t, month),
        )
        specs[f"{dimension}_totals"] = charts.count_bars(
            [charts.Bar(_mark(t, label(dimension, r.value)), r.activities) for r in p.rows][
                :TOP_BARS
            ],
            title=_mark(t, t(N_("%(dimension)s: activities over the period"), dimension=name)),
            value_title=_mark(t, activities),
        )
    return specs
