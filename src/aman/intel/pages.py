"""What the intel web pages show of a STIX object and of trend cells, computed purely.

Labels are English msgids (translated at render time). Nothing here reads the database: views
pass in rows the services already filtered for the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from aman.intel import tlp
from aman.intel.landscape import Cell
from aman.web.i18n import N_

# TLP 2.0 labels stay in English on screen (they are the protocol's own labels); what each
# level means is translated and shown beside or in a tooltip.
TLP_LABELS = {
    tlp.CLEAR: "TLP:CLEAR",
    tlp.GREEN: "TLP:GREEN",
    tlp.AMBER: "TLP:AMBER",
    tlp.AMBER_STRICT: "TLP:AMBER+STRICT",
    tlp.RED: "TLP:RED",
}
TLP_MEANINGS = {
    tlp.CLEAR: N_("Disclosure is not limited."),
    tlp.GREEN: N_("Limited disclosure: the community only, not publicly."),
    tlp.AMBER: N_("Limited disclosure: the recipients' organisations and their clients."),
    tlp.AMBER_STRICT: N_("Limited disclosure: the recipients' organisations only."),
    tlp.RED: N_("For the eyes and ears of the named recipients only."),
}
COLLECTION_KIND_LABELS = {
    "community": N_("Community"),
    "member": N_("Member inbox"),
    "group": N_("Sharing group"),
    "landscape": N_("Threat landscape"),
}
DIMENSION_LABELS = {
    "sector": N_("Victim sector"),
    "country": N_("Victim country"),
    "technique": N_("ATT&CK technique"),
}
REPORT_STATUS_LABELS = {
    "draft": N_("Draft"),
    "in-review": N_("In review"),
    "published": N_("Published"),
    "withdrawn": N_("Withdrawn"),
}
# STIX 2.1 industry-sector-ov (extract.INDUSTRY_SECTORS), as analysts name them.
SECTOR_LABELS = {
    "agriculture": N_("Agriculture"),
    "aerospace": N_("Aerospace"),
    "automotive": N_("Automotive"),
    "chemical": N_("Chemical"),
    "commercial": N_("Commercial"),
    "communications": N_("Communications"),
    "construction": N_("Construction"),
    "defense": N_("Defence"),
    "education": N_("Education"),
    "energy": N_("Energy"),
    "entertainment": N_("Entertainment"),
    "financial-services": N_("Financial services"),
    "government": N_("Government"),
    "emergency-services": N_("Emergency services"),
    "government-national": N_("National government"),
    "government-regional": N_("Regional government"),
    "government-local": N_("Local government"),
    "government-public-services": N_("Public services"),
    "healthcare": N_("Healthcare"),
    "hospitality-leisure": N_("Hospitality and leisure"),
    "infrastructure": N_("Infrastructure"),
    "dams": N_("Dams"),
    "nuclear": N_("Nuclear"),
    "water": N_("Water"),
    "insurance": N_("Insurance"),
    "manufacturing": N_("Manufacturing"),
    "mining": N_("Mining"),
    "non-profit": N_("Non-profit"),
    "pharmaceuticals": N_("Pharmaceuticals"),
    "retail": N_("Retail"),
    "technology": N_("Technology"),
    "telecommunications": N_("Telecommunications"),
    "transportation": N_("Transportation"),
    "utilities": N_("Utilities"),
}
# The STIX 2.1 types a filter offers (objects of other types are still listed when unfiltered).
STIX_TYPES = (
    "indicator",
    "sighting",
    "malware",
    "attack-pattern",
    "campaign",
    "intrusion-set",
    "threat-actor",
    "tool",
    "vulnerability",
    "incident",
    "report",
    "note",
    "observed-data",
    "course-of-action",
    "identity",
    "location",
    "infrastructure",
    "relationship",
    "ipv4-addr",
    "ipv6-addr",
    "domain-name",
    "url",
    "email-addr",
    "file",
    "autonomous-system",
)
# Properties worth a line of their own on an object's page, in this order.
KEY_FIELDS = (
    ("name", N_("Name")),
    ("value", N_("Value")),
    ("pattern", N_("Pattern")),
    ("pattern_type", N_("Pattern language")),
    ("indicator_types", N_("Indicator types")),
    ("malware_types", N_("Malware types")),
    ("report_types", N_("Report types")),
    ("relationship_type", N_("Relationship")),
    ("source_ref", N_("Source")),
    ("target_ref", N_("Target")),
    ("sighting_of_ref", N_("Sighting of")),
    ("count", N_("Count")),
    ("first_seen", N_("First seen")),
    ("last_seen", N_("Last seen")),
    ("valid_from", N_("Valid from")),
    ("valid_until", N_("Valid until")),
    ("published", N_("Published")),
    ("confidence", N_("Confidence")),
    ("labels", N_("Labels")),
    ("description", N_("Description")),
    ("created", N_("Created")),
    ("modified", N_("Modified")),
    ("revoked", N_("Revoked")),
)
SUMMARY_LIMIT = 160


def tlp_label(level: str) -> str:
    return TLP_LABELS.get(level, level.upper())


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return str(value)


def _short(text: str, limit: int = SUMMARY_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary_of(body: Mapping[str, Any]) -> str:
    """One line naming an object: its name, pattern or value, or what it links."""
    return summary_parts(body)[0]


def summary_parts(body: Mapping[str, Any]) -> tuple[str, bool]:
    """The summary line, and whether it is machine text (a pattern, value, hash or ids:
    shown in a monospace font, left to right) rather than a human name."""
    for key in ("name", "display_name"):
        if isinstance(body.get(key), str) and body[key].strip():
            return _short(body[key].strip()), False
    for key in ("pattern", "value"):
        if isinstance(body.get(key), str) and body[key].strip():
            return _short(body[key].strip()), True
    kind = body.get("type")
    if kind == "relationship":
        parts = (body.get("source_ref"), body.get("relationship_type"), body.get("target_ref"))
        return _short(" ".join(str(p) for p in parts if p)), True
    if kind == "sighting" and body.get("sighting_of_ref"):
        return _short(f"→ {body['sighting_of_ref']}"), True
    hashes = body.get("hashes")
    if isinstance(hashes, dict) and hashes:
        algorithm, digest = sorted(hashes.items())[0]
        return _short(f"{algorithm}: {digest}"), True
    if isinstance(body.get("number"), int):
        return f"AS{body['number']}", True
    return "", True


def key_fields(body: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """(label msgid, text, is a reference to another object) for the properties present."""
    out: list[tuple[str, str, bool]] = []
    for key, label in KEY_FIELDS:
        value = body.get(key)
        if value is None or value == "" or value == []:
            continue
        is_ref = key.endswith("_ref") and isinstance(value, str)
        out.append((label, _text(value), is_ref))
    return out


@dataclass(frozen=True)
class Marking:
    ref: str
    level: str | None  # the TLP level the marking stands for, if it is a TLP marking
    granular: bool


def markings_of(body: Mapping[str, Any]) -> list[Marking]:
    """The object's marking references (object-level first, then granular), deduplicated."""
    found: list[Marking] = []
    seen: set[tuple[str, bool]] = set()
    refs = body.get("object_marking_refs")
    candidates: list[tuple[str, bool]] = []
    if isinstance(refs, list):
        candidates += [(r, False) for r in refs if isinstance(r, str)]
    granular = body.get("granular_markings")
    if isinstance(granular, list):
        candidates += [
            (g["marking_ref"], True)
            for g in granular
            if isinstance(g, dict) and isinstance(g.get("marking_ref"), str)
        ]
    for ref, is_granular in candidates:
        if (ref, is_granular) in seen:
            continue
        seen.add((ref, is_granular))
        found.append(Marking(ref, tlp.LEVEL_OF_MARKING.get(ref), is_granular))
    return found


def pretty_json(body: Mapping[str, Any]) -> str:
    """The object as indented JSON with sorted keys (the template escapes it)."""
    return orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def refs_in(body: Mapping[str, Any]) -> list[str]:
    """STIX ids the object points at (`*_ref` and `*_refs` properties), in order."""
    out: list[str] = []
    for key, value in body.items():
        if key in ("object_marking_refs", "created_by_ref"):
            continue
        if key.endswith("_ref") and isinstance(value, str):
            out.append(value)
        elif key.endswith("_refs") and isinstance(value, list):
            out += [v for v in value if isinstance(v, str)]
    return list(dict.fromkeys(out))


# --- trends -----------------------------------------------------------------------------


def months_between(start: str, end: str) -> list[str]:
    """Every month from `start` to `end` (YYYY-MM, inclusive); empty if end < start."""
    year, month = int(start[:4]), int(start[5:7])
    last = (int(end[:4]), int(end[5:7]))
    out: list[str] = []
    while (year, month) <= last and len(out) < 600:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass
class PivotRow:
    value: str
    cells: dict[str, Cell] = field(default_factory=dict)  # month → published cell

    @property
    def activities(self) -> int:
        return sum(c.activities for c in self.cells.values())


@dataclass(frozen=True)
class Pivot:
    """One dimension's published cells as value × month; a month missing from a row's
    `cells` is a cell that was suppressed (fewer than k members) or had no activity at all."""

    dimension: str
    months: list[str]
    rows: list[PivotRow]


def pivot(
    cells: Iterable[Cell], dimension: str, start: str | None = None, end: str | None = None
) -> Pivot:
    """The cells of `dimension`, rows by total activities (largest first), columns the months
    from `start` (or the first published month) to `end` (or the last)."""
    rows: dict[str, PivotRow] = {}
    for cell in cells:
        if cell.dimension == dimension:
            rows.setdefault(cell.value, PivotRow(cell.value)).cells[cell.month] = cell
    published = sorted({m for r in rows.values() for m in r.cells})
    first = start or (published[0] if published else None)
    last = end or (published[-1] if published else None)
    months = months_between(first, last) if first and last else []
    ordered = sorted(rows.values(), key=lambda r: (-r.activities, r.value))
    return Pivot(dimension, months, ordered)


def cells_from_json(rows: Sequence[Mapping[str, Any]]) -> list[Cell]:
    """A report's frozen snapshot (stored as JSON) back into cells."""
    return [
        Cell(
            str(r["dimension"]),
            str(r["value"]),
            str(r["month"]),
            int(r["members"]),
            int(r["activities"]),
        )
        for r in rows
    ]


# --- collections --------------------------------------------------------------------------

# The English titles and descriptions `service.ensure_default_collections` gives the default
# collections, as msgids: shown translated unless an operator has renamed the collection.
COMMUNITY_TITLE = N_("Federation community")
COMMUNITY_DESCRIPTION = N_("Shared with every member of the federation, within each object's TLP.")
LANDSCAPE_TITLE = N_("Threat landscape")
LANDSCAPE_DESCRIPTION = N_("The federation's published threat-landscape reports.")
INBOX_TITLE = N_("%(member)s: inbox")
INBOX_DESCRIPTION = N_(
    "Intelligence addressed to %(member)s, which becomes a named recipient of everything "
    "posted here (including TLP:RED)."
)


def collection_text(
    kind: str, title: str, description: str, owner: str | None, t: Callable[..., str]
) -> tuple[str, str]:
    """(title, description) of a collection in the reader's language where it is a default
    one still carrying its default English text; as stored otherwise."""
    defaults: dict[str, tuple[str, str]] = {
        "community": (COMMUNITY_TITLE, COMMUNITY_DESCRIPTION),
        "landscape": (LANDSCAPE_TITLE, LANDSCAPE_DESCRIPTION),
    }
    if kind in defaults:
        msg_title, msg_description = defaults[kind]
        return (
            t(msg_title) if title == msg_title else title,
            t(msg_description) if description == msg_description else description,
        )
    if kind == "member" and owner:
        english_title = INBOX_TITLE % {"member": owner}
        english_description = INBOX_DESCRIPTION % {"member": owner}
        return (
            t(INBOX_TITLE, member=owner) if title == english_title else title,
            t(INBOX_DESCRIPTION, member=owner)
            if description == english_description
            else description,
        )
    return title, description
