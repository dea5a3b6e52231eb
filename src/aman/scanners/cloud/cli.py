"""`aman check cloud PATH`: Kubernetes manifest checks, optionally checkov, print or store."""

from __future__ import annotations

from pathlib import Path

import typer

from aman.cli_support import console, db, handle_errors, operator
from aman.errors import FieldError, InvalidInput
from aman.scanners.cloud import service
from aman.scanners.cloud.checkov import DEFAULT_TIMEOUT
from aman.scanners.cloud.scan import CloudOptions
from aman.scanners.common.report import print_run

OrgOption = typer.Option(None, "--org", help="Store the run for this organisation (id or name)")
JsonFlag = typer.Option(False, "--json", help="Print the findings as JSON (aman-findings/1)")
SarifFlag = typer.Option(False, "--sarif", help="Print the findings as SARIF 2.1.0")
FailOption = typer.Option(False, "--fail-on-findings", help="Exit 1 when any check fails (CI)")


@handle_errors
def check_cloud(
    path: Path = typer.Argument(..., exists=True, help="Manifest, IaC file or directory"),
    organisation: str | None = OrgOption,
    checkov: bool = typer.Option(
        False, "--checkov", help="Also run checkov on Terraform, CloudFormation, K8s, Dockerfiles"
    ),
    checkov_timeout: float = typer.Option(
        DEFAULT_TIMEOUT, help="Seconds before checkov is stopped"
    ),
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    fail_on_findings: bool = FailOption,
) -> None:
    """Kubernetes hardening checks (privileged, host namespaces, root, tags, limits, secrets...)."""
    options = CloudOptions(checkov=checkov, checkov_timeout=checkov_timeout)
    org_id = None
    if organisation:
        with db() as session:
            org_id = service.authorise(session, operator(), organisation).id
    run = service.scan(path, options)
    run_id = None
    if org_id is not None:
        with db() as session:
            run_id = service.store(session, operator(), org_id, run, options).id
    print_run(run, console, as_json=as_json, as_sarif=as_sarif, run_id=run_id)
    if fail_on_findings and run.failed():
        raise typer.Exit(1)


@handle_errors
def import_results(
    report: Path = typer.Argument(..., exists=True, help="SARIF 2.1.0, Trivy or KICS JSON file"),
    organisation: str = typer.Option(..., "--org", help="Organisation id or name"),
) -> None:
    """Store another tool's findings (checkov/Trivy SARIF, Trivy JSON, KICS JSON) as evidence."""
    try:
        raw = report.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {report}", [FieldError("file", str(exc))]) from exc
    with db() as session:
        org = service.authorise(session, operator(), organisation)
        kind, run = service.import_results(session, operator(), org.id, raw, report.name)
        console.print(f"imported {sum(run.counts.values())} {kind} findings as run {run.id}")
