"""What the store indexes beside each object, derived purely from the object itself.

- *values*: observable values (IPs, domains, URLs, hashes…) for correlation and search,
  normalised so that the same value from two members compares equal;
- *links*: edges to other objects that carry trend dimensions (victim sector/country, ATT&CK
  technique), with the month and the contributing member supplied by the caller;
- *tags*: the dimensions an object itself carries (identity sectors, location country, ATT&CK
  ids);
- *sighting*: what a sighting says, for pseudonymous counting.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from aman.intel import warninglists
from aman.intel.patterns import equality_comparisons
from aman.intel.timestamps import BadTimestamp, parse_stix

MAX_VALUES_PER_OBJECT = 64
TECHNIQUE = re.compile(r"^T\d{4}(?:\.\d{3})?$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
# STIX 2.1 industry-sector-ov, pinned.
INDUSTRY_SECTORS = frozenset(
    {
        "agriculture",
        "aerospace",
        "automotive",
        "chemical",
        "commercial",
        "communications",
        "construction",
        "defense",
        "education",
        "energy",
        "entertainment",
        "financial-services",
        "government",
        "emergency-services",
        "government-national",
        "government-regional",
        "government-local",
        "government-public-services",
        "healthcare",
        "hospitality-leisure",
        "infrastructure",
        "dams",
        "nuclear",
        "water",
        "insurance",
        "manufacturing",
        "mining",
        "non-profit",
        "pharmaceuticals",
        "retail",
        "technology",
        "telecommunications",
        "transportation",
        "utilities",
    }
)
ACTIVITY_TYPES = frozenset(
    {
        "incident",
        "indicator",
        "sighting",
        "campaign",
        "intrusion-set",
        "malware",
        "observed-data",
        "report",
    }
)
VICTIM = "victim"
TECHNIQUE_LINK = "technique"
SCO_VALUE_TYPES = ("ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "mac-addr")


@dataclass(frozen=True)
class Value:
    kind: str  # e.g. "ipv4-addr:value", "file:hashes.sha-256"
    value: str
    digest: str
    warninglist: str | None


@dataclass(frozen=True)
class Link:
    role: str  # VICTIM or TECHNIQUE_LINK
    ref_id: str


@dataclass(frozen=True)
class Sighting:
    sighting_of: str
    count: int
    first_seen_us: int | None
    last_seen_us: int | None


def normalise(kind: str, value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if kind in ("ipv4-addr:value", "ipv6-addr:value"):
        try:
            if "/" not in value:
                return str(ipaddress.ip_address(value))
            net = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return value.lower()
        full = net.max_prefixlen == net.prefixlen
        return str(net.network_address) if full else str(net)
    if kind in ("domain-name:value", "email-addr:value", "mac-addr:value") or ":hashes." in kind:
        return value.lower().rstrip(".")
    return value


HASH_ALIASES = {
    "sha256": "sha-256",
    "sha1": "sha-1",
    "sha512": "sha-512",
    "sha384": "sha-384",
    "sha224": "sha-224",
    "sha3256": "sha3-256",
    "sha3512": "sha3-512",
}


def canonical_kind(kind: str) -> str:
    """`file:hashes.SHA256` and `file:hashes.'SHA-256'` are one kind: `file:hashes.sha-256`."""
    kind = kind.lower()
    if ":hashes." in kind:
        head, algorithm = kind.split(":hashes.", 1)
        algorithm = algorithm.strip("'")
        return f"{head}:hashes.{HASH_ALIASES.get(algorithm.replace('-', ''), algorithm)}"
    return kind


def make_value(kind: str, raw: str) -> Value | None:
    kind = canonical_kind(kind)
    value = normalise(kind, raw)
    if value is None or len(value) > 2048 or "\x00" in value or len(kind) > 100:
        return None
    digest = hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()
    return Value(kind, value, digest, warninglists.match(kind, value))


def values_of(obj: dict[str, Any]) -> list[Value]:
    """Observable values the object asserts (pattern `=` comparisons, or an SCO's own value)."""
    found: list[Value] = []
    kind = obj["type"]
    if kind == "indicator" and obj.get("pattern_type") == "stix":
        for obj_type, path, literal in equality_comparisons(str(obj.get("pattern", ""))):
            v = make_value(f"{obj_type}:{path}", literal)
            if v is not None:
                found.append(v)
    elif kind in SCO_VALUE_TYPES and isinstance(obj.get("value"), str):
        v = make_value(f"{kind}:value", obj["value"])
        if v is not None:
            found.append(v)
    elif kind == "autonomous-system" and isinstance(obj.get("number"), int):
        v = make_value("autonomous-system:number", str(obj["number"]))
        if v is not None:
            found.append(v)
    if isinstance(obj.get("hashes"), dict):
        for algorithm, digest in obj["hashes"].items():
            if isinstance(digest, str):
                v = make_value(f"{kind}:hashes.{algorithm}", digest)
                if v is not None:
                    found.append(v)
    unique = {v.digest: v for v in found}
    return list(unique.values())[:MAX_VALUES_PER_OBJECT]


def techniques_of(obj: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for ref in obj.get("external_references") or []:
        if isinstance(ref, dict) and str(ref.get("source_name", "")).startswith("mitre-"):
            ext = ref.get("external_id")
            if isinstance(ext, str) and TECHNIQUE.match(ext):
                found.add(ext)
    return found


def tags_of(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """(dimension, value) pairs the object carries: sector, country, technique."""
    tags: list[tuple[str, str]] = []
    kind = obj["type"]
    if kind == "identity":
        tags += [("sector", s) for s in obj.get("sectors") or [] if s in INDUSTRY_SECTORS]
    elif kind == "location":
        country = str(obj.get("country", "")).upper()
        if COUNTRY.match(country):
            tags.append(("country", country))
    if kind == "attack-pattern" or kind in ACTIVITY_TYPES:
        tags += [("technique", t) for t in sorted(techniques_of(obj))]
    return tags


def links_of(obj: dict[str, Any]) -> list[Link]:
    """Edges from an activity to the objects that give it trend dimensions."""
    kind = obj["type"]
    links: list[Link] = []
    if kind == "relationship":
        rel = obj.get("relationship_type")
        if rel == "targets":
            links.append(Link(VICTIM, obj["target_ref"]))
        elif rel in ("uses", "indicates"):
            links.append(Link(TECHNIQUE_LINK, obj["target_ref"]))
    elif kind == "sighting":
        links += [Link(VICTIM, ref) for ref in obj.get("where_sighted_refs") or []]
        links.append(Link(TECHNIQUE_LINK, obj["sighting_of_ref"]))
    if kind in ACTIVITY_TYPES and techniques_of(obj):
        links.append(Link(TECHNIQUE_LINK, obj["id"]))
    return links


def activity_time_us(obj: dict[str, Any]) -> int | None:
    """When the activity happened, as well as the object says: first seen, else created."""
    for key in ("first_seen", "first_observed", "published", "valid_from", "created"):
        if key in obj:
            try:
                return parse_stix(obj[key])
            except BadTimestamp:
                continue
    return None


def sighting_of(obj: dict[str, Any]) -> Sighting | None:
    if obj["type"] != "sighting":
        return None
    count = obj.get("count", 1)
    first = activity_time_us(obj)
    last = obj.get("last_seen")
    try:
        last_us = parse_stix(last) if last else first
    except BadTimestamp:
        last_us = first
    return Sighting(
        obj["sighting_of_ref"],
        count if isinstance(count, int) and count >= 0 else 1,
        first,
        last_us,
    )
