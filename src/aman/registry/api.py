"""Registry API: federation, countries, members, organisations, contacts, working groups."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, UploadFile

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.errors import FieldError, InvalidInput
from aman.pagination import PageOut
from aman.registry import csv_import, service
from aman.registry.models import Member, WorkingGroup
from aman.registry.schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    CountryOut,
    FederationOut,
    FederationPatch,
    ImportReport,
    MemberIn,
    MemberOut,
    MemberPatch,
    MemberRef,
    MemberStatus,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    Sector,
    WGMemberOut,
    WorkingGroupIn,
    WorkingGroupOut,
    WorkingGroupPatch,
)

router = APIRouter(tags=["registry"])
Limit = Annotated[int | None, Query(ge=1, le=500)]


def member_out(member: Member) -> MemberOut:
    return MemberOut(
        id=member.id,
        name=member.name,
        short_name=member.short_name,
        country_code=member.country_code,
        membership_class=member.membership_class,
        voting=service.is_voting(member),
        status=member.status,
        joined_on=member.joined_on,
        website=member.website,
        public_key=member.public_key,
        sponsors=[MemberRef.model_validate(s) for s in member.sponsors],
        created_at=member.created_at,
    )


def wg_out(session: DbSession, groups: list[WorkingGroup]) -> list[WorkingGroupOut]:
    memberships = service.wg_memberships(session, [g.id for g in groups])
    return [
        WorkingGroupOut(
            id=g.id,
            name=g.name,
            domain=g.domain,
            description=g.description,
            members=[
                WGMemberOut(member_id=m.member_id, member_name=name, role=m.role)
                for m, name in memberships[g.id]
            ],
        )
        for g in groups
    ]


def _csv_text(file: UploadFile) -> str:
    raw = file.file.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "the file is not UTF-8 text",
            [FieldError("file", f"invalid byte at offset {exc.start}")],
        ) from exc


@router.get("/federation", response_model=FederationOut)
def get_federation(principal: CurrentPrincipal, session: DbSession) -> FederationOut:
    service.list_working_groups(session, principal)  # community check
    return FederationOut.model_validate(service.get_federation(session))


@router.patch("/federation", response_model=FederationOut)
def update_federation(
    data: FederationPatch, principal: CurrentPrincipal, session: DbSession
) -> FederationOut:
    return FederationOut.model_validate(service.update_federation(session, principal, data))


@router.get("/countries", response_model=list[CountryOut], summary="ISO 3166-1 countries")
def list_countries(session: DbSession, oic: bool = False) -> list[CountryOut]:
    return [CountryOut.model_validate(c) for c in service.list_countries(session, oic)]


@router.get("/members", response_model=PageOut[MemberOut])
def list_members(
    principal: CurrentPrincipal,
    session: DbSession,
    country: str | None = None,
    status: MemberStatus | None = None,
    cursor: str | None = None,
    limit: Limit = None,
) -> PageOut[MemberOut]:
    page = service.list_members(
        session, principal, country=country, status=status, cursor=cursor, limit=limit
    )
    return PageOut(items=[member_out(m) for m in page.items], next_cursor=page.next_cursor)


@router.post("/members", response_model=MemberOut, status_code=201)
def create_member(data: MemberIn, principal: CurrentPrincipal, session: DbSession) -> MemberOut:
    return member_out(service.create_member(session, principal, data))


@router.get("/members/{member_id}", response_model=MemberOut)
def get_member(member_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> MemberOut:
    return member_out(service.get_member(session, principal, member_id))


@router.patch("/members/{member_id}", response_model=MemberOut)
def update_member(
    member_id: uuid.UUID, data: MemberPatch, principal: CurrentPrincipal, session: DbSession
) -> MemberOut:
    return member_out(service.update_member(session, principal, member_id, data))


@router.get("/organisations", response_model=PageOut[OrganisationOut])
def list_organisations(
    principal: CurrentPrincipal,
    session: DbSession,
    member_id: uuid.UUID | None = None,
    sector: Sector | None = None,
    cursor: str | None = None,
    limit: Limit = None,
) -> PageOut[OrganisationOut]:
    page = service.list_organisations(
        session, principal, member_id=member_id, sector=sector, cursor=cursor, limit=limit
    )
    return PageOut(
        items=[OrganisationOut.model_validate(o) for o in page.items], next_cursor=page.next_cursor
    )


@router.post("/organisations", response_model=OrganisationOut, status_code=201)
def create_organisation(
    data: OrganisationIn, principal: CurrentPrincipal, session: DbSession
) -> OrganisationOut:
    return OrganisationOut.model_validate(service.create_organisation(session, principal, data))


@router.post(
    "/organisations/import",
    response_model=ImportReport,
    summary="Import organisations from CSV (all rows valid, or nothing written)",
)
def import_organisations(
    file: UploadFile, principal: CurrentPrincipal, session: DbSession
) -> ImportReport:
    return csv_import.import_organisations(session, principal, _csv_text(file))


@router.get("/organisations/{org_id}", response_model=OrganisationOut)
def get_organisation(
    org_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> OrganisationOut:
    return OrganisationOut.model_validate(service.get_organisation(session, principal, org_id))


@router.patch("/organisations/{org_id}", response_model=OrganisationOut)
def update_organisation(
    org_id: uuid.UUID, data: OrganisationPatch, principal: CurrentPrincipal, session: DbSession
) -> OrganisationOut:
    org = service.update_organisation(session, principal, org_id, data)
    return OrganisationOut.model_validate(org)


@router.delete("/organisations/{org_id}", status_code=204)
def delete_organisation(org_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> None:
    service.delete_organisation(session, principal, org_id)


@router.get("/contacts", response_model=PageOut[ContactOut])
def list_contacts(
    principal: CurrentPrincipal,
    session: DbSession,
    member_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Limit = None,
) -> PageOut[ContactOut]:
    page = service.list_contacts(
        session,
        principal,
        member_id=member_id,
        organisation_id=organisation_id,
        cursor=cursor,
        limit=limit,
    )
    return PageOut(
        items=[ContactOut.model_validate(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/contacts/stale",
    response_model=list[ContactOut],
    summary="Contacts not verified within `days` days",
)
def stale_contacts(
    principal: CurrentPrincipal,
    session: DbSession,
    days: Annotated[int, Query(ge=0, le=3650)] = 180,
    member_id: uuid.UUID | None = None,
) -> list[ContactOut]:
    rows = service.stale_contacts(session, principal, days, member_id)
    return [ContactOut.model_validate(c) for c in rows]


@router.post("/contacts", response_model=ContactOut, status_code=201)
def create_contact(data: ContactIn, principal: CurrentPrincipal, session: DbSession) -> ContactOut:
    return ContactOut.model_validate(service.create_contact(session, principal, data))


@router.post(
    "/contacts/import",
    response_model=ImportReport,
    summary="Import contacts from CSV (all rows valid, or nothing written)",
)
def import_contacts(
    file: UploadFile, principal: CurrentPrincipal, session: DbSession
) -> ImportReport:
    return csv_import.import_contacts(session, principal, _csv_text(file))


@router.get("/contacts/{contact_id}", response_model=ContactOut)
def get_contact(
    contact_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> ContactOut:
    return ContactOut.model_validate(service.get_contact(session, principal, contact_id))


@router.patch("/contacts/{contact_id}", response_model=ContactOut)
def update_contact(
    contact_id: uuid.UUID, data: ContactPatch, principal: CurrentPrincipal, session: DbSession
) -> ContactOut:
    return ContactOut.model_validate(service.update_contact(session, principal, contact_id, data))


@router.post(
    "/contacts/{contact_id}/verify",
    response_model=ContactOut,
    summary="Record a successful verification of the contact now",
)
def verify_contact(
    contact_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> ContactOut:
    return ContactOut.model_validate(service.verify_contact(session, principal, contact_id))


@router.delete("/contacts/{contact_id}", status_code=204)
def delete_contact(contact_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> None:
    service.delete_contact(session, principal, contact_id)


@router.get("/working-groups", response_model=list[WorkingGroupOut])
def list_working_groups(principal: CurrentPrincipal, session: DbSession) -> list[WorkingGroupOut]:
    return wg_out(session, service.list_working_groups(session, principal))


@router.post("/working-groups", response_model=WorkingGroupOut, status_code=201)
def create_working_group(
    data: WorkingGroupIn, principal: CurrentPrincipal, session: DbSession
) -> WorkingGroupOut:
    return wg_out(session, [service.create_working_group(session, principal, data)])[0]


@router.get("/working-groups/{wg_id}", response_model=WorkingGroupOut)
def get_working_group(
    wg_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> WorkingGroupOut:
    return wg_out(session, [service.get_working_group(session, principal, wg_id)])[0]


@router.patch("/working-groups/{wg_id}", response_model=WorkingGroupOut)
def update_working_group(
    wg_id: uuid.UUID, data: WorkingGroupPatch, principal: CurrentPrincipal, session: DbSession
) -> WorkingGroupOut:
    return wg_out(session, [service.update_working_group(session, principal, wg_id, data)])[0]


@router.delete("/working-groups/{wg_id}", status_code=204)
def delete_working_group(wg_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> None:
    service.delete_working_group(session, principal, wg_id)
