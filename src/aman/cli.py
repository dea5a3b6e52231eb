"""The `aman` command: one Typer root, one sub-app per slice."""

from __future__ import annotations

import typer

from aman.assessments.cli import assessments_app, bundles_app, campaigns_app, rollup_app
from aman.auth.cli import audit_app, tokens_app, users_app
from aman.cli_support import console, db, handle_errors, operator
from aman.evidence.cli import app as evidence_app
from aman.frameworks.cli import app as frameworks_app
from aman.intel.cli import app as intel_app
from aman.migrate import current_revisions, downgrade, head_revisions, upgrade_engine_url
from aman.registry.cli import contacts_app, countries_app, members_app, orgs_app, wg_app
from aman.reports.cli import app as reports_app
from aman.scanners.checks_cli import app as check_app
from aman.scanners.pqc.cli import app as scan_app
from aman.settings import get_settings
from aman.training.cli import app as training_app

app = typer.Typer(
    help="Aman: frameworks, assessments, evidence and intelligence for a "
    "federation of national CERTs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # never print local variables (secrets) on a crash
)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(members_app, name="members")
app.add_typer(orgs_app, name="orgs")
app.add_typer(contacts_app, name="contacts")
app.add_typer(wg_app, name="wg")
app.add_typer(countries_app, name="countries")
app.add_typer(frameworks_app, name="frameworks")
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(assessments_app, name="assessments")
app.add_typer(rollup_app, name="rollup")
app.add_typer(bundles_app, name="bundles")
app.add_typer(scan_app, name="scan")
app.add_typer(check_app, name="check")
app.add_typer(evidence_app, name="evidence")
app.add_typer(intel_app, name="intel")
app.add_typer(training_app, name="training")
app.add_typer(reports_app, name="reports")


def migrate_database() -> None:
    """Apply migrations, then load reference data: countries and the shipped framework packs."""
    from aman.frameworks.service import sync_shipped

    settings = get_settings()
    settings.ensure_data_dir()
    upgrade_engine_url(settings.sqlalchemy_url)
    with db() as session:
        for outcome in sync_shipped(session, operator(), settings.data_dir / "cache" / "packs"):
            console.print(f"loaded pack {outcome.pack.pack_id}@{outcome.pack.version}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (and load reference data such as countries)."""
    migrate_database()
    console.print(f"database at {', '.join(head_revisions())}")


@db_app.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument(..., help="Target revision, e.g. -1 or base"),
) -> None:
    downgrade(get_settings().sqlalchemy_url, revision)
    console.print(f"downgraded to {revision}")


@db_app.command("current")
def db_current() -> None:
    from aman.db import make_engine

    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        current = ", ".join(current_revisions(engine)) or "empty"
        console.print(f"current {current}, head {', '.join(head_revisions())}")
    finally:
        engine.dispose()


@app.command()
def serve(
    host: str | None = None,
    port: int | None = None,
    reload: bool = typer.Option(False, help="Reload on code changes (development)"),
) -> None:
    """Apply migrations, then serve the web UI and API."""
    import os

    import uvicorn

    settings = get_settings()
    migrate_database()
    os.environ.setdefault("AMAN_GC_FREEZE", "true")  # read by the app factory in the server
    console.print(
        f"Aman on http://{host or settings.host}:{port or settings.port}  (API docs at /api/docs)"
    )
    uvicorn.run(
        "aman.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        proxy_headers=settings.trust_proxy_headers,
    )


@app.command()
@handle_errors
def demo(
    serve_after: bool = typer.Option(
        True, "--serve/--no-serve", help="Serve after loading the demo data"
    ),
) -> None:
    """Load the demo federation (idempotent) and print the demo logins."""
    from aman.demo import load_demo

    migrate_database()
    credentials = load_demo(get_settings())
    console.print("[bold]Demo logins[/bold] (POST /api/v1/auth/token, or Authorize in /api/docs):")
    for c in credentials:
        console.print(
            f"  {c.role:<17} {c.email:<26} {c.password}   ({c.scope})",
            highlight=False,
            soft_wrap=True,
        )
    if serve_after:
        serve(None, None, False)


def main() -> None:
    app()
