"""MISP event JSON ↔ STIX 2.1, pure.

Import: attributes flagged `to_ids` become indicators (with a STIX pattern), the others
observables (SCOs with deterministic ids); the event becomes a `report` over them; `tlp:*` tags
become TLP 2.0 markings (attribute tags win over the event's); ATT&CK galaxy tags become
attack-patterns linked to the indicators. Ids derive from MISP UUIDs, so re-importing the same
event updates rather than duplicates. Export is the reverse for the value-bearing objects.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from aman.intel import tlp
from aman.intel.patterns import equality_comparisons

SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")  # STIX 2.1 §2.9
AMAN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:aman:intel")
_TECHNIQUE = re.compile(r"\b(T\d{4}(?:\.\d{3})?)\b")
HASHES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}
CATEGORY = {
    "ipv4-addr": "Network activity",
    "ipv6-addr": "Network activity",
    "domain-name": "Network activity",
    "url": "Network activity",
    "email-addr": "Payload delivery",
    "file": "Payload delivery",
    "autonomous-system": "Network activity",
}


@dataclass
class Converted:
    objects: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "type: reason"


def _ts(raw: object, fallback: str) -> str:
    try:
        seconds = int(str(raw))
    except (TypeError, ValueError):
        return fallback
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _comparisons(kind: str, value: str) -> list[tuple[str, str, str]] | None:
    """(object type, path, value) comparisons for a MISP attribute, or None if unmapped."""
    if "|" in kind:
        left, right = kind.split("|", 1)
        lv, _, rv = value.partition("|")
        if left == "filename" and right in HASHES:
            return [("file", "name", lv), ("file", f"hashes.'{HASHES[right]}'", rv)]
        if left in ("ip-src", "ip-dst") and right == "port":
            return _comparisons(left, lv)
        return None
    if kind in ("ip-src", "ip-dst"):
        return [("ipv6-addr" if ":" in value else "ipv4-addr", "value", value)]
    if kind in ("domain", "hostname"):
        return [("domain-name", "value", value)]
    if kind == "url":
        return [("url", "value", value)]
    if kind in ("email-src", "email-dst", "email"):
        return [("email-addr", "value", value)]
    if kind in HASHES:
        return [("file", f"hashes.'{HASHES[kind]}'", value)]
    if kind == "filename":
        return [("file", "name", value)]
    if kind == "AS":
        return [("autonomous-system", "number", value.upper().removeprefix("AS"))]
    return None


def _level(tags: object) -> str | None:
    names = (
        [t.get("name", "") for t in tags if isinstance(t, dict)] if isinstance(tags, list) else []
    )
    return tlp.most_restrictive(
        lvl for lvl in (tlp.parse_level(n) for n in names if n.lower().startswith("tlp:")) if lvl
    )


def _techniques(tags: object) -> set[str]:
    out: set[str] = set()
    if isinstance(tags, list):
        for t in tags:
            name = t.get("name", "") if isinstance(t, dict) else ""
            if "mitre-attack" in name:
                out.update(_TECHNIQUE.findall(name))
    return out


def _sco(obj_type: str, path: str, value: str, marking: list[str]) -> dict[str, Any]:
    key: dict[str, Any] = {"value": value} if path == "value" else {"number": int(value)}
    if obj_type == "file":
        key = {"name": value} if path == "name" else {"hashes": {path[8:-1]: value}}
    sid = uuid.uuid5(SCO_NAMESPACE, orjson.dumps(key, option=orjson.OPT_SORT_KEYS).decode())
    sco: dict[str, Any] = {"type": obj_type, "spec_version": "2.1", "id": f"{obj_type}--{sid}"}
    sco.update(key)
    if marking:
        sco["object_marking_refs"] = marking
    return sco


def _attributes(event: dict[str, Any]) -> Iterable[dict[str, Any]]:
    yield from (a for a in event.get("Attribute") or [] if isinstance(a, dict))
    for obj in event.get("Object") or []:
        if isinstance(obj, dict):
            yield from (a for a in obj.get("Attribute") or [] if isinstance(a, dict))


def event_to_stix(event: dict[str, Any]) -> Converted:
    """One MISP event (the value of its "Event" key) as STIX 2.1 objects."""
    out = Converted()
    event_uuid = str(event.get("uuid") or uuid.uuid5(AMAN_NAMESPACE, str(event.get("info"))))
    created = _ts(event.get("timestamp"), f"{event.get('date', '1970-01-01')}T00:00:00.000Z")
    event_level = _level(event.get("Tag"))
    techniques = _techniques(event.get("Tag")) | _techniques(event.get("Galaxy"))
    refs: list[str] = []
    indicators: list[str] = []
    for attr in _attributes(event):
        kind, value = str(attr.get("type", "")), str(attr.get("value", ""))
        comparisons = _comparisons(kind, value) if value else None
        if not comparisons:
            out.skipped.append(f"{kind}: no STIX mapping")
            continue
        level = _level(attr.get("Tag")) or event_level
        marking = [tlp.TLP2_IDS[level]] if level else []
        stamp = _ts(attr.get("timestamp"), created)
        techniques |= _techniques(attr.get("Tag"))
        if attr.get("to_ids"):
            pattern = " AND ".join(
                f"{t}:{p} = {_quote(v) if p != 'number' else v}" for t, p, v in comparisons
            )
            obj: dict[str, Any] = {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{attr.get('uuid') or uuid.uuid5(AMAN_NAMESPACE, value)}",
                "created": stamp,
                "modified": stamp,
                "name": f"{kind}: {value}"[:250],
                "pattern": f"[{pattern}]",
                "pattern_type": "stix",
                "valid_from": stamp,
                "labels": [str(attr.get("category", "misp"))],
            }
            if attr.get("comment"):
                obj["description"] = str(attr["comment"])
            if marking:
                obj["object_marking_refs"] = marking
            indicators.append(obj["id"])
        else:
            obj = _sco(*comparisons[-1], marking=marking)
        out.objects.append(obj)
        refs.append(obj["id"])
    for technique in sorted(techniques):
        ap_id = f"attack-pattern--{uuid.uuid5(AMAN_NAMESPACE, 'attack:' + technique)}"
        out.objects.append(
            {
                "type": "attack-pattern",
                "spec_version": "2.1",
                "id": ap_id,
                "created": "2020-01-01T00:00:00.000Z",
                "modified": "2020-01-01T00:00:00.000Z",
                "name": technique,
                "external_references": [{"source_name": "mitre-attack", "external_id": technique}],
            }
        )
        refs.append(ap_id)
        for ind in indicators:
            rid = uuid.uuid5(AMAN_NAMESPACE, f"{ind}>{ap_id}")
            out.objects.append(
                {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": f"relationship--{rid}",
                    "created": created,
                    "modified": created,
                    "relationship_type": "indicates",
                    "source_ref": ind,
                    "target_ref": ap_id,
                    **({"object_marking_refs": [tlp.TLP2_IDS[event_level]]} if event_level else {}),
                }
            )
    org = event.get("Orgc") if isinstance(event.get("Orgc"), dict) else None
    if org and org.get("uuid"):
        out.objects.append(
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": f"identity--{org['uuid']}",
                "created": created,
                "modified": created,
                "name": str(org.get("name", "MISP organisation")),
                "identity_class": "organization",
            }
        )
    if refs or org:
        report: dict[str, Any] = {
            "type": "report",
            "spec_version": "2.1",
            "id": f"report--{event_uuid}",
            "created": created,
            "modified": created,
            "name": str(event.get("info") or "MISP event")[:250],
            "published": created,
            "report_types": ["threat-report"],
            "object_refs": refs or [f"identity--{org['uuid']}"],  # type: ignore[index]
            "labels": ["misp-event"],
        }
        if org and org.get("uuid"):
            report["created_by_ref"] = f"identity--{org['uuid']}"
        if event_level:
            report["object_marking_refs"] = [tlp.TLP2_IDS[event_level]]
        out.objects.append(report)
    return out


def misp_to_stix(document: Any) -> Converted:
    """A MISP export: {"Event": …}, {"response": [{"Event": …}, …]} or a list of those."""
    events: list[Any] = []
    if isinstance(document, dict) and "response" in document:
        document = document["response"]
    for item in document if isinstance(document, list) else [document]:
        if isinstance(item, dict) and isinstance(item.get("Event"), dict):
            events.append(item["Event"])
    if not events:
        raise ValueError("not a MISP event export: no Event found")
    out = Converted()
    for event in events:
        converted = event_to_stix(event)
        out.objects += converted.objects
        out.skipped += converted.skipped
    return out


MISP_TYPE = {
    ("ipv4-addr", "value"): "ip-dst",
    ("ipv6-addr", "value"): "ip-dst",
    ("domain-name", "value"): "domain",
    ("url", "value"): "url",
    ("email-addr", "value"): "email-src",
    ("file", "name"): "filename",
    ("autonomous-system", "number"): "AS",
}


def _misp_type(obj_type: str, path: str) -> str | None:
    if path.startswith("hashes."):
        algo = path[7:].lower().replace("-", "")
        return algo if algo in HASHES else None
    return MISP_TYPE.get((obj_type, path))


def stix_to_event(objects: list[dict[str, Any]], info: str) -> dict[str, Any]:
    """Value-bearing STIX objects as one MISP event (attributes carry their TLP tag)."""
    attributes: list[dict[str, Any]] = []
    levels: list[str] = []
    for obj in objects:
        level = tlp.level_of(obj)
        pairs: list[tuple[str, str, str]] = []
        if obj.get("type") == "indicator" and obj.get("pattern_type") == "stix":
            pairs = list(equality_comparisons(str(obj.get("pattern", ""))))
        elif isinstance(obj.get("value"), str):
            pairs = [(str(obj["type"]), "value", obj["value"])]
        for i, (obj_type, path, value) in enumerate(pairs):
            misp_type = _misp_type(obj_type, path)
            if misp_type is None:
                continue
            base = str(obj["id"]).split("--", 1)[1]
            attributes.append(
                {
                    "uuid": base if i == 0 else str(uuid.uuid5(AMAN_NAMESPACE, f"{base}:{i}")),
                    "type": misp_type,
                    "category": CATEGORY.get(obj_type, "Other"),
                    "value": value,
                    "to_ids": obj.get("type") == "indicator",
                    "comment": str(obj.get("name", ""))[:1000],
                    "Tag": [{"name": f"tlp:{level}"}],
                }
            )
            levels.append(level)
    event_level = tlp.most_restrictive(levels) or tlp.DEFAULT_LEVEL
    return {
        "Event": {
            "uuid": str(uuid.uuid4()),
            "info": info,
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "threat_level_id": "2",
            "analysis": "2",
            "distribution": "0",
            "Tag": [{"name": f"tlp:{event_level}"}],
            "Attribute": attributes,
        }
    }
