"""Keyset pagination shared by every list endpoint.

Cursors are opaque, stateless tokens holding the sort key of the last row returned; the next
page is `WHERE (sort key) > (cursor)`, so deep pages cost the same as the first and concurrent
inserts never shift or repeat rows.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel
from sqlalchemy import Select, literal, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from aman.errors import FieldError, InvalidInput

T = TypeVar("T")
MAX_LIMIT = 500
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return {"u": value.hex}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _decode_value(raw: Any) -> Any:
    if isinstance(raw, dict):
        if "u" in raw:
            return uuid.UUID(hex=raw["u"])
        if "t" in raw:
            return datetime.fromisoformat(raw["t"])
        raise ValueError("unknown cursor value")
    return raw


def encode_cursor(values: Sequence[Any]) -> str:
    payload = orjson.dumps([_encode_value(v) for v in values])
    return base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")


def decode_cursor(token: str, width: int) -> list[Any]:
    """Decode a cursor, or raise InvalidInput naming the `cursor` parameter."""
    try:
        padded = token + "=" * (-len(token) % 4)
        raw = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(raw, list) or len(raw) != width:
            raise ValueError("wrong shape")
        return [_decode_value(v) for v in raw]
    except (ValueError, binascii.Error, UnicodeEncodeError, orjson.JSONDecodeError) as exc:
        raise InvalidInput(
            "malformed pagination cursor", [FieldError("cursor", "not a cursor this API issued")]
        ) from exc


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInput(
            "limit out of range", [FieldError("limit", f"must be between 1 and {MAX_LIMIT}")]
        )
    return limit


def paginate(
    session: Session,
    stmt: Select[T],
    keys: Sequence[InstrumentedAttribute[Any]],
    cursor: str | None,
    limit: int | None,
) -> Page[T]:
    """Run `stmt` ordered by `keys` (ascending, last one unique) from `cursor`, one page."""
    size = check_limit(limit)
    if cursor:
        values = decode_cursor(cursor, len(keys))
        bound = [literal(v, type_=k.type) for k, v in zip(keys, values, strict=True)]
        stmt = stmt.where(tuple_(*keys) > tuple_(*bound))
    rows = list(session.scalars(stmt.order_by(*keys).limit(size + 1)))
    has_more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, k.key) for k in keys])
    return Page(rows, next_cursor)


class PageOut(BaseModel, Generic[T]):
    """The envelope of every list endpoint: one page and the cursor of the next, if any."""

    items: list[T]
    next_cursor: str | None = None
