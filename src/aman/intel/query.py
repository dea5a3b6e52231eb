"""The read path of the STIX store: TAXII filters and keyset pages as single SQL statements.

Every page is `WHERE collection AND live AND <filters> AND <reader's TLP predicate> AND
date_added > cursor ORDER BY date_added LIMIT n+1` on the (collection, date_added) index, so the
first page, the hundredth page and an `added_after` poll cost the same at any collection size.
Web pages read the same index backwards (`newest_first`, `date_added < cursor`).
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Select,
    String,
    Uuid,
    and_,
    bindparam,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from aman.errors import FieldError, InvalidInput
from aman.intel.models import StoredObject
from aman.intel.visibility import Reader, Shape, params_of, predicate, predicate_for, shape_of

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
FIRST, LAST, ALL = "first", "last", "all"


@dataclass(frozen=True)
class Filters:
    """TAXII 2.1 filters. Values within one filter are OR-ed; filters are AND-ed."""

    added_after_us: int | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str | int, ...] = ()  # "first" / "last" / "all" / version in µs
    spec_versions: tuple[str, ...] = ()
    limit: int = 100
    after_us: int | None = None  # from the `next` token
    # Beyond TAXII, for web pages: TLP levels, and newest first with `before_us` as the cursor.
    tlps: tuple[str, ...] = ()
    newest_first: bool = False
    before_us: int | None = None


@dataclass(frozen=True)
class Row:
    pk: int
    stix_id: str
    version_us: int
    date_added_us: int
    tlp: str
    member_id: uuid.UUID | None
    body: str | None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    more: bool
    next: str | None

    @property
    def first_added_us(self) -> int | None:
        return self.rows[0].date_added_us if self.rows else None

    @property
    def last_added_us(self) -> int | None:
        return self.rows[-1].date_added_us if self.rows else None


def encode_next(date_added_us: int) -> str:
    raw = f"v1:{date_added_us}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_next(token: str) -> int:
    """The keyset position in a `next` token, or InvalidInput naming the parameter."""
    try:
        if not _TOKEN.match(token):
            raise ValueError("shape")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        prefix, _, value = raw.partition(":")
        if prefix != "v1" or not value.isdigit():
            raise ValueError("shape")
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "malformed next token", [FieldError("next", "not a token this server issued")]
        ) from exc


def _version_clause(versions: tuple[str | int, ...], default: str) -> ColumnElement[bool] | None:
    wanted = versions or (default,)
    if ALL in wanted:
        return None
    clauses: list[ColumnElement[bool]] = []
    if LAST in wanted:
        clauses.append(StoredObject.is_latest.is_(True))
    if FIRST in wanted:
        clauses.append(StoredObject.is_first.is_(True))
    exact = [v for v in wanted if isinstance(v, int)]
    if exact:
        clauses.append(StoredObject.version_us.in_(exact))
    return or_(*clauses)


def base_where(
    reader: Reader, collection_id: uuid.UUID, filters: Filters, default_version: str
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        StoredObject.collection_id == collection_id,
        StoredObject.deleted_at.is_(None),
        predicate(reader),
    ]
    if filters.ids:
        where.append(StoredObject.stix_id.in_(filters.ids))
    if filters.types:
        where.append(StoredObject.type.in_(filters.types))
    if filters.spec_versions:
        where.append(StoredObject.spec_version.in_(filters.spec_versions))
    if filters.tlps:
        where.append(StoredObject.tlp.in_(filters.tlps))
    version = _version_clause(filters.versions, default_version)
    if version is not None:
        where.append(version)
    floor = max(
        (v for v in (filters.added_after_us, filters.after_us) if v is not None), default=None
    )
    if floor is not None:
        where.append(StoredObject.date_added_us > floor)
    if filters.before_us is not None:
        where.append(StoredObject.date_added_us < filters.before_us)
    return where


def _select(with_body: bool) -> Select[Any]:
    cols: list[Any] = [
        StoredObject.pk,
        StoredObject.stix_id,
        StoredObject.version_us,
        StoredObject.date_added_us,
        StoredObject.tlp,
        StoredObject.member_id,
    ]
    if with_body:
        cols.append(StoredObject.body)
    return select(*cols)


@dataclass(frozen=True)
class _PageShape:
    reader: Shape
    with_body: bool
    ids: bool
    types: bool
    spec_versions: bool
    versions: frozenset[str]  # of first/last/all, plus "exact" for timestamps
    floor: bool
    limit: int
    tlps: bool = False
    newest_first: bool = False
    ceiling: bool = False


def _shape(reader: Reader, filters: Filters, with_body: bool, default: str) -> _PageShape:
    wanted = filters.versions or (default,)
    modes = {v for v in wanted if isinstance(v, str)}
    if any(isinstance(v, int) for v in wanted):
        modes.add("exact")
    return _PageShape(
        shape_of(reader),
        with_body,
        bool(filters.ids),
        bool(filters.types),
        bool(filters.spec_versions),
        frozenset(modes),
        filters.added_after_us is not None or filters.after_us is not None,
        filters.limit,
        bool(filters.tlps),
        filters.newest_first,
        filters.before_us is not None,
    )


def _strings(name: str) -> BindParameter[str]:
    return bindparam(name, expanding=True, type_=String())


@lru_cache(maxsize=512)
def _template(shape: _PageShape) -> Select[Any]:
    """The page statement for one shape of request, built once and reused: SQLAlchemy then
    finds it in its compiled cache, and a page costs one execution, not a query build."""
    where: list[ColumnElement[bool]] = [
        StoredObject.collection_id == bindparam("q_coll", type_=Uuid()),
        StoredObject.deleted_at.is_(None),
        predicate_for(shape.reader),
    ]
    if shape.ids:
        where.append(StoredObject.stix_id.in_(_strings("q_ids")))
    if shape.types:
        where.append(StoredObject.type.in_(_strings("q_types")))
    if shape.spec_versions:
        where.append(StoredObject.spec_version.in_(_strings("q_spec")))
    if shape.tlps:
        where.append(StoredObject.tlp.in_(_strings("q_tlps")))
    if ALL not in shape.versions:
        clauses: list[ColumnElement[bool]] = []
        if LAST in shape.versions:
            clauses.append(StoredObject.is_latest.is_(True))
        if FIRST in shape.versions:
            clauses.append(StoredObject.is_first.is_(True))
        if "exact" in shape.versions:
            exact = bindparam("q_versions", expanding=True, type_=BigInteger())
            clauses.append(StoredObject.version_us.in_(exact))
        where.append(or_(*clauses))
    if shape.floor:
        where.append(StoredObject.date_added_us > bindparam("q_floor", type_=BigInteger()))
    if shape.ceiling:
        where.append(StoredObject.date_added_us < bindparam("q_ceiling", type_=BigInteger()))
    order = StoredObject.date_added_us.desc() if shape.newest_first else StoredObject.date_added_us
    return (
        _select(shape.with_body)
        .where(and_(*where))
        .order_by(order)
        # LIMIT as a literal: PostgreSQL re-plans prepared statements generically after a few
        # executions, and with an unknown LIMIT it assumes a large share of the table is
        # wanted and picks a sequential scan plus sort over the ordered index.
        .limit(literal(shape.limit + 1, literal_execute=True))
    )


def _params(reader: Reader, collection_id: uuid.UUID, filters: Filters) -> dict[str, Any]:
    params: dict[str, Any] = {"q_coll": collection_id, **params_of(reader)}
    params["q_ids"] = list(filters.ids)
    params["q_types"] = list(filters.types)
    params["q_spec"] = list(filters.spec_versions)
    params["q_tlps"] = list(filters.tlps)
    params["q_versions"] = [v for v in filters.versions if isinstance(v, int)]
    floor = [v for v in (filters.added_after_us, filters.after_us) if v is not None]
    params["q_floor"] = max(floor) if floor else 0
    params["q_ceiling"] = filters.before_us if filters.before_us is not None else 0
    return params


def page_statement(
    reader: Reader,
    collection_id: uuid.UUID,
    filters: Filters,
    with_body: bool = True,
    default_version: str = LAST,
) -> tuple[Select[Any], dict[str, Any]]:
    """The single statement behind a page and its parameters (tests EXPLAIN it)."""
    shape = _shape(reader, filters, with_body, default_version)
    return _template(shape), _params(reader, collection_id, filters)


def page(
    session: Session,
    reader: Reader,
    collection_id: uuid.UUID,
    filters: Filters,
    *,
    with_body: bool,
    default_version: str = LAST,
) -> Page:
    """One keyset page of visible, live versions in date_added order (or its reverse: then
    `next` is the `before_us` of the following page)."""
    stmt, params = page_statement(reader, collection_id, filters, with_body, default_version)
    rows = [
        Row(r[0], r[1], r[2], r[3], r[4], r[5], r[6] if with_body else None)
        for r in session.connection().execute(stmt, params)
    ]
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    token = encode_next(rows[-1].date_added_us) if more and rows else None
    return Page(rows, more, token)


def exists_visible(
    session: Session, reader: Reader, collection_id: uuid.UUID, stix_id: str
) -> bool:
    stmt = (
        select(StoredObject.pk)
        .where(
            StoredObject.collection_id == collection_id,
            StoredObject.stix_id == stix_id,
            StoredObject.deleted_at.is_(None),
            predicate(reader),
        )
        .limit(1)
    )
    return session.execute(stmt).first() is not None


def matching_pks(
    session: Session,
    reader: Reader,
    collection_id: uuid.UUID,
    stix_id: str,
    filters: Filters,
) -> list[tuple[int, uuid.UUID | None]]:
    """(pk, originator) of the live versions of one object a DELETE would remove."""
    where = base_where(
        reader,
        collection_id,
        Filters(ids=(stix_id,), versions=filters.versions, spec_versions=filters.spec_versions),
        ALL,
    )
    stmt = select(StoredObject.pk, StoredObject.member_id).where(and_(*where))
    return [(int(pk), member) for pk, member in session.execute(stmt)]


def bodies_by_pk(session: Session, pks: Sequence[int]) -> list[str]:
    stmt = select(StoredObject.body).where(StoredObject.pk.in_(pks)).order_by(StoredObject.pk)
    return list(session.scalars(stmt))
