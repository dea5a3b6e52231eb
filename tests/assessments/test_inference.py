"""Mapping inference: relationship rules, source preference, rounding down, and invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.assessments.domain import AnswerValue, Scheme
from aman.assessments.inference import InferredAnswer, MappingSource, infer, to_result
from aman.frameworks.schemas import Relationship

YPN = Scheme("yes_partial_no")
MATURITY = Scheme("maturity", min=0, max=5, target=3)
EQUAL, SUBSET, SUPERSET, INTERSECTS, UNRELATED = (
    Relationship.EQUAL,
    Relationship.SUBSET_OF,
    Relationship.SUPERSET_OF,
    Relationship.INTERSECTS_WITH,
    Relationship.NOT_RELATED,
)


def answers(**results: str) -> dict[str, AnswerValue]:
    return {
        ref: AnswerValue(ref, na=True) if result == "na" else AnswerValue(ref, result)
        for ref, result in results.items()
    }


A = answers(A1="yes", A2="partial", A3="yes", A4="no", A5="na", A6="na", A7="partial")


def test_relationship_rules_from_yes_partial_no_to_a_maturity_scale() -> None:
    sources = {
        "B1": [MappingSource("A1", EQUAL)],
        "B2": [MappingSource("A2", SUBSET)],
        "B3": [MappingSource("A3", INTERSECTS)],
        "B4": [MappingSource("A4", SUPERSET)],
        "B5": [MappingSource("A5", EQUAL)],
        "B6": [MappingSource("A6", SUBSET)],
        "B7": [MappingSource("UNANSWERED", EQUAL)],
        "B8": [MappingSource("A1", UNRELATED)],
        "B9": [],
        "B10": [MappingSource("A7", SUPERSET)],
    }
    inferred = infer(sources, A, YPN, MATURITY)
    assert inferred == {
        "B1": InferredAnswer("B1", "5", False, "A1", EQUAL, False),
        # 0.5 onto 0..5: 2 (0.4) is the highest level not above it; 3 (0.6) would round up
        "B2": InferredAnswer("B2", "2", False, "A2", SUBSET, False),
        "B3": InferredAnswer("B3", "2", False, "A3", INTERSECTS, True),
        "B4": InferredAnswer("B4", "0", False, "A4", SUPERSET, False),
        "B5": InferredAnswer("B5", None, True, "A5", EQUAL, False),
        # B6: n/a does not carry through subset_of; B7..B9: no usable source
        "B10": InferredAnswer("B10", "2", False, "A7", SUPERSET, False),  # at the cap: not lowered
    }


def test_strongest_relationship_then_shortest_path_then_lowest_value() -> None:
    sources = {
        "strongest": [
            MappingSource("A4", SUBSET, 1),  # "no", but subset_of is weaker than equal
            MappingSource("A1", EQUAL, 3),
        ],
        "shortest": [MappingSource("A4", EQUAL, 2), MappingSource("A2", EQUAL, 1)],
        "lowest": [
            MappingSource("A1", EQUAL),
            MappingSource("A2", EQUAL),
            MappingSource("A3", EQUAL),
        ],
        "value_before_na": [MappingSource("A5", EQUAL), MappingSource("A1", EQUAL)],
        "na_when_strongest": [MappingSource("A5", EQUAL), MappingSource("A4", SUBSET)],
        "capped_then_lowest": [MappingSource("A3", INTERSECTS), MappingSource("A7", INTERSECTS)],
        "superset_before_intersects": [
            MappingSource("A4", INTERSECTS),
            MappingSource("A1", SUPERSET),
        ],
    }
    inferred = infer(sources, A, YPN, YPN)
    picked = {ref: (a.source_ref, a.result) for ref, a in inferred.items()}
    assert picked == {
        "strongest": ("A1", "yes"),
        "shortest": ("A2", "partial"),
        "lowest": ("A2", "partial"),
        "value_before_na": ("A1", "yes"),
        "na_when_strongest": ("A5", None),
        # both give 0.5 after the cap; tie broken by source ref_id for determinism
        "capped_then_lowest": ("A3", "partial"),
        "superset_before_intersects": ("A1", "partial"),
    }
    assert inferred["capped_then_lowest"].capped is True


def test_na_not_carried_when_target_scheme_forbids_it() -> None:
    assert (
        infer({"B": [MappingSource("A5", EQUAL)]}, A, YPN, Scheme("points", na_allowed=False)) == {}
    )


def test_plain_strings_are_accepted_as_relationships() -> None:
    source = MappingSource("A1", "equal")  # type: ignore[arg-type]
    assert infer({"B": [source]}, A, YPN, YPN)["B"].relationship is EQUAL


def test_invalid_inputs_name_the_source() -> None:
    with pytest.raises(ValueError, match="X: 'maybe'"):
        infer({"B": [MappingSource("X", EQUAL)]}, answers(X="maybe"), YPN, YPN)
    with pytest.raises(ValueError, match="A1: path_length"):
        infer({"B": [MappingSource("A1", EQUAL, 0)]}, A, YPN, YPN)


def test_cross_scale_values_land_exactly_when_they_exist() -> None:
    quarter_scale = Scheme("maturity", min=0, max=4)
    eighth_scale = Scheme("maturity", min=1, max=9)
    for level in range(5):
        inferred = infer(
            {"B": [MappingSource("A", EQUAL)]}, answers(A=str(level)), quarter_scale, eighth_scale
        )
        assert inferred["B"].result == str(1 + 2 * level)
    thirds = Scheme("maturity", min=0, max=3)
    sixths = Scheme("maturity", min=0, max=6)
    assert to_result(sixths, thirds.normalise("1")) == "2"


@pytest.mark.parametrize(
    ("scheme", "value", "result"),
    [
        (MATURITY, 0.0, "0"),
        (MATURITY, 0.59, "2"),
        (MATURITY, 0.6, "3"),
        (MATURITY, 1.0, "5"),
        (YPN, 0.99, "partial"),
        (YPN, 0.49, "no"),
        (Scheme("points", partial_allowed=False), 0.5, "not_met"),
        (Scheme("points", partial_allowed=True), 0.5, "partial"),
        (Scheme("stages"), 0.99, "not_met"),
        (Scheme("stages"), 1.0, "met"),
    ],
)
def test_to_result_rounds_down(scheme: Scheme, value: float, result: str) -> None:
    assert to_result(scheme, value) == result


@pytest.mark.parametrize("value", [-0.1, 1.01, math.nan])
def test_to_result_rejects_values_off_the_scale(value: float) -> None:
    with pytest.raises(ValueError, match="not a normalised value"):
        to_result(YPN, value)


# --- invariants -----------------------------------------------------------------------------


@st.composite
def schemes(draw: st.DrawFn) -> Scheme:
    kind = draw(st.sampled_from(["maturity", "yes_partial_no", "points", "stages"]))
    if kind == "maturity":
        low = draw(st.integers(0, 3))
        return Scheme("maturity", min=low, max=draw(st.integers(low + 1, low + 10)))
    return Scheme(kind, partial_allowed=draw(st.booleans()))


@given(schemes(), st.floats(0, 1))
@settings(max_examples=200)
def test_to_result_never_rounds_up_and_is_the_highest_below(scheme: Scheme, value: float) -> None:
    result = to_result(scheme, value)
    assert scheme.normalise(result) <= value
    higher = [r for r in scheme.allowed_results() if scheme.normalise(r) > scheme.normalise(result)]
    assert all(scheme.normalise(r) > value for r in higher)


@given(schemes(), schemes(), st.data())
@settings(max_examples=200)
def test_inferred_result_never_exceeds_its_source(
    scheme_a: Scheme, scheme_b: Scheme, data: st.DataObject
) -> None:
    refs = [f"A{i}" for i in range(4)]
    options = [*scheme_a.allowed_results(), "na", None]
    drawn = {ref: data.draw(st.sampled_from(options)) for ref in refs}
    source_answers = {
        ref: AnswerValue(ref, na=True) if r == "na" else AnswerValue(ref, r)
        for ref, r in drawn.items()
    }
    relationship = st.sampled_from(list(Relationship))
    sources = {
        f"B{i}": data.draw(
            st.lists(
                st.builds(MappingSource, st.sampled_from(refs), relationship, st.integers(1, 4)),
                max_size=4,
            )
        )
        for i in range(5)
    }
    inferred = infer(sources, source_answers, scheme_a, scheme_b)
    for ref, answer in inferred.items():
        source = source_answers[answer.source_ref]
        assert any(
            s.source_ref == answer.source_ref and s.relationship == answer.relationship
            for s in sources[ref]
        )
        assert answer.relationship is not Relationship.NOT_RELATED
        if answer.na:
            assert answer.result is None and source.na and answer.relationship is EQUAL
            continue
        assert answer.result is not None and source.result is not None
        value = scheme_b.normalise(answer.result)
        assert value <= scheme_a.normalise(source.result)
        if answer.relationship in (SUPERSET, INTERSECTS):
            assert value <= 0.5
            assert answer.capped == (scheme_a.normalise(source.result) > 0.5)
        else:
            assert not answer.capped
        best = min(
            (
                s
                for s in sources[ref]
                if s.relationship is not UNRELATED
                and source_answers[s.source_ref].result is not None
            ),
            key=lambda s: [EQUAL, SUBSET, SUPERSET, INTERSECTS].index(s.relationship),
        )
        assert answer.relationship == best.relationship
    assert infer(sources, source_answers, scheme_a, scheme_b) == inferred
