"""`aman users`, `aman tokens`, `aman audit`."""

from __future__ import annotations

import uuid

import typer

from aman.auth import audit, service
from aman.auth.schemas import AuditOut, GrantIn, RoleName, TokenIn, TokenOut, UserIn, UserPatch
from aman.cli_support import JsonOption, console, db, emit, emit_one, handle_errors, operator
from aman.errors import NotFound

users_app = typer.Typer(help="User accounts and their roles", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only audit log", no_args_is_help=True)


def _user_id(session: object, email: str) -> uuid.UUID:
    user = service.find_user_by_email(session, email)  # type: ignore[arg-type]
    if user is None:
        raise NotFound(f"no user {email}")
    return user.id


@users_app.command("create")
@handle_errors
def create_user(
    email: str,
    name: str = typer.Option(..., "--name", help="Display name"),
    role: RoleName | None = typer.Option(None, help="Grant this role at once"),
    member: uuid.UUID | None = typer.Option(None, help="Member id the role applies to"),
    organisation: uuid.UUID | None = typer.Option(None, help="Organisation id"),
) -> None:
    """Create a user; the password is asked for (not echoed)."""
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    grants = [GrantIn(role=role, member_id=member, organisation_id=organisation)] if role else []
    with db() as session:
        user = service.create_user(
            session,
            operator(),
            UserIn(email=email, display_name=name, password=password, grants=grants),
        )
        console.print(f"created user {user.email} ({user.id})")


@users_app.command("list")
@handle_errors
def list_users(as_json: bool = JsonOption) -> None:
    with db() as session:
        rows, cursor = [], None
        while True:
            page = service.list_users(session, operator(), cursor, 500)
            grants = service.grants_by_user(session, [u.id for u in page.items])
            rows += [
                {
                    "email": u.email,
                    "name": u.display_name,
                    "active": u.is_active,
                    "roles": ", ".join(sorted({g.role for g in grants[u.id]})),
                    "id": str(u.id),
                }
                for u in page.items
            ]
            if not (cursor := page.next_cursor):
                break
    emit(rows, ["email", "name", "active", "roles", "id"], as_json, "Users")


@users_app.command("grant")
@handle_errors
def grant(
    email: str,
    role: RoleName,
    member: uuid.UUID | None = None,
    organisation: uuid.UUID | None = None,
) -> None:
    """Grant ROLE to the user on the federation, a member or an organisation."""
    with db() as session:
        service.add_grant(
            session,
            operator(),
            _user_id(session, email),
            GrantIn(role=role, member_id=member, organisation_id=organisation),
        )
    console.print(f"granted {role} to {email}")


@users_app.command("passwd")
@handle_errors
def passwd(email: str) -> None:
    """Set a new password for a user."""
    password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with db() as session:
        service.update_user(
            session, operator(), _user_id(session, email), UserPatch(password=password)
        )
    console.print(f"password changed for {email}")


@users_app.command("disable")
@handle_errors
def disable(email: str) -> None:
    with db() as session:
        service.update_user(
            session, operator(), _user_id(session, email), UserPatch(is_active=False)
        )
    console.print(f"disabled {email}")


@tokens_app.command("create")
@handle_errors
def create_token(
    email: str,
    name: str = typer.Option(..., "--name"),
    days: int = typer.Option(90, "--days", min=1, max=3650),
) -> None:
    """Create an API token for a user; the secret is printed once."""
    with db() as session:
        row, secret = service.create_token(
            session, operator(), _user_id(session, email), TokenIn(name=name, expires_in_days=days)
        )
    console.print(f"token {row.id} for {email}, expires {row.expires_at:%Y-%m-%d}")
    console.print(secret, highlight=False, soft_wrap=True)


@tokens_app.command("list")
@handle_errors
def list_tokens(email: str, as_json: bool = JsonOption) -> None:
    with db() as session:
        rows = [
            TokenOut.model_validate(t)
            for t in service.list_tokens(session, operator(), _user_id(session, email))
        ]
    emit(rows, ["id", "name", "prefix", "expires_at", "last_used_at", "revoked_at"], as_json)


@tokens_app.command("revoke")
@handle_errors
def revoke_token(token_id: uuid.UUID) -> None:
    with db() as session:
        service.revoke_token(session, operator(), token_id)
    console.print(f"revoked {token_id}")


@audit_app.command("list")
@handle_errors
def list_audit(
    action: str | None = None,
    object_type: str | None = None,
    limit: int = typer.Option(50, min=1, max=500),
    cursor: str | None = None,
    as_json: bool = JsonOption,
) -> None:
    """Audit rows, oldest first; pass --cursor to page on."""
    with db() as session:
        page = audit.list_entries(
            session, operator(), action=action, object_type=object_type, cursor=cursor, limit=limit
        )
        rows = [AuditOut.model_validate(e) for e in page.items]
    emit(
        rows,
        ["id", "at", "actor", "action", "object_type", "object_id", "request_id"],
        as_json,
        "Audit log",
    )
    if page.next_cursor and not as_json:
        console.print(f"more: --cursor {page.next_cursor}")


@users_app.command("show")
@handle_errors
def show_user(email: str, as_json: bool = JsonOption) -> None:
    with db() as session:
        user = service.get_user(session, operator(), _user_id(session, email))
        grants = service.grants_of(session, user.id)
        data = {
            "id": str(user.id),
            "email": user.email,
            "name": user.display_name,
            "active": user.is_active,
            "locale": user.locale,
            "grants": "; ".join(
                f"{g.role}@{g.organisation_id or g.member_id or 'federation'}" for g in grants
            ),
        }
    emit_one(data, as_json)
