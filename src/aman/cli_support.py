"""Shared CLI plumbing: database sessions, the local-operator principal, output and errors."""

from __future__ import annotations

import functools
import getpass
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import orjson
import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.db import make_engine, make_sessionmaker, transaction
from aman.errors import AmanError
from aman.settings import get_settings

console = Console()
err_console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")

JsonOption = typer.Option(False, "--json", help="Print JSON for scripts instead of a table")


def operator() -> Principal:
    """Whoever runs the CLI on the server can read the database anyway: full local authority,
    recorded in the audit log under the operating-system account name."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Principal.local_operator(f"cli:{who}")


@contextmanager
def db() -> Iterator[Session]:
    settings = get_settings()
    settings.ensure_data_dir()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            yield session
    finally:
        engine.dispose()


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into a clear message and exit status 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except AmanError as exc:
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(2) from None
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            err_console.print(
                f"[red]database error:[/red] {detail} "
                "(is the schema current? run `aman db upgrade`)",
                highlight=False,
            )
            raise typer.Exit(1) from None

    return wrapper


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def emit(
    rows: Sequence[BaseModel] | Sequence[dict[str, Any]],
    columns: Sequence[str],
    as_json: bool,
    title: str | None = None,
) -> None:
    """Print rows as a Rich table, or as JSON with `--json`."""
    data = [_plain(r) for r in rows]
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in data:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)


def _cell(value: Any) -> str:
    """A table cell: floats to two decimals at most (58.86, not 58.85950413223141); `--json`
    keeps every digit."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def emit_one(obj: BaseModel | dict[str, Any], as_json: bool) -> None:
    data = _plain(obj)
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table(show_header=False)
    for key, value in data.items():
        table.add_row(key, _cell(value))
    console.print(table)
