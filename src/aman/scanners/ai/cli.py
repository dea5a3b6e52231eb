"""`aman check ai PATH`: scan model files without loading them, print or store findings."""

from __future__ import annotations

from pathlib import Path

import typer

from aman.cli_support import console, db, err_console, handle_errors, operator
from aman.scanners.ai import service
from aman.scanners.ai.scan import AIBOM, AiOptions
from aman.scanners.common.report import print_run

OrgOption = typer.Option(None, "--org", help="Store the run for this organisation (id or name)")
JsonFlag = typer.Option(False, "--json", help="Print the findings as JSON (aman-findings/1)")
SarifFlag = typer.Option(False, "--sarif", help="Print the findings as SARIF 2.1.0")
FailOption = typer.Option(False, "--fail-on-findings", help="Exit 1 when any check fails (CI)")


@handle_errors
def check_ai(
    path: Path = typer.Argument(..., exists=True, help="Model file or directory"),
    organisation: str | None = OrgOption,
    aibom: Path | None = typer.Option(None, "--aibom", help="Write the CycloneDX 1.6 AI-BOM here"),
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    fail_on_findings: bool = FailOption,
) -> None:
    """Pickle imports (picklescan), Keras Lambda layers, safetensors integrity, format policy."""
    org_id = None
    if organisation:
        with db() as session:
            org_id = service.authorise(session, operator(), organisation).id
    run = service.scan(path, AiOptions(validate_bom=bool(organisation or aibom)))
    if aibom is not None:
        document = next((d for d in run.documents if d.kind == AIBOM), None)
        if document is not None:
            aibom.write_bytes(document.content)
            err_console.print(f"AI-BOM written to {aibom}")
    run_id = None
    if org_id is not None:
        with db() as session:
            run_id = service.store(session, operator(), org_id, run).id
    print_run(run, console, as_json=as_json, as_sarif=as_sarif, run_id=run_id)
    if fail_on_findings and run.failed():
        raise typer.Exit(1)
