"""Export packs as OSCAL: a catalog (OSCAL 1.1.2) and mapping sets as a mapping-collection (1.2).

Grouping requirements become groups while they sit under groups; everything else becomes a
control (OSCAL controls cannot contain groups), with `assessable=false` recorded as an Aman
namespaced prop. The ref_id is the control's `label` prop, so `oscal.catalog_to_pack` reads
the export back to the same tree. UUIDs are derived (uuid5) from the pack content, so the same
pack always exports to the same document.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final

from aman.frameworks.compiler import compile_pack
from aman.frameworks.oscal import AMAN_NS
from aman.frameworks.schemas import MappingSet, Pack, Relationship, Requirement

CATALOG_OSCAL_VERSION: Final = "1.1.2"
MAPPING_OSCAL_VERSION: Final = "1.2.1"
_UUID_NS: Final = uuid.UUID("5b0c1a4e-8f8e-4d53-9a51-3d2f64a0c7b1")
_TOKEN_START: Final = re.compile(r"^[_A-Za-z]")
_TOKEN_BODY: Final = re.compile(r"[^_A-Za-z0-9.-]+")
_TOKEN: Final = re.compile(r"^[_A-Za-z][_A-Za-z0-9.-]*$")

OSCAL_RELATIONSHIP: Final = {
    Relationship.EQUAL: "equal-to",
    Relationship.SUBSET_OF: "subset-of",
    Relationship.SUPERSET_OF: "superset-of",
    Relationship.INTERSECTS_WITH: "intersects-with",
    Relationship.NOT_RELATED: "no-relationship",
}

JsonDict = dict[str, Any]


def derived_uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUID_NS, "\x1f".join(parts)))


def token_from_ref(ref_id: str) -> str:
    """An OSCAL token for a ref_id: 'AC-2(1)' -> 'ac-2.1', '1.1.1' -> 'r-1.1.1'."""
    text = ref_id.lower().replace("(", ".").replace(")", "")
    text = _TOKEN_BODY.sub("-", text).strip("-.") or "r"
    return text if _TOKEN_START.match(text) else f"r-{text}"


def control_ids(pack: Pack) -> dict[str, str]:
    """ref_id -> unique OSCAL id (the imported OSCAL id when there is one)."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for requirement in pack.requirements:
        source = requirement.source_id
        candidate = (
            source if source and _TOKEN.match(source) else token_from_ref(requirement.ref_id)
        )
        unique, counter = candidate, 2
        while unique in used:
            unique, counter = f"{candidate}-{counter}", counter + 1
        used.add(unique)
        ids[requirement.ref_id] = unique
    return ids


def _timestamp(moment: dt.datetime | None) -> str:
    moment = moment or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def _prop(name: str, value: str, ns: str | None = AMAN_NS) -> JsonDict:
    prop: JsonDict = {"name": name, "value": value}
    if ns is not None:
        prop["ns"] = ns
    return prop


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _metadata(pack: Pack, last_modified: dt.datetime | None, oscal_version: str) -> JsonDict:
    meta = pack.pack
    party = derived_uuid("party", meta.publisher)
    metadata: JsonDict = {
        "title": _one_line(meta.title),
        "last-modified": _timestamp(last_modified),
        "version": meta.version,
        "oscal-version": oscal_version,
        "props": [
            _prop("pack-id", meta.id),
            _prop("licence-class", meta.licence_class.value),
            _prop("licence", _one_line(meta.licence)),
        ],
        "roles": [{"id": "creator", "title": "Document Creator"}],
        "parties": [{"uuid": party, "type": "organization", "name": meta.publisher}],
        "responsible-parties": [{"role-id": "creator", "party-uuids": [party]}],
    }
    if meta.publication_date is not None:
        published = dt.datetime.combine(meta.publication_date, dt.time(), dt.UTC)
        metadata["published"] = published.isoformat()
    if meta.source_url:
        metadata["links"] = [{"href": meta.source_url, "rel": "alternate"}]
    if meta.description:
        metadata["remarks"] = meta.description
    return metadata


class _CatalogBuilder:
    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.ids = control_ids(pack)
        self.children: dict[str | None, list[Requirement]] = {}
        for requirement in pack.requirements:
            self.children.setdefault(requirement.parent, []).append(requirement)

    def group(self, requirement: Requirement) -> JsonDict:
        oscal_id = self.ids[requirement.ref_id]
        group: JsonDict = {
            "id": oscal_id,
            "title": _one_line(requirement.title),
            "props": [_prop("label", requirement.ref_id, None)],
        }
        if requirement.description:
            group["parts"] = [
                {"id": f"{oscal_id}_ovw", "name": "overview", "prose": requirement.description}
            ]
        groups, controls = self.split(self.children.get(requirement.ref_id, []))
        if groups:
            group["groups"] = [self.group(child) for child in groups]
        if controls:
            group["controls"] = [self.control(child) for child in controls]
        return group

    def split(self, nodes: list[Requirement]) -> tuple[list[Requirement], list[Requirement]]:
        groups = [node for node in nodes if not node.assessable]
        return groups, [node for node in nodes if node.assessable]

    def control(self, requirement: Requirement) -> JsonDict:
        oscal_id = self.ids[requirement.ref_id]
        control: JsonDict = {
            "id": oscal_id,
            "title": _one_line(requirement.title),
            "props": [_prop("label", requirement.ref_id, None), *self.aman_props(requirement)],
        }
        parts = []
        for name, suffix, text, ns in (
            ("statement", "smt", requirement.description, None),
            ("guidance", "gdn", requirement.guidance, None),
            ("typical-evidence", "evd", requirement.typical_evidence, AMAN_NS),
        ):
            if text:
                part: JsonDict = {"id": f"{oscal_id}_{suffix}", "name": name, "prose": text}
                if ns:
                    part["ns"] = ns
                parts.append(part)
        if parts:
            control["parts"] = parts
        children = self.children.get(requirement.ref_id, [])
        if children:
            control["controls"] = [self.control(child) for child in children]
        return control

    def aman_props(self, requirement: Requirement) -> list[JsonDict]:
        found = [
            _prop("importance", requirement.importance.value),
            _prop("weight", f"{requirement.weight:g}"),
        ]
        if not requirement.assessable:
            found.append(_prop("assessable", "false"))
        found += [_prop("implementation-level", level) for level in requirement.levels]
        found += [_prop("domain", domain.value) for domain in requirement.domains or []]
        if requirement.points is not None:
            found.append(_prop("points", f"{requirement.points:g}"))
        if requirement.stage is not None:
            found.append(_prop("stage", str(requirement.stage)))
        found += [
            _prop("reference", f"{reference.framework}:{_one_line(reference.id)}")
            for reference in requirement.references
        ]
        found += [_prop("check", check) for check in requirement.checks]
        return found


def pack_to_catalog(pack: Pack, *, last_modified: dt.datetime | None = None) -> JsonDict:
    """The pack as an OSCAL catalog document (`{"catalog": {...}}`)."""
    builder = _CatalogBuilder(pack)
    groups, controls = builder.split(builder.children.get(None, []))
    catalog: JsonDict = {
        "uuid": derived_uuid("catalog", pack.pack.id, pack.pack.version, compile_pack(pack).sha256),
        "metadata": _metadata(pack, last_modified, CATALOG_OSCAL_VERSION),
    }
    if groups:
        catalog["groups"] = [builder.group(group) for group in groups]
    if controls:
        catalog["controls"] = [builder.control(control) for control in controls]
    return {"catalog": catalog}


def pack_href(pack_id: str, version: str | None) -> str:
    return f"urn:aman:pack:{pack_id}" + (f":{version}" if version else "")


def _map(
    mapping_set: MappingSet,
    source_ids: Mapping[str, str],
    target_ids: Mapping[str, str],
    index: int,
) -> list[JsonDict]:
    maps = []
    for mapping in mapping_set.mappings:
        entry: JsonDict = {
            "uuid": derived_uuid("map", mapping_set.id, mapping.source, mapping.target, str(index)),
            "relationship": OSCAL_RELATIONSHIP[mapping.relationship],
            "sources": [
                {"type": "control", "id-ref": source_ids.get(mapping.source, mapping.source)}
            ],
            "targets": [
                {"type": "control", "id-ref": target_ids.get(mapping.target, mapping.target)}
            ],
        }
        if mapping.strength is not None:
            entry["confidence-score"] = {"percentage": mapping.strength / 10}
        if mapping.rationale:
            entry["remarks"] = mapping.rationale
        maps.append(entry)
    return maps


def mapping_sets_to_oscal(
    pack: Pack,
    *,
    target_packs: Mapping[str, Pack] | None = None,
    last_modified: dt.datetime | None = None,
) -> JsonDict:
    """The pack's mapping sets as an OSCAL 1.2 mapping-collection document.

    Control ids are the ones `pack_to_catalog` gives; targets resolve through `target_packs`
    when the target pack is known, otherwise the target ref_id is used as is.
    """
    if not any(mapping_set.mappings for mapping_set in pack.mapping_sets):
        raise ValueError(f"pack {pack.pack.id} has no mappings to export")
    source_ids = control_ids(pack)
    mappings = []
    for index, mapping_set in enumerate(pack.mapping_sets):
        if not mapping_set.mappings:
            continue
        target = (target_packs or {}).get(mapping_set.target)
        target_ids = control_ids(target) if target is not None else {}
        mappings.append(
            {
                "uuid": derived_uuid("mapping", pack.pack.id, pack.pack.version, mapping_set.id),
                "source-resource": {
                    "type": "catalog",
                    "href": pack_href(pack.pack.id, pack.pack.version),
                },
                "target-resource": {
                    "type": "catalog",
                    "href": pack_href(mapping_set.target, mapping_set.target_version),
                },
                "maps": _map(mapping_set, source_ids, target_ids, index),
            }
        )
    metadata = _metadata(pack, last_modified, MAPPING_OSCAL_VERSION)
    metadata["title"] = _one_line(f"Mappings of {pack.pack.title}")
    content = compile_pack(pack).sha256
    return {
        "mapping-collection": {
            "uuid": derived_uuid("mapping-collection", pack.pack.id, pack.pack.version, content),
            "metadata": metadata,
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "complete",
                "mapping-description": (
                    f"Relationships (NIST IR 8477) from {pack.pack.id} {pack.pack.version} "
                    "to other frameworks, as published in its Aman pack."
                ),
            },
            "mappings": mappings,
        }
    }
