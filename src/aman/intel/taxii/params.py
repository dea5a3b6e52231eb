"""TAXII 2.1 query parameters → `Filters`, with a 400 (never a 500) for anything malformed.

Parameters a given endpoint does not support are ignored, as the standard allows; a supported
filter given twice is refused (TAXII 2.1 interoperability: duplicate filters are ambiguous).
"""

from __future__ import annotations

from fastapi import Request

from aman.errors import InvalidInput
from aman.intel.query import ALL, FIRST, LAST, Filters, decode_next
from aman.intel.taxii.media import TaxiiError
from aman.intel.timestamps import BadTimestamp, parse_query

DEFAULT_PAGE = 100
MAX_PAGE = 1000
OBJECTS = frozenset({"added_after", "limit", "next", "id", "type", "version", "spec_version"})
ONE_OBJECT = frozenset({"added_after", "limit", "next", "version", "spec_version"})
VERSIONS = frozenset({"added_after", "limit", "next", "spec_version"})
DELETE = frozenset({"version", "spec_version"})


def _bad(name: str, why: str) -> TaxiiError:
    return TaxiiError(400, "Bad Request", f"{name}: {why}", {"parameter": name})


def _name(key: str) -> str | None:
    if key in ("added_after", "limit", "next"):
        return key
    if key.startswith("match[") and key.endswith("]"):
        return key[6:-1]
    return None


def _values(raw: str) -> tuple[str, ...]:
    # NUL can be in no stored value, and PostgreSQL refuses it in text: make it unmatchable.
    raw = raw.replace("\x00", "\ufffd")
    return tuple(v.strip()[:300] for v in raw.split(",") if v.strip())


def _limit(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise _bad("limit", "must be a positive integer") from None
    if value < 1:
        raise _bad("limit", "must be a positive integer")
    return min(value, MAX_PAGE)


def _versions(raw: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for value in _values(raw):
        if value in (FIRST, LAST, ALL):
            out.append(value)
            continue
        try:
            out.append(parse_query(value))
        except BadTimestamp:
            why = f"{value[:60]!r} is not first, last, all or a timestamp"
            raise _bad("match[version]", why) from None
    if not out:
        raise _bad("match[version]", "empty")
    return tuple(out)


def parse(request: Request, allowed: frozenset[str]) -> Filters:
    seen: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        name = _name(key)
        if name is None or name not in allowed:
            continue
        if name in seen:
            raise _bad(key, "given more than once; separate several values with commas")
        seen[name] = value
    added_after = None
    if "added_after" in seen:
        try:
            added_after = parse_query(seen["added_after"])
        except BadTimestamp:
            raise _bad("added_after", "not an RFC 3339 timestamp") from None
    after = None
    if "next" in seen:
        try:
            after = decode_next(seen["next"])
        except InvalidInput:
            raise _bad("next", "not a token this server issued") from None
    return Filters(
        added_after_us=added_after,
        ids=_values(seen.get("id", "")),
        types=_values(seen.get("type", "")),
        versions=_versions(seen["version"]) if "version" in seen else (),
        spec_versions=_values(seen.get("spec_version", "")),
        limit=_limit(seen["limit"]) if "limit" in seen else DEFAULT_PAGE,
        after_us=after,
    )
