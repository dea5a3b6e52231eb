"""`aman members`, `aman orgs`, `aman contacts`, `aman wg`, `aman countries`."""

from __future__ import annotations

import uuid
from pathlib import Path

import typer

from aman.cli_support import JsonOption, console, db, emit, emit_one, handle_errors, operator
from aman.errors import FieldError, InvalidInput
from aman.registry import csv_import, service
from aman.registry.api import member_out
from aman.registry.schemas import (
    ContactOut,
    CountryOut,
    MemberIn,
    MembershipClass,
    OrganisationIn,
    OrganisationOut,
    Sector,
    SizeBand,
)

members_app = typer.Typer(help="Member bodies (national CERTs and others)", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations of the members' constituencies", no_args_is_help=True)
contacts_app = typer.Typer(help="Points of contact", no_args_is_help=True)
wg_app = typer.Typer(help="Working groups", no_args_is_help=True)
countries_app = typer.Typer(help="ISO 3166-1 countries", no_args_is_help=True)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}", [FieldError("file", str(exc))]) from exc


@members_app.command("list")
@handle_errors
def list_members(country: str | None = None, as_json: bool = JsonOption) -> None:
    with db() as session:
        rows, cursor = [], None
        while True:
            page = service.list_members(
                session, operator(), country=country, cursor=cursor, limit=500
            )
            rows += [member_out(m) for m in page.items]
            if not (cursor := page.next_cursor):
                break
    emit(
        rows,
        ["name", "country_code", "membership_class", "voting", "status", "id"],
        as_json,
        "Members",
    )


@members_app.command("show")
@handle_errors
def show_member(member_id: uuid.UUID, as_json: bool = JsonOption) -> None:
    with db() as session:
        emit_one(member_out(service.get_member(session, operator(), member_id)), as_json)


@members_app.command("create")
@handle_errors
def create_member(
    name: str,
    country: str = typer.Option(..., help="ISO alpha-2 code"),
    membership_class: MembershipClass = typer.Option("full", "--class"),
    sponsor: list[uuid.UUID] = typer.Option([], help="Sponsor member id"),
) -> None:
    with db() as session:
        member = service.create_member(
            session,
            operator(),
            MemberIn(
                name=name,
                country_code=country,
                membership_class=membership_class,
                sponsor_ids=sponsor,
            ),
        )
        console.print(f"created member {member.name} ({member.id})")


@orgs_app.command("list")
@handle_errors
def list_orgs(
    member: uuid.UUID | None = None, sector: Sector | None = None, as_json: bool = JsonOption
) -> None:
    with db() as session:
        rows, cursor = [], None
        while True:
            page = service.list_organisations(
                session, operator(), member_id=member, sector=sector, cursor=cursor, limit=500
            )
            rows += [OrganisationOut.model_validate(o) for o in page.items]
            if not (cursor := page.next_cursor):
                break
    emit(
        rows,
        ["name", "country_code", "sector", "size_band", "critical_infrastructure", "id"],
        as_json,
        "Organisations",
    )


@orgs_app.command("create")
@handle_errors
def create_org(
    name: str,
    member: uuid.UUID = typer.Option(...),
    sector: Sector = typer.Option(...),
    size: SizeBand = typer.Option("medium"),
    critical: bool = False,
) -> None:
    with db() as session:
        org = service.create_organisation(
            session,
            operator(),
            OrganisationIn(
                member_id=member,
                name=name,
                sector=sector,
                size_band=size,
                critical_infrastructure=critical,
            ),
        )
        console.print(f"created organisation {org.name} ({org.id})")


@orgs_app.command("import")
@handle_errors
def import_orgs(path: Path) -> None:
    """Import organisations from CSV.

    Columns: member, name, country, sector, size_band, critical_infrastructure, website."""
    with db() as session:
        report = csv_import.import_organisations(session, operator(), _read_text(path))
    console.print(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
    )


@contacts_app.command("list")
@handle_errors
def list_contacts(member: uuid.UUID | None = None, as_json: bool = JsonOption) -> None:
    with db() as session:
        rows, cursor = [], None
        while True:
            page = service.list_contacts(
                session, operator(), member_id=member, cursor=cursor, limit=500
            )
            rows += [ContactOut.model_validate(c) for c in page.items]
            if not (cursor := page.next_cursor):
                break
    emit(
        rows,
        ["name", "role", "email", "available_24_7", "last_verified_at", "id"],
        as_json,
        "Contacts",
    )


@contacts_app.command("stale")
@handle_errors
def stale(
    days: int = typer.Option(180, "--days", min=0, help="Not verified in this many days"),
    member: uuid.UUID | None = None,
    as_json: bool = JsonOption,
) -> None:
    """Contacts whose last verification is older than --days (or that were never verified)."""
    with db() as session:
        rows = [
            ContactOut.model_validate(c)
            for c in service.stale_contacts(session, operator(), days, member)
        ]
    emit(
        rows,
        ["name", "email", "role", "last_verified_at", "member_id"],
        as_json,
        f"Contacts not verified in {days} days",
    )


@contacts_app.command("verify")
@handle_errors
def verify(contact_id: uuid.UUID) -> None:
    """Record that the contact answered a verification just now."""
    with db() as session:
        contact = service.verify_contact(session, operator(), contact_id)
        console.print(f"verified {contact.email} at {contact.last_verified_at:%Y-%m-%d %H:%M}Z")


@contacts_app.command("import")
@handle_errors
def import_contacts(path: Path) -> None:
    """Import contacts from CSV.

    Columns: member, organisation, name, role, email, phone, pgp_fingerprint, available_24_7,
    last_verified_at."""
    with db() as session:
        report = csv_import.import_contacts(session, operator(), _read_text(path))
    console.print(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
    )


@wg_app.command("list")
@handle_errors
def list_wgs(as_json: bool = JsonOption) -> None:
    with db() as session:
        groups = service.list_working_groups(session, operator())
        members = service.wg_memberships(session, [g.id for g in groups])
        rows = [
            {
                "name": g.name,
                "domain": g.domain,
                "co_leads": ", ".join(n for m, n in members[g.id] if m.role == "co-lead"),
                "members": len(members[g.id]),
                "id": str(g.id),
            }
            for g in groups
        ]
    emit(rows, ["name", "domain", "co_leads", "members", "id"], as_json, "Working groups")


@countries_app.command("list")
@handle_errors
def list_countries(
    oic: bool = typer.Option(False, "--oic", help="OIC member states only"),
    as_json: bool = JsonOption,
) -> None:
    with db() as session:
        rows = [CountryOut.model_validate(c) for c in service.list_countries(session, oic)]
    emit(rows, ["code", "alpha3", "numeric", "name_en", "name_ar", "name_fr"], as_json, "Countries")
