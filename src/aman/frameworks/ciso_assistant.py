"""Import CISO Assistant library YAML (frameworks and requirement mapping sets) as packs.

A library holds a header (urn, ref_id, name, version, provider, copyright, ...) and `objects`:
a `framework` with flat `requirement_nodes` linked by `parent_urn`, and/or
`requirement_mapping_sets` relating requirement URNs of two frameworks. CA relationships read
"source <relationship> target" like NIST IR 8477 (its mapping engine copies results across
`equal`/`superset` and only partially across `subset`/`intersect`), so they translate directly:
subset -> subset_of, superset -> superset_of, intersect -> intersects_with.

URNs are matched lower-cased. Mapping libraries refer to frameworks from other libraries, so
imports return a `CAIndex` (framework and node URNs -> pack ids and ref_ids) to pass to the next.
The import is all-or-nothing: any error means no packs and no mapping sets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from aman.frameworks.loader import DEFAULT_MAX_BYTES, read_limited
from aman.frameworks.schemas import (
    REF_ID_PATTERN,
    Domain,
    ImplementationLevel,
    Importance,
    LicenceClass,
    MappingSet,
    MaturityScheme,
    Pack,
    PackMeta,
    Relationship,
    Requirement,
    ScaleLevel,
    ScoringScheme,
    Translation,
    YesPartialNoScheme,
)
from aman.frameworks.schemas import (
    Mapping as PackMapping,
)
from aman.frameworks.validation import Severity, validate_pack
from aman.frameworks.yaml_safe import YamlError, YamlLimits, parse_yaml

CA_RELATIONSHIPS: Final = {
    "equal": Relationship.EQUAL,
    "subset": Relationship.SUBSET_OF,
    "superset": Relationship.SUPERSET_OF,
    "intersect": Relationship.INTERSECTS_WITH,
    "not_related": Relationship.NOT_RELATED,
}
CA_IMPORTANCE: Final = {
    "mandatory": Importance.HIGH,
    "recommended": Importance.MEDIUM,
    "nice_to_have": Importance.LOW,
}
_REF_ID: Final = re.compile(REF_ID_PATTERN)
Obj = Mapping[str, Any]


class CAImportError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:10]))
        self.errors = errors


@dataclass
class CAIndex:
    """URN lookups shared between successive library imports."""

    frameworks: dict[str, tuple[str, str]] = field(default_factory=dict)
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportedMappingSet:
    source_pack: str
    source_version: str | None
    mapping_set: MappingSet


@dataclass(frozen=True, slots=True)
class CAImport:
    packs: list[Pack]
    mapping_sets: list[ImportedMappingSet]
    index: CAIndex
    warnings: list[str]


def urn_tail(urn: str) -> str:
    return urn.rsplit(":", 1)[-1]


def slug(text: str) -> str:
    """A pack/mapping-set id: lower-case [a-z0-9.-]."""
    cleaned = re.sub(r"[^a-z0-9.-]+", "-", text.lower()).strip("-.")
    return cleaned[:100] or "imported"


def _ref(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._()-]+", "-", text.strip()).strip("-")[:100]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _short_title(description: str) -> str:
    first = description.strip().splitlines()[0]
    if len(first) <= 200:
        return first
    cut = first[:200].rsplit(" ", 1)[0]
    return f"{cut}…"


def _translations(raw: Any, guidance_key: str | None = None) -> dict[str, Translation]:
    out: dict[str, Translation] = {}
    if not isinstance(raw, Mapping):
        return out
    for lang, values in raw.items():
        if not isinstance(values, Mapping) or not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$", lang):
            continue
        entry = Translation(
            title=_text(values.get("name")),
            description=_text(values.get("description")),
            guidance=_text(values.get(guidance_key)) if guidance_key else None,
        )
        if entry.title or entry.description or entry.guidance:
            out[str(lang)] = entry
    return out


class _FrameworkReader:
    """Converts one CA framework object into requirements, collecting problems."""

    def __init__(self, pack_id: str, levels: Mapping[str, str]) -> None:
        self.pack_id = pack_id
        self.levels = levels
        self.urn_to_ref: dict[str, str] = {}
        self.used: set[str] = set()
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def ref_for(self, node: Obj, urn: str) -> str:
        candidates = [_ref(str(node["ref_id"]))] if node.get("ref_id") is not None else []
        candidates.append(_ref(urn_tail(urn)))
        for candidate in candidates:
            if candidate and _REF_ID.match(candidate) and candidate not in self.used:
                if node.get("ref_id") is not None and candidate != str(node["ref_id"]):
                    self.warnings.append(f"{urn}: ref_id {node['ref_id']!r} stored as {candidate}")
                self.used.add(candidate)
                return candidate
        base, counter = candidates[-1] or "node", 2
        while f"{base}-{counter}" in self.used:
            counter += 1
        self.warnings.append(f"{urn}: ref_id made unique as {base}-{counter}")
        self.used.add(f"{base}-{counter}")
        return f"{base}-{counter}"

    def requirement(self, node: Obj) -> Requirement | None:
        urn = str(node.get("urn") or "").lower()
        if not urn:
            self.errors.append("a requirement node has no urn")
            return None
        ref = self.ref_for(node, urn)
        self.urn_to_ref[urn] = ref
        parent_urn = str(node.get("parent_urn") or "").lower()
        parent = self.urn_to_ref.get(parent_urn) if parent_urn else None
        if parent_urn and parent is None:
            self.errors.append(f"{urn}: parent {parent_urn} is not an earlier node")
            return None
        description = _text(node.get("description"))
        name = _text(node.get("name"))
        title = name or (
            _short_title(description) if description else str(node.get("ref_id") or ref)
        )
        try:
            return Requirement(
                ref_id=ref,
                parent=parent,
                title=title[:1000],
                description=description,
                guidance=_text(node.get("annotation")),
                typical_evidence=_text(node.get("typical_evidence")),
                assessable=bool(node.get("assessable", False)),
                weight=self.weight(node, urn),
                importance=CA_IMPORTANCE.get(str(node.get("importance")), Importance.MEDIUM),
                levels=self.node_levels(node, urn),
                source_id=urn,
                translations=_translations(node.get("translations"), "annotation"),
            )
        except ValidationError as exc:
            self.errors.append(f"{urn}: {exc.errors()[0]['msg']}")
            return None

    def weight(self, node: Obj, urn: str) -> float:
        raw = node.get("weight", 1)
        if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
            return float(raw)
        self.warnings.append(f"{urn}: weight {raw!r} ignored")
        return 1.0

    def node_levels(self, node: Obj, urn: str) -> list[str]:
        out = []
        for group in node.get("implementation_groups") or []:
            level = self.levels.get(str(group))
            if level is None:
                self.errors.append(f"{urn}: implementation group {group!r} is not defined")
            elif level not in out:
                out.append(level)
        return out


def _scoring(framework: Obj) -> ScoringScheme:
    scores = framework.get("scores_definition")
    if not isinstance(scores, list) or not scores:
        return YesPartialNoScheme(kind="yes_partial_no")
    levels = [
        ScaleLevel(
            value=int(score["score"]),
            title=str(score.get("name") or score["score"]),
            description=_text(score.get("description")),
            translations=_translations(score.get("translations")),
        )
        for score in scores
    ]
    values = [level.value for level in levels]
    low = int(framework.get("min_score", min(values)))
    high = int(framework.get("max_score", max(values)))
    return MaturityScheme(kind="maturity", min=low, max=high, levels=levels)


def _implementation_levels(framework: Obj) -> tuple[list[ImplementationLevel], dict[str, str]]:
    levels: list[ImplementationLevel] = []
    by_ref: dict[str, str] = {}
    for group in framework.get("implementation_groups_definition") or []:
        if not isinstance(group, Mapping) or group.get("ref_id") is None:
            continue
        level_id = re.sub(r"[^a-z0-9_.-]+", "-", str(group["ref_id"]).lower()).strip("-")
        by_ref[str(group["ref_id"])] = level_id
        levels.append(
            ImplementationLevel(
                id=level_id or "level",
                title=_text(group.get("name")) or str(group["ref_id"]),
                description=_text(group.get("description")),
                translations=_translations(group.get("translations")),
            )
        )
    return levels, by_ref


def _publication_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class CAOptions:
    licence_class: LicenceClass = LicenceClass.FULL_TEXT
    domains: tuple[Domain, ...] = (Domain.GENERAL,)
    pack_id: str | None = None


def _framework_pack(
    library: Obj, framework: Obj, options: CAOptions
) -> tuple[Pack, _FrameworkReader]:
    urn = str(framework.get("urn") or library.get("urn") or "").lower()
    pack_id = options.pack_id or slug(str(framework.get("ref_id") or urn_tail(urn)))
    levels, level_map = _implementation_levels(framework)
    reader = _FrameworkReader(pack_id, level_map)
    nodes = framework.get("requirement_nodes") or []
    requirements = [
        req
        for node in nodes
        if isinstance(node, Mapping)
        for req in [reader.requirement(node)]
        if req
    ]
    if not requirements:
        reader.errors.append(f"framework {urn} has no requirement nodes")
        raise CAImportError(reader.errors)
    meta = PackMeta(
        id=pack_id,
        version=str(library.get("version") or 1),
        title=_text(framework.get("name")) or _text(library.get("name")) or pack_id,
        description=_text(framework.get("description")) or _text(library.get("description")),
        publisher=_text(library.get("provider")) or _text(library.get("packager")) or "unknown",
        licence_class=options.licence_class,
        licence=_text(library.get("copyright")) or "unspecified",
        publication_date=_publication_date(library.get("publication_date")),
        domains=list(options.domains),
        translations=_translations(library.get("translations")),
    )
    pack = Pack(
        schema_version=1,
        pack=meta,
        scoring=_scoring(framework),
        implementation_levels=levels,
        requirements=requirements,
    )
    return pack, reader


def _mapping_set(raw: Obj, index: CAIndex, errors: list[str]) -> ImportedMappingSet | None:
    source_urn = str(raw.get("source_framework_urn") or "").lower()
    target_urn = str(raw.get("target_framework_urn") or "").lower()
    source = index.frameworks.get(source_urn)
    target = index.frameworks.get(target_urn)
    for urn, known in ((source_urn, source), (target_urn, target)):
        if known is None:
            errors.append(f"mapping set {raw.get('urn')}: framework {urn or '(none)'} not imported")
    if source is None or target is None:
        return None
    mappings = []
    for entry in raw.get("requirement_mappings") or []:
        mapping = _mapping(entry, index, source[0], target[0], errors)
        if mapping is not None:
            mappings.append(mapping)
    set_id = slug(str(raw.get("ref_id") or urn_tail(str(raw.get("urn") or "mapping"))))
    mapping_set = MappingSet(
        id=set_id,
        target=target[0],
        target_version=target[1],
        description=_text(raw.get("name")),
        mappings=mappings,
    )
    return ImportedMappingSet(source[0], source[1], mapping_set)


def _mapping(
    entry: Any, index: CAIndex, source_pack: str, target_pack: str, errors: list[str]
) -> PackMapping | None:
    if not isinstance(entry, Mapping):
        errors.append("a requirement mapping is not a mapping")
        return None
    source_urn = str(entry.get("source_requirement_urn") or "").lower()
    target_urn = str(entry.get("target_requirement_urn") or "").lower()
    source, target = index.nodes.get(source_urn), index.nodes.get(target_urn)
    relationship = CA_RELATIONSHIPS.get(str(entry.get("relationship")))
    problems = []
    if source is None or source[0] != source_pack:
        problems.append(f"source {source_urn} is not a node of {source_pack}")
    if target is None or target[0] != target_pack:
        problems.append(f"target {target_urn} is not a node of {target_pack}")
    if relationship is None:
        problems.append(f"unknown relationship {entry.get('relationship')!r}")
    if problems or source is None or target is None or relationship is None:
        errors.extend(f"mapping {source_urn} -> {target_urn}: {p}" for p in problems)
        return None
    strength = entry.get("strength_of_relationship", entry.get("strength"))
    if not (isinstance(strength, int) and not isinstance(strength, bool) and 0 <= strength <= 10):
        strength = None
    rationale = ": ".join(
        text for text in (_text(entry.get("rationale")), _text(entry.get("annotation"))) if text
    )
    return PackMapping(
        source=source[1],
        target=target[1],
        relationship=relationship,
        strength=strength,
        rationale=rationale or None,
    )


def _framework_objects(objects: Obj) -> list[Obj]:
    framework = objects.get("framework")
    found = [framework] if isinstance(framework, Mapping) else []
    found += [f for f in objects.get("frameworks") or [] if isinstance(f, Mapping)]
    return found


def _mapping_objects(objects: Obj) -> list[Obj]:
    single = objects.get("requirement_mapping_set")
    found = [single] if isinstance(single, Mapping) else []
    found += [m for m in objects.get("requirement_mapping_sets") or [] if isinstance(m, Mapping)]
    return found


def import_library(
    library: Any, options: CAOptions | None = None, index: CAIndex | None = None
) -> CAImport:
    """Convert a parsed CA library; raise CAImportError listing every problem."""
    options = options or CAOptions()
    index = CAIndex(dict((index or CAIndex()).frameworks), dict((index or CAIndex()).nodes))
    if not isinstance(library, Mapping) or not isinstance(library.get("objects"), Mapping):
        raise CAImportError(["not a CISO Assistant library: no 'objects' mapping"])
    objects: Obj = library["objects"]
    errors: list[str] = []
    warnings: list[str] = []
    if str(library.get("locale", "en")) != "en":
        warnings.append(f"library locale is {library.get('locale')}: base text is not English")
    packs = []
    for framework in _framework_objects(objects):
        try:
            pack, reader = _framework_pack(library, framework, options)
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, CAImportError):
                raise
            raise CAImportError([f"framework {framework.get('urn')}: {exc}"]) from exc
        errors += reader.errors
        warnings += reader.warnings
        errors += [
            f"{f.ref_id or ''} {f.message}".strip()
            for f in validate_pack(pack, required_languages=())
            if f.severity is Severity.ERROR
        ]
        framework_urn = str(framework.get("urn") or library.get("urn") or "").lower()
        index.frameworks[framework_urn] = (pack.pack.id, pack.pack.version)
        for urn, ref in reader.urn_to_ref.items():
            index.nodes[urn] = (pack.pack.id, ref)
        packs.append(pack)
    mapping_sets = [
        imported
        for raw in _mapping_objects(objects)
        for imported in [_mapping_set(raw, index, errors)]
        if imported is not None
    ]
    if not packs and not mapping_sets and not errors:
        errors.append("the library has neither a framework nor requirement mapping sets")
    if errors:
        raise CAImportError(errors)
    return CAImport(packs, mapping_sets, index, warnings)


def load_library(
    path: Path | str,
    options: CAOptions | None = None,
    index: CAIndex | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: YamlLimits | None = None,
) -> CAImport:
    """Read a library file safely (size and alias limits) and import it."""
    try:
        text = read_limited(Path(path), max_bytes).decode("utf-8-sig")
        parsed = parse_yaml(text, limits)
    except YamlError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise CAImportError([f"{where}: {exc.message}"]) from exc
    except UnicodeDecodeError as exc:
        raise CAImportError([f"{path}: not UTF-8"]) from exc
    return import_library(parsed.data, options, index)


def attach_mapping_sets(pack: Pack, imported: list[ImportedMappingSet]) -> Pack:
    """The pack with the imported mapping sets whose source it is added (replacing same ids)."""
    mine = [item.mapping_set for item in imported if item.source_pack == pack.pack.id]
    ids = {mapping_set.id for mapping_set in mine}
    kept = [mapping_set for mapping_set in pack.mapping_sets if mapping_set.id not in ids]
    return Pack.model_validate({**pack.model_dump(), "mapping_sets": [*kept, *mine]})
