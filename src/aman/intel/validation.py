"""Validation of incoming STIX 2.1 objects, one clear message per problem, without stix2.

Checks what a receiver must be able to rely on: identifiers and their UUIDs, the properties each
type requires, RFC 3339 UTC timestamps (and `modified` not before `created`), references that
are identifiers, and patterns. Everything else is passed through untouched, as STIX intends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aman.intel import tlp
from aman.intel.patterns import pattern_problem
from aman.intel.timestamps import BadTimestamp, parse_stix

SPEC_VERSION = "2.1"
_TYPE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-)){1,248}[a-z0-9]$")
# An RFC 4122 UUID (variant bits 10xx), any version 1-8.
_REF = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)

SDO_REQUIRED: dict[str, tuple[str, ...]] = {
    "attack-pattern": ("name",),
    "campaign": ("name",),
    "course-of-action": ("name",),
    "grouping": ("context", "object_refs"),
    "identity": ("name",),
    "incident": ("name",),
    "indicator": ("pattern", "pattern_type", "valid_from"),
    "infrastructure": ("name",),
    "intrusion-set": ("name",),
    "location": (),
    "malware": ("is_family",),
    "malware-analysis": ("product",),
    "note": ("content", "object_refs"),
    "observed-data": ("first_observed", "last_observed", "number_observed"),
    "opinion": ("opinion", "object_refs"),
    "report": ("name", "published", "object_refs"),
    "threat-actor": ("name",),
    "tool": ("name",),
    "vulnerability": ("name",),
    "relationship": ("relationship_type", "source_ref", "target_ref"),
    "sighting": ("sighting_of_ref",),
    "language-content": ("object_ref", "object_modified", "contents"),
    "extension-definition": ("name", "schema", "version", "extension_types", "created_by_ref"),
}
SCO_REQUIRED: dict[str, tuple[str, ...]] = {
    "artifact": (),
    "autonomous-system": ("number",),
    "directory": ("path",),
    "domain-name": ("value",),
    "email-addr": ("value",),
    "email-message": ("is_multipart",),
    "file": (),
    "ipv4-addr": ("value",),
    "ipv6-addr": ("value",),
    "mac-addr": ("value",),
    "mutex": ("name",),
    "network-traffic": ("protocols",),
    "process": (),
    "software": ("name",),
    "url": ("value",),
    "user-account": (),
    "windows-registry-key": (),
    "x509-certificate": (),
}
TIMESTAMP_PROPERTIES = (
    "created",
    "modified",
    "valid_from",
    "valid_until",
    "first_seen",
    "last_seen",
    "published",
    "first_observed",
    "last_observed",
    "object_modified",
)


@dataclass(frozen=True)
class StixObject:
    """A validated object and the properties the store indexes."""

    id: str
    type: str
    spec_version: str
    created_us: int | None
    modified_us: int | None  # None for unversioned objects (most SCOs)
    version: str | None  # the `modified` (or `created`) string as sent
    tlp: str
    revoked: bool
    body: dict[str, Any]


class Invalid(ValueError):
    """One object is unacceptable; `object_id` and `version` are echoed in the status."""

    def __init__(self, message: str, object_id: str | None, version: str | None = None):
        super().__init__(message)
        self.object_id = object_id
        self.version = version


def is_identifier(value: object, of_type: str | None = None) -> bool:
    if not isinstance(value, str):
        return False
    match = _REF.match(value)
    return match is not None and (of_type is None or match.group(1) == of_type)


def _check_refs(obj: dict[str, Any], oid: str) -> None:
    for key, value in obj.items():
        if key.endswith("_ref"):
            if not is_identifier(value):
                raise Invalid(f"{key} must be a STIX identifier", oid)
        elif key.endswith("_refs") and (
            not isinstance(value, list) or not all(is_identifier(v) for v in value)
        ):
            raise Invalid(f"{key} must be a list of STIX identifiers", oid)
    markings = obj.get("object_marking_refs", [])
    if not all(isinstance(m, str) and m.startswith("marking-definition--") for m in markings):
        raise Invalid("object_marking_refs must reference marking-definition objects", oid)


def _timestamps(obj: dict[str, Any], oid: str) -> dict[str, int]:
    parsed: dict[str, int] = {}
    for key in TIMESTAMP_PROPERTIES:
        if key in obj:
            try:
                parsed[key] = parse_stix(obj[key])
            except BadTimestamp as exc:
                raise Invalid(f"{key}: {exc}", oid) from None
    return parsed


def _check_type_rules(obj: dict[str, Any], kind: str, oid: str, ts: dict[str, int]) -> None:
    required = SDO_REQUIRED.get(kind) or SCO_REQUIRED.get(kind) or ()
    missing = [p for p in required if p not in obj]
    if missing:
        noun = "property" if len(missing) == 1 else "properties"
        raise Invalid(f"missing required {noun} " + ", ".join(repr(m) for m in missing), oid)
    if kind == "indicator":
        if "valid_until" in ts and ts["valid_until"] <= ts["valid_from"]:
            raise Invalid("valid_until must be later than valid_from", oid)
        if obj["pattern_type"] == "stix":
            if not isinstance(obj["pattern"], str):
                raise Invalid("pattern must be a string", oid)
            problem = pattern_problem(obj["pattern"])
            if problem:
                raise Invalid(f"invalid STIX pattern: {problem}", oid)
    elif kind == "malware":
        if not isinstance(obj["is_family"], bool):
            raise Invalid("is_family must be a boolean", oid)
        if obj["is_family"] and "name" not in obj:
            raise Invalid("a malware family needs a name", oid)
    elif kind == "location" and not (
        "region" in obj or "country" in obj or ("latitude" in obj and "longitude" in obj)
    ):
        raise Invalid("a location needs region, country, or latitude and longitude", oid)
    elif kind == "sighting" and ts.get("last_seen", 1 << 62) < ts.get("first_seen", 0):
        raise Invalid("last_seen must not be earlier than first_seen", oid)
    if "confidence" in obj and not (
        isinstance(obj["confidence"], int) and 0 <= obj["confidence"] <= 100
    ):
        raise Invalid("confidence must be an integer from 0 to 100", oid)
    if "revoked" in obj and not isinstance(obj["revoked"], bool):
        raise Invalid("revoked must be a boolean", oid)


def _identity(obj: object) -> tuple[dict[str, Any], str, str]:
    if not isinstance(obj, dict):
        raise Invalid("each object must be a JSON object", None)
    oid = obj.get("id")
    kind = obj.get("type")
    if not isinstance(kind, str) or _TYPE.match(kind) is None:
        raise Invalid("type must be 3-250 lower-case letters, digits and hyphens", _str(oid))
    if not is_identifier(oid, kind):
        raise Invalid(f"id must be '{kind}--' followed by an RFC 4122 UUID", _str(oid))
    assert isinstance(oid, str)
    return obj, oid, kind


def _str(value: object) -> str | None:
    return value[:300] if isinstance(value, str) else None


def validate(raw: object) -> StixObject:
    """The validated object, or raise Invalid saying what is wrong."""
    obj, oid, kind = _identity(raw)
    spec = obj.get("spec_version")
    if spec is None and kind in SCO_REQUIRED:
        spec = SPEC_VERSION
    if spec != SPEC_VERSION:
        raise Invalid(f"spec_version must be {SPEC_VERSION!r} (got {spec!r})", oid)
    ts = _timestamps(obj, oid)
    version = obj.get("modified") or obj.get("created")
    if kind in SDO_REQUIRED and ("created" not in ts or "modified" not in ts):
        raise Invalid("created and modified are required", oid, _str(version))
    if kind == "marking-definition" and "created" not in ts:
        raise Invalid("created is required", oid)
    if "created" in ts and "modified" in ts and ts["modified"] < ts["created"]:
        raise Invalid("modified must not be earlier than created", oid, _str(version))
    try:
        _check_refs(obj, oid)
        _check_type_rules(obj, kind, oid, ts)
    except Invalid as exc:
        raise Invalid(str(exc), oid, _str(version)) from None
    return StixObject(
        id=oid,
        type=kind,
        spec_version=SPEC_VERSION,
        created_us=ts.get("created"),
        modified_us=ts.get("modified", ts.get("created")),
        version=version if isinstance(version, str) else None,
        tlp=tlp.level_of(obj),
        revoked=bool(obj.get("revoked", False)),
        body=obj,
    )
