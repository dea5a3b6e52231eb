"""Competency demand and the greedy weighted set cover: unit cases and properties."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.training.recommend import (
    LEVEL_INDEX,
    GapSource,
    ModuleSpec,
    SelectOptions,
    competency_demand,
    elements_of,
    level_of,
    levels_needed,
    select_modules,
)

LEVELS = ("foundation", "intermediate", "advanced")


def src(
    ref: str,
    amount: float,
    comps: tuple[str, ...],
    current: float = 0.0,
    target: float = 0.6,
    entity: str = "org-1",
    kind: str = "gap",
) -> GapSource:
    return GapSource(
        entity,
        f"Org {entity}",
        "organisation",
        "pack",
        ref,
        f"title {ref}",
        kind,
        amount,
        current,
        target,
        comps,
    )  # type: ignore[arg-type]


def test_levels_follow_attainment_and_target() -> None:
    assert level_of(0.0) == "foundation" and level_of(0.5) == "intermediate"
    assert level_of(0.9) == "advanced"
    assert levels_needed(0.1, 0.6) == ("foundation", "intermediate")
    assert levels_needed(0.5, 0.6) == ("intermediate",)
    assert levels_needed(0.1, 1.0) == ("foundation", "intermediate", "advanced")
    assert levels_needed(0.1, 1.0, "intermediate") == ("foundation", "intermediate")
    assert levels_needed(0.9, 1.0) == ("advanced",)


def test_demand_sums_amounts_and_weights_attainment() -> None:
    demands = competency_demand(
        [
            src("R1", 3.0, ("c.a", "c.b"), current=0.0),
            src("R2", 1.0, ("c.a",), current=0.8),
            src("R3", 0.0, ("c.a",)),
        ]
    )
    a = demands["c.a"]
    assert a.demand == pytest.approx(4.0)
    assert a.attainment == pytest.approx(0.2)  # (3*0 + 1*0.8) / 4
    assert [s.ref_id for s in a.sources] == ["R1", "R2"]  # largest first; zero amounts ignored
    assert demands["c.b"].demand == pytest.approx(3.0)
    elements = elements_of(demands)
    assert math.fsum(elements.values()) == pytest.approx(7.0)
    assert elements[("c.a", "foundation")] == pytest.approx(2.0)


def test_selection_prefers_demand_per_hour_and_brings_prerequisites() -> None:
    modules = [
        ModuleSpec("base", 10, "foundation", frozenset({"en"}), (), ("c.a",)),
        ModuleSpec("lab", 4, "intermediate", frozenset({"en"}), ("base",), ("c.a",)),
        ModuleSpec("cheap", 1, "foundation", frozenset({"en", "fr"}), (), ("c.b",)),
    ]
    elements = {
        ("c.a", "foundation"): 5.0,
        ("c.a", "intermediate"): 5.0,
        ("c.b", "foundation"): 2.0,
    }
    sel = select_modules(elements, modules)
    assert sel.module_ids == ("cheap", "base", "lab")  # 2/h, then the base+lab bundle 10/14h
    assert sel.picks[1].required_by == "lab"
    assert sel.covered_total == pytest.approx(12.0) and sel.hours == 15
    fr = select_modules(elements, modules, SelectOptions(language="fr"))
    assert fr.module_ids == ("cheap",) and ("c.a", "foundation") in dict(fr.uncovered)
    assert set(fr.ineligible) == {"base", "lab"}
    capped = select_modules(elements, modules, SelectOptions(max_level="foundation"))
    assert capped.module_ids == ("cheap", "base")
    done = select_modules(elements, modules, SelectOptions(completed=frozenset({"base"})))
    assert done.module_ids == ("cheap", "lab")  # base completed: lab alone is 5/4h
    budget = select_modules(elements, modules, SelectOptions(budget_hours=11))
    assert budget.module_ids == ("cheap", "base") and budget.hours == 11


# --- properties -------------------------------------------------------------------------

COMPS = ["c1", "c2", "c3", "c4", "c5"]


@st.composite
def catalogues(draw: st.DrawFn) -> list[ModuleSpec]:
    n = draw(st.integers(1, 9))
    modules = []
    for i in range(n):
        prereqs = (
            draw(st.lists(st.sampled_from([f"m{j}" for j in range(i)]), max_size=2, unique=True))
            if i
            else []
        )
        modules.append(
            ModuleSpec(
                f"m{i}",
                draw(st.sampled_from([1.0, 2.0, 4.0, 6.0, 8.0, 16.0])),
                draw(st.sampled_from(LEVELS)),
                frozenset(
                    draw(
                        st.lists(
                            st.sampled_from(["en", "ar", "fr"]), min_size=1, max_size=3, unique=True
                        )
                    )
                ),
                tuple(prereqs),
                tuple(draw(st.lists(st.sampled_from(COMPS), min_size=1, max_size=3, unique=True))),
            )
        )
    return modules


element_maps = st.dictionaries(
    st.tuples(st.sampled_from(COMPS), st.sampled_from(LEVELS)),
    st.floats(0.01, 50, allow_nan=False),
    max_size=12,
)
options_st = st.builds(
    SelectOptions,
    language=st.sampled_from([None, "en", "ar", "fr"]),
    max_level=st.sampled_from(LEVELS),
    budget_hours=st.one_of(st.none(), st.floats(1, 60)),
    completed=st.frozensets(st.sampled_from([f"m{i}" for i in range(9)]), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(catalogues(), element_maps, options_st, st.randoms(use_true_random=False))
def test_selection_properties(
    modules: list[ModuleSpec], elements: dict, options: SelectOptions, rnd: random.Random
) -> None:
    sel = select_modules(elements, modules, options)
    specs = {m.id: m for m in modules}
    # determinism: the order of the catalogue does not matter
    shuffled = list(modules)
    rnd.shuffle(shuffled)
    assert select_modules(elements, shuffled, options) == sel
    # prerequisites come first (or were completed); nothing is picked twice
    seen: set[str] = set(options.completed)
    for pick in sel.picks:
        assert pick.module_id not in seen
        assert all(p in seen for p in specs[pick.module_id].prerequisites)
        seen.add(pick.module_id)
    # language and level respected
    for pick in sel.picks:
        spec = specs[pick.module_id]
        assert options.language is None or options.language in spec.languages
        assert LEVEL_INDEX[spec.level] <= LEVEL_INDEX[options.max_level]
    # never exceeds the budget
    if options.budget_hours is not None:
        assert sel.hours <= options.budget_hours + 1e-6
    # demand covered is monotone along the programme: every bundle adds demand
    covered = 0.0
    roots = [p for p in sel.picks if p.required_by is None]
    for root in roots:
        bundle = [
            p for p in sel.picks if p.module_id == root.module_id or p.required_by == root.module_id
        ]
        gain = math.fsum(p.gain for p in bundle)
        assert gain > 0
        covered += gain
    assert covered == pytest.approx(sel.covered_total)
    # each element is covered at most once, by a module of its competency and level
    keys = [e for p in sel.picks for e, _ in p.covered]
    assert len(keys) == len(set(keys))
    for pick in sel.picks:
        for (comp, level), _ in pick.covered:
            assert (
                comp in specs[pick.module_id].competencies and level == specs[pick.module_id].level
            )
    assert sel.covered_total <= sel.demand_total + 1e-6


@settings(max_examples=150, deadline=None)
@given(catalogues(), element_maps, options_st)
def test_unbounded_selection_covers_everything_coverable(
    modules: list[ModuleSpec], elements: dict, options: SelectOptions
) -> None:
    free = SelectOptions(options.language, options.max_level, None, options.completed)
    full = select_modules(elements, modules, free)
    coverable = {
        e
        for m in modules
        if m.id not in full.ineligible and m.id not in options.completed
        for e in m.covers()
    }
    assert {e for e, _ in full.uncovered}.isdisjoint(coverable)
    budgeted = select_modules(elements, modules, options)
    assert budgeted.covered_total <= full.covered_total + 1e-6
