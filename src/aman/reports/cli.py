"""`aman reports`: the organisation assessment, member-state and federation annual reports as
PDF or HTML files, from the command line (as the local operator)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from aman.cli_support import console, db, handle_errors, operator
from aman.settings import get_settings

if TYPE_CHECKING:
    from aman.reports.service import Report

app = typer.Typer(help="Reports as PDF or HTML", no_args_is_help=True)
FormatOption = typer.Option("pdf", "--format", "-f", help="pdf or html")
LangOption = typer.Option("en", "--lang", "-l", help="en, ar or fr")
OutOption = typer.Option(None, "--output", "-o", help="File to write (default: a dated name)")


def _write(report: Report, output: Path | None) -> None:
    path = output or Path(report.filename)
    path.write_bytes(report.content)
    console.print(f"wrote {path} ({len(report.content):,} bytes, {report.media_type})")


@app.command("assessment")
@handle_errors
def assessment(
    assessment_id: uuid.UUID,
    fmt: str = FormatOption,
    lang: str = LangOption,
    output: Path | None = OutOption,
) -> None:
    """An organisation's assessment: scores, peers, gaps, roadmap and evidence."""
    from aman.reports import service  # charts and PDF libraries load only when used

    with db() as session:
        report = service.assessment_report(
            session, operator(), assessment_id, fmt=fmt, lang=lang, k=get_settings().benchmark_k
        )
    _write(report, output)


@app.command("member")
@handle_errors
def member(
    member_id: uuid.UUID,
    fmt: str = FormatOption,
    lang: str = LangOption,
    output: Path | None = OutOption,
) -> None:
    """A member state: national capacity, organisations, sectors and trends."""
    from aman.reports import service

    with db() as session:
        report = service.member_report(
            session, operator(), member_id, fmt=fmt, lang=lang, k=get_settings().benchmark_k
        )
    _write(report, output)


@app.command("federation")
@handle_errors
def federation(
    fmt: str = FormatOption,
    lang: str = LangOption,
    year: int | None = typer.Option(None, help="Year in the title (default: this year)"),
    output: Path | None = OutOption,
) -> None:
    """The federation's annual report: every member state, the domains, the benchmarks."""
    from aman.reports import service

    with db() as session:
        report = service.federation_report(
            session, operator(), fmt=fmt, lang=lang, k=get_settings().benchmark_k, year=year
        )
    _write(report, output)
