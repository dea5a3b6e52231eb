"""Registry logic: the federation, members, organisations, contacts and working groups.

Member bodies, member-level contacts and working groups form the federation's community
directory, readable by anyone holding a grant. Organisations and their contacts are private to
their member's subtree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, delete, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Node, Principal, Visible, authorize
from aman.auth.roles import MEMBERS_MANAGE, REGISTRY_READ, REGISTRY_WRITE
from aman.db import utcnow
from aman.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from aman.pagination import Page, paginate
from aman.registry.keys import validate_public_key
from aman.registry.models import (
    Contact,
    Country,
    Federation,
    Member,
    Organisation,
    WorkingGroup,
    WorkingGroupMembership,
)
from aman.registry.schemas import (
    ContactIn,
    ContactPatch,
    FederationPatch,
    MemberIn,
    MemberPatch,
    OrganisationIn,
    OrganisationPatch,
    WorkingGroupIn,
    WorkingGroupPatch,
)
from aman.registry.vocab import VOTING_CLASSES


def _community(principal: Principal) -> None:
    if not (principal.system or principal.is_federation_member):
        raise PermissionDenied("the directory is open to federation users only")


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Apply `values` to `obj`; return the fields that really changed (for the audit row)."""
    changed = {}
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed[key] = value if isinstance(value, str | int | bool | None) else str(value)
    return changed


def _flush_or_conflict(session: Session, what: str, field: str) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{what} already exists", [FieldError(field, "must be unique")]) from exc


def check_country(session: Session, code: str, field: str = "country_code") -> str:
    if session.get(Country, code) is None:
        raise InvalidInput(
            f"unknown country code {code!r}",
            [FieldError(field, f"{code!r} is not an ISO 3166-1 alpha-2 code")],
        )
    return code


# --- federation and countries -----------------------------------------------------------


def get_federation(session: Session) -> Federation:
    fed = session.scalar(select(Federation).limit(1))
    if fed is None:
        raise NotFound(
            "the federation is not set up yet; run `aman demo` or `aman federation init`"
        )
    return fed


def ensure_federation(session: Session, name: str, languages: list[str]) -> Federation:
    fed = session.scalar(select(Federation).limit(1))
    if fed is None:
        fed = Federation(name=name, official_languages=languages, settings={})
        session.add(fed)
        session.flush()
    return fed


def update_federation(session: Session, principal: Principal, data: FederationPatch) -> Federation:
    authorize(principal, MEMBERS_MANAGE, Node.federation())
    fed = get_federation(session)
    changed = _changes(fed, data.model_dump(exclude_unset=True))
    audit.record(session, principal, "federation.update", "federation", fed.id, details=changed)
    return fed


def list_countries(session: Session, oic_only: bool = False) -> list[Country]:
    stmt = select(Country).order_by(Country.code)
    if oic_only:
        stmt = stmt.where(Country.oic_member.is_(True))
    return list(session.scalars(stmt))


# --- members ----------------------------------------------------------------------------


def is_voting(member: Member) -> bool:
    return member.membership_class in VOTING_CLASSES


def _sponsors(
    session: Session, member_id: uuid.UUID | None, klass: str, sponsor_ids: list[uuid.UUID]
) -> list[Member]:
    sponsors = list(session.scalars(select(Member).where(Member.id.in_(sponsor_ids))))
    errors = []
    if len(sponsors) != len(set(sponsor_ids)):
        errors.append(FieldError("sponsor_ids", "unknown member among the sponsors"))
    if member_id is not None and member_id in sponsor_ids:
        errors.append(FieldError("sponsor_ids", "a member cannot sponsor itself"))
    for s in sponsors:
        if not (is_voting(s) and s.status == "active"):
            errors.append(FieldError("sponsor_ids", f"{s.name} is not an active voting member"))
    if klass == "commercial" and not sponsor_ids:
        errors.append(FieldError("sponsor_ids", "a commercial member needs at least one sponsor"))
    if errors:
        raise InvalidInput("invalid sponsors", errors)
    return sponsors


def list_members(
    session: Session,
    principal: Principal,
    *,
    country: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Member]:
    _community(principal)
    stmt = select(Member)
    if country:
        stmt = stmt.where(Member.country_code == country.upper())
    if status:
        stmt = stmt.where(Member.status == status)
    return paginate(session, stmt, [Member.name], cursor, limit)


def get_member(session: Session, principal: Principal, member_id: uuid.UUID) -> Member:
    _community(principal)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no such member")
    return member


def member_by_name(session: Session, name: str) -> Member | None:
    return session.scalar(select(Member).where(Member.name == name))


def create_member(session: Session, principal: Principal, data: MemberIn) -> Member:
    authorize(principal, MEMBERS_MANAGE, Node.federation())
    check_country(session, data.country_code)
    if member_by_name(session, data.name) is not None:
        raise Conflict(
            f"a member named {data.name!r} exists", [FieldError("name", "must be unique")]
        )
    if data.public_key:
        validate_public_key(data.public_key)
    sponsors = _sponsors(session, None, data.membership_class, data.sponsor_ids)
    member = Member(**data.model_dump(exclude={"sponsor_ids"}))
    member.sponsors = sponsors
    session.add(member)
    _flush_or_conflict(session, "member", "name")
    audit.record(
        session,
        principal,
        "member.create",
        "member",
        member.id,
        member_id=member.id,
        details={"name": member.name},
    )
    return member


# Fields a member's own administrators may change; the rest is the federation's decision.
MEMBER_SELF_FIELDS = frozenset({"short_name", "website", "public_key"})


def update_member(
    session: Session, principal: Principal, member_id: uuid.UUID, data: MemberPatch
) -> Member:
    member = get_member(session, principal, member_id)
    values = data.model_dump(exclude_unset=True)
    if set(values) - MEMBER_SELF_FIELDS:
        authorize(principal, MEMBERS_MANAGE, Node.federation())
    else:
        authorize(principal, REGISTRY_WRITE, Node.member(member.id))
    if data.country_code:
        check_country(session, data.country_code)
    if values.get("public_key"):
        validate_public_key(values["public_key"])
    sponsor_ids = values.pop("sponsor_ids", None)
    klass = values.get("membership_class", member.membership_class)
    if sponsor_ids is not None or klass != member.membership_class:
        ids = sponsor_ids if sponsor_ids is not None else [s.id for s in member.sponsors]
        member.sponsors = _sponsors(session, member.id, klass, ids)
        values["sponsors"] = member.sponsors
    changed = _changes(member, {k: v for k, v in values.items() if k != "sponsors"})
    if "sponsors" in values:
        changed["sponsors"] = ",".join(s.name for s in member.sponsors)
    _flush_or_conflict(session, "member", "name")
    audit.record(
        session,
        principal,
        "member.update",
        "member",
        member.id,
        member_id=member.id,
        details=changed,
    )
    return member


# --- organisations ----------------------------------------------------------------------


def _org_filter(stmt: Select[Any], visible: Visible) -> Select[Any]:
    if visible.everything:
        return stmt
    if visible.nothing:
        return stmt.where(false())
    return stmt.where(
        or_(
            Organisation.member_id.in_(visible.member_ids),
            Organisation.id.in_(visible.organisation_ids),
        )
    )


def list_organisations(
    session: Session,
    principal: Principal,
    *,
    member_id: uuid.UUID | None = None,
    sector: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Organisation]:
    stmt = _org_filter(select(Organisation), principal.visible(REGISTRY_READ))
    if member_id:
        stmt = stmt.where(Organisation.member_id == member_id)
    if sector:
        stmt = stmt.where(Organisation.sector == sector)
    return paginate(session, stmt, [Organisation.name, Organisation.id], cursor, limit)


def get_organisation(session: Session, principal: Principal, org_id: uuid.UUID) -> Organisation:
    org = session.get(Organisation, org_id)
    # Another tenant's organisation is reported exactly like a missing one: no existence leak.
    if org is None or not principal.can(REGISTRY_READ, Node.organisation(org.member_id, org.id)):
        raise NotFound("no such organisation")
    return org


def create_organisation(
    session: Session, principal: Principal, data: OrganisationIn
) -> Organisation:
    member = session.get(Member, data.member_id)  # members are directory data: no leak here
    if member is None:
        raise InvalidInput("unknown member", [FieldError("member_id", "no such member")])
    authorize(principal, REGISTRY_WRITE, Node.member(member.id))
    country = check_country(session, data.country_code or member.country_code)
    org = Organisation(**data.model_dump(exclude={"country_code"}), country_code=country)
    session.add(org)
    _flush_or_conflict(session, f"organisation {data.name!r} of this member", "name")
    audit.record(
        session,
        principal,
        "organisation.create",
        "organisation",
        org.id,
        member_id=member.id,
        details={"name": org.name},
    )
    return org


def update_organisation(
    session: Session, principal: Principal, org_id: uuid.UUID, data: OrganisationPatch
) -> Organisation:
    org = get_organisation(session, principal, org_id)
    authorize(principal, REGISTRY_WRITE, Node.organisation(org.member_id, org.id))
    if data.country_code:
        check_country(session, data.country_code)
    changed = _changes(org, data.model_dump(exclude_unset=True))
    _flush_or_conflict(session, f"organisation {org.name!r} of this member", "name")
    audit.record(
        session,
        principal,
        "organisation.update",
        "organisation",
        org.id,
        member_id=org.member_id,
        details=changed,
    )
    return org


def delete_organisation(session: Session, principal: Principal, org_id: uuid.UUID) -> None:
    org = get_organisation(session, principal, org_id)
    authorize(principal, REGISTRY_WRITE, Node.member(org.member_id))
    session.delete(org)
    audit.record(
        session,
        principal,
        "organisation.delete",
        "organisation",
        org.id,
        member_id=org.member_id,
        details={"name": org.name},
    )


# --- contacts ---------------------------------------------------------------------------


def _contact_readable(principal: Principal, contact: Contact) -> bool:
    if contact.organisation_id is None:
        return principal.system or principal.is_federation_member
    return principal.can(
        REGISTRY_READ, Node.organisation(contact.member_id, contact.organisation_id)
    )


def _contact_scope(principal: Principal, stmt: Select[Any]) -> Select[Any]:
    """Member-level contacts are the shared directory; organisation contacts stay private."""
    _community(principal)
    visible = principal.visible(REGISTRY_READ)
    if visible.everything:
        return stmt
    return stmt.where(
        or_(
            Contact.organisation_id.is_(None),
            Contact.member_id.in_(visible.member_ids),
            Contact.organisation_id.in_(visible.organisation_ids),
        )
    )


def list_contacts(
    session: Session,
    principal: Principal,
    *,
    member_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Contact]:
    stmt = _contact_scope(principal, select(Contact))
    if member_id:
        stmt = stmt.where(Contact.member_id == member_id)
    if organisation_id:
        stmt = stmt.where(Contact.organisation_id == organisation_id)
    return paginate(session, stmt, [Contact.name, Contact.id], cursor, limit)


def stale_contacts(
    session: Session, principal: Principal, days: int, member_id: uuid.UUID | None = None
) -> list[Contact]:
    """Contacts not verified within `days` (never-verified first, then oldest)."""
    if days < 0:
        raise InvalidInput("days must be positive", [FieldError("days", "must be >= 0")])
    cutoff = utcnow() - timedelta(days=days)
    stmt = _contact_scope(principal, select(Contact)).where(
        or_(Contact.last_verified_at.is_(None), Contact.last_verified_at < cutoff)
    )
    if member_id:
        stmt = stmt.where(Contact.member_id == member_id)
    stmt = stmt.order_by(
        Contact.last_verified_at.is_not(None), Contact.last_verified_at, Contact.name
    )
    return list(session.scalars(stmt))


def get_contact(session: Session, principal: Principal, contact_id: uuid.UUID) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None or not _contact_readable(principal, contact):
        raise NotFound("no such contact")
    return contact


def _contact_node(
    session: Session, principal: Principal, member_id: uuid.UUID, organisation_id: uuid.UUID | None
) -> Node:
    if organisation_id is None:
        if session.get(Member, member_id) is None:
            raise InvalidInput("unknown member", [FieldError("member_id", "no such member")])
        return Node.member(member_id)
    org = session.get(Organisation, organisation_id)
    if org is None or org.member_id != member_id:
        raise InvalidInput(
            "unknown organisation",
            [FieldError("organisation_id", "no such organisation of this member")],
        )
    return Node.organisation(member_id, organisation_id)


def create_contact(session: Session, principal: Principal, data: ContactIn) -> Contact:
    node = _contact_node(session, principal, data.member_id, data.organisation_id)
    authorize(principal, REGISTRY_WRITE, node)
    contact = Contact(**data.model_dump())
    contact.email = contact.email.lower()
    session.add(contact)
    _flush_or_conflict(session, f"a contact with e-mail {contact.email}", "email")
    audit.record(
        session,
        principal,
        "contact.create",
        "contact",
        contact.id,
        member_id=data.member_id,
        details={"email": contact.email},
    )
    return contact


def update_contact(
    session: Session, principal: Principal, contact_id: uuid.UUID, data: ContactPatch
) -> Contact:
    contact = get_contact(session, principal, contact_id)
    authorize(principal, REGISTRY_WRITE, Node(contact.member_id, contact.organisation_id))
    values = data.model_dump(exclude_unset=True)
    if values.get("email"):
        values["email"] = values["email"].lower()
    changed = _changes(contact, values)
    _flush_or_conflict(session, "a contact with this e-mail", "email")
    audit.record(
        session,
        principal,
        "contact.update",
        "contact",
        contact.id,
        member_id=contact.member_id,
        details=changed,
    )
    return contact


def verify_contact(session: Session, principal: Principal, contact_id: uuid.UUID) -> Contact:
    """Record that the contact answered a verification (a drill 'ping') just now."""
    return update_contact(session, principal, contact_id, ContactPatch(last_verified_at=utcnow()))


def delete_contact(session: Session, principal: Principal, contact_id: uuid.UUID) -> None:
    contact = get_contact(session, principal, contact_id)
    authorize(principal, REGISTRY_WRITE, Node(contact.member_id, contact.organisation_id))
    session.delete(contact)
    audit.record(
        session,
        principal,
        "contact.delete",
        "contact",
        contact.id,
        member_id=contact.member_id,
        details={"email": contact.email},
    )


# --- working groups ---------------------------------------------------------------------


def list_working_groups(session: Session, principal: Principal) -> list[WorkingGroup]:
    _community(principal)
    return list(session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)))


def get_working_group(session: Session, principal: Principal, wg_id: uuid.UUID) -> WorkingGroup:
    _community(principal)
    wg = session.get(WorkingGroup, wg_id)
    if wg is None:
        raise NotFound("no such working group")
    return wg


def wg_memberships(
    session: Session, wg_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[WorkingGroupMembership, str]]]:
    """Memberships (with member names) of many working groups in one query."""
    ids = list(wg_ids)
    result: dict[uuid.UUID, list[tuple[WorkingGroupMembership, str]]] = {i: [] for i in ids}
    stmt = (
        select(WorkingGroupMembership, Member.name)
        .join(Member, Member.id == WorkingGroupMembership.member_id)
        .where(WorkingGroupMembership.working_group_id.in_(ids))
        .order_by(WorkingGroupMembership.role, Member.name)
    )
    for membership, name in session.execute(stmt):
        result[membership.working_group_id].append((membership, name))
    return result


def _set_wg_members(session: Session, wg: WorkingGroup, members: list[Any]) -> None:
    ids = [m.member_id for m in members]
    if len(ids) != len(set(ids)):
        raise InvalidInput("a member is listed twice", [FieldError("members", "duplicate member")])
    known = set(session.scalars(select(Member.id).where(Member.id.in_(ids))))
    bad = [
        FieldError(f"members.{i}.member_id", "no such member")
        for i, m in enumerate(members)
        if m.member_id not in known
    ]
    if bad:
        raise InvalidInput("unknown members", bad)
    session.execute(
        delete(WorkingGroupMembership).where(WorkingGroupMembership.working_group_id == wg.id)
    )
    for i, m in enumerate(members):
        session.add(
            WorkingGroupMembership(
                working_group_id=wg.id, member_id=m.member_id, role=m.role, position=i
            )
        )


def create_working_group(
    session: Session, principal: Principal, data: WorkingGroupIn
) -> WorkingGroup:
    authorize(principal, MEMBERS_MANAGE, Node.federation())
    wg = WorkingGroup(name=data.name, domain=data.domain, description=data.description)
    session.add(wg)
    _flush_or_conflict(session, f"working group {data.name!r}", "name")
    _set_wg_members(session, wg, data.members)
    audit.record(
        session,
        principal,
        "working_group.create",
        "working_group",
        wg.id,
        details={"name": wg.name},
    )
    return wg


def update_working_group(
    session: Session, principal: Principal, wg_id: uuid.UUID, data: WorkingGroupPatch
) -> WorkingGroup:
    authorize(principal, MEMBERS_MANAGE, Node.federation())
    wg = get_working_group(session, principal, wg_id)
    values = data.model_dump(exclude_unset=True, exclude={"members"})
    changed = _changes(wg, values)
    if data.members is not None:
        _set_wg_members(session, wg, data.members)
        changed["members"] = len(data.members)
    _flush_or_conflict(session, "working group", "name")
    audit.record(
        session, principal, "working_group.update", "working_group", wg.id, details=changed
    )
    return wg


def delete_working_group(session: Session, principal: Principal, wg_id: uuid.UUID) -> None:
    authorize(principal, MEMBERS_MANAGE, Node.federation())
    wg = get_working_group(session, principal, wg_id)
    session.delete(wg)
    audit.record(
        session,
        principal,
        "working_group.delete",
        "working_group",
        wg.id,
        details={"name": wg.name},
    )
