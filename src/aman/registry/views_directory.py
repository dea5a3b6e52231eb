"""Web pages of the federation's directory: contacts and working groups."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request, Response

from aman.auth.deps import DbSession
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import MEMBERS_MANAGE, REGISTRY_WRITE
from aman.pagination import Page
from aman.registry import service
from aman.registry.models import Contact, Organisation, WorkingGroup
from aman.registry.schemas import (
    ContactIn,
    ContactPatch,
    WGMemberIn,
    WorkingGroupIn,
    WorkingGroupPatch,
)
from aman.registry.view_labels import (
    CONTACT_ROLE_LABELS,
    NO,
    WG_DOMAIN_LABELS,
    WG_ROLE_LABELS,
    YES,
    member_names,
    organisation_names,
)
from aman.web import nav
from aman.web.auth import PageUser
from aman.web.forms import CsrfForm, FormErrors, attempt, form_values, parse
from aman.web.i18n import N_, Translator, translator
from aman.web.render import page_router, redirect, render
from aman.web.tables import Column, Table, every_page, export_response, query_string

router = page_router()
STALE_DAYS = 180

nav.register(
    nav.NavItem(
        "contacts",
        N_("Contacts"),
        "/contacts",
        40,
        nav.community,
        N_("Points of contact of the members, with their last verification."),
    )
)
nav.register(
    nav.NavItem(
        "working-groups",
        N_("Working groups"),
        "/working-groups",
        50,
        nav.community,
        N_("The federation's working groups and the members in each."),
    )
)

CONTACT_FIELDS = {
    "member_id": N_("Member"),
    "organisation_id": N_("Organisation"),
    "name": N_("Name"),
    "role": N_("Role"),
    "email": N_("E-mail address"),
    "phone": N_("Telephone"),
    "pgp_fingerprint": N_("OpenPGP fingerprint"),
    "available_24_7": N_("Reachable 24/7"),
}
WG_FIELDS = {
    "name": N_("Name"),
    "domain": N_("Domain"),
    "description": N_("Description"),
    "members": N_("Members"),
    "co_leads": N_("Co-leads"),
}


def _labels(t: Translator, fields: dict[str, str]) -> dict[str, str]:
    return {name: t(msgid) for name, msgid in fields.items()}


# --- contacts ---------------------------------------------------------------------------


def contacts_table(
    t: Translator,
    contacts: Iterable[Contact],
    members: Mapping[uuid.UUID, str],
    orgs: Mapping[uuid.UUID, str] | None = None,
) -> Table:
    table = Table(
        t(N_("Contacts")),
        [
            Column("name", t(N_("Name"))),
            Column("member", t(N_("Member"))),
            Column("organisation", t(N_("Organisation"))),
            Column("role", t(N_("Role"))),
            Column("email", t(N_("E-mail address")), ltr=True),
            Column("phone", t(N_("Telephone")), ltr=True),
            Column("available_24_7", t(N_("Reachable 24/7"))),
            Column("last_verified_at", t(N_("Last verified"))),
        ],
    )
    orgs = orgs or {}
    for c in contacts:
        links = {"name": f"/contacts/{c.id}/edit", "member": f"/members/{c.member_id}"}
        if c.organisation_id:
            links["organisation"] = f"/organisations/{c.organisation_id}"
        table.add(
            [
                c.name,
                members.get(c.member_id, ""),
                orgs.get(c.organisation_id, "") if c.organisation_id else "",
                t.label(CONTACT_ROLE_LABELS, c.role),
                c.email,
                c.phone,
                t(YES) if c.available_24_7 else t(NO),
                c.last_verified_at,
            ],
            links=links,
            display={
                "last_verified_at": t.fmt.date(c.last_verified_at)
                if c.last_verified_at
                else t(N_("Never"))
            },
        )
    return table


@router.get("/contacts")
def contacts_page(
    request: Request,
    user: PageUser,
    session: DbSession,
    member_id: str = "",
    stale: str = "",
    cursor: str | None = None,
    format: str | None = None,
) -> Response:
    t = translator(request)
    members = member_names(session)
    member_filter = _uuid_or_none(member_id)

    def fetch(at: str | None) -> Page[Contact]:
        if stale:
            found = service.stale_contacts(session, user.principal, STALE_DAYS, member_filter)
            return Page(found, None)
        return service.list_contacts(
            session, user.principal, member_id=member_filter, cursor=at, limit=100
        )

    rows = list(every_page(fetch)) if format else None
    page = fetch(cursor) if rows is None else Page(rows, None)
    orgs = organisation_names(session, {c.organisation_id for c in page.items if c.organisation_id})
    table = contacts_table(t, page.items, members, orgs)
    if format:
        return export_response(table, format, "contacts", rtl=t.rtl)
    context = {
        "table": table,
        "next_cursor": page.next_cursor,
        "query": query_string(member_id=member_id, stale=stale),
        "member_id": member_id,
        "stale": bool(stale),
        "stale_days": STALE_DAYS,
        "member_options": sorted(((str(i), n) for i, n in members.items()), key=lambda o: o[1]),
        "can_create": not user.principal.visible(REGISTRY_WRITE).nothing,
    }
    return render(request, "registry/contacts.html", context)


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _contact_choices(
    session: DbSession, principal: Principal
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Members and organisations where the principal may add contacts."""
    names = member_names(session)
    members = sorted(
        ((str(i), n) for i, n in names.items() if principal.can(REGISTRY_WRITE, Node.member(i))),
        key=lambda o: o[1],
    )
    orgs: list[Organisation] = list(
        every_page(lambda c: service.list_organisations(session, principal, cursor=c, limit=500))
    )
    org_options = [
        (str(o.id), f"{o.name} — {names.get(o.member_id, '')}")
        for o in orgs
        if principal.can(REGISTRY_WRITE, Node.organisation(o.member_id, o.id))
    ]
    return members, org_options


@router.get("/contacts/new")
def new_contact_page(
    request: Request,
    user: PageUser,
    session: DbSession,
    member_id: str = "",
    organisation_id: str = "",
) -> Response:
    if user.principal.visible(REGISTRY_WRITE).nothing:
        authorize(user.principal, REGISTRY_WRITE, Node.federation())  # a 403 page
    values = {"member_id": member_id, "organisation_id": organisation_id, "role": "primary"}
    return _contact_form(request, session, user.principal, None, values, FormErrors())


@router.post("/contacts/new")
def create_contact(
    request: Request, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    t = translator(request)
    values = form_values(form, booleans=["available_24_7"])
    contact, errors = attempt(
        session,
        t.locale,
        CONTACT_FIELDS,
        lambda: service.create_contact(session, user.principal, parse(ContactIn, values)),
    )
    if contact is None:
        return _contact_form(request, session, user.principal, None, values, errors)
    session.commit()
    return redirect(_contact_home(contact), flash=N_("The contact was added."))


def _contact_home(contact: Contact) -> str:
    if contact.organisation_id:
        return f"/organisations/{contact.organisation_id}"
    return f"/members/{contact.member_id}"


@router.get("/contacts/{contact_id}/edit")
def edit_contact_page(
    request: Request, contact_id: uuid.UUID, user: PageUser, session: DbSession
) -> Response:
    contact = service.get_contact(session, user.principal, contact_id)
    values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    return _contact_form(request, session, user.principal, contact, values, FormErrors())


@router.post("/contacts/{contact_id}/edit")
def update_contact(
    request: Request, contact_id: uuid.UUID, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    t = translator(request)
    contact = service.get_contact(session, user.principal, contact_id)
    values = form_values(form, booleans=["available_24_7"], keep_empty=["phone", "pgp_fingerprint"])
    patch = {k: v for k, v in values.items() if k not in ("member_id", "organisation_id")}
    updated, errors = attempt(
        session,
        t.locale,
        CONTACT_FIELDS,
        lambda: service.update_contact(
            session,
            user.principal,
            contact.id,
            parse(ContactPatch, patch, ["name", "role", "email"]),
        ),
    )
    if updated is None:
        return _contact_form(request, session, user.principal, contact, values, errors)
    session.commit()
    return redirect(_contact_home(contact), flash=N_("Your changes were saved."))


@router.post("/contacts/{contact_id}/verify")
def verify_contact(
    request: Request, contact_id: uuid.UUID, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    contact = service.verify_contact(session, user.principal, contact_id)
    session.commit()
    return redirect(_contact_home(contact), flash=N_("The contact was marked as verified today."))


@router.post("/contacts/{contact_id}/delete")
def delete_contact(
    request: Request, contact_id: uuid.UUID, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    contact = service.get_contact(session, user.principal, contact_id)
    home = _contact_home(contact)
    service.delete_contact(session, user.principal, contact.id)
    session.commit()
    return redirect(home, flash=N_("The contact was deleted."))


def _contact_form(
    request: Request,
    session: DbSession,
    principal: Principal,
    contact: Contact | None,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    t = translator(request)
    members, orgs = _contact_choices(session, principal)
    can_write = contact is not None and principal.can(
        REGISTRY_WRITE, Node(contact.member_id, contact.organisation_id)
    )
    context = {
        "contact": contact,
        "values": values,
        "errors": errors,
        "labels": _labels(t, CONTACT_FIELDS),
        "member_options": members,
        "org_options": orgs,
        "role_options": t.options(CONTACT_ROLE_LABELS),
        "read_only": contact is not None and not can_write,
        "member_name": member_names(session).get(contact.member_id) if contact else None,
    }
    status = 422 if errors else 200
    return render(request, "registry/contact_form.html", context, status_code=status)


# --- working groups ---------------------------------------------------------------------


def groups_table(
    t: Translator, groups: list[WorkingGroup], memberships: dict[uuid.UUID, list[Any]]
) -> Table:
    table = Table(
        t(N_("Working groups")),
        [
            Column("name", t(N_("Name"))),
            Column("domain", t(N_("Domain"))),
            Column("co_leads", t(N_("Co-leads"))),
            Column("members", t(N_("Members")), numeric=True),
        ],
    )
    for g in groups:
        rows = memberships.get(g.id, [])
        leads = ", ".join(name for m, name in rows if m.role == "co-lead")
        table.add(
            [g.name, t.label(WG_DOMAIN_LABELS, g.domain), leads, len(rows)],
            links={"name": f"/working-groups/{g.id}"},
        )
    return table


@router.get("/working-groups")
def groups_page(
    request: Request, user: PageUser, session: DbSession, format: str | None = None
) -> Response:
    t = translator(request)
    groups = service.list_working_groups(session, user.principal)
    memberships = service.wg_memberships(session, [g.id for g in groups])
    table = groups_table(t, groups, memberships)
    if format:
        return export_response(table, format, "working-groups", rtl=t.rtl)
    can_create = user.principal.can(MEMBERS_MANAGE, Node.federation())
    return render(
        request, "registry/working_groups.html", {"table": table, "can_create": can_create}
    )


@router.get("/working-groups/new")
def new_group_page(request: Request, user: PageUser, session: DbSession) -> Response:
    authorize(user.principal, MEMBERS_MANAGE, Node.federation())
    return _group_form(request, session, None, {"domain": "other"}, FormErrors())


def _group_members(form: CsrfForm) -> list[WGMemberIn]:
    leads = [v for v in form.getlist("co_leads") if isinstance(v, str) and v]
    others = [v for v in form.getlist("members") if isinstance(v, str) and v and v not in leads]
    entries: list[WGMemberIn] = []
    for role, ids in (("co-lead", leads), ("member", others)):
        for raw in ids:
            member_id = _uuid_or_none(raw)
            if member_id is not None:
                entries.append(WGMemberIn(member_id=member_id, role=role))
    return entries


@router.post("/working-groups/new")
def create_group(request: Request, user: PageUser, session: DbSession, form: CsrfForm) -> Response:
    t = translator(request)
    values = form_values(form, lists=["members", "co_leads"])
    data = {k: v for k, v in values.items() if k not in ("members", "co_leads")}
    group, errors = attempt(
        session,
        t.locale,
        WG_FIELDS,
        lambda: service.create_working_group(
            session,
            user.principal,
            parse(WorkingGroupIn, {**data, "members": _group_members(form)}),
        ),
    )
    if group is None:
        return _group_form(request, session, None, values, errors)
    session.commit()
    return redirect(f"/working-groups/{group.id}", flash=N_("The working group was created."))


@router.get("/working-groups/{wg_id}")
def group_page(request: Request, wg_id: uuid.UUID, user: PageUser, session: DbSession) -> Response:
    t = translator(request)
    group = service.get_working_group(session, user.principal, wg_id)
    rows = service.wg_memberships(session, [group.id])[group.id]
    members = [(m.member_id, name, t.label(WG_ROLE_LABELS, m.role)) for m, name in rows]
    context = {
        "group": group,
        "domain_label": t.label(WG_DOMAIN_LABELS, group.domain),
        "members": members,
        "can_edit": user.principal.can(MEMBERS_MANAGE, Node.federation()),
    }
    return render(request, "registry/working_group.html", context)


@router.get("/working-groups/{wg_id}/edit")
def edit_group_page(
    request: Request, wg_id: uuid.UUID, user: PageUser, session: DbSession
) -> Response:
    authorize(user.principal, MEMBERS_MANAGE, Node.federation())
    group = service.get_working_group(session, user.principal, wg_id)
    rows = service.wg_memberships(session, [group.id])[group.id]
    values = {
        "name": group.name,
        "domain": group.domain,
        "description": group.description,
        "members": [str(m.member_id) for m, _ in rows],
        "co_leads": [str(m.member_id) for m, _ in rows if m.role == "co-lead"],
    }
    return _group_form(request, session, group, values, FormErrors())


@router.post("/working-groups/{wg_id}/edit")
def update_group(
    request: Request, wg_id: uuid.UUID, user: PageUser, session: DbSession, form: CsrfForm
) -> Response:
    t = translator(request)
    group = service.get_working_group(session, user.principal, wg_id)
    values = form_values(form, lists=["members", "co_leads"], keep_empty=["description"])
    data = {k: v for k, v in values.items() if k not in ("members", "co_leads")}
    data["description"] = data.get("description") or ""
    updated, errors = attempt(
        session,
        t.locale,
        WG_FIELDS,
        lambda: service.update_working_group(
            session,
            user.principal,
            group.id,
            parse(WorkingGroupPatch, {**data, "members": _group_members(form)}, ["name"]),
        ),
    )
    if updated is None:
        return _group_form(request, session, group, values, errors)
    session.commit()
    return redirect(f"/working-groups/{group.id}", flash=N_("Your changes were saved."))


def _group_form(
    request: Request,
    session: DbSession,
    group: WorkingGroup | None,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    t = translator(request)
    options = sorted(((str(i), n) for i, n in member_names(session).items()), key=lambda o: o[1])
    context = {
        "group": group,
        "values": values,
        "errors": errors,
        "labels": _labels(t, WG_FIELDS),
        "domain_options": t.options(WG_DOMAIN_LABELS),
        "member_options": options,
    }
    status = 422 if errors else 200
    return render(request, "registry/working_group_form.html", context, status_code=status)
