"""`aman scan`: TLS, SSH, files, code and scope scans with a progress bar and tables.

Without ``--org`` a scan only prints; with it (or with a scope file naming the
organisation) the run and its findings are stored as that organisation's evidence.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aman.cli_support import console, db, handle_errors, operator
from aman.errors import FieldError, InvalidInput
from aman.evidence import sarif
from aman.evidence import service as evidence_service
from aman.evidence.export import dumps, findings_document
from aman.evidence.model import Status
from aman.evidence.registry import get_registry
from aman.scanners.pqc import service
from aman.scanners.pqc.engine import Profile
from aman.scanners.pqc.limits import ProbeConfig
from aman.scanners.pqc.migration import MigrationItem
from aman.scanners.pqc.pipeline import (
    CbomCheck,
    ScanResult,
    scan_code,
    scan_files,
    scan_network,
)
from aman.scanners.pqc.schemas import PostureOut
from aman.scanners.pqc.scope import Scope, adhoc_scope, load_scope
from aman.scanners.pqc.starttls import StartTLS

app = typer.Typer(help="Post-quantum readiness scans (TLS, SSH, files, code)", no_args_is_help=True)
err = Console(stderr=True)

OrgOption = typer.Option(None, "--org", help="Store the run for this organisation (id or name)")
JsonFlag = typer.Option(False, "--json", help="Print findings, endpoints and migration as JSON")
SarifFlag = typer.Option(False, "--sarif", help="Print the findings as SARIF 2.1.0")
CbomOption = typer.Option(None, "--cbom", help="Write the CycloneDX 1.6 CBOM to this file")
FailOption = typer.Option(False, "--fail-on-findings", help="Exit 1 when any check fails (CI)")
ProfileOption = typer.Option(
    "full", help="full: every probe; groups: groups, preference and certificates only"
)


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Progress]:
    columns = (
        TextColumn("[bold]scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=quiet, disable=total == 0) as bar:
        yield bar


def _config(
    timeout: float, retries: int, concurrency: int, per_host: int, rate: float | None
) -> ProbeConfig:
    try:
        return ProbeConfig(timeout, retries, concurrency, per_host, rate)
    except ValueError as exc:
        raise InvalidInput("bad scan limits", [FieldError("limits", str(exc))]) from exc


def _json(result: ScanResult, run_id: uuid.UUID | None) -> dict[str, object]:
    doc = findings_document(result.findings)
    doc["run"] = {
        "id": None if run_id is None else str(run_id),
        "kind": result.kind,
        "scope": result.scope,
        "started_at": result.started_at.isoformat(),
        "finished_at": result.finished_at.isoformat(),
        "readiness": result.organisation_readiness,
    }
    doc["endpoints"] = [asdict(e) for e in result.endpoints()]
    doc["migration"] = [asdict(m) for m in result.migration]
    doc["problems"] = [{"path": p, "error": e} for p, e in result.problems]
    return doc


def _endpoint_table(result: ScanResult) -> None:
    endpoints = result.endpoints()
    if not endpoints:
        return
    table = Table(title=f"Endpoints - readiness {result.organisation_readiness}")
    for column in ("target", "proto", "PQ status", "PQ methods", "preferred", "versions", "score"):
        table.add_column(column)
    colour = {"PQ preferred": "green", "PQ supported": "yellow", "classical only": "red"}
    for e in endpoints:
        style = colour.get(e.pq_status, "magenta")
        table.add_row(
            e.target,
            e.protocol,
            f"[{style}]{e.pq_status}[/{style}]",
            ", ".join(e.pq_methods),
            e.preferred or "",
            " ".join(e.versions),
            "" if e.readiness is None else f"{e.readiness:.0f}",
        )
    console.print(table)


def _findings_table(result: ScanResult) -> None:
    counts = {s.value: 0 for s in Status}
    for f in result.findings:
        counts[f.status.value] += 1
    console.print("findings: " + "  ".join(f"{k}={v}" for k, v in counts.items()))
    bad = [f for f in result.findings if f.status in (Status.FAIL, Status.ERROR)]
    if not bad:
        return
    table = Table(title="Failures and errors")
    for column in ("status", "severity", "check", "target", "message"):
        table.add_column(column)
    for f in bad[:50]:
        table.add_row(f.status.value, f.severity.value, f.check_id, f.target, f.message)
    console.print(table)


def _migration_table(items: list[MigrationItem], limit: int = 15) -> None:
    if not items:
        return
    table = Table(title="Migration list (highest priority first)")
    for column in ("#", "priority", "asset", "kind", "algorithm", "IR 8547", "deadline", "HNDL"):
        table.add_column(column)
    for m in items[:limit]:
        hndl = f"{m.exposure_years:+.1f}y" if m.exposure_years is not None else ""
        table.add_row(
            str(m.rank),
            f"{m.priority:.0f}",
            m.asset,
            m.kind,
            m.algorithm,
            m.ir8547_status,
            "" if m.deadline is None else m.deadline.isoformat(),
            ("[red]exposed[/red] " if m.hndl_exposed else "") + hndl,
        )
    console.print(table)


def _report(
    result: ScanResult,
    *,
    as_json: bool,
    as_sarif: bool,
    cbom: Path | None,
    run_id: uuid.UUID | None,
    fail_on_findings: bool,
) -> None:
    if cbom is not None:
        cbom.write_text(result.cbom, encoding="utf-8")
        err.print(
            f"CBOM written to {cbom}"
            + (f" (INVALID: {result.cbom_error})" if result.cbom_error else "")
        )
    if as_json:
        sys.stdout.write(dumps(_json(result, run_id)).decode() + "\n")
    elif as_sarif:
        log = sarif.to_sarif(
            result.findings,
            get_registry().get,
            tool_version=result.findings[0].tool_version if result.findings else "",
            started_at=result.started_at,
            finished_at=result.finished_at,
            run_id=None if run_id is None else f"aman/pqc/{result.kind}/{run_id}",
        )
        sys.stdout.write(dumps(log).decode() + "\n")
    else:
        _endpoint_table(result)
        _findings_table(result)
        _migration_table(result.migration)
        for path, problem in result.problems[:20]:
            console.print(f"[yellow]skipped[/yellow] {path}: {problem}", highlight=False)
        if run_id is not None:
            console.print(f"stored as run {run_id}")
    if fail_on_findings and any(f.status is Status.FAIL for f in result.findings):
        raise typer.Exit(1)


def _profile(name: str) -> Profile:
    if name not in ("full", "groups"):
        raise InvalidInput("unknown profile", [FieldError("profile", "full or groups")])
    return "full" if name == "full" else "groups"


def _cbom_check(organisation: str | None, cbom: Path | None) -> CbomCheck:
    """Full schema validation when the CBOM is kept (stored run or file), else the fast check."""
    return "schema" if organisation or cbom else "references"


def _network(
    scope: Scope,
    organisation: str | None,
    cluster: str | None,
    quiet: bool,
    cbom: Path | None = None,
    profile: Profile = "full",
) -> tuple[ScanResult, uuid.UUID | None]:
    org_id = None
    if organisation:
        with db() as session:  # authorise before any packet is sent
            org_id = service.authorise_scan(session, operator(), organisation).id
    endpoints = list(scope.endpoints())
    with _progress(len(endpoints), quiet) as bar:
        task = bar.add_task("scan", total=len(endpoints))
        result = scan_network(
            scope,
            endpoints=endpoints,
            cluster=cluster,
            progress=lambda n: bar.advance(task, n),
            cbom_check=_cbom_check(organisation, cbom),
            profile=profile,
        )
    run_id = None
    if org_id is not None:
        with db() as session:
            run = service.store_result(
                session,
                operator(),
                org_id,
                result,
                scope=service.scope_document(scope),
                options=service.options_of(scope, {"cluster": cluster, "profile": profile}),
            )
            run_id = run.id
    return result, run_id


def _store_local(result: ScanResult, organisation: str | None, root: Path) -> uuid.UUID | None:
    if not organisation:
        return None
    with db() as session:
        org = service.authorise_scan(session, operator(), organisation)
        run = service.store_result(
            session, operator(), org.id, result, scope={"name": str(root)}, options={}
        )
        return run.id


@app.command("tls")
@handle_errors
def scan_tls(
    targets: list[str] = typer.Argument(..., help="host[:port] (default port 443)"),
    sni: str | None = typer.Option(None, help="server_name to send (default: the host)"),
    starttls: StartTLS | None = typer.Option(None, help="STARTTLS protocol before TLS"),
    organisation: str | None = OrgOption,
    cluster: str | None = typer.Option(None, help="Dask scheduler, e.g. tcp://scheduler:8786"),
    timeout: float = typer.Option(5.0, help="Seconds per connection attempt"),
    retries: int = typer.Option(1, help="Extra attempts after a timeout"),
    concurrency: int = typer.Option(200, help="Connections in flight overall"),
    per_host: int = typer.Option(5, help="Connections in flight per host"),
    rate: float | None = typer.Option(None, help="New connections per second (default unpaced)"),
    profile: str = ProfileOption,
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    cbom: Path | None = CbomOption,
    fail_on_findings: bool = FailOption,
) -> None:
    """Probe TLS endpoints: versions, groups incl. PQ, preference, certificates."""
    config = _config(timeout, retries, concurrency, per_host, rate)
    scope = adhoc_scope("tls", targets, server_name=sni, starttls=starttls, config=config)
    result, run_id = _network(
        scope, organisation, cluster, as_json or as_sarif, cbom, _profile(profile)
    )
    _report(
        result,
        as_json=as_json,
        as_sarif=as_sarif,
        cbom=cbom,
        run_id=run_id,
        fail_on_findings=fail_on_findings,
    )


@app.command("ssh")
@handle_errors
def scan_ssh(
    targets: list[str] = typer.Argument(..., help="host[:port] (default port 22)"),
    organisation: str | None = OrgOption,
    timeout: float = typer.Option(5.0, help="Seconds per connection attempt"),
    per_host: int = typer.Option(5, help="Connections in flight per host"),
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    cbom: Path | None = CbomOption,
    fail_on_findings: bool = FailOption,
) -> None:
    """Read SSH banners and KEXINIT: hybrid PQ key exchange, legacy methods."""
    config = _config(timeout, 1, 200, per_host, None)
    scope = adhoc_scope("ssh", targets, config=config)
    result, run_id = _network(scope, organisation, None, as_json or as_sarif, cbom)
    _report(
        result,
        as_json=as_json,
        as_sarif=as_sarif,
        cbom=cbom,
        run_id=run_id,
        fail_on_findings=fail_on_findings,
    )


@app.command("run")
@handle_errors
def scan_scope(
    scope_file: Path = typer.Option(..., "--scope", help="Scope file (YAML)"),
    organisation: str | None = typer.Option(
        None, "--org", help="Override the scope's organisation"
    ),
    cluster: str | None = typer.Option(None, help="Dask scheduler, e.g. tcp://scheduler:8786"),
    dry_run: bool = typer.Option(False, "--dry-run", help="List the endpoints, probe nothing"),
    profile: str = ProfileOption,
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    cbom: Path | None = CbomOption,
    fail_on_findings: bool = FailOption,
) -> None:
    """Scan every endpoint of a scope file and store the run for its organisation."""
    try:
        scope = load_scope(scope_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read {scope_file}", [FieldError("scope", str(exc))]) from exc
    if dry_run:
        for endpoint in scope.endpoints():
            console.print(f"{endpoint.protocol} {endpoint.target}", highlight=False)
        return
    owner = organisation or scope.organisation
    if not owner:
        raise InvalidInput(
            "no organisation", [FieldError("organisation", "set it in the scope or use --org")]
        )
    result, run_id = _network(scope, owner, cluster, as_json or as_sarif, cbom, _profile(profile))
    _report(
        result,
        as_json=as_json,
        as_sarif=as_sarif,
        cbom=cbom,
        run_id=run_id,
        fail_on_findings=fail_on_findings,
    )


@app.command("files")
@handle_errors
def scan_key_files(
    root: Path = typer.Argument(..., exists=True, help="File or directory"),
    organisation: str | None = OrgOption,
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    cbom: Path | None = CbomOption,
    fail_on_findings: bool = FailOption,
) -> None:
    """Inventory certificates and keys on disk (PEM, DER, PKCS#12, OpenSSH, known_hosts)."""
    result = scan_files(root, cbom_check=_cbom_check(organisation, cbom))
    run_id = _store_local(result, organisation, root)
    _report(
        result,
        as_json=as_json,
        as_sarif=as_sarif,
        cbom=cbom,
        run_id=run_id,
        fail_on_findings=fail_on_findings,
    )


@app.command("code")
@handle_errors
def scan_source(
    root: Path = typer.Argument(..., exists=True, help="Source file or directory"),
    organisation: str | None = OrgOption,
    as_json: bool = JsonFlag,
    as_sarif: bool = SarifFlag,
    cbom: Path | None = CbomOption,
    fail_on_findings: bool = FailOption,
) -> None:
    """Find quantum-vulnerable and weak crypto in Python, Java, Go, JS/TS and C/C++."""
    result = scan_code(root, cbom_check=_cbom_check(organisation, cbom))
    run_id = _store_local(result, organisation, root)
    _report(
        result,
        as_json=as_json,
        as_sarif=as_sarif,
        cbom=cbom,
        run_id=run_id,
        fail_on_findings=fail_on_findings,
    )


@app.command("posture")
@handle_errors
def posture(
    organisation: str = typer.Option(..., "--org", help="Organisation id or name"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """An organisation's PQ readiness, endpoints and migration list from its latest runs."""
    with db() as session:
        org = evidence_service.resolve_organisation(session, organisation)
        state = service.organisation_posture(session, operator(), org.id)
    out = PostureOut.of(state)
    if as_json:
        sys.stdout.write(out.model_dump_json(indent=2) + "\n")
        return
    console.print(
        f"[bold]{org.name}[/bold]: readiness {out.readiness} over {len(out.endpoints)} endpoints"
    )
    table = Table(title="Endpoints")
    for column in ("target", "proto", "PQ status", "preferred", "score"):
        table.add_column(column)
    for e in out.endpoints:
        table.add_row(e.target, e.protocol, e.pq_status, e.preferred or "", str(e.readiness or ""))
    console.print(table)
    _migration_table(state.migration, limit=25)


@app.command("cbom")
@handle_errors
def export_cbom(
    run_id: uuid.UUID,
    output: Path | None = typer.Option(None, "-o", "--output", help="File (default stdout)"),
) -> None:
    """The CycloneDX 1.6 CBOM of a stored run."""
    with db() as session:
        document = service.run_cbom(session, operator(), run_id)
    if output is None:
        sys.stdout.write(document + "\n")
    else:
        output.write_text(document, encoding="utf-8")
        console.print(f"wrote {output}")
