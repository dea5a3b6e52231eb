"""Import OSCAL catalogs and profiles (OSCAL 1.0-1.2 JSON) as packs.

OSCAL stays at the edge: a catalog becomes a pack whose groups are grouping requirements and
whose controls (and nested enhancements) are assessable requirements. ref_ids are the
human labels (`AC-2(1)`), the OSCAL id is kept in `source_id` so profiles and mappings that
select by id still resolve. Statement prose is flattened with its item labels, and parameter
insertions are rendered the way NIST renders them ("[Assignment: ...]", "[Selection: ...]").
Export lives in `oscal_export.py`.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson
from pydantic import ValidationError

from aman.frameworks.loader import DEFAULT_MAX_BYTES, read_limited
from aman.frameworks.schemas import (
    REF_ID_PATTERN,
    Domain,
    Importance,
    LicenceClass,
    Pack,
    PackMeta,
    Reference,
    Requirement,
    ScoringScheme,
    YesPartialNoScheme,
)
from aman.frameworks.validation import Severity, validate_pack

AMAN_NS: Final = "urn:aman:ns:oscal"
SUPPORTED_OSCAL: Final = re.compile(r"^1\.[0-2](\.\d+)?(-.+)?$")
_INSERT: Final = re.compile(r"\{\{\s*insert:\s*([A-Za-z-]+)\s*,\s*([^\s}]+)\s*\}\}")
_ENHANCEMENT_ID: Final = re.compile(r"^([a-z]+-\d+)((?:\.\d+)+)$")
_REF_ID: Final = re.compile(REF_ID_PATTERN)
_MAX_INSERT_DEPTH: Final = 5

JsonObject = Mapping[str, Any]


class OscalImportError(ValueError):
    """The document is not an OSCAL catalog/profile Aman can import."""


@dataclass(frozen=True, slots=True)
class OscalImport:
    pack: Pack
    warnings: list[str] = field(default_factory=list)
    skipped_withdrawn: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PackInfo:
    """Pack metadata that OSCAL does not carry (or carries differently)."""

    pack_id: str
    publisher: str
    licence: str
    licence_class: LicenceClass = LicenceClass.FULL_TEXT
    domains: tuple[Domain, ...] = (Domain.GENERAL,)
    version: str | None = None
    source_url: str | None = None
    scoring: ScoringScheme | None = None


def read_oscal_json(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    return orjson.loads(read_limited(Path(path), max_bytes))


def props(obj: JsonObject) -> list[JsonObject]:
    value = obj.get("props")
    return [prop for prop in value if isinstance(prop, Mapping)] if isinstance(value, list) else []


def prop_values(obj: JsonObject, name: str, ns: str | None = None) -> list[str]:
    return [
        str(prop.get("value"))
        for prop in props(obj)
        if prop.get("name") == name and prop.get("ns") == ns
    ]


def label_of(obj: JsonObject) -> str | None:
    """The label prop without a class (e.g. AC-2), else the first label prop."""
    labels = [prop for prop in props(obj) if prop.get("name") == "label" and "ns" not in prop]
    plain = [prop for prop in labels if "class" not in prop]
    chosen = plain or labels
    return str(chosen[0]["value"]) if chosen else None


def ref_id_from_oscal_id(oscal_id: str) -> str:
    """'ac-2' -> 'AC-2', 'ac-2.1' -> 'AC-2(1)' (NIST's enhancement notation), else upper-cased."""
    match = _ENHANCEMENT_ID.match(oscal_id)
    if match:
        parts = match.group(2).strip(".").split(".")
        return match.group(1).upper() + "".join(f"({part})" for part in parts)
    return oscal_id.upper()


def _sanitise_ref(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._()-]+", "-", text.strip()).strip("-")
    return cleaned[:100] or "X"


def is_withdrawn(control: JsonObject) -> bool:
    return any(value.lower() == "withdrawn" for value in prop_values(control, "status"))


class _ParamRenderer:
    """Renders `{{ insert: param, id }}` from the catalog's parameters."""

    def __init__(self, params: Mapping[str, JsonObject]) -> None:
        self.params = params

    def render(self, text: str, depth: int = 0) -> str:
        return _INSERT.sub(lambda match: self._insert(match, depth), text)

    def _insert(self, match: re.Match[str], depth: int) -> str:
        kind, ident = match.group(1), match.group(2)
        if kind != "param":
            return f"[{ident}]"
        param = self.params.get(ident)
        if param is None or depth >= _MAX_INSERT_DEPTH:
            return f"[Assignment: {ident}]"
        values = param.get("values")
        if isinstance(values, list) and values:
            return ", ".join(self.render(str(value), depth + 1) for value in values)
        select = param.get("select")
        if isinstance(select, Mapping):
            choices = [self.render(str(choice), depth + 1) for choice in select.get("choice", [])]
            how = " (one or more)" if select.get("how-many") == "one-or-more" else ""
            return f"[Selection{how}: {'; '.join(choices)}]"
        label = param.get("label")
        return f"[Assignment: {self.render(str(label), depth + 1) if label else ident}]"


def _collect_params(node: JsonObject, into: dict[str, JsonObject]) -> None:
    for param in node.get("params", []) or []:
        if isinstance(param, Mapping) and "id" in param:
            into[str(param["id"])] = param
    for key in ("groups", "controls"):
        for child in node.get(key, []) or []:
            if isinstance(child, Mapping):
                _collect_params(child, into)


def _parts(obj: JsonObject, name: str) -> list[JsonObject]:
    return [
        part
        for part in obj.get("parts", []) or []
        if isinstance(part, Mapping) and part.get("name") == name
    ]


def flatten_statement(part: JsonObject, renderer: _ParamRenderer, depth: int = 0) -> list[str]:
    """A statement part and its items as lines: 'a. text', nested items indented."""
    lines: list[str] = []
    label = label_of(part)
    prose = renderer.render(str(part.get("prose", ""))).strip()
    text = " ".join(piece for piece in (label, prose) if piece)
    if text:
        lines.append("  " * depth + text)
    child_depth = depth + 1 if text else depth
    for child in part.get("parts", []) or []:
        if isinstance(child, Mapping):
            lines.extend(flatten_statement(child, renderer, child_depth))
    return lines


def flatten_prose(part: JsonObject, renderer: _ParamRenderer) -> list[str]:
    """All prose of a part and its sub-parts, as paragraphs."""
    paragraphs = []
    prose = renderer.render(str(part.get("prose", ""))).strip()
    if prose:
        paragraphs.append(prose)
    for child in part.get("parts", []) or []:
        if isinstance(child, Mapping):
            paragraphs.extend(flatten_prose(child, renderer))
    return paragraphs


def _joined(chunks: Sequence[str], separator: str) -> str | None:
    text = separator.join(chunk for chunk in chunks if chunk)
    return text or None


class _CatalogWalker:
    """Turns groups and controls into requirements, keeping ref_ids unique."""

    def __init__(self, renderer: _ParamRenderer) -> None:
        self.renderer = renderer
        self.requirements: list[Requirement] = []
        self.used: set[str] = set()
        self.warnings: list[str] = []
        self.withdrawn: list[str] = []

    def ref_for(self, obj: JsonObject) -> str:
        oscal_id = str(obj.get("id", ""))
        derived = ref_id_from_oscal_id(oscal_id) if oscal_id else ""
        for candidate in (label_of(obj), derived):
            if candidate and _REF_ID.match(candidate) and candidate not in self.used:
                return self._use(candidate)
        base = _sanitise_ref(label_of(obj) or derived or "X")
        candidate, counter = base, 2
        while candidate in self.used:
            candidate, counter = f"{base}-{counter}", counter + 1
        self.warnings.append(f"{oscal_id or base}: ref_id {candidate!r} derived to stay unique")
        return self._use(candidate)

    def _use(self, ref: str) -> str:
        self.used.add(ref)
        return ref

    def walk_group(self, group: JsonObject, parent: str | None) -> None:
        ref = self.ref_for(group)
        description = _joined(
            [p for part in _parts(group, "overview") for p in flatten_prose(part, self.renderer)],
            "\n\n",
        )
        self.requirements.append(
            Requirement(
                ref_id=ref,
                parent=parent,
                title=_title(group, ref),
                description=description,
                assessable=False,
                source_id=_source_id(group),
            )
        )
        for child in group.get("groups", []) or []:
            self.walk_group(child, ref)
        for control in group.get("controls", []) or []:
            self.walk_control(control, ref)

    def walk_control(self, control: JsonObject, parent: str | None) -> None:
        if is_withdrawn(control):
            self.withdrawn.append(str(control.get("id")))
            return
        ref = self.ref_for(control)
        self.requirements.append(self.control_requirement(control, ref, parent))
        for child in control.get("controls", []) or []:
            self.walk_control(child, ref)

    def control_requirement(self, control: JsonObject, ref: str, parent: str | None) -> Requirement:
        statement = [
            line
            for part in _parts(control, "statement")
            for line in flatten_statement(part, self.renderer)
        ]
        guidance = [
            p for part in _parts(control, "guidance") for p in flatten_prose(part, self.renderer)
        ]
        extra = _aman_fields(control)
        return Requirement(
            ref_id=ref,
            parent=parent,
            title=_title(control, ref),
            description=_joined(statement, "\n"),
            guidance=_joined(guidance, "\n\n"),
            source_id=_source_id(control),
            **extra,
        )


def _title(obj: JsonObject, fallback: str) -> str:
    title = str(obj.get("title") or "").strip()
    return title[:1000] if title else fallback


def _source_id(obj: JsonObject) -> str | None:
    value = obj.get("id")
    return str(value) if value else None


def _aman_fields(control: JsonObject) -> dict[str, Any]:
    """Fields Aman itself exported as namespaced props, so a round trip keeps them."""
    extra: dict[str, Any] = {}
    if "false" in prop_values(control, "assessable", AMAN_NS):
        extra["assessable"] = False
    for value in prop_values(control, "importance", AMAN_NS)[:1]:
        if value in Importance._value2member_map_:
            extra["importance"] = Importance(value)
    for value in prop_values(control, "weight", AMAN_NS)[:1]:
        try:
            weight = float(value)
        except ValueError:
            continue
        if weight > 0:
            extra["weight"] = weight
    domains = [
        Domain(value)
        for value in prop_values(control, "domain", AMAN_NS)
        if value in Domain._value2member_map_
    ]
    if domains:
        extra["domains"] = domains
    extra.update(_numbers(control))
    references = []
    for value in prop_values(control, "reference", AMAN_NS):
        framework, _, ident = value.partition(":")
        if framework and ident:
            references.append(Reference(framework=framework, id=ident))
    if references:
        extra["references"] = references
    checks = prop_values(control, "check", AMAN_NS)
    if checks:
        extra["checks"] = checks
    evidence = [
        p for part in _parts(control, "typical-evidence") for p in flatten_prose(part, _NO_PARAMS)
    ]
    if evidence:
        extra["typical_evidence"] = "\n\n".join(evidence)
    return extra


def _numbers(control: JsonObject) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for value in prop_values(control, "points", AMAN_NS)[:1]:
        try:
            found["points"] = float(value)
        except ValueError:
            continue
    for value in prop_values(control, "stage", AMAN_NS)[:1]:
        if value.isdigit():
            found["stage"] = int(value)
    return found


_NO_PARAMS: Final = _ParamRenderer({})


def _document(doc: Any, key: str) -> JsonObject:
    if isinstance(doc, Mapping) and isinstance(doc.get(key), Mapping):
        inner: JsonObject = doc[key]
        return inner
    if isinstance(doc, Mapping) and "metadata" in doc and "uuid" in doc:
        return doc
    raise OscalImportError(f"not an OSCAL {key}: no top-level '{key}' object")


def _check_version(metadata: JsonObject, warnings: list[str]) -> None:
    version = str(metadata.get("oscal-version", ""))
    if not version:
        warnings.append("metadata has no oscal-version")
    elif not SUPPORTED_OSCAL.match(version):
        raise OscalImportError(f"OSCAL version {version} is not supported (1.0 to 1.2)")


def _publication_date(metadata: JsonObject) -> dt.date | None:
    for key in ("published", "last-modified"):
        value = metadata.get(key)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                continue
    return None


def _meta(metadata: JsonObject, info: PackInfo, title: str | None = None) -> PackMeta:
    version = info.version or re.sub(r"\s+", "-", str(metadata.get("version") or "1")).strip()
    return PackMeta(
        id=info.pack_id,
        version=version,
        title=title or str(metadata.get("title") or info.pack_id).strip(),
        description=_joined([str(metadata.get("remarks") or "").strip()], ""),
        publisher=info.publisher,
        licence_class=info.licence_class,
        licence=info.licence,
        source_url=info.source_url,
        publication_date=_publication_date(metadata),
        domains=list(info.domains),
    )


def _finish(
    meta: PackMeta,
    requirements: list[Requirement],
    info: PackInfo,
    warnings: list[str],
    withdrawn: list[str],
) -> OscalImport:
    try:
        pack = Pack(
            schema_version=1,
            pack=meta,
            scoring=info.scoring or YesPartialNoScheme(kind="yes_partial_no"),
            requirements=requirements,
        )
    except ValidationError as exc:
        raise OscalImportError(f"imported content is not a valid pack: {exc}") from exc
    errors = [
        finding
        for finding in validate_pack(pack, required_languages=())
        if finding.severity is Severity.ERROR
    ]
    if errors:
        details = "; ".join(f"{error.ref_id}: {error.message}" for error in errors[:10])
        raise OscalImportError(f"imported pack fails validation: {details}")
    return OscalImport(pack, warnings, withdrawn)


def catalog_to_pack(doc: Any, info: PackInfo) -> OscalImport:
    """Convert a parsed OSCAL catalog (`{"catalog": {...}}`) to a pack."""
    catalog = _document(doc, "catalog")
    metadata = catalog.get("metadata") or {}
    walker_warnings: list[str] = []
    _check_version(metadata, walker_warnings)
    params: dict[str, JsonObject] = {}
    _collect_params(catalog, params)
    walker = _CatalogWalker(_ParamRenderer(params))
    try:
        for group in catalog.get("groups", []) or []:
            walker.walk_group(group, None)
        for control in catalog.get("controls", []) or []:
            walker.walk_control(control, None)
    except (ValidationError, AttributeError, TypeError, KeyError) as exc:
        where = walker.requirements[-1].ref_id if walker.requirements else "the start"
        raise OscalImportError(f"malformed catalog after {where}: {exc}") from exc
    if not walker.requirements:
        raise OscalImportError("the catalog has no groups or controls")
    warnings = walker_warnings + walker.warnings
    return _finish(_meta(metadata, info), walker.requirements, info, warnings, walker.withdrawn)


def load_oscal_catalog(path: Path | str, info: PackInfo) -> OscalImport:
    return catalog_to_pack(read_oscal_json(path), info)


@dataclass(frozen=True, slots=True)
class _Selection:
    ids: set[str]
    patterns: list[str]
    with_children: set[str]


def _selection(calls: Iterable[Any]) -> _Selection:
    selection = _Selection(set(), [], set())
    for call in calls:
        if not isinstance(call, Mapping):
            continue
        ids = [str(value) for value in call.get("with-ids", []) or []]
        selection.ids.update(ids)
        patterns = [
            str(m["pattern"])
            for m in call.get("matching", []) or []
            if isinstance(m, Mapping) and "pattern" in m
        ]
        selection.patterns.extend(patterns)
        if call.get("with-child-controls") == "yes":
            selection.with_children.update(ids)
            selection.with_children.update(f"pattern:{pattern}" for pattern in patterns)
    return selection


def _selected(
    selection: _Selection, by_source: Mapping[str, Requirement], children: Mapping[str, list[str]]
) -> set[str]:
    """Source ids chosen by a selection (with-ids, matching patterns, child controls)."""
    chosen = {source for source in selection.ids if source in by_source}
    for pattern in selection.patterns:
        matched = {source for source in by_source if fnmatch.fnmatchcase(source, pattern)}
        chosen |= matched
        if f"pattern:{pattern}" in selection.with_children:
            selection.with_children.update(matched)
    for source in list(chosen):
        if source in selection.with_children:
            chosen |= set(_descendants(source, children))
    return chosen


def _descendants(source: str, children: Mapping[str, list[str]]) -> Iterator[str]:
    for child in children.get(source, []):
        yield child
        yield from _descendants(child, children)


def profile_to_pack(doc: Any, catalog: Pack, info: PackInfo) -> OscalImport:
    """Apply an OSCAL profile's control selection to an already imported catalog pack.

    Every import of the profile is applied to `catalog` (hrefs are not fetched). Selected
    controls keep their ancestors so the tree stays whole; an ancestor control that is not
    selected itself is kept as a non-assessable grouping node. `modify` is not applied.
    """
    profile = _document(doc, "profile")
    metadata = profile.get("metadata") or {}
    warnings: list[str] = []
    _check_version(metadata, warnings)
    by_source = {r.source_id: r for r in catalog.requirements if r.source_id}
    by_ref = {r.ref_id: r for r in catalog.requirements}
    children: dict[str, list[str]] = {}
    for requirement in catalog.requirements:
        parent = by_ref.get(requirement.parent) if requirement.parent else None
        if parent is not None and parent.source_id and requirement.source_id:
            children.setdefault(parent.source_id, []).append(requirement.source_id)
    chosen: set[str] = set()
    for imported in profile.get("imports", []) or []:
        if not isinstance(imported, Mapping):
            continue
        include = _selection(imported.get("include-controls", []) or [])
        if imported.get("include-all") is not None:
            include.ids.update(s for s in by_source if by_source[s].assessable)
        missing = sorted(include.ids - by_source.keys())
        if missing:
            warnings.append(f"selected ids not in the catalog: {', '.join(missing)}")
        exclude = _selection(imported.get("exclude-controls", []) or [])
        chosen |= _selected(include, by_source, children) - _selected(exclude, by_source, children)
    if profile.get("modify"):
        warnings.append("profile 'modify' (set-params, alters) is not applied")
    chosen_refs = {by_source[source].ref_id for source in chosen}
    requirements = _with_ancestors(catalog.requirements, chosen_refs, by_ref)
    if not any(r.assessable for r in requirements):
        raise OscalImportError("the profile selects no control of the catalog")
    meta = _meta(metadata, info)
    return _finish(meta, requirements, info, warnings, [])


def _with_ancestors(
    requirements: Sequence[Requirement], chosen: set[str], by_ref: Mapping[str, Requirement]
) -> list[Requirement]:
    keep = set(chosen)
    for ref in chosen:
        parent = by_ref[ref].parent
        while parent is not None and parent not in keep:
            keep.add(parent)
            parent = by_ref[parent].parent
    out = []
    for requirement in requirements:
        if requirement.ref_id not in keep:
            continue
        if requirement.assessable and requirement.ref_id not in chosen:
            requirement = requirement.model_copy(update={"assessable": False})
        out.append(requirement)
    return out


def load_oscal_profile(path: Path | str, catalog: Pack, info: PackInfo) -> OscalImport:
    return profile_to_pack(read_oscal_json(path), catalog, info)
