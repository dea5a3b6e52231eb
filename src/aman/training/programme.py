"""A selection of modules shaped into a tailored, explained training programme, pure.

Each module of the programme says which competencies it develops at which level, how much
of the measured demand that covers, and why: the chain requirement -> gap (or failed check)
-> competency -> module, with the entities behind it. Cohort sizes follow from how many
entities need the module: two people per entity (a lead and a deputy), split into cohorts
within the bounds that suit the module's format.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aman.training.recommend import CompetencyDemand, Element, GapSource, Pick, Selection

#: (smallest, largest) cohort per module kind: labs and tabletops need small groups.
COHORT_BOUNDS: dict[str, tuple[int, int]] = {
    "course": (8, 30),
    "lab": (6, 16),
    "ctf": (8, 40),
    "tabletop": (6, 14),
}
PEOPLE_PER_ENTITY = 2
MAX_REASONS = 5


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    id: str
    title: str
    kind: str
    level: str
    hours: float
    languages: tuple[str, ...]
    work_roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompetencyInfo:
    id: str
    title: str
    domain: str
    nice_areas: tuple[str, ...]
    nice_roles: tuple[str, ...]
    ecsf: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reason:
    """One link of the explanation: an entity's requirement gap or failed check."""

    entity: str
    entity_kind: str
    pack_id: str
    ref_id: str
    title: str
    kind: str
    amount: float
    current: float
    target: float
    check_id: str | None
    severity: str | None
    chain: str


@dataclass(frozen=True, slots=True)
class Coverage:
    competency: str
    title: str
    level: str
    demand_covered: float
    nice_areas: tuple[str, ...]
    reasons: tuple[Reason, ...]
    reason_count: int


@dataclass(frozen=True, slots=True)
class Item:
    position: int
    module_id: str
    title: str
    kind: str
    level: str
    hours: float
    languages: tuple[str, ...]
    demand_covered: float
    covers: tuple[Coverage, ...]
    required_by: str | None
    target_roles: tuple[str, ...]
    ecsf_profiles: tuple[str, ...]
    entities: int
    participants: int
    cohort_size: int
    cohorts: int


@dataclass(frozen=True, slots=True)
class Plan:
    scope: dict[str, str | None]
    parameters: dict[str, Any]
    items: tuple[Item, ...]
    total_hours: float
    demand_total: float
    demand_covered: float
    coverage: float
    target_roles: tuple[dict[str, Any], ...]
    ecsf_profiles: tuple[dict[str, Any], ...]
    competencies: tuple[dict[str, Any], ...]
    uncovered: tuple[dict[str, Any], ...]
    entities: int
    sources: int

    def document(self) -> dict[str, Any]:
        """The plan as plain JSON-ready data (stored with a generated programme)."""
        return asdict(self)


def _gap_text(s: GapSource) -> str:
    if s.kind == "check":
        return f"failed check {s.check_id} ({s.severity})"
    return f"gap {s.amount:.2f} (at {s.current:.0%}, target {s.target:.0%})"


def reason(source: GapSource, competency: CompetencyInfo, module: ModuleInfo) -> Reason:
    chain = (
        f'{source.ref_id} "{source.title}" ({source.pack_id}) at {source.entity_name}: '
        f"{_gap_text(source)} -> competency {competency.id} ({competency.title}) "
        f"-> module {module.id} ({module.title})"
    )
    return Reason(
        source.entity_name,
        source.entity_kind,
        source.pack_id,
        source.ref_id,
        source.title,
        source.kind,
        round(source.amount, 6),
        round(source.current, 6),
        round(source.target, 6),
        source.check_id,
        source.severity,
        chain,
    )


def cohort_plan(kind: str, participants: int) -> tuple[int, int]:
    """(cohort size, number of cohorts) for `participants` people in a module of `kind`."""
    low, high = COHORT_BOUNDS.get(kind, COHORT_BOUNDS["course"])
    if participants <= 0:
        return low, 0
    cohorts = math.ceil(participants / high)
    return max(low, math.ceil(participants / cohorts)), cohorts


def _coverage(
    pick: Pick,
    demands: Mapping[str, CompetencyDemand],
    competencies: Mapping[str, CompetencyInfo],
    module: ModuleInfo,
) -> tuple[tuple[Coverage, ...], set[str]]:
    covers, entities = [], set()
    for (competency_id, level), weight in pick.covered:
        info = competencies[competency_id]
        sources = demands[competency_id].sources
        entities |= {s.entity_id for s in sources}
        covers.append(
            Coverage(
                competency_id,
                info.title,
                level,
                round(weight, 6),
                info.nice_areas,
                tuple(reason(s, info, module) for s in sources[:MAX_REASONS]),
                len(sources),
            )
        )
    return tuple(covers), entities


def _ranked(weights: dict[str, float], key: str) -> tuple[dict[str, Any], ...]:
    rows = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple({key: name, "demand": round(w, 6)} for name, w in rows if w > 0)


def _items(
    selection: Selection,
    demands: Mapping[str, CompetencyDemand],
    modules: Mapping[str, ModuleInfo],
    competencies: Mapping[str, CompetencyInfo],
) -> list[Item]:
    drafts = []
    for pick in selection.picks:
        module = modules[pick.module_id]
        covers, entities = _coverage(pick, demands, competencies, module)
        ecsf = sorted({p for c in covers for p in competencies[c.competency].ecsf})
        drafts.append((pick, module, covers, entities, ecsf))
    participants = {p.module_id: PEOPLE_PER_ENTITY * len(e) for p, _, _, e, _ in drafts}
    for pick, *_ in reversed(drafts):  # a prerequisite serves everyone who takes the module
        if pick.required_by is not None:
            participants[pick.module_id] = max(
                participants[pick.module_id], participants[pick.required_by]
            )
    items = []
    for position, (pick, module, covers, entities, ecsf) in enumerate(drafts, start=1):
        people = participants[pick.module_id]
        size, cohorts = cohort_plan(module.kind, people)
        items.append(
            Item(
                position,
                module.id,
                module.title,
                module.kind,
                module.level,
                module.hours,
                module.languages,
                round(pick.gain, 6),
                covers,
                pick.required_by,
                module.work_roles,
                tuple(ecsf),
                len(entities),
                people,
                size,
                cohorts,
            )
        )
    return items


def build_plan(
    selection: Selection,
    demands: Mapping[str, CompetencyDemand],
    modules: Mapping[str, ModuleInfo],
    competencies: Mapping[str, CompetencyInfo],
    *,
    scope: dict[str, str | None],
    parameters: dict[str, Any],
    role_titles: Mapping[str, str],
) -> Plan:
    """Shape `selection` into a plan: ordered items with explanations and cohort sizes."""
    items = _items(selection, demands, modules, competencies)
    roles: dict[str, float] = {}
    profiles: dict[str, float] = {}
    for item in items:
        for role in item.target_roles:
            roles[role] = roles.get(role, 0.0) + item.demand_covered
        for profile in item.ecsf_profiles:
            profiles[profile] = profiles.get(profile, 0.0) + item.demand_covered
    covered: dict[str, float] = {}
    for pick in selection.picks:
        for (competency_id, _), weight in pick.covered:
            covered[competency_id] = covered.get(competency_id, 0.0) + weight
    entity_ids = {s.entity_id for d in demands.values() for s in d.sources}
    source_keys = {
        (s.entity_id, s.pack_id, s.ref_id, s.check_id) for d in demands.values() for s in d.sources
    }
    return Plan(
        scope=scope,
        parameters=parameters,
        items=tuple(items),
        total_hours=round(selection.hours, 6),
        demand_total=round(selection.demand_total, 6),
        demand_covered=round(selection.covered_total, 6),
        coverage=round(selection.covered_total / selection.demand_total, 6)
        if selection.demand_total > 0
        else 1.0,
        target_roles=tuple(
            {"id": r["id"], "title": role_titles.get(r["id"], r["id"]), "demand": r["demand"]}
            for r in _ranked(roles, "id")
        ),
        ecsf_profiles=_ranked(profiles, "name"),
        competencies=tuple(
            {
                "competency": d.competency,
                "title": competencies[d.competency].title
                if d.competency in competencies
                else d.competency,
                "demand": round(d.demand, 6),
                "attainment": round(d.attainment, 6),
                "levels": list(d.levels),
                "covered": round(covered.get(d.competency, 0.0), 6),
            }
            for d in sorted(demands.values(), key=lambda d: (-d.demand, d.competency))
        ),
        uncovered=tuple(
            {"competency": c, "level": lv, "demand": round(w, 6)}
            for (c, lv), w in _uncovered(selection.uncovered)
        ),
        entities=len(entity_ids),
        sources=len(source_keys),
    )


def _uncovered(rows: tuple[tuple[Element, float], ...]) -> list[tuple[Element, float]]:
    return sorted(rows, key=lambda row: (-row[1], row[0]))
