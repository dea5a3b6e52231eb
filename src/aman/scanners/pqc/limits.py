"""Politeness controls shared by the TLS and SSH probes: concurrency caps and a rate limit.

A CERT scans its constituency's production servers, so the scanner caps connections per
host (sslyze's default of 5) as well as overall, and can pace new connections.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProbeConfig:
    """Timeouts and limits for one scanner instance.

    ``timeout`` bounds one whole attempt (connect, preamble, exchange); ``retries`` is
    how many extra attempts a timed-out probe gets; ``rate`` caps new connections per
    second across the scanner (None = unpaced).
    """

    timeout: float = 5.0
    retries: int = 1
    max_concurrency: int = 200
    per_host: int = 5
    rate: float | None = None
    max_read: int = 1 << 18

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.retries < 0:
            raise ValueError("retries must be >= 0")
        if self.max_concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency limits must be >= 1")
        if self.rate is not None and self.rate <= 0:
            raise ValueError("rate must be positive or None")


class RateLimiter:
    """Spaces acquisitions at least ``1/rate`` seconds apart (a leaky bucket, no burst).

    ``clock`` and ``sleep`` are injectable so the pacing can be tested without waiting.
    """

    __slots__ = ("_clock", "_interval", "_next", "_sleep")

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._clock = clock
        self._sleep = sleep

    async def wait(self) -> None:
        """Sleep until this caller's turn; turns are handed out in call order."""
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)


class ProbeLimiter:
    """A global semaphore, one semaphore per host, and an optional rate limit."""

    def __init__(self, config: ProbeConfig) -> None:
        self._global = asyncio.Semaphore(config.max_concurrency)
        self._per_host = config.per_host
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}
        self._rate = RateLimiter(config.rate) if config.rate else None

    @property
    def tracked_hosts(self) -> int:
        """Hosts with a probe in flight or waiting (per-host state is dropped when idle)."""
        return len(self._hosts)

    def _enter_host(self, host: str) -> asyncio.Semaphore:
        sem, users = self._hosts.get(host, (None, 0))
        if sem is None:
            sem = asyncio.Semaphore(self._per_host)
        self._hosts[host] = (sem, users + 1)
        return sem

    def _leave_host(self, host: str) -> None:
        sem, users = self._hosts[host]
        if users <= 1:
            del self._hosts[host]
        else:
            self._hosts[host] = (sem, users - 1)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one connection slot for ``host`` for the duration of the block."""
        host_sem = self._enter_host(host)
        try:
            async with host_sem, self._global:
                if self._rate is not None:
                    await self._rate.wait()
                yield
        finally:
            self._leave_host(host)
