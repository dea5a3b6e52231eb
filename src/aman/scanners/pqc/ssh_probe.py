"""Asyncio SSH probe: exchange identification strings and read the server's KEXINIT.

One short connection per host, bounded reads, a hard timeout, no crypto. The server's
offer (key exchanges, host-key algorithms, ciphers, MACs) is all the PQ verdict needs.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from enum import StrEnum

from aman.scanners.pqc import netguard
from aman.scanners.pqc.limits import ProbeConfig, ProbeLimiter
from aman.scanners.pqc.ssh_messages import (
    MAX_PACKET_LEN,
    MSG_DEBUG,
    MSG_IGNORE,
    MSG_KEXINIT,
    BannerReader,
    KexInit,
    PacketReader,
    SSHBanner,
    SSHOversizedPacketError,
    SSHParseError,
    parse_kexinit_payload,
)
from aman.scanners.pqc.tls_wire import ParseError

CLIENT_BANNER = b"SSH-2.0-AmanPQCScanner_1.0\r\n"
_MAX_SKIPPED_PACKETS = 16
_READ_CHUNK = 16384


class SSHOutcome(StrEnum):
    """What one SSH probe produced."""

    KEXINIT = "kexinit"
    NOT_SSH2 = "not_ssh2"  # an SSH-1 only server
    GARBAGE = "garbage"
    OVERSIZED_PACKET = "oversized_packet"
    NO_KEXINIT = "no_kexinit"  # a well-formed packet that is not KEXINIT came first
    CLOSED = "closed"
    RESET = "reset"
    TIMEOUT = "timeout"
    CONNECT_FAILED = "connect_failed"


@dataclass(frozen=True, slots=True)
class SSHTarget:
    """An SSH endpoint."""

    host: str
    port: int = 22


@dataclass(frozen=True, slots=True)
class SSHProbeResult:
    """Banner and algorithm offer of one SSH server (as far as the probe got)."""

    outcome: SSHOutcome
    banner: SSHBanner | None = None
    pre_banner: tuple[str, ...] = ()
    kexinit: KexInit | None = None
    detail: str = ""
    attempts: int = 1
    elapsed: float = 0.0


async def _read_banner(reader: asyncio.StreamReader) -> tuple[SSHProbeResult, bytes]:
    """A final result (CLOSED/NOT_SSH2), or a partial one with the banner and bytes after it."""
    banner_reader = BannerReader()
    total = 0
    while True:
        data = await reader.read(_READ_CHUNK)
        if not data:
            if total:
                detail = f"closed after {total} bytes without an identification string"
                return SSHProbeResult(SSHOutcome.GARBAGE, detail=detail), b""
            return SSHProbeResult(SSHOutcome.CLOSED, detail="closed before identification"), b""
        total += len(data)
        exchange = banner_reader.feed(data)
        if exchange is not None:
            banner = exchange.banner
            if not banner.is_ssh2:
                result = SSHProbeResult(SSHOutcome.NOT_SSH2, banner, exchange.pre_banner)
                return result, b""
            return SSHProbeResult(SSHOutcome.KEXINIT, banner, exchange.pre_banner), exchange.rest


async def _read_kexinit(
    reader: asyncio.StreamReader, first: bytes, max_len: int
) -> tuple[SSHOutcome, KexInit | None, str]:
    packets = PacketReader(max_len)
    data, skipped = first, 0
    while True:
        try:
            payloads = packets.feed(data)
        except SSHOversizedPacketError as exc:
            return SSHOutcome.OVERSIZED_PACKET, None, str(exc)
        except SSHParseError as exc:
            return SSHOutcome.GARBAGE, None, str(exc)
        for payload in payloads:
            if payload and payload[0] == MSG_KEXINIT:
                return SSHOutcome.KEXINIT, parse_kexinit_payload(payload), ""
            if not payload or payload[0] not in (MSG_IGNORE, MSG_DEBUG):
                return SSHOutcome.NO_KEXINIT, None, f"message {payload[:1].hex()} first"
            skipped += 1
            if skipped > _MAX_SKIPPED_PACKETS:
                return SSHOutcome.NO_KEXINIT, None, "too many IGNORE/DEBUG packets"
        data = await reader.read(_READ_CHUNK)
        if not data:
            return SSHOutcome.CLOSED, None, "closed before KEXINIT"


async def _grab(target: SSHTarget, banner: bytes, max_len: int) -> SSHProbeResult:
    try:
        reader, writer = await netguard.open_connection(target.host, target.port)
    except OSError as exc:
        return SSHProbeResult(SSHOutcome.CONNECT_FAILED, detail=str(exc) or type(exc).__name__)
    try:
        writer.write(banner)
        partial, rest = await _read_banner(reader)
        if partial.outcome is not SSHOutcome.KEXINIT:
            return partial
        outcome, kexinit, detail = await _read_kexinit(reader, rest, max_len)
        return replace(partial, outcome=outcome, kexinit=kexinit, detail=detail)
    except ParseError as exc:
        return SSHProbeResult(SSHOutcome.GARBAGE, detail=str(exc))
    except OSError as exc:
        return SSHProbeResult(SSHOutcome.RESET, detail=str(exc) or type(exc).__name__)
    finally:
        writer.close()


async def grab_kexinit(
    target: SSHTarget,
    timeout: float,
    banner: bytes = CLIENT_BANNER,
    max_packet_len: int = MAX_PACKET_LEN,
) -> SSHProbeResult:
    """One attempt: send our identification, read the server's and its KEXINIT."""
    start = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            result = await _grab(target, banner, max_packet_len)
    except TimeoutError:
        result = SSHProbeResult(SSHOutcome.TIMEOUT, detail=f"no KEXINIT within {timeout:g}s")
    return replace(result, elapsed=time.monotonic() - start)


class SSHProber:
    """Runs KEXINIT grabs under shared limits, retrying timeouts as configured."""

    def __init__(
        self, config: ProbeConfig | None = None, *, limiter: ProbeLimiter | None = None
    ) -> None:
        self.config = config or ProbeConfig()
        self.limiter = limiter or ProbeLimiter(self.config)

    async def probe(self, target: SSHTarget) -> SSHProbeResult:
        """Banner and KEXINIT of one server."""
        elapsed, attempt = 0.0, 0
        while True:
            attempt += 1
            async with self.limiter.slot(target.host):
                result = await grab_kexinit(target, self.config.timeout)
            elapsed += result.elapsed
            if result.outcome is not SSHOutcome.TIMEOUT or attempt > self.config.retries:
                return replace(result, attempts=attempt, elapsed=elapsed)

    async def probe_many(self, targets: list[SSHTarget]) -> list[SSHProbeResult]:
        """Probe many servers concurrently within the limits; results in input order."""
        return list(await asyncio.gather(*(self.probe(t) for t in targets)))
