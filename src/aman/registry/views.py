"""Web pages of the registry: members and organisations (contacts and working groups are in
`views_directory.py`). Thin: parse the form, call the service with the principal, render."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import Request, Response

from aman.auth.deps import DbSession
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import MEMBERS_MANAGE, REGISTRY_READ, REGISTRY_WRITE
from aman.pagination import Page
from aman.registry import service
from aman.registry.models import Contact, Member, Organisation
from aman.registry.schemas import MemberIn, MemberPatch, OrganisationIn, OrganisationPatch
from aman.registry.view_labels import (
    CLASS_LABELS,
    NO,
    SECTOR_LABELS,
    SIZE_LABELS,
    STATUS_LABELS,
    YES,
    country_names,
    country_options,
    member_names,
)
from aman.registry.views_directory import contacts_table
from aman.registry.views_directory import router as directory_router
from aman.web import nav
from aman.web.auth import PageUser
from aman.web.forms import CsrfForm, FormErrors, attempt, form_values, parse
from aman.web.i18n import N_, Translator, translator
from aman.web.render import page_router, redirect, render
from aman.web.tables import Column, Table, every_page, export_response, query_string

router = page_router()
router.include_router(directory_router)
PAGE_SIZE = 100

nav.register(
    nav.NavItem(
        "members",
        N_("Members"),
        "/members",
        20,
        nav.community,
        N_("The national CERTs of the federation, their organisations and contacts."),
    )
)
nav.register(
    nav.NavItem(
        "organisations",
        N_("Organisations"),
        "/organisations",
        30,
        nav.having(REGISTRY_READ),
        N_("The organisations each member assesses and supports."),
    )
)

MEMBER_FIELDS = {
    "name": N_("Name"),
    "short_name": N_("Short name"),
    "country_code": N_("Country"),
    "membership_class": N_("Membership class"),
    "status": N_("Status"),
    "joined_on": N_("Joined on"),
    "website": N_("Website"),
    "public_key": N_("Public key (Ed25519, PEM)"),
    "sponsor_ids": N_("Sponsors"),
}
ORG_FIELDS = {
    "member_id": N_("Member"),
    "name": N_("Name"),
    "country_code": N_("Country"),
    "sector": N_("Sector"),
    "size_band": N_("Size"),
    "critical_infrastructure": N_("Critical infrastructure"),
    "website": N_("Website"),
}


def labels_of(t: Translator, fields: dict[str, str]) -> dict[str, str]:
    return {name: t(msgid) for name, msgid in fields.items()}


# --- members ----------------------------------------------------------------------------


def members_table(t: Translator, members: Iterable[Member], countries: dict[str, str]) -> Table:
    table = Table(
        t(N_("Members")),
        [
            Column("name", t(N_("Name"))),
            Column("short_name", t(N_("Short name"))),
            Column("country", t(N_("Country"))),
            Column("class", t(N_("Membership class"))),
            Column("voting", t(N_("Voting"))),
            Column("status", t(N_("Status"))),
            Column("joined_on", t(N_("Joined on"))),
        ],
    )
    for m in members:
        table.add(
            [
                m.name,
                m.short_name,
                countries.get(m.country_code, m.country_code),
                t.label(CLASS_LABELS, m.membership_class),
                t(YES) if service.is_voting(m) else t(NO),
                t.label(STATUS_LABELS, m.status),
                m.joined_on,
            ],
            links={"name": f"/members/{m.id}"},
            display={"joined_on": t.fmt.date(m.joined_on)},
        )
    return table


@router.get("/members")
def members_page(
    request: Request,
    user: PageUser,
    session: DbSession,
    country: str = "",
    status: str = "",
    cursor: str | None = None,
    format: str | None = None,
) -> Response:
    t = translator(request)
    countries = country_names(session, t.locale)

    def fetch(at: str | None) -> Page[Member]:
        return service.list_members(
            session,
            user.principal,
            country=country or None,
            status=status or None,
            cursor=at,
            limit=PAGE_SIZE,
        )

    if format:
        table = members_table(t, every_page(fetch), countries)
        return export_response(table, format, "members", rtl=t.rtl)
    page = fetch(cursor)
    context = {
        "table": members_table(t, page.items, countries),
        "next_cursor": page.next_cursor,
        "query": query_string(country=country, status=status),
        "country": country,
        "status": status,
        "country_options": country_options(countries),
        "status_options": t.options(STATUS_LABELS),
        "can_create": user.principal.can(MEMBERS_MANAGE, Node.federation()),
    }
    return render(request, "registry/members.html", context)


@router.get("/members/new")
def new_member_page(request: Request, user: PageUser, session: DbSession) -> Response:
    authorize(user.principal, MEMBERS_MANAGE, Node.federation())
    return _member_form(request, session, user.principal, None, {}, FormErrors())


@router.post("/members/new")
def create_member(request: Request, user: PageUser, session: DbSession, form: CsrfForm) -> Response:
    t = translator(request)
    values = form_values(form, lists=["sponsor_ids"])
    member, errors = attempt(
        session,
        t.locale,
        MEMBER_FIELDS,
        lambda: service.create_member(session, user.principal, parse(MemberIn, values)),
    )
    if member is None:
        return _member_form(request, session, user.principal, None, values, errors)
    session.commit()
    return redirect(f"/members/{member.id}", flash=N_("The member was created."))


@router.get("/members/{member_id}")
def member_page(
    request: Request, member_id: uuid.UUID, user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    p = user.principal
    member = service.get_member(session, p, member_id)
    countries = country_names(session, t.locale)
    orgs = service.list_organisations(session, p, member_id=member.id, limit=500).items
    contacts = service.list_contacts(session, p, member_id=member.id, limit=500).items
    groups = service.list_working_groups(session, p)
    memberships = service.wg_memberships(session, [g.id for g in groups])
    own_groups = [
        (g, m.role) for g in groups for m, _ in memberships[g.id] if m.member_id == member.id
    ]
    names = {member.id: member.name}
    context = {
        "member": member,
        "country": countries.get(member.country_code, member.country_code),
        "class_label": t.label(CLASS_LABELS, member.membership_class),
        "status_label": t.label(STATUS_LABELS, member.status),
        "voting": service.is_voting(member),
        "organisations": organisations_table(t, orgs, countries, names),
        "contacts": contacts_table(t, [c for c in contacts if c.organisation_id is None], names),
        "groups": own_groups,
        "can_edit": p.can(REGISTRY_WRITE, Node.member(member.id)),
        "can_add": p.can(REGISTRY_WRITE, Node.member(member.id)),
    }
    return render(request, "registry/member.html", context)


@router.get("/members/{member_id}/edit")
def edit_member_page(
    request: Request, member_id: uuid.UUID, user: PageUser, session: DbSession
) -> Response:
    member = service.get_member(session, user.principal, member_id)
    authorize(user.principal, REGISTRY_WRITE, Node.member(member.id))
    values: dict[str, Any] = {name: getattr(member, name, None) for name in MEMBER_FIELDS}
    values["sponsor_ids"] = [str(s.id) for s in member.sponsors]
    return _member_form(request, session, user.principal, member, values, FormErrors())


def _member_edit_fields(principal: Principal) -> list[str]:
    if principal.can(MEMBERS_MANAGE, Node.federation()):
        return list(MEMBER_FIELDS)
    return [f for f in MEMBER_FIELDS if f in service.MEMBER_SELF_FIELDS]


@router.post("/members/{member_id}/edit")
def update_member(
    request: Request, member_id: uuid.UUID, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    t = translator(request)
    member = service.get_member(session, user.principal, member_id)
    shown = _member_edit_fields(user.principal)
    raw = form_values(
        form,
        lists=["sponsor_ids"] if "sponsor_ids" in shown else [],
        keep_empty=["short_name", "website", "public_key", "joined_on"],
    )
    values = {k: v for k, v in raw.items() if k in shown}
    required = [f for f in ("name", "country_code", "membership_class", "status") if f in shown]
    updated, errors = attempt(
        session,
        t.locale,
        MEMBER_FIELDS,
        lambda: service.update_member(
            session, user.principal, member.id, parse(MemberPatch, values, required)
        ),
    )
    if updated is None:
        return _member_form(request, session, user.principal, member, raw, errors)
    session.commit()
    return redirect(f"/members/{member.id}", flash=N_("Your changes were saved."))


def _member_form(
    request: Request,
    session: DbSession,
    principal: Principal,
    member: Member | None,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    t = translator(request)
    countries = country_names(session, t.locale)
    sponsors = [
        (str(m.id), m.name)
        for m in every_page(lambda c: service.list_members(session, principal, cursor=c))
        if service.is_voting(m) and m.status == "active" and (member is None or m.id != member.id)
    ]
    context = {
        "member": member,
        "values": values,
        "errors": errors,
        "labels": labels_of(t, MEMBER_FIELDS),
        "fields": list(MEMBER_FIELDS) if member is None else _member_edit_fields(principal),
        "country_options": country_options(countries),
        "class_options": t.options(CLASS_LABELS),
        "status_options": t.options(STATUS_LABELS),
        "sponsor_options": sponsors,
    }
    return render(request, "registry/member_form.html", context, status_code=422 if errors else 200)


# --- organisations ----------------------------------------------------------------------


def organisations_table(
    t: Translator,
    orgs: Iterable[Organisation],
    countries: dict[str, str],
    members: dict[uuid.UUID, str],
) -> Table:
    table = Table(
        t(N_("Organisations")),
        [
            Column("name", t(N_("Name"))),
            Column("member", t(N_("Member"))),
            Column("country", t(N_("Country"))),
            Column("sector", t(N_("Sector"))),
            Column("size", t(N_("Size"))),
            Column("critical", t(N_("Critical infrastructure"))),
        ],
    )
    for o in orgs:
        table.add(
            [
                o.name,
                members.get(o.member_id, ""),
                countries.get(o.country_code, o.country_code),
                t.label(SECTOR_LABELS, o.sector),
                t.label(SIZE_LABELS, o.size_band),
                t(YES) if o.critical_infrastructure else t(NO),
            ],
            links={"name": f"/organisations/{o.id}", "member": f"/members/{o.member_id}"},
        )
    return table


def _writable_members(session: DbSession, principal: Principal) -> list[tuple[str, str]]:
    names = member_names(session)
    allowed = [
        (str(m_id), name)
        for m_id, name in names.items()
        if principal.can(REGISTRY_WRITE, Node.member(m_id))
    ]
    return sorted(allowed, key=lambda option: option[1])


@router.get("/organisations")
def organisations_page(
    request: Request,
    user: PageUser,
    session: DbSession,
    member_id: str = "",
    sector: str = "",
    cursor: str | None = None,
    format: str | None = None,
) -> Response:
    t = translator(request)
    countries = country_names(session, t.locale)
    members = member_names(session)
    member_filter = _uuid_or_none(member_id)

    def fetch(at: str | None) -> Page[Organisation]:
        return service.list_organisations(
            session,
            user.principal,
            member_id=member_filter,
            sector=sector or None,
            cursor=at,
            limit=PAGE_SIZE,
        )

    if format:
        table = organisations_table(t, every_page(fetch), countries, members)
        return export_response(table, format, "organisations", rtl=t.rtl)
    page = fetch(cursor)
    visible = user.principal.visible(REGISTRY_READ)
    member_options = sorted(
        ((str(i), n) for i, n in members.items() if visible.everything or i in visible.member_ids),
        key=lambda option: option[1],
    )
    context = {
        "table": organisations_table(t, page.items, countries, members),
        "next_cursor": page.next_cursor,
        "query": query_string(member_id=member_id, sector=sector),
        "member_id": member_id,
        "sector": sector,
        "member_options": member_options,
        "sector_options": t.options(SECTOR_LABELS),
        "can_create": bool(_writable_members(session, user.principal)),
    }
    return render(request, "registry/organisations.html", context)


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@router.get("/organisations/new")
def new_organisation_page(
    request: Request, user: PageUser, session: DbSession, member_id: str = ""
) -> Response:
    if not _writable_members(session, user.principal):
        authorize(user.principal, REGISTRY_WRITE, Node.federation())  # raises: a 403 page
    values = {"member_id": member_id, "size_band": "medium"}
    return _organisation_form(request, session, user.principal, None, values, FormErrors())


@router.post("/organisations/new")
def create_organisation(
    request: Request, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    t = translator(request)
    values = form_values(form, booleans=["critical_infrastructure"])
    org, errors = attempt(
        session,
        t.locale,
        ORG_FIELDS,
        lambda: service.create_organisation(session, user.principal, parse(OrganisationIn, values)),
    )
    if org is None:
        return _organisation_form(request, session, user.principal, None, values, errors)
    session.commit()
    return redirect(f"/organisations/{org.id}", flash=N_("The organisation was created."))


@router.get("/organisations/{org_id}")
def organisation_page(
    request: Request, org_id: uuid.UUID, user: PageUser, session: DbSession
) -> Response:
    t = translator(request)
    p = user.principal
    org = service.get_organisation(session, p, org_id)  # another tenant's: a 404 page
    countries = country_names(session, t.locale)
    contacts: list[Contact] = service.list_contacts(
        session, p, organisation_id=org.id, limit=500
    ).items
    member_name = service.get_member(session, p, org.member_id).name
    context = {
        "org": org,
        "member_name": member_name,
        "country": countries.get(org.country_code, org.country_code),
        "sector_label": t.label(SECTOR_LABELS, org.sector),
        "size_label": t.label(SIZE_LABELS, org.size_band),
        "contacts": contacts_table(t, contacts, {org.member_id: member_name}, {org.id: org.name}),
        "can_edit": p.can(REGISTRY_WRITE, Node.organisation(org.member_id, org.id)),
        "can_delete": p.can(REGISTRY_WRITE, Node.member(org.member_id)),
    }
    return render(request, "registry/organisation.html", context)


@router.get("/organisations/{org_id}/edit")
def edit_organisation_page(
    request: Request, org_id: uuid.UUID, user: PageUser, session: DbSession
) -> Response:
    org = service.get_organisation(session, user.principal, org_id)
    authorize(user.principal, REGISTRY_WRITE, Node.organisation(org.member_id, org.id))
    values = {name: getattr(org, name) for name in ORG_FIELDS if hasattr(org, name)}
    return _organisation_form(request, session, user.principal, org, values, FormErrors())


@router.post("/organisations/{org_id}/edit")
def update_organisation(
    request: Request, org_id: uuid.UUID, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    t = translator(request)
    org = service.get_organisation(session, user.principal, org_id)
    values = form_values(form, booleans=["critical_infrastructure"], keep_empty=["website"])
    values.pop("member_id", None)  # an organisation does not move between members
    required = ["name", "country_code", "sector", "size_band"]
    updated, errors = attempt(
        session,
        t.locale,
        ORG_FIELDS,
        lambda: service.update_organisation(
            session, user.principal, org.id, parse(OrganisationPatch, values, required)
        ),
    )
    if updated is None:
        return _organisation_form(request, session, user.principal, org, values, errors)
    session.commit()
    return redirect(f"/organisations/{org.id}", flash=N_("Your changes were saved."))


@router.get("/organisations/{org_id}/delete")
def delete_organisation_page(
    request: Request, org_id: uuid.UUID, user: PageUser, session: DbSession
) -> Response:
    org = service.get_organisation(session, user.principal, org_id)
    authorize(user.principal, REGISTRY_WRITE, Node.member(org.member_id))
    context = {"name": org.name, "action": f"/organisations/{org.id}/delete"}
    context["back"] = f"/organisations/{org.id}"
    return render(request, "registry/confirm_delete.html", context)


@router.post("/organisations/{org_id}/delete")
def delete_organisation(
    request: Request, org_id: uuid.UUID, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    org = service.get_organisation(session, user.principal, org_id)
    member_id = org.member_id
    service.delete_organisation(session, user.principal, org.id)
    session.commit()
    return redirect(f"/members/{member_id}", flash=N_("The organisation was deleted."))


def _organisation_form(
    request: Request,
    session: DbSession,
    principal: Principal,
    org: Organisation | None,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    t = translator(request)
    countries = country_names(session, t.locale)
    context = {
        "org": org,
        "values": values,
        "errors": errors,
        "labels": labels_of(t, ORG_FIELDS),
        "member_options": _writable_members(session, principal),
        "country_options": country_options(countries),
        "sector_options": t.options(SECTOR_LABELS),
        "size_options": t.options(SIZE_LABELS),
    }
    status = 422 if errors else 200
    return render(request, "registry/organisation_form.html", context, status_code=status)
