"""From gaps to training, pure: competency demand, then modules by greedy weighted set cover.

1. Every gap source (a requirement below target in an assessment, or a failed automated
   check) carries `amount = shortfall x weight x importance` (for a check: the severity's
   share of a full shortfall) and the competencies its requirement is linked to in the pack.
   A competency's demand is the sum of the amounts of its sources.
2. A competency is needed from the level the entity is at (its demand-weighted attainment)
   up to the level the target asks for, so demand becomes *elements* `(competency, level)`,
   each carrying an equal share of the competency's demand.
3. Modules are chosen greedily by demand covered per hour. A module with prerequisites that
   are neither completed nor already chosen is considered as a bundle with them (prerequisites
   first), so the programme always respects prerequisites. Only modules offered in the
   requested language and not above the maximum level are eligible; an hours budget, when
   given, is never exceeded. Ties break on more demand, fewer hours, then module id, so the
   same data always gives the same programme.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Literal

from aman.training.catalogue import LEVELS, Level

LEVEL_INDEX: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}
#: Share of a full shortfall that one failed check of each severity stands for.
SEVERITY_FACTOR = {"critical": 1.0, "high": 0.75, "medium": 0.5, "low": 0.25, "info": 0.0}
EPS = 1e-9

Element = tuple[str, Level]


@dataclass(frozen=True, slots=True)
class GapSource:
    """One reason for training: a gap in one entity's assessment, or a failed check."""

    entity_id: str
    entity_name: str
    entity_kind: Literal["organisation", "member"]
    pack_id: str
    ref_id: str
    title: str
    kind: Literal["gap", "check"]
    amount: float
    current: float
    target: float
    competencies: tuple[str, ...]
    check_id: str | None = None
    severity: str | None = None

    @property
    def sort_key(self) -> tuple[float, str, str, str, str]:
        return (-self.amount, self.entity_name, self.pack_id, self.ref_id, self.check_id or "")


@dataclass(frozen=True, slots=True)
class CompetencyDemand:
    competency: str
    demand: float
    attainment: float
    target: float
    levels: tuple[Level, ...]
    sources: tuple[GapSource, ...]


def level_of(value: float) -> Level:
    """The level a normalised attainment or target corresponds to (thirds of the scale)."""
    if value < 1 / 3:
        return "foundation"
    return "intermediate" if value < 2 / 3 else "advanced"


def levels_needed(
    attainment: float, target: float, max_level: Level = "advanced"
) -> tuple[Level, ...]:
    """From the level the entity is at up to the level its target needs, capped at max_level."""
    start = LEVEL_INDEX[level_of(attainment)]
    goal = max(start, LEVEL_INDEX[level_of(target)])
    cap = LEVEL_INDEX[max_level]
    return tuple(LEVELS[i] for i in range(min(start, cap), min(goal, cap) + 1))


def competency_demand(
    sources: Iterable[GapSource], max_level: Level = "advanced"
) -> dict[str, CompetencyDemand]:
    """Demand per competency: summed amounts, attainment and target weighted by amount."""
    grouped: dict[str, list[GapSource]] = {}
    for source in sources:
        if source.amount <= 0:
            continue
        for competency in dict.fromkeys(source.competencies):
            grouped.setdefault(competency, []).append(source)
    result: dict[str, CompetencyDemand] = {}
    for competency in sorted(grouped):
        rows = sorted(grouped[competency], key=lambda s: s.sort_key)
        total = math.fsum(s.amount for s in rows)
        attainment = math.fsum(s.amount * s.current for s in rows) / total
        target = math.fsum(s.amount * s.target for s in rows) / total
        result[competency] = CompetencyDemand(
            competency,
            total,
            attainment,
            target,
            levels_needed(attainment, target, max_level),
            tuple(rows),
        )
    return result


def elements_of(demands: Mapping[str, CompetencyDemand]) -> dict[Element, float]:
    """Each competency's demand spread evenly over the levels it is needed at."""
    out: dict[Element, float] = {}
    for d in demands.values():
        if not d.levels:
            continue
        share = d.demand / len(d.levels)
        for level in d.levels:
            out[(d.competency, level)] = share
    return out


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    """What the selection needs to know about a catalogue module."""

    id: str
    hours: float
    level: Level
    languages: frozenset[str]
    prerequisites: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()

    def covers(self) -> tuple[Element, ...]:
        return tuple((c, self.level) for c in self.competencies)


@dataclass(frozen=True, slots=True)
class SelectOptions:
    language: str | None = None
    max_level: Level = "advanced"
    budget_hours: float | None = None
    completed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Pick:
    """One module of the programme; `required_by` is set when it came in as a prerequisite."""

    module_id: str
    hours: float
    covered: tuple[tuple[Element, float], ...]
    required_by: str | None = None

    @property
    def gain(self) -> float:
        return math.fsum(weight for _, weight in self.covered)


@dataclass(frozen=True, slots=True)
class Selection:
    picks: tuple[Pick, ...]
    demand_total: float
    covered_total: float
    hours: float
    uncovered: tuple[tuple[Element, float], ...] = field(default_factory=tuple)
    ineligible: tuple[str, ...] = ()

    @property
    def module_ids(self) -> tuple[str, ...]:
        return tuple(p.module_id for p in self.picks)


def _needed(modules: Mapping[str, ModuleSpec], roots: set[str]) -> set[str]:
    """Every module reachable from `roots` through prerequisites (all known: roots are eligible)."""
    out: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in out or node not in modules:
            continue
        out.add(node)
        stack.extend(modules[node].prerequisites)
    return out


def eligible_modules(modules: Mapping[str, ModuleSpec], options: SelectOptions) -> set[str]:
    """Modules offered in the language, within the level cap, whose prerequisites are all
    completed or themselves eligible."""
    cap = LEVEL_INDEX[options.max_level]
    memo: dict[str, bool] = {}

    def ok(module_id: str, stack: frozenset[str]) -> bool:
        if module_id in options.completed:
            return True
        if module_id in memo:
            return memo[module_id]
        spec = modules.get(module_id)
        good = (
            spec is not None
            and module_id not in stack
            and (options.language is None or options.language in spec.languages)
            and LEVEL_INDEX[spec.level] <= cap
            and all(ok(p, stack | {module_id}) for p in spec.prerequisites)
        )
        memo[module_id] = good
        return good

    return {m for m in modules if m not in options.completed and ok(m, frozenset())}


def _closure(
    root: str, modules: Mapping[str, ModuleSpec], completed: frozenset[str]
) -> tuple[str, ...]:
    """`root` preceded by all its (transitive) prerequisites not completed, depth first in id
    order: what taking the module costs when nothing has been chosen yet."""
    order: list[str] = []
    seen: set[str] = set()
    stack: list[tuple[str, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen or node in completed:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((p, False) for p in sorted(modules[node].prerequisites, reverse=True))
    return tuple(order)


def _closures(
    modules: Mapping[str, ModuleSpec], completed: frozenset[str]
) -> dict[str, tuple[str, ...]]:
    return {root: _closure(root, modules, completed) for root in modules}


def select_modules(
    elements: Mapping[Element, float],
    modules: Sequence[ModuleSpec] | Mapping[str, ModuleSpec],
    options: SelectOptions = SelectOptions(),
) -> Selection:
    """Greedy weighted set cover of `elements` by modules (see the module docstring)."""
    specs = dict(modules) if isinstance(modules, Mapping) else {m.id: m for m in modules}
    eligible = eligible_modules(specs, options)
    closures = _closures(
        {m: specs[m] for m in eligible | _needed(specs, eligible)}, options.completed
    )
    covers = {m: frozenset(specs[m].covers()) for m in closures}
    uncovered = {e: w for e, w in elements.items() if w > 0}
    reach = {m: frozenset().union(*(covers[x] for x in closures[m])) for m in eligible}
    alive = [m for m in sorted(eligible) if not reach[m].isdisjoint(uncovered)]
    cache: dict[str, tuple[list[str], tuple[Element, ...], float]] = {}
    zeros = repeat(0.0)
    chosen: list[Pick] = []
    have: set[str] = set()
    used = 0.0
    while True:
        best: tuple[tuple[float, float, float, str], list[str]] | None = None
        for module_id in alive:
            if module_id not in cache:  # the bundle changes only when a member of it is chosen
                bundle = [m for m in closures[module_id] if m not in have]
                elems = tuple(frozenset().union(*(covers[m] for m in bundle)))
                cache[module_id] = (bundle, elems, math.fsum(specs[m].hours for m in bundle))
            bundle, elems, cost = cache[module_id]
            gain = math.fsum(map(uncovered.get, elems, zeros))
            if gain <= EPS:
                continue
            if options.budget_hours is not None and used + cost > options.budget_hours + EPS:
                continue
            key = (-gain / cost, -gain, cost, module_id)
            if best is None or key < best[0]:
                best = (key, bundle)
        if best is None:
            break
        root = best[1][-1]
        for module_id in best[1]:
            spec = specs[module_id]
            got = tuple(sorted((e, uncovered.pop(e)) for e in covers[module_id] if e in uncovered))
            chosen.append(Pick(module_id, spec.hours, got, None if module_id == root else root))
            have.add(module_id)
            used += spec.hours
        picked = set(best[1])
        alive = [m for m in alive if m not in have and not reach[m].isdisjoint(uncovered)]
        for m in alive:
            if m in cache and picked.intersection(closures[m]):
                del cache[m]
    total = math.fsum(w for w in elements.values() if w > 0)
    return Selection(
        picks=tuple(chosen),
        demand_total=total,
        covered_total=math.fsum(p.gain for p in chosen),
        hours=math.fsum(p.hours for p in chosen),
        uncovered=tuple(sorted(uncovered.items())),
        ineligible=tuple(sorted(set(specs) - eligible - options.completed)),
    )
