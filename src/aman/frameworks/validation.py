"""Semantic rules of a pack that a schema cannot express, as pure functions over a `Pack`.

Each rule yields `Finding`s that carry a location path (`loc`, like a pydantic error's) so the
loader can turn it into file:line, and the ref_id it concerns. Importers run the same rules on
what they produce, so an imported pack is held to the same standard as a hand-written one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from aman.frameworks.schemas import (
    MappingSet,
    MaturityScheme,
    Pack,
    PointsScheme,
    Requirement,
    StagesScheme,
    TargetKind,
    Tier,
    Translations,
)

Loc = tuple[str | int, ...]

KNOWN_REFERENCE_FRAMEWORKS: Final = frozenset(
    {
        "3gpp-ts-33.501",
        "3gpp-ts-33.117",
        "gsma-nesas",
        "eu-5g-toolbox",
        "enisa-5g-scm-1.3",
        "iso-27001-2022",
        "iso-27017-2015",
        "iso-42001-2023",
        "csa-ccm-4",
        "nist-csf-2.0",
        "nist-ai-rmf-1.0",
        "nist-sp-800-53-r5",
        "nist-ir-8547",
        "cnsa-2.0",
        "fips-203",
        "fips-204",
        "fips-205",
        "owasp-llm-2025",
        "mitre-atlas",
        "itu-gci-2024",
        "oxford-cmm-2021",
        "ncsi",
    }
)
_SCAS_PREFIX: Final = "3gpp-ts-33.5"
REQUIRED_LANGUAGES: Final = ("ar", "fr")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a pack, before it is tied to a file and line."""

    severity: Severity
    code: str
    message: str
    loc: Loc
    ref_id: str | None = None


def _error(code: str, message: str, loc: Loc, ref_id: str | None = None) -> Finding:
    return Finding(Severity.ERROR, code, message, loc, ref_id)


def _warning(code: str, message: str, loc: Loc, ref_id: str | None = None) -> Finding:
    return Finding(Severity.WARNING, code, message, loc, ref_id)


def validate_pack(
    pack: Pack,
    *,
    known_packs: Mapping[str, AbstractSet[str]] | None = None,
    required_languages: Sequence[str] = REQUIRED_LANGUAGES,
) -> list[Finding]:
    """All semantic findings for `pack`; `known_packs` maps "id" or "id/version" to ref_ids."""
    findings: list[Finding] = []
    findings.extend(check_scoring(pack))
    findings.extend(check_levels_declared(pack))
    findings.extend(check_tree(pack.requirements))
    findings.extend(check_scheme_fields(pack))
    findings.extend(check_references(pack.requirements))
    findings.extend(check_mapping_sets(pack, known_packs))
    findings.extend(check_translations(pack, required_languages))
    return findings


def check_scoring(pack: Pack) -> Iterator[Finding]:
    scheme = pack.scoring
    if isinstance(scheme, MaturityScheme):
        yield from _check_maturity(scheme)
    if isinstance(scheme, StagesScheme):
        seen: set[int] = set()
        for index, stage in enumerate(scheme.stages):
            if stage.value in seen:
                yield _error(
                    "scoring.duplicate_stage",
                    f"stage value {stage.value} is declared more than once",
                    ("scoring", "stages", index, "value"),
                )
            seen.add(stage.value)
    if not isinstance(scheme, StagesScheme):
        yield from _check_tiers(scheme.tiers)


def _check_maturity(scheme: MaturityScheme) -> Iterator[Finding]:
    if scheme.min >= scheme.max:
        yield _error(
            "scoring.invalid_range",
            f"maturity scale needs min < max (min={scheme.min}, max={scheme.max})",
            ("scoring", "max"),
        )
        return
    if scheme.target is not None and not scheme.min <= scheme.target <= scheme.max:
        yield _error(
            "scoring.target_out_of_range",
            f"target {scheme.target} is outside [{scheme.min}, {scheme.max}]",
            ("scoring", "target"),
        )
    seen: set[int] = set()
    for index, level in enumerate(scheme.levels):
        loc: Loc = ("scoring", "levels", index, "value")
        if not scheme.min <= level.value <= scheme.max:
            yield _error(
                "scoring.level_out_of_range",
                f"level value {level.value} is outside [{scheme.min}, {scheme.max}]",
                loc,
            )
        if level.value in seen:
            yield _error("scoring.duplicate_level", f"level value {level.value} repeated", loc)
        seen.add(level.value)


def _check_tiers(tiers: Sequence[Tier]) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, tier in enumerate(tiers):
        if tier.id in seen:
            yield _error(
                "scoring.duplicate_tier",
                f"tier id {tier.id!r} repeated",
                ("scoring", "tiers", index, "id"),
            )
        seen.add(tier.id)
        if index and tier.min_score >= tiers[index - 1].min_score:
            yield _error(
                "scoring.tier_order",
                f"tiers must be listed highest first with strictly decreasing min_score; "
                f"{tier.id!r} ({tier.min_score}) follows {tiers[index - 1].id!r} "
                f"({tiers[index - 1].min_score})",
                ("scoring", "tiers", index, "min_score"),
            )


def check_levels_declared(pack: Pack) -> Iterator[Finding]:
    declared: set[str] = set()
    for index, level in enumerate(pack.implementation_levels):
        if level.id in declared:
            yield _error(
                "implementation_level.duplicate_id",
                f"implementation level {level.id!r} declared twice",
                ("implementation_levels", index, "id"),
            )
        declared.add(level.id)
    for index, requirement in enumerate(pack.requirements):
        for position, level_id in enumerate(requirement.levels):
            if level_id not in declared:
                yield _error(
                    "requirement.unknown_level",
                    f"implementation level {level_id!r} is not declared in implementation_levels",
                    ("requirements", index, "levels", position),
                    requirement.ref_id,
                )


def check_tree(requirements: Sequence[Requirement]) -> Iterator[Finding]:
    """Unique ref_ids, parents that exist, no cycles, no empty grouping nodes."""
    first_index: dict[str, int] = {}
    for index, requirement in enumerate(requirements):
        if requirement.ref_id in first_index:
            yield _error(
                "requirement.duplicate_ref_id",
                f"ref_id {requirement.ref_id!r} already used by requirements"
                f"[{first_index[requirement.ref_id]}]",
                ("requirements", index, "ref_id"),
                requirement.ref_id,
            )
        else:
            first_index[requirement.ref_id] = index
    parents: dict[str, str] = {}
    for index, requirement in enumerate(requirements):
        if requirement.parent is None:
            continue
        if requirement.parent not in first_index:
            yield _error(
                "requirement.unknown_parent",
                f"parent {requirement.parent!r} is not a ref_id of this pack",
                ("requirements", index, "parent"),
                requirement.ref_id,
            )
        elif first_index.get(requirement.ref_id) == index:
            parents[requirement.ref_id] = requirement.parent
    yield from _check_cycles(parents, first_index)
    has_children = set(parents.values())
    for index, requirement in enumerate(requirements):
        if not requirement.assessable and requirement.ref_id not in has_children:
            yield _warning(
                "requirement.empty_group",
                "non-assessable (grouping) requirement has no children",
                ("requirements", index, "assessable"),
                requirement.ref_id,
            )


def _check_cycles(parents: Mapping[str, str], index_of: Mapping[str, int]) -> Iterator[Finding]:
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = known acyclic
    for start in parents:
        walk: list[str] = []
        node: str | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            walk.append(node)
            node = parents.get(node)
        if node is not None and state.get(node) == 1:
            cycle = walk[walk.index(node) :]
            first = min(cycle, key=lambda ref: index_of[ref])
            path = " -> ".join([*cycle, node])
            yield _error(
                "requirement.parent_cycle",
                f"parent chain forms a cycle: {path}",
                ("requirements", index_of[first], "parent"),
                first,
            )
        for visited in walk:
            state[visited] = 2


def check_scheme_fields(pack: Pack) -> Iterator[Finding]:
    """points only with the points scheme (>0 on every assessable), stage only with stages."""
    scheme = pack.scoring
    stage_values = (
        {stage.value for stage in scheme.stages} if isinstance(scheme, StagesScheme) else set()
    )
    for index, requirement in enumerate(pack.requirements):
        ref = requirement.ref_id
        if isinstance(scheme, PointsScheme):
            yield from _check_points(requirement, index)
        elif requirement.points is not None:
            yield _error(
                "requirement.points_not_allowed",
                f"points are only used by the points scheme (this pack uses {scheme.kind})",
                ("requirements", index, "points"),
                ref,
            )
        if isinstance(scheme, StagesScheme):
            yield from _check_stage(requirement, index, stage_values)
        elif requirement.stage is not None:
            yield _error(
                "requirement.stage_not_allowed",
                f"stage is only used by the stages scheme (this pack uses {scheme.kind})",
                ("requirements", index, "stage"),
                ref,
            )


def _check_points(requirement: Requirement, index: int) -> Iterator[Finding]:
    loc: Loc = ("requirements", index, "points")
    ref = requirement.ref_id
    if requirement.assessable and requirement.points is None:
        yield _error("requirement.points_missing", "assessable requirement needs points", loc, ref)
    elif requirement.points is not None and requirement.points <= 0:
        yield _error("requirement.points_invalid", "points must be > 0", loc, ref)
    elif requirement.points is not None and not requirement.assessable:
        yield _error(
            "requirement.points_not_allowed",
            "points on a non-assessable (grouping) requirement are never counted",
            loc,
            ref,
        )


def _check_stage(requirement: Requirement, index: int, values: set[int]) -> Iterator[Finding]:
    loc: Loc = ("requirements", index, "stage")
    ref = requirement.ref_id
    if requirement.assessable and requirement.stage is None:
        yield _error("requirement.stage_missing", "assessable requirement needs a stage", loc, ref)
    elif requirement.stage is not None and requirement.stage not in values:
        yield _error(
            "requirement.stage_unknown",
            f"stage {requirement.stage} is not one of the declared stages {sorted(values)}",
            loc,
            ref,
        )
    elif requirement.stage is not None and not requirement.assessable:
        yield _error(
            "requirement.stage_not_allowed",
            "stage on a non-assessable (grouping) requirement is never counted",
            loc,
            ref,
        )


def check_references(requirements: Sequence[Requirement]) -> Iterator[Finding]:
    for index, requirement in enumerate(requirements):
        for position, reference in enumerate(requirement.references):
            known = reference.framework in KNOWN_REFERENCE_FRAMEWORKS
            if not known and not reference.framework.startswith(_SCAS_PREFIX):
                yield _warning(
                    "reference.unknown_framework",
                    f"reference framework {reference.framework!r} is not a known framework id",
                    ("requirements", index, "references", position, "framework"),
                    requirement.ref_id,
                )


def check_mapping_sets(
    pack: Pack, known_packs: Mapping[str, AbstractSet[str]] | None
) -> Iterator[Finding]:
    own_refs = {requirement.ref_id for requirement in pack.requirements}
    seen_ids: set[str] = set()
    for set_index, mapping_set in enumerate(pack.mapping_sets):
        if mapping_set.id in seen_ids:
            yield _error(
                "mapping_set.duplicate_id",
                f"mapping set id {mapping_set.id!r} used twice",
                ("mapping_sets", set_index, "id"),
            )
        seen_ids.add(mapping_set.id)
        seen_pairs: set[tuple[str, str]] = set()
        for index, mapping in enumerate(mapping_set.mappings):
            loc: Loc = ("mapping_sets", set_index, "mappings", index)
            if mapping.source not in own_refs:
                yield _error(
                    "mapping.unknown_source",
                    f"mapping source {mapping.source!r} is not a ref_id of this pack",
                    (*loc, "source"),
                    mapping.source,
                )
            pair = (mapping.source, mapping.target)
            if pair in seen_pairs:
                yield _warning(
                    "mapping.duplicate",
                    f"{mapping.source} -> {mapping.target} is mapped more than once in this set",
                    loc,
                    mapping.source,
                )
            seen_pairs.add(pair)
        if known_packs is not None:
            yield from check_mapping_targets(mapping_set, set_index, known_packs)


def resolve_target(
    mapping_set: MappingSet, known_packs: Mapping[str, AbstractSet[str]]
) -> AbstractSet[str] | None:
    """The ref_ids of the mapping set's target pack, preferring the exact version."""
    if mapping_set.target_version is not None:
        exact = known_packs.get(f"{mapping_set.target}/{mapping_set.target_version}")
        if exact is not None:
            return exact
    return known_packs.get(mapping_set.target)


def check_mapping_targets(
    mapping_set: MappingSet, set_index: int, known_packs: Mapping[str, AbstractSet[str]]
) -> Iterator[Finding]:
    """Targets of a `target_kind: pack` set must exist once the target pack is known."""
    if mapping_set.target_kind is not TargetKind.PACK:
        return
    targets = resolve_target(mapping_set, known_packs)
    if targets is None:
        version = f" version {mapping_set.target_version}" if mapping_set.target_version else ""
        yield _warning(
            "mapping_set.target_not_loaded",
            f"target pack {mapping_set.target!r}{version} is not loaded; targets not checked",
            ("mapping_sets", set_index, "target"),
        )
        return
    for index, mapping in enumerate(mapping_set.mappings):
        if mapping.target not in targets:
            yield _error(
                "mapping.unknown_target",
                f"target {mapping.target!r} is not a ref_id of pack {mapping_set.target!r}",
                ("mapping_sets", set_index, "mappings", index, "target"),
                mapping.source,
            )


def check_translations(pack: Pack, languages: Sequence[str]) -> Iterator[Finding]:
    """Missing titles in the required languages: warnings, the UI falls back to English."""
    yield from _missing_titles(pack.pack.translations, languages, ("pack", "translations"), None)
    for index, level in enumerate(pack.implementation_levels):
        loc: Loc = ("implementation_levels", index, "translations")
        yield from _missing_titles(level.translations, languages, loc, None)
    for index, requirement in enumerate(pack.requirements):
        loc = ("requirements", index, "translations")
        yield from _missing_titles(requirement.translations, languages, loc, requirement.ref_id)


def _missing_titles(
    translations: Translations, languages: Sequence[str], loc: Loc, ref_id: str | None
) -> Iterator[Finding]:
    for lang in languages:
        entry = translations.get(lang)
        if entry is None or not entry.title:
            yield _warning(
                "translation.missing",
                f"no {lang} translation of the title",
                (*loc, lang),
                ref_id,
            )
