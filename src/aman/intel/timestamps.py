"""STIX/TAXII timestamps ↔ integer microseconds since the epoch.

The store keys versions and `date_added` by integer microseconds: exact, compact, and compared
the same way on every database. Parsing is hand-rolled because it runs for every property of
every ingested object and `datetime.strptime` costs ten times more.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$")
_TS_LENIENT = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$"
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


class BadTimestamp(ValueError):
    pass


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _to_us(match: re.Match[str]) -> int:
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12:
        raise BadTimestamp(f"month {month} out of range")
    if not 1 <= day <= _MONTH_DAYS[month - 1] + (leap and month == 2):
        raise BadTimestamp(f"day {day} out of range for {year}-{month:02d}")
    if hour > 23 or minute > 59 or second > 60:
        raise BadTimestamp("time of day out of range")
    second = min(second, 59)  # a leap second counts as the last second of its minute
    fraction = match.group(7) or ""
    micros = int((fraction + "000000")[:6])
    days = _days_from_civil(year, month, day)
    return ((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros


def parse_stix(value: object) -> int:
    """A STIX timestamp (RFC 3339, UTC, `Z`) as microseconds; sub-microsecond digits truncate."""
    if not isinstance(value, str):
        raise BadTimestamp("a timestamp must be a string")
    match = _TS.match(value)
    if match is None:
        raise BadTimestamp(f"{value!r} is not an RFC 3339 UTC timestamp ending in Z")
    return _to_us(match)


def parse_query(value: str) -> int:
    """A timestamp from a query string (`added_after`): RFC 3339, any offset, as microseconds."""
    match = _TS_LENIENT.match(value.strip())
    if match is None:
        raise BadTimestamp(f"{value!r} is not an RFC 3339 timestamp")
    us = _to_us(match)
    offset = match.group(8)
    if offset not in ("Z", "z"):
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        us -= sign * (hours * 3600 + minutes * 60) * 1_000_000
    return us


def to_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def from_datetime(value: datetime) -> int:
    return (value.astimezone(UTC) - EPOCH) // _US


def format_us(us: int) -> str:
    """Microsecond-precision TAXII timestamp, e.g. `2024-05-02T10:00:00.000001Z`."""
    return to_datetime(us).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def month_of(us: int) -> str:
    return to_datetime(us).strftime("%Y-%m")
