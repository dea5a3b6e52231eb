"""Chart specifications (Vega-Lite, built with Altair) for dashboards and reports.

Every function is pure: plain rows and already translated labels in, a Vega-Lite dict out. The
same dict is embedded in a page (drawn by the vendored vega-embed) and turned into an image on
the server for PDF reports (`images.chart_image`), so a chart looks the same in both places.

Altair builds the encoding once per set of labels (cached: building and validating a chart costs
tens of milliseconds); the rows go in as a named dataset afterwards, and their order comes from
a `rank` field, so a template never depends on the data. Sizes are steps per row, never
"container" widths, because the server renderer has no container.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import orjson

FONT = "Noto Sans, Noto Sans Arabic, DejaVu Sans, sans-serif"
# Best tier first: greens to reds, decreasing lightness so greyscale prints stay readable.
TIER_COLOURS = ("#1b7837", "#5aae61", "#d9a21b", "#e0703a", "#b2182b", "#7f3b08")
STATUS_COLOURS = {
    "not_started": "#bdbdbd",
    "in_progress": "#4e79a7",
    "submitted": "#f0b23a",
    "returned": "#d6604d",
    "accepted": "#1b7837",
}
ROW = 20
WIDTH = 480
DATA = "rows"
#: Altair's schema validation while building a template: off, it costs more than the chart.
VALIDATE = False


@dataclass(frozen=True)
class Bar:
    """One labelled value on a 0..100 scale, with an optional category (tier) and reference."""

    label: str
    value: float
    category: str = ""
    reference: float | None = None  # e.g. the peers' median, drawn as a tick


@dataclass(frozen=True)
class Cell:
    """One cell of a heat map: a row (member, sector), a column (domain) and a 0..100 value."""

    row: str
    column: str
    value: float
    count: int


@dataclass(frozen=True)
class Spread:
    """Quartiles of a distribution on a 0..100 scale."""

    label: str
    q1: float
    median: float
    q3: float
    count: int


@dataclass(frozen=True)
class Point:
    """One point of a time series: `series` names the line."""

    series: str
    date: str  # ISO 8601
    value: float
    label: str = ""  # e.g. "cycle 2"


def finish(chart: Any, title: str, legend_columns: int | None = None) -> str:
    """The chart with its title and the house style, as the JSON of its spec."""
    legend: dict[str, Any] = {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"}
    if legend_columns:
        legend["columns"] = legend_columns
    spec = chart.properties(title=title).configure(
        font=FONT,
        view={"stroke": None},
        axis={"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 240},
        legend=legend,
        title={"fontSize": 13, "anchor": "start"},
    )
    return orjson.dumps(spec.to_dict(validate=VALIDATE)).decode()


def with_rows(template: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A cached template's spec with the rows put into its named dataset."""
    spec: dict[str, Any] = orjson.loads(template)
    spec["datasets"] = {DATA: rows}
    return spec


def _ranked(field: str = "rank") -> alt.EncodingSortField:
    # An explicit op: layers union their domains, and Vega-Lite drops a sort without one.
    return alt.EncodingSortField(field, op="min", order="ascending")


def named_data() -> alt.Data:
    """The dataset every template draws from; `with_rows` fills it."""
    return alt.Data(name=DATA)  # type: ignore[no-untyped-call]


def _score(field: str, title: str | None = None) -> alt.X:
    return alt.X(f"{field}:Q", title=title, scale=alt.Scale(domain=[0, 100]))


# --- ranked bars ------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _bars_template(
    title: str,
    value_title: str,
    category_title: str,
    categories: tuple[str, ...],
    reference_title: str,
) -> str:
    y = alt.Y("label:N", title=None, sort=_ranked())
    scale = (
        alt.Scale(domain=list(categories), range=list(TIER_COLOURS[: len(categories)]))
        if categories
        else alt.Scale(scheme="tableau10")
    )
    base = alt.Chart(named_data())
    bars = base.mark_bar().encode(
        x=_score("value", value_title),
        y=y,
        color=alt.Color("category:N", title=category_title, scale=scale),
        tooltip=[
            alt.Tooltip("label:N", title=" "),
            alt.Tooltip("value:Q", title=value_title, format=".1f"),
            alt.Tooltip("category:N", title=category_title),
        ],
    )
    layers = [bars]
    if reference_title:
        layers.append(
            base.transform_filter("datum.ref != null")
            .mark_tick(color="#222", thickness=2, size=ROW - 4)
            .encode(
                x=_score("ref"),
                y=y,
                tooltip=[alt.Tooltip("ref:Q", title=reference_title, format=".1f")],
            )
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=alt.Step(ROW))
    return finish(chart, title)


def ranked_bars(
    bars: Sequence[Bar],
    *,
    title: str,
    value_title: str,
    category_title: str,
    categories: Sequence[str] = (),
    reference_title: str = "",
) -> dict[str, Any]:
    """Horizontal bars, highest first, coloured by category (`categories` best first); with a
    `reference_title`, a tick marks each bar's reference value (e.g. the peers' median)."""
    ordered = sorted(bars, key=lambda b: (-b.value, b.label))
    rows = [
        {
            "label": b.label,
            "value": round(b.value, 1),
            "category": b.category,
            "ref": None if b.reference is None else round(b.reference, 1),
            "rank": i,
        }
        for i, b in enumerate(ordered)
    ]
    template = _bars_template(
        title, value_title, category_title, tuple(categories), reference_title
    )
    return with_rows(template, rows)


# --- heat map ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _heatmap_template(title: str, value_title: str, count_title: str) -> str:
    base = alt.Chart(named_data()).encode(
        x=alt.X(
            "column:N",
            title=None,
            sort=_ranked("col_rank"),
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y("row:N", title=None, sort=_ranked()),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            "value:Q", title=value_title, scale=alt.Scale(domain=[0, 100], scheme="yellowgreenblue")
        ),
        tooltip=[
            alt.Tooltip("row:N", title=" "),
            alt.Tooltip("column:N", title=" "),
            alt.Tooltip("value:Q", title=value_title, format=".1f"),
            alt.Tooltip("count:Q", title=count_title),
        ],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("value:Q", format=".0f"),
        color=alt.condition("datum.value > 60", alt.value("white"), alt.value("#222")),
    )
    chart = (rect + text).properties(width=alt.Step(80), height=alt.Step(ROW))
    return finish(chart, title)


def heatmap(
    cells: Sequence[Cell],
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    value_title: str,
    count_title: str,
) -> dict[str, Any]:
    """Rows x columns coloured by a 0..100 value, the value printed in each cell; rows and
    columns keep the given order (cells naming others are dropped)."""
    row_rank = {r: i for i, r in enumerate(rows)}
    col_rank = {c: i for i, c in enumerate(columns)}
    values = [
        {
            "row": c.row,
            "column": c.column,
            "value": round(c.value, 1),
            "count": c.count,
            "rank": row_rank[c.row],
            "col_rank": col_rank[c.column],
        }
        for c in cells
        if c.row in row_rank and c.column in col_rank
    ]
    return with_rows(_heatmap_template(title, value_title, count_title), values)


# --- progress ---------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _status_template(title: str, labels: tuple[str, ...], count_title: str) -> str:
    chart = (
        alt.Chart(named_data())
        .mark_bar()
        .encode(
            x=alt.X("n:Q", title=count_title, stack="zero"),
            y=alt.Y("campaign:N", title=None, sort=_ranked()),
            color=alt.Color(
                "status:N",
                title=None,
                sort=list(labels),
                scale=alt.Scale(domain=list(labels), range=list(STATUS_COLOURS.values())),
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=[
                alt.Tooltip("campaign:N", title=" "),
                alt.Tooltip("status:N", title=" "),
                alt.Tooltip("n:Q", title=count_title),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(ROW + 4))
    )
    return finish(chart, title)


def stacked_status(
    counts: Mapping[str, Mapping[str, int]],
    *,
    title: str,
    status_labels: Mapping[str, str],
    count_title: str,
) -> dict[str, Any]:
    """One horizontal bar per campaign (in the given order), split by status in workflow
    order."""
    order = list(STATUS_COLOURS)
    labels = tuple(status_labels.get(s, s) for s in order)
    values = [
        {
            "campaign": name,
            "status": labels[order.index(s)],
            "status_rank": order.index(s),
            "n": n,
            "rank": rank,
        }
        for rank, (name, by_status) in enumerate(counts.items())
        for s, n in by_status.items()
        if n and s in STATUS_COLOURS
    ]
    return with_rows(_status_template(title, labels, count_title), values)


# --- spreads ----------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _spreads_template(
    title: str, value_title: str, median_title: str, q1_title: str, q3_title: str, n_title: str
) -> str:
    y = alt.Y("label:N", title=None, sort=_ranked())
    tooltip = [
        alt.Tooltip("label:N", title=" "),
        alt.Tooltip("q1:Q", title=q1_title, format=".1f"),
        alt.Tooltip("median:Q", title=median_title, format=".1f"),
        alt.Tooltip("q3:Q", title=q3_title, format=".1f"),
        alt.Tooltip("n:Q", title=n_title),
    ]
    base = alt.Chart(named_data())
    box = base.mark_bar(color="#9ecae1", height=ROW - 6).encode(
        x=_score("q1", value_title), x2="q3:Q", y=y, tooltip=tooltip
    )
    median = base.mark_tick(color="#08306b", thickness=3, size=ROW - 4).encode(
        x=_score("median"), y=y, tooltip=tooltip
    )
    chart = (box + median).properties(width=WIDTH, height=alt.Step(ROW))
    return finish(chart, title)


def spreads(
    items: Sequence[Spread],
    *,
    title: str,
    value_title: str,
    median_title: str,
    quartile_titles: tuple[str, str],
    count_title: str,
) -> dict[str, Any]:
    """Interquartile bars with the median marked, one row per item, in the given order (a box
    plot drawn from histogram statistics)."""
    values = [
        {
            "label": s.label,
            "q1": round(s.q1, 1),
            "median": round(s.median, 1),
            "q3": round(s.q3, 1),
            "n": s.count,
            "rank": i,
        }
        for i, s in enumerate(items)
    ]
    template = _spreads_template(
        title, value_title, median_title, quartile_titles[0], quartile_titles[1], count_title
    )
    return with_rows(template, values)


# --- trends -----------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _trend_template(title: str, value_title: str, date_title: str) -> str:
    chart = (
        alt.Chart(named_data())
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title=date_title, axis=alt.Axis(format="%Y-%m", tickCount=6)),
            y=alt.Y("value:Q", title=value_title, scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("series:N", title=None),
            tooltip=[
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("date:T", title=date_title, format="%Y-%m-%d"),
                alt.Tooltip("value:Q", title=value_title, format=".1f"),
            ],
        )
        .properties(width=WIDTH, height=180)
    )
    return finish(chart, title)


def trend(
    points: Sequence[Point], *, title: str, value_title: str, date_title: str
) -> dict[str, Any]:
    """Lines across campaign cycles, one per series, with the points marked."""
    values = [
        {"series": p.series, "date": p.date, "value": round(p.value, 1), "label": p.label}
        for p in points
    ]
    return with_rows(_trend_template(title, value_title, date_title), values)


# --- counts -----------------------------------------------------------------------------

# Whole numbers only: with the plain "d" format Vega drops fractional ticks (",d" does not).
_COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")


@lru_cache(maxsize=16)
def _monthly_counts_template(title: str, value_title: str, month_title: str) -> str:
    chart = (
        alt.Chart(named_data())
        # A month without a value breaks the line instead of bridging it.
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(
            # Months as ordered categories: one band each, a suppressed one included.
            x=alt.X(
                "month:O",
                title=month_title,
                sort="ascending",
                axis=alt.Axis(labelAngle=0, labelOverlap="parity"),
            ),
            y=alt.Y("value:Q", title=value_title, axis=_COUNT_AXIS),
            color=alt.Color(
                "series:N", title=None, sort=_ranked(), scale=alt.Scale(scheme="tableau10")
            ),
            tooltip=[
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("month:O", title=month_title),
                alt.Tooltip("value:Q", title=value_title, format=",d"),
            ],
        )
        .properties(width=WIDTH, height=200)
    )
    return finish(chart, title)


def monthly_counts(
    series: Mapping[str, Mapping[str, int]],
    months: Sequence[str],
    *,
    title: str,
    value_title: str,
    month_title: str,
) -> dict[str, Any]:
    """Counts per month (YYYY-MM), one line per series in the given order; a month a series
    has no count for (say, a suppressed cell) is a gap in its line, never a zero."""
    values = [
        {"series": name, "month": month, "value": counts.get(month), "rank": rank}
        for rank, (name, counts) in enumerate(series.items())
        for month in months
    ]
    return with_rows(_monthly_counts_template(title, value_title, month_title), values)


@lru_cache(maxsize=16)
def _count_bars_template(title: str, value_title: str) -> str:
    chart = (
        alt.Chart(named_data())
        .mark_bar(color="#4e79a7")
        .encode(
            x=alt.X("value:Q", title=value_title, axis=_COUNT_AXIS),
            y=alt.Y("label:N", title=None, sort=_ranked()),
            tooltip=[
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("value:Q", title=value_title, format=",d"),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(ROW))
    )
    return finish(chart, title)


def count_bars(bars: Sequence[Bar], *, title: str, value_title: str) -> dict[str, Any]:
    """Horizontal bars of counts (no fixed scale), largest first."""
    ordered = sorted(bars, key=lambda b: (-b.value, b.label))
    rows = [{"label": b.label, "value": b.value, "rank": i} for i, b in enumerate(ordered)]
    return with_rows(_count_bars_template(title, value_title), rows)
