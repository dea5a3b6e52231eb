"""Chart specifications (Vega-Lite through Altair) of training capacity, pure.

The same conventions as `aman.reports.charts`: labels arrive translated, the encoding is built
once per set of labels (cached) and the rows go into a named dataset afterwards; order comes
from `rank` fields, sizes are steps, never container widths.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import altair as alt

from aman.reports.charts import ROW, WIDTH, finish, named_data, with_rows


def _whole_ticks(spec: dict[str, Any], channel: str, top: int) -> dict[str, Any]:
    """People come in whole numbers: ticks at integers only (at most about eight of them)."""
    step = max(1, math.ceil(top / 8))
    values = list(range(0, max(top, 1) + step, step))
    axis = spec["encoding"][channel].setdefault("axis", {})
    axis["values"], axis["format"] = values, "d"
    spec["encoding"][channel]["scale"] = {"domain": [0, values[-1]]}
    return spec


@lru_cache(maxsize=16)
def _periods_template(title: str, people_title: str, period_title: str, domain_title: str) -> str:
    chart = (
        alt.Chart(named_data())
        .mark_bar()
        .encode(
            x=alt.X(
                "period:N",
                title=period_title,
                sort=alt.EncodingSortField("rank", op="min", order="ascending"),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("people:Q", title=people_title, stack="zero"),
            color=alt.Color("domain:N", title=domain_title, scale=alt.Scale(scheme="tableau10")),
            order=alt.Order("domain_rank:Q"),
            tooltip=[
                alt.Tooltip("period:N", title=period_title),
                alt.Tooltip("domain:N", title=domain_title),
                alt.Tooltip("people:Q", title=people_title),
            ],
        )
        .properties(width=alt.Step(56), height=220)
    )
    return finish(chart, title, legend_columns=3)


def people_by_period(
    rows: Sequence[Mapping[str, Any]],
    domain_titles: Mapping[str, str],
    *,
    title: str,
    people_title: str,
    period_title: str,
    domain_title: str,
) -> dict[str, Any]:
    """Stacked bars: people trained per period, split by competency domain. `rows` are the
    capacity metrics' cells (period, domain, work role, people); roles are summed per domain
    (a person holds one work role, so the sum counts each person once per domain)."""
    cells: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (str(r["period"]), str(r["domain"]))
        cells[key] = cells.get(key, 0) + int(r["people"])
    periods = sorted({p for p, _ in cells})
    domains = sorted({d for _, d in cells}, key=lambda d: domain_titles.get(d, d))
    values = [
        {
            "period": p,
            "domain": domain_titles.get(d, d),
            "people": n,
            "rank": periods.index(p),
            "domain_rank": domains.index(d),
        }
        for (p, d), n in sorted(cells.items())
    ]
    spec = with_rows(_periods_template(title, people_title, period_title, domain_title), values)
    totals: dict[str, int] = {}
    for (p, _), n in cells.items():
        totals[p] = totals.get(p, 0) + n
    return _whole_ticks(spec, "y", max(totals.values(), default=0))


@lru_cache(maxsize=16)
def _roles_template(title: str, people_title: str) -> str:
    chart = (
        alt.Chart(named_data())
        .mark_bar(color="#1b5e7a")
        .encode(
            x=alt.X("people:Q", title=people_title),
            y=alt.Y(
                "label:N",
                title=None,
                sort=alt.EncodingSortField("rank", op="min", order="ascending"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("people:Q", title=people_title),
            ],
        )
        .properties(width=WIDTH, height=alt.Step(ROW))
    )
    return finish(chart, title, legend_columns=3)


def people_by_role(
    counts: Mapping[str, int], role_titles: Mapping[str, str], *, title: str, people_title: str
) -> dict[str, Any]:
    """Horizontal bars, most people first: distinct people trained per NICE work role."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], role_titles.get(kv[0], kv[0])))
    values = [
        {"label": role_titles.get(role, role), "people": n, "rank": i}
        for i, (role, n) in enumerate(ordered)
    ]
    spec = with_rows(_roles_template(title, people_title), values)
    return _whole_ticks(spec, "x", max(counts.values(), default=0))
