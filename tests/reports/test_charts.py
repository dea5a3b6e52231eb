"""Chart specs: valid Vega-Lite, data in the named dataset, order carried by ranks, and the
server renderer (vl-convert) drawing the same spec as SVG, or PNG for Arabic labels."""

from __future__ import annotations

import functools
import re
from typing import Any

import altair as alt
import jsonschema
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.reports import charts, images


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    schema = alt.vegalite.v5.schema.core.load_schema()
    return jsonschema.Draft7Validator(schema)


def valid(spec: dict[str, Any]) -> dict[str, Any]:
    errors = list(_validator().iter_errors(spec))
    assert not errors, errors[0].message
    return spec


def rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = spec["datasets"][charts.DATA]
    return data


BARS = [charts.Bar("Oman", 80, "T2"), charts.Bar("Malaysia", 51.25, "T4", 60.0)]
TIERS = ("T1", "T2", "T3", "T4", "T5")


def bars_spec(items: list[charts.Bar] = BARS) -> dict[str, Any]:
    return charts.ranked_bars(
        items,
        title="Capacity",
        value_title="Index",
        category_title="Tier",
        categories=TIERS,
        reference_title="Federation median",
    )


def test_every_builder_returns_valid_vega_lite() -> None:
    specs = [
        bars_spec(),
        charts.heatmap(
            [charts.Cell("Oman", "PQC", 40, 3), charts.Cell("Malaysia", "5G", 70, 2)],
            title="Heat",
            rows=["Malaysia", "Oman"],
            columns=["5G", "PQC"],
            value_title="Score",
            count_title="n",
        ),
        charts.stacked_status(
            {"PQC (cycle 2)": {"accepted": 3, "in_progress": 1, "not_started": 0}},
            title="Progress",
            status_labels={"accepted": "Accepted"},
            count_title="Assessments",
        ),
        charts.spreads(
            [charts.Spread("Inventory", 20, 40, 60, 9)],
            title="PQC",
            value_title="Score",
            median_title="Median",
            quartile_titles=("Q1", "Q3"),
            count_title="n",
        ),
        charts.trend(
            [charts.Point("PQC", "2025-10-31", 40.04, "cycle 1")],
            title="Trend",
            value_title="Score",
            date_title="Date",
        ),
    ]
    for spec in specs:
        valid(spec)
        assert spec["$schema"].endswith("v5.20.1.json")  # the Vega-Lite the browser bundle reads
        assert set(spec["datasets"]) == {charts.DATA}
        assert b'{"name":"rows"}' in orjson.dumps(spec)  # encodings read the named dataset


def test_ranked_bars_are_highest_first_with_values_rounded() -> None:
    data = rows(bars_spec())
    assert [r["label"] for r in data] == ["Oman", "Malaysia"]
    assert [r["rank"] for r in data] == [0, 1]
    assert data[1]["value"] == round(51.25, 1)  # one decimal
    assert data[1]["ref"] == 60.0 and data[0]["ref"] is None
    encoding = bars_spec()["layer"][0]["encoding"]
    assert encoding["y"]["sort"] == {"field": "rank", "op": "min", "order": "ascending"}
    assert encoding["color"]["scale"]["domain"] == list(TIERS)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=8), st.floats(0, 100, allow_nan=False)),
        min_size=1,
        max_size=20,
    )
)
def test_ranks_follow_the_values(items: list[tuple[str, float]]) -> None:
    data = rows(
        charts.ranked_bars(
            [charts.Bar(a, v) for a, v in items], title="t", value_title="v", category_title="c"
        )
    )
    assert sorted(r["rank"] for r in data) == list(range(len(items)))
    values = [r["value"] for r in sorted(data, key=lambda r: r["rank"])]
    assert values == sorted(values, reverse=True)


def test_templates_are_shared_but_specs_are_not() -> None:
    first, second = bars_spec(), bars_spec([charts.Bar("Qatar", 99)])
    assert first["layer"] == second["layer"]  # one cached template
    first["layer"][0]["mark"] = "point"
    assert bars_spec()["layer"][0]["mark"] != "point"  # callers get their own copy
    assert rows(second) == [{"label": "Qatar", "value": 99, "category": "", "ref": None, "rank": 0}]


def test_heatmap_keeps_the_given_order_and_drops_strangers() -> None:
    spec = charts.heatmap(
        [
            charts.Cell("B", "PQC", 10, 1),
            charts.Cell("A", "5G", 90, 2),
            charts.Cell("Z", "5G", 5, 1),
        ],
        title="t",
        rows=["A", "B"],
        columns=["5G", "PQC"],
        value_title="v",
        count_title="n",
    )
    data = {r["row"]: r for r in rows(spec)}
    assert set(data) == {"A", "B"}
    assert data["A"]["rank"] == 0 and data["B"]["col_rank"] == 1


def test_statuses_with_no_assessments_are_left_out() -> None:
    spec = charts.stacked_status(
        {"C1": {"accepted": 2, "returned": 0}, "C2": {"submitted": 1}},
        title="t",
        status_labels={"accepted": "Accepted", "submitted": "Submitted"},
        count_title="n",
    )
    assert {(r["campaign"], r["status"], r["rank"]) for r in rows(spec)} == {
        ("C1", "Accepted", 0),
        ("C2", "Submitted", 1),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Malaysia", False),
        ("Côte d'Ivoire", False),
        ("ماليزيا", True),
        ("عُمان", True),
        ("e\u0301", True),
        ("2026-10", False),
    ],
)
def test_text_that_needs_shaping(text: str, expected: bool) -> None:
    assert images.needs_shaping(text) is expected


def test_latin_charts_are_svg_with_their_labels() -> None:
    image = images.chart_image(bars_spec([charts.Bar("Kazakhstan", 42.5, "T4")]))
    assert image.media_type == "image/svg+xml"
    svg = image.data.decode()
    assert re.search(r"<text[^>]*>Kazakhstan</text>", svg)
    assert image.width > 100 and image.height > 20
    assert image.data_uri.startswith("data:image/svg+xml;base64,")


def test_arabic_charts_are_drawn_as_png_from_the_same_spec() -> None:
    spec = bars_spec([charts.Bar("\u2067ماليزيا\u2069", 51, "T4")])
    image = images.chart_image(spec)
    assert image.media_type == "image/png"
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert images.chart_image(spec) is image  # cached by content
