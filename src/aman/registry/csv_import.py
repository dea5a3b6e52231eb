"""Idempotent CSV import of organisations and contacts.

Every row is validated before anything is written; any invalid row means nothing is written and
every problem is reported with its line number. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Node, Principal
from aman.auth.roles import REGISTRY_WRITE
from aman.errors import FieldError, InvalidInput
from aman.registry.models import Contact, Country, Member, Organisation
from aman.registry.schemas import ContactIn, ImportReport, OrganisationIn

ORG_COLUMNS = (
    "member",
    "name",
    "country",
    "sector",
    "size_band",
    "critical_infrastructure",
    "website",
)
CONTACT_COLUMNS = (
    "member",
    "organisation",
    "name",
    "role",
    "email",
    "phone",
    "pgp_fingerprint",
    "available_24_7",
    "last_verified_at",
)
REQUIRED = {"organisations": {"member", "name", "sector"}, "contacts": {"member", "name", "email"}}
MAX_ROWS = 50_000
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n", ""}


@dataclass
class _Rows:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def _read(text: str, kind: str) -> _Rows:
    out = _Rows()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = REQUIRED[kind] - set(header)
    if missing:
        raise InvalidInput(
            f"the CSV header lacks {', '.join(sorted(missing))}",
            [FieldError(m, "required column missing", line=1) for m in sorted(missing)],
        )
    reader.fieldnames = header
    for raw in reader:
        if reader.line_num > MAX_ROWS + 1:
            raise InvalidInput(f"more than {MAX_ROWS} rows", [FieldError("file", "too many rows")])
        if None in raw:
            out.errors.append(FieldError("row", "more cells than header columns", reader.line_num))
            continue
        row = {k: (v or "").strip() for k, v in raw.items()}
        if any(row.values()):
            out.rows.append((reader.line_num, row))
    return out


def _flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("use yes or no")


def _validated(
    model: type[BaseModel], data: dict[str, Any], line: int, errors: list[FieldError]
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            name = ".".join(str(p) for p in e["loc"]) or "row"
            errors.append(FieldError(name, e["msg"], line))
        return None


def _resolve_members(session: Session, principal: Principal, rows: _Rows) -> dict[str, Member]:
    names = {r["member"] for _, r in rows.rows}
    members = {m.name: m for m in session.scalars(select(Member).where(Member.name.in_(names)))}
    for line, r in rows.rows:
        m = members.get(r["member"])
        if m is None:
            rows.errors.append(FieldError("member", f"no member named {r['member']!r}", line))
        elif not principal.can(REGISTRY_WRITE, Node.member(m.id)):
            rows.errors.append(FieldError("member", f"you may not write to {m.name}", line))
    return members


def _check_duplicates(
    rows: _Rows, key: Callable[[dict[str, str]], tuple[str, ...]], what: str
) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for line, r in rows.rows:
        k = key(r)
        if k in seen:
            rows.errors.append(FieldError(what, f"duplicate of line {seen[k]}", line))
        seen.setdefault(k, line)


def _apply(
    session: Session,
    existing: dict[Any, Any],
    wanted: list[tuple[Any, dict[str, Any]]],
    factory: Callable[..., Any],
) -> ImportReport:
    created = updated = unchanged = 0
    for key, values in wanted:
        obj = existing.get(key)
        if obj is None:
            session.add(factory(**values))
            created += 1
            continue
        diff = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if diff:
            for k, v in diff.items():
                setattr(obj, k, v)
            updated += 1
        else:
            unchanged += 1
    return ImportReport(created=created, updated=updated, unchanged=unchanged)


def import_organisations(session: Session, principal: Principal, text: str) -> ImportReport:
    rows = _read(text, "organisations")
    members = _resolve_members(session, principal, rows)
    countries = set(session.scalars(select(Country.code)))
    _check_duplicates(rows, lambda r: (r["member"], r["name"].casefold()), "name")
    wanted: list[tuple[Any, dict[str, Any]]] = []
    for line, r in rows.rows:
        member = members.get(r["member"])
        data: dict[str, Any] = {
            "member_id": member.id if member else uuid.UUID(int=0),
            "name": r["name"],
            "sector": r["sector"],
            "size_band": r.get("size_band") or "medium",
            "country_code": r.get("country") or (member.country_code if member else "ZZ"),
            "website": r.get("website") or None,
        }
        try:
            data["critical_infrastructure"] = _flag(r.get("critical_infrastructure", ""))
        except ValueError as exc:
            rows.errors.append(FieldError("critical_infrastructure", str(exc), line))
        item = _validated(OrganisationIn, data, line, rows.errors)
        if item is not None and item.country_code not in countries:
            rows.errors.append(
                FieldError("country", f"unknown country {item.country_code!r}", line)
            )
        if item is not None and member is not None:
            wanted.append(((member.id, item.name), item.model_dump()))
    if rows.errors:
        raise InvalidInput(
            f"{len(rows.errors)} problem(s) in the CSV; nothing was imported",
            sorted(rows.errors, key=lambda e: e.line or 0),
        )
    member_ids = {k[0] for k, _ in wanted}
    existing = {
        (o.member_id, o.name): o
        for o in session.scalars(select(Organisation).where(Organisation.member_id.in_(member_ids)))
    }
    report = _apply(session, existing, wanted, Organisation)
    session.flush()
    audit.record(
        session, principal, "organisation.import", "organisation", None, details=report.model_dump()
    )
    return report


def import_contacts(session: Session, principal: Principal, text: str) -> ImportReport:
    rows = _read(text, "contacts")
    members = _resolve_members(session, principal, rows)
    orgs = {
        (o.member_id, o.name): o
        for o in session.scalars(
            select(Organisation).where(Organisation.member_id.in_([m.id for m in members.values()]))
        )
    }
    _check_duplicates(rows, lambda r: (r["member"], r["email"].lower()), "email")
    wanted: list[tuple[Any, dict[str, Any]]] = []
    for line, r in rows.rows:
        member = members.get(r["member"])
        org_id = None
        if member is not None and r.get("organisation"):
            org = orgs.get((member.id, r["organisation"]))
            if org is None:
                rows.errors.append(
                    FieldError(
                        "organisation",
                        f"{member.name} has no organisation {r['organisation']!r}",
                        line,
                    )
                )
            else:
                org_id = org.id
        data: dict[str, Any] = {
            "member_id": member.id if member else uuid.UUID(int=0),
            "organisation_id": org_id,
            "name": r["name"],
            "role": r.get("role") or "primary",
            "email": r["email"],
            "phone": r.get("phone") or None,
            "pgp_fingerprint": r.get("pgp_fingerprint") or None,
            "last_verified_at": r.get("last_verified_at") or None,
        }
        try:
            data["available_24_7"] = _flag(r.get("available_24_7", ""))
        except ValueError as exc:
            rows.errors.append(FieldError("available_24_7", str(exc), line))
        item = _validated(ContactIn, data, line, rows.errors)
        if item is not None and member is not None:
            values = item.model_dump()
            values["email"] = values["email"].lower()
            wanted.append(((member.id, values["email"]), values))
    if rows.errors:
        raise InvalidInput(
            f"{len(rows.errors)} problem(s) in the CSV; nothing was imported",
            sorted(rows.errors, key=lambda e: e.line or 0),
        )
    member_ids = {k[0] for k, _ in wanted}
    existing = {
        (c.member_id, c.email): c
        for c in session.scalars(select(Contact).where(Contact.member_id.in_(member_ids)))
    }
    report = _apply(session, existing, wanted, Contact)
    session.flush()
    audit.record(session, principal, "contact.import", "contact", None, details=report.model_dump())
    return report
