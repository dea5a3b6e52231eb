"""`aman check 5g PATH`: audit 5G core configuration files, print or store the findings."""

from __future__ import annotations

from pathlib import Path

import typer

from aman.cli_support import console, db, handle_errors, operator
from aman.scanners.common.report import print_run
from aman.scanners.fiveg import service
from aman.scanners.fiveg.audit import AuditOptions

OrgOption = typer.Option(None, "--org", help="Store the run for this organisation (id or name)")
JsonFlag = typer.Option(False, "--json", help="Print the findings as JSON (aman-findings/1)")
SarifFlag = typer.Option(False, "--sarif", help="Print the findings as SARIF 2.1.0")
FailOption = typer.Option(False, "--fail-on-findings", help="Exit 1 when any check fails (CI)")


@handle_errors
def check_5g(
    path: Path = typer.Argument(..., exists=True, help="Configuration file or directory"),
    organisation: str | None = OrgOption,
    key_root: list[Path] = typer.Option(
        [], "--key-root", help="Also look for referenced key files under this directory"
    ),
    allow_null_ciphering: bool = typer.Option(
        False, help="Jurisdiction forbids NAS ciphering: report NEA0 as a remark, not a failure"
    ),
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    fail_on_findings: bool = FailOption,
) -> None:
    """Audit Open5GS and free5GC configurations: NAS algorithms, SBI/N32 TLS, OAuth, SUCI keys."""
    options = AuditOptions(
        key_roots=tuple(p.resolve() for p in key_root),
        allow_null_ciphering=allow_null_ciphering,
    )
    org_id = None
    if organisation:
        with db() as session:
            org_id = service.authorise(session, operator(), organisation).id
    run = service.audit(path, options)
    run_id = None
    if org_id is not None:
        with db() as session:
            run_id = service.store(session, operator(), org_id, run, options).id
    print_run(run, console, as_json=as_json, as_sarif=as_sarif, run_id=run_id)
    if fail_on_findings and run.failed():
        raise typer.Exit(1)
