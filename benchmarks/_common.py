"""Helpers shared by the benchmark scripts: timing, databases, result files, tables."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

RESULTS = Path(__file__).resolve().parent / "results"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PG_ENV = "AMAN_TEST_POSTGRES_URL"


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "max_ms": ordered[-1] * 1000,
        "n": len(ordered),
    }


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for one benchmark, or None when none is configured."""
    admin = os.environ.get(PG_ENV)
    if not admin:
        yield None
        return
    name = f"aman_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(
        admin.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(engine, name)
        engine.dispose()


def drop_database(engine: Any, name: str) -> None:
    """Drop a scratch database; autovacuum may hold it for a moment, so retry, then warn."""
    for attempt in range(10):
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except Exception as exc:  # the server's own workers may still be connected
            if attempt == 9:
                print(f"warning: could not drop {name}: {type(exc).__name__}")
            time.sleep(1)


def write_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    return path


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    sep = "-+-".join("-" * w for w in widths)
    body = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, sep, *body])


class LatencyProxy:
    """A TCP proxy on 127.0.0.1 that delays every chunk by `delay` seconds each way.

    It stands for a database on another host (production: app and PostgreSQL apart), where
    per-row round trips cost what a local socket hides."""

    def __init__(self, target_host: str, target_port: int, delay: float) -> None:
        import asyncio
        import threading

        self.delay = delay
        self.target = (target_host, target_port)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(5)

    def _run(self) -> None:
        import asyncio

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while data := await reader.read(65536):
                    await asyncio.sleep(self.delay)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

        async def start() -> None:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            self.ready.set()
            await server.serve_forever()

        self.loop.run_until_complete(start())

    def url(self, url: str) -> str:
        return (
            make_url(url)
            .set(host="127.0.0.1", port=self.port)
            .render_as_string(hide_password=False)
        )
