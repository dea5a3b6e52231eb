"""Terminal output of a check run: a table, ``--json`` (aman-findings/1) or ``--sarif``."""

from __future__ import annotations

import sys
import uuid

from rich.console import Console
from rich.table import Table

from aman.evidence.export import dumps
from aman.evidence.model import Status
from aman.scanners.common.run import CheckRun, json_document, sarif_document, worst_first

SHOWN = (Status.FAIL, Status.ERROR, Status.WARN)
_COLOUR = {Status.FAIL: "red", Status.ERROR: "magenta", Status.WARN: "yellow"}


def _table(run: CheckRun, console: Console, limit: int) -> None:
    counts = run.counts()
    console.print(
        f"[bold]{run.domain} checks[/bold] of {run.scope}: {run.files} files; "
        + "  ".join(f"{k}={v}" for k, v in counts.items()),
        highlight=False,
    )
    shown = [f for f in worst_first(run.findings) if f.status in SHOWN]
    if shown:
        table = Table(title="Failures, errors and remarks (worst first)")
        for column in ("status", "severity", "check"):
            table.add_column(column, no_wrap=True)
        for column in ("target", "line", "message"):
            table.add_column(column, overflow="fold")
        for f in shown[:limit]:
            colour = _COLOUR[f.status]
            table.add_row(
                f"[{colour}]{f.status.value}[/{colour}]",
                f.severity.value,
                f.check_id,
                f.target,
                "" if f.line is None else str(f.line),
                f.message,
            )
        console.print(table)
        if len(shown) > limit:
            console.print(f"... {len(shown) - limit} more (use --json for all)")
    for note in run.notes:
        console.print(f"[bold yellow]note:[/bold yellow] {note}", highlight=False)


def print_run(
    run: CheckRun,
    console: Console,
    *,
    as_json: bool = False,
    as_sarif: bool = False,
    run_id: uuid.UUID | None = None,
    limit: int = 100,
) -> None:
    """Write the run to the terminal in the requested form."""
    ident = None if run_id is None else str(run_id)
    if as_json:
        sys.stdout.write(dumps(json_document(run, ident)).decode() + "\n")
    elif as_sarif:
        sys.stdout.write(dumps(sarif_document(run, ident)).decode() + "\n")
    else:
        _table(run, console, limit)
        if run_id is not None:
            console.print(f"stored as run {run_id}")
