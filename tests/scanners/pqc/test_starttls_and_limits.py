"""STARTTLS reply rules and the politeness controls (pure or clock-free parts)."""

from __future__ import annotations

import asyncio

import pytest

from aman.scanners.pqc.limits import ProbeConfig, ProbeLimiter, RateLimiter
from aman.scanners.pqc.starttls import (
    StartTLSError,
    imap_tagged_status,
    pop3_ok,
    smtp_offers_starttls,
    smtp_reply_code,
    smtp_reply_complete,
)


def test_smtp_reply_rules() -> None:
    assert not smtp_reply_complete("250-mail.example")
    assert smtp_reply_complete("250 OK") and smtp_reply_complete("220")
    lines = ["250-mail.example", "250-PIPELINING", "250-STARTTLS", "250 8BITMIME"]
    assert smtp_reply_code(lines) == 250
    assert smtp_offers_starttls(lines)
    assert not smtp_offers_starttls(["250-mail.example", "250 STARTTLSX"])
    assert not smtp_offers_starttls(["250 STARTTLS"])  # the first line is the greeting
    with pytest.raises(StartTLSError):
        smtp_reply_code(["250-a", "354 b"])
    with pytest.raises(StartTLSError):
        smtp_reply_code(["hello"])


def test_imap_and_pop3_rules() -> None:
    assert imap_tagged_status("a1 OK begin TLS", "a1") == "OK"
    assert imap_tagged_status("a1 no thanks", "a1") == "NO"
    assert imap_tagged_status("* OK still talking", "a1") is None
    assert pop3_ok("+OK go") and not pop3_ok("-ERR no")


def test_config_validation() -> None:
    for bad in ({"timeout": 0}, {"retries": -1}, {"per_host": 0}, {"rate": 0.0}):
        with pytest.raises(ValueError):
            ProbeConfig(**bad)


def test_rate_limiter_spaces_turns() -> None:
    sleeps: list[float] = []

    async def fake_sleep(delay: float) -> None:
        sleeps.append(round(delay, 6))

    limiter = RateLimiter(10.0, clock=lambda: 100.0, sleep=fake_sleep)

    async def run() -> None:
        for _ in range(4):
            await limiter.wait()

    asyncio.run(run())
    assert sleeps == [0.1, 0.2, 0.3]  # the first caller goes at once


def test_per_host_and_global_caps_hold() -> None:
    config = ProbeConfig(max_concurrency=3, per_host=2)
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    overall = {"now": 0, "peak": 0}

    async def worker(limiter: ProbeLimiter, host: str) -> None:
        async with limiter.slot(host):
            active[host] = active.get(host, 0) + 1
            overall["now"] += 1
            peak[host] = max(peak.get(host, 0), active[host])
            overall["peak"] = max(overall["peak"], overall["now"])
            for _ in range(3):
                await asyncio.sleep(0)
            active[host] -= 1
            overall["now"] -= 1

    async def run() -> int:
        limiter = ProbeLimiter(config)
        await asyncio.gather(*(worker(limiter, h) for h in ["a"] * 6 + ["b"] * 6 + ["c"] * 2))
        return limiter.tracked_hosts

    assert asyncio.run(run()) == 0  # idle hosts are forgotten
    assert peak["a"] == peak["b"] == 2
    assert overall["peak"] == 3
