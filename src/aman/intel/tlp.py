"""Traffic Light Protocol: the TLP 2.0 marking definitions (pinned here; stix2 lacks them), the
TLP 1.0 ids still in circulation mapped onto 2.0, and the level of a STIX object.

An object's level is the most restrictive TLP marking it carries anywhere (object or granular
markings). Objects without any TLP marking are treated as AMBER: sharing wider than the source
intended is the failure that cannot be undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CLEAR = "clear"
GREEN = "green"
AMBER = "amber"
AMBER_STRICT = "amber+strict"
RED = "red"
LEVELS = (CLEAR, GREEN, AMBER, AMBER_STRICT, RED)  # least to most restrictive
RANK = {level: i for i, level in enumerate(LEVELS)}
DEFAULT_LEVEL = AMBER
RESTRICTED = frozenset({AMBER, AMBER_STRICT, RED})  # reads of these are audited

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_IDS = {
    CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP1_IDS = {
    CLEAR: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",  # TLP:WHITE
    GREEN: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    AMBER: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    RED: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
LEVEL_OF_MARKING: dict[str, str] = {v: k for k, v in TLP2_IDS.items()} | {
    v: k for k, v in TLP1_IDS.items()
}
_NAMES = {
    "clear": CLEAR,
    "white": CLEAR,
    "green": GREEN,
    "amber": AMBER,
    "amber+strict": AMBER_STRICT,
    "amber-strict": AMBER_STRICT,
    "red": RED,
}


def parse_level(name: str) -> str | None:
    """A level from a name such as `TLP:AMBER+STRICT`, `tlp:white` or `green`; None if unknown."""
    key = name.strip().lower()
    key = key.removeprefix("tlp:").strip()
    return _NAMES.get(key)


def most_restrictive(levels: Iterable[str]) -> str | None:
    found = [lvl for lvl in levels if lvl in RANK]
    return max(found, key=RANK.__getitem__) if found else None


def _marking_refs(obj: Mapping[str, Any]) -> Iterable[str]:
    refs = obj.get("object_marking_refs")
    if isinstance(refs, list):
        yield from (r for r in refs if isinstance(r, str))
    granular = obj.get("granular_markings")
    if isinstance(granular, list):
        for g in granular:
            if isinstance(g, dict) and isinstance(g.get("marking_ref"), str):
                yield g["marking_ref"]


def level_of(obj: Mapping[str, Any]) -> str:
    """The TLP level governing `obj` (TLP marking definitions themselves are CLEAR)."""
    if obj.get("id") in LEVEL_OF_MARKING:
        return CLEAR
    found = most_restrictive(LEVEL_OF_MARKING.get(ref, "") for ref in _marking_refs(obj))
    return found or DEFAULT_LEVEL


def marking_definition(level: str) -> dict[str, Any]:
    """The TLP 2.0 marking-definition object for `level`, as published by OASIS."""
    label = "TLP:" + level.upper()
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[level],
        "created": TLP2_CREATED,
        "name": label,
        "extensions": {
            TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level},
        },
    }
