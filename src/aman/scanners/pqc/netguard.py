"""The one place the PQC scanner opens network connections, and the scope guard on it.

The engine only builds targets from a scope, and additionally installs the scope as a
guard in a context variable for the duration of a scan; every probe connects through
:func:`open_connection`, which refuses an address the guard does not permit before any
packet is sent. Tasks inherit the context, so a bug elsewhere cannot slip past it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Guard = Callable[[str, int], bool]
_guard: ContextVar[Guard | None] = ContextVar("aman_pqc_scope_guard", default=None)


class ScopeViolation(PermissionError):
    """A connection to an address outside the scan's scope was refused (nothing was sent)."""


@contextmanager
def guarded(permits: Guard) -> Iterator[None]:
    """Refuse every connection ``permits(host, port)`` rejects, within this block."""
    token = _guard.set(permits)
    try:
        yield
    finally:
        _guard.reset(token)


def current_guard() -> Guard | None:
    """The guard in force (None outside a guarded block)."""
    return _guard.get()


def check(host: str, port: int) -> None:
    """Raise ScopeViolation when a guard is in force and rejects ``host:port``."""
    guard = _guard.get()
    if guard is not None and not guard(host, port):
        raise ScopeViolation(f"{host}:{port} is outside the scan scope; not connecting")


async def open_connection(
    host: str, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """``asyncio.open_connection`` behind the scope guard."""
    check(host, port)
    return await asyncio.open_connection(host, port)
