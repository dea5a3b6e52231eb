"""`aman evidence`: checks, scan runs, findings, exports, imports and automated evidence."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import typer

from aman.cli_support import JsonOption, console, db, emit, handle_errors, operator
from aman.db import utcnow
from aman.errors import FieldError, InvalidInput
from aman.evidence import service
from aman.evidence.export import read_findings_document
from aman.evidence.model import Status
from aman.evidence.registry import get_registry
from aman.evidence.sarif import from_sarif
from aman.evidence.schemas import (
    FindingOut,
    RequirementEvidenceOut,
    ScanRunOut,
    StoredFindingOut,
)

app = typer.Typer(help="Checks, scan runs, findings and automated evidence", no_args_is_help=True)


@app.command("checks")
@handle_errors
def list_checks(domain: str | None = None, as_json: bool = JsonOption) -> None:
    """Every registered check (the plugins the scanners run)."""
    rows = [
        {
            "id": c.id,
            "domain": c.domain,
            "severity": c.severity.value,
            "title": c.title,
            "requirements": ", ".join(c.requirements),
        }
        for c in get_registry().checks(domain)
    ]
    emit(rows, ["id", "severity", "title", "requirements"], as_json, "Checks")


@app.command("runs")
@handle_errors
def list_runs(
    organisation: str | None = typer.Option(None, "--org", help="Organisation id or name"),
    as_json: bool = JsonOption,
) -> None:
    """Scan runs, oldest first."""
    with db() as session:
        org_id = service.resolve_organisation(session, organisation).id if organisation else None
        rows, cursor = [], None
        while True:
            page = service.list_runs(
                session, operator(), organisation_id=org_id, cursor=cursor, limit=500
            )
            rows += [ScanRunOut.model_validate(r) for r in page.items]
            if not (cursor := page.next_cursor):
                break
    emit(
        [r.model_dump(mode="json") | {"counts": _counts(r.counts)} for r in rows],
        ["started_at", "kind", "status", "counts", "started_by", "id"],
        as_json,
        "Scan runs",
    )


def _counts(counts: dict[str, int]) -> str:
    return " ".join(f"{k}={v}" for k, v in counts.items() if v)


@app.command("findings")
@handle_errors
def list_findings(
    run_id: uuid.UUID,
    status: Status | None = typer.Option(None, help="Only this status"),
    as_json: bool = JsonOption,
) -> None:
    """The findings of one run."""
    with db() as session:
        rows, cursor = [], None
        while True:
            page = service.list_findings(
                session, operator(), run_id=run_id, status=status, cursor=cursor, limit=500
            )
            rows += [
                StoredFindingOut(
                    id=r.id,
                    run_id=r.run_id,
                    organisation_id=r.organisation_id,
                    **FindingOut.of(service.to_finding(r)).model_dump(),
                )
                for r in page.items
            ]
            if not (cursor := page.next_cursor):
                break
    emit(rows, ["status", "severity", "check_id", "target", "message"], as_json, "Findings")


@app.command("export")
@handle_errors
def export(
    run_id: uuid.UUID,
    fmt: str = typer.Option("sarif", "--format", help="sarif or json"),
    output: Path | None = typer.Option(None, "-o", "--output", help="File (default stdout)"),
) -> None:
    """A run's findings as SARIF 2.1.0 or aman-findings JSON."""
    with db() as session:
        content, _ = service.export_run(session, operator(), run_id, fmt)
    if output is None:
        sys.stdout.write(content.decode() + "\n")
    else:
        output.write_bytes(content)
        console.print(f"wrote {output}")


@app.command("import")
@handle_errors
def import_file(
    path: Path,
    organisation: str = typer.Option(..., "--org", help="Organisation id or name"),
    rule_prefix: str = typer.Option("", "--prefix", help="Namespace for foreign rule ids"),
) -> None:
    """Store findings from a SARIF 2.1.0 log or an aman-findings JSON file as one run."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}", [FieldError("file", str(exc))]) from exc
    findings = (
        from_sarif(raw, rule_prefix=rule_prefix)
        if b'"runs"' in raw
        else read_findings_document(raw)
    )
    with db() as session:
        org = service.resolve_organisation(session, organisation)
        run = service.import_findings(session, operator(), org.id, findings, source=path.name)
        console.print(f"imported {len(findings)} findings as run {run.id}")


@app.command("pack")
@handle_errors
def pack_evidence(
    pack: str = typer.Argument(..., help="pack or pack@version"),
    organisation: str = typer.Option(..., "--org", help="Organisation id or name"),
    as_json: bool = JsonOption,
) -> None:
    """Automated evidence of an organisation for each requirement of a pack."""
    pack_id, _, version = pack.partition("@")
    now = utcnow()
    with db() as session:
        org = service.resolve_organisation(session, organisation)
        _, titles, verdicts = service.pack_evidence(
            session, operator(), org.id, pack_id, version or None
        )
    rows = [
        RequirementEvidenceOut.of(ev, titles.get(ref, ref), now).model_dump(mode="json")
        for ref, ev in verdicts.items()
    ]
    if as_json:
        emit(rows, [], True)
        return
    table = [
        {
            "ref_id": r["ref_id"],
            "status": r["status"],
            "checks": len(r["checks"]),
            "findings": len(r["findings"]),
            "age_days": r["age_days"],
            "title": r["title"],
        }
        for r in rows
    ]
    emit(table, ["ref_id", "status", "checks", "findings", "age_days", "title"], False, pack)
