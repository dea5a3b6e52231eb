"""Asyncio TLS probes: send one ClientHello, classify the server's first answer.

Each probe is one short connection with a hard timeout. No handshake is completed, so a
probe costs the client a template splice and a parse (~0.2 ms CPU), which is what makes
enumerating every group on every server of a constituency affordable.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from aman.scanners.pqc import netguard
from aman.scanners.pqc.limits import ProbeConfig, ProbeLimiter
from aman.scanners.pqc.starttls import StartTLS, StartTLSError, negotiate_starttls
from aman.scanners.pqc.tls_constants import PROBE_GROUPS
from aman.scanners.pqc.tls_fastpath import exchange_plain
from aman.scanners.pqc.tls_keys import KeyMaterial, default_key_material
from aman.scanners.pqc.tls_messages import ClientHelloSpec, client_hello_template
from aman.scanners.pqc.tls_records import FlightParser
from aman.scanners.pqc.tls_results import (
    GroupResult,
    GroupSupport,
    LargeHelloResult,
    PreferenceResult,
    ProbeOutcome,
    ProbeResult,
    TLSScanResult,
    VersionResult,
    classify_group_probe,
    classify_large_hello,
    classify_version_probe,
    interpret_first_event,
    ordered_for_preference,
    reconcile_tls13,
)
from aman.scanners.pqc.tls_specs import (
    X25519MLKEM768,
    browser_spec,
    group_probe_spec,
    groups_spec,
    large_hello_spec,
    malformed_share_spec,
    preference_spec,
    version_probe_spec,
    weak_cipher_spec,
)
from aman.scanners.pqc.tls_wire import OversizedRecordError, ParseError

ALL_VERSIONS: tuple[int, ...] = (0x0304, 0x0303, 0x0302, 0x0301)
_READ_CHUNK = 65536


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class TLSTarget:
    """An endpoint to probe. SNI defaults to ``host`` unless it is an IP literal."""

    host: str
    port: int = 443
    server_name: str | None = None
    send_sni: bool = True
    starttls: StartTLS | None = None

    @property
    def sni(self) -> str | None:
        """The server_name the probes send, or None."""
        if not self.send_sni:
            return None
        if self.server_name:
            return self.server_name
        return None if _is_ip(self.host) else self.host


async def _read_first_answer(reader: asyncio.StreamReader, max_read: int) -> ProbeResult:
    parser = FlightParser()
    total = 0
    while True:
        data = await reader.read(_READ_CHUNK)
        if not data:
            return ProbeResult(ProbeOutcome.CLOSED, detail=f"closed after {total} bytes")
        total += len(data)
        try:
            events = parser.feed(data)
            if events:
                outcome, hello, alert = interpret_first_event(events[0])
                return ProbeResult(outcome, hello, alert)
        except OversizedRecordError as exc:
            return ProbeResult(ProbeOutcome.OVERSIZED_RECORD, detail=str(exc))
        except ParseError as exc:
            return ProbeResult(ProbeOutcome.GARBAGE, detail=str(exc))
        if total > max_read:
            return ProbeResult(ProbeOutcome.GARBAGE, detail=f"no answer in {total} bytes")


async def _connect_and_exchange(target: TLSTarget, hello: bytes, max_read: int) -> ProbeResult:
    if target.starttls is None:
        return await exchange_plain(target.host, target.port, hello, max_read)
    try:
        reader, writer = await netguard.open_connection(target.host, target.port)
    except OSError as exc:
        return ProbeResult(ProbeOutcome.CONNECT_FAILED, detail=str(exc) or type(exc).__name__)
    try:
        if target.starttls is not None:
            try:
                await negotiate_starttls(target.starttls, reader, writer)
            except StartTLSError as exc:
                return ProbeResult(ProbeOutcome.STARTTLS_FAILED, detail=str(exc))
        writer.write(hello)
        return await _read_first_answer(reader, max_read)
    except OSError as exc:  # ConnectionResetError, BrokenPipeError, ...
        return ProbeResult(ProbeOutcome.RESET, detail=str(exc) or type(exc).__name__)
    finally:
        writer.close()


async def exchange(
    target: TLSTarget, hello: bytes, timeout: float, max_read: int = 1 << 18
) -> ProbeResult:
    """One attempt: connect, optional STARTTLS, send ``hello``, classify the answer."""
    start = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            result = await _connect_and_exchange(target, hello, max_read)
    except TimeoutError:
        result = ProbeResult(ProbeOutcome.TIMEOUT, detail=f"no answer within {timeout:g}s")
    return replace(result, elapsed=time.monotonic() - start)


class TLSProber:
    """Runs TLS probes under one set of limits and one set of key shares."""

    def __init__(
        self,
        config: ProbeConfig | None = None,
        *,
        limiter: ProbeLimiter | None = None,
        keys: KeyMaterial | None = None,
    ) -> None:
        self.config = config or ProbeConfig()
        self.limiter = limiter or ProbeLimiter(self.config)
        self.keys = keys or default_key_material()

    async def probe(self, target: TLSTarget, spec: ClientHelloSpec) -> ProbeResult:
        """Send the hello described by ``spec``, retrying timeouts as configured."""
        template = client_hello_template(spec)
        elapsed = 0.0
        attempt = 0
        while True:
            attempt += 1
            rnd = os.urandom(64)
            hello = template.render(rnd[:32], rnd[32:])
            async with self.limiter.slot(target.host):
                result = await exchange(target, hello, self.config.timeout, self.config.max_read)
            elapsed += result.elapsed
            if result.outcome is not ProbeOutcome.TIMEOUT or attempt > self.config.retries:
                return replace(result, attempts=attempt, elapsed=elapsed)

    async def probe_group(self, target: TLSTarget, group: int) -> GroupResult:
        """Does the server accept ``group`` in TLS 1.3? (one group, empty key_share)."""
        result = await self.probe(target, group_probe_spec(group, target.sni))
        return classify_group_probe(group, result)

    async def probe_groups(
        self, target: TLSTarget, groups: Iterable[int] = PROBE_GROUPS
    ) -> tuple[GroupResult, ...]:
        """Probe several groups concurrently (the per-host cap still applies)."""
        return tuple(await asyncio.gather(*(self.probe_group(target, g) for g in groups)))

    async def probe_version(self, target: TLSTarget, version: int) -> VersionResult:
        """Does the server accept ``version`` when it is the only one offered?"""
        result = await self.probe(target, version_probe_spec(version, target.sni, self.keys))
        return classify_version_probe(version, result)

    async def probe_versions(
        self, target: TLSTarget, versions: Iterable[int] = ALL_VERSIONS
    ) -> tuple[VersionResult, ...]:
        """Probe each protocol version concurrently."""
        return tuple(await asyncio.gather(*(self.probe_version(target, v) for v in versions)))

    async def probe_preference(self, target: TLSTarget) -> PreferenceResult:
        """Which group the server picks from everything, listed PQ-first and PQ-last."""
        pq_first, classical_first = await asyncio.gather(
            self.probe(target, preference_spec(True, target.sni)),
            self.probe(target, preference_spec(False, target.sni)),
        )
        return PreferenceResult(pq_first, classical_first)

    async def probe_browser_like(self, target: TLSTarget) -> ProbeResult:
        """What a client sending only an X25519 share (PQ merely listed) gets."""
        return await self.probe(target, browser_spec(target.sni, self.keys))

    async def probe_large_hello(
        self,
        target: TLSTarget,
        group: int = X25519MLKEM768,
        control: ProbeResult | None = None,
    ) -> LargeHelloResult:
        """Send a real hybrid key share; tell large-hello intolerance apart from "no PQ".

        ``control`` is a small-hello probe to the same server (the browser-like probe is
        run when none is given) so a dropped large hello can be blamed on its size.
        """
        probe = await self.probe(target, large_hello_spec(target.sni, self.keys, group))
        if control is None and not probe.answered:
            control = await self.probe_browser_like(target)
        return classify_large_hello(group, probe, control)

    async def probe_weak_ciphers(self, target: TLSTarget) -> ProbeResult:
        """Offer only 3DES/DES/RC4/export/NULL suites (TLS 1.2); a ServerHello accepts one."""
        return await self.probe(target, weak_cipher_spec(target.sni))

    async def probe_malformed_share(
        self, target: TLSTarget, group: int = X25519MLKEM768
    ) -> ProbeResult:
        """Send random bytes as an ML-KEM hybrid share; a sound server says illegal_parameter."""
        return await self.probe(target, malformed_share_spec(target.sni, group))

    async def enumerate_groups(
        self, target: TLSTarget, groups: Iterable[int] = PROBE_GROUPS
    ) -> tuple[tuple[GroupResult, ...], ProbeResult | None]:
        """Supported TLS 1.3 groups by elimination: k supported groups cost k + 1 probes.

        Offer every remaining group (PQ first) with an empty key_share; the HRR or
        ServerHello names one the server supports, which is removed and the rest offered
        again, until the server refuses. The refusal classifies the groups left over, as
        the one-group probe would. Returns the per-group verdicts (in ``groups`` order) and
        the first probe, which is the PQ-first preference probe.
        """
        wanted = tuple(groups)
        remaining = [g for g in ordered_for_preference(True) if g in wanted]
        remaining += [g for g in wanted if g not in remaining]
        verdicts: dict[int, GroupResult] = {}
        first: ProbeResult | None = None
        while remaining:
            probe = await self.probe(target, groups_spec(tuple(remaining), target.sni))
            first = first or probe
            chosen = probe.selected_group
            found = classify_group_probe(chosen, probe) if chosen in remaining else None
            if found is not None and found.support is GroupSupport.SUPPORTED:
                offered = len(remaining)
                reason = f"{probe.outcome.value} selected it from {offered} offered"
                verdicts[found.group.code] = GroupResult(found.group, found.support, reason, probe)
                remaining.remove(found.group.code)
                continue
            for group in remaining:
                verdicts[group] = classify_group_probe(group, probe)
            break
        return tuple(verdicts[g] for g in wanted), first

    async def _exhaustive(
        self, target: TLSTarget, groups: tuple[int, ...]
    ) -> tuple[tuple[GroupResult, ...], ProbeResult]:
        results, pq_first = await asyncio.gather(
            self.probe_groups(target, groups), self.probe(target, preference_spec(True, target.sni))
        )
        return results, pq_first

    async def scan(
        self,
        target: TLSTarget,
        groups: Iterable[int] = PROBE_GROUPS,
        *,
        exhaustive: bool = False,
        full: bool = True,
    ) -> TLSScanResult:
        """Raw probes against one endpoint, run concurrently within the limits.

        Groups are enumerated by elimination (``exhaustive=True`` probes each group on its
        own instead). ``full=False`` runs only what group and preference reporting need:
        no per-version, browser-like or large-hello probes.
        """
        wanted = tuple(groups)
        enumeration = (
            self._exhaustive(target, wanted)
            if exhaustive
            else self.enumerate_groups(target, wanted)
        )
        classical_first = self.probe(target, preference_spec(False, target.sni))
        if not full:
            (group_results, pq_first), classical = await asyncio.gather(
                enumeration, classical_first
            )
            preference = PreferenceResult(pq_first or classical, classical)
            supports = {g.support for g in group_results}
            tls13 = (
                True
                if GroupSupport.SUPPORTED in supports
                else (False if GroupSupport.NO_TLS13 in supports else None)
            )
            version = VersionResult(0x0304, tls13, "from the group probes", preference.pq_first)
            return TLSScanResult(
                target.host,
                target.port,
                target.sni,
                (version,),
                group_results,
                preference,
                None,
                None,
            )
        (group_results, pq_first), classical, versions, browser = await asyncio.gather(
            enumeration,
            classical_first,
            self.probe_versions(target),
            self.probe_browser_like(target),
        )
        preference = PreferenceResult(pq_first or classical, classical)
        large = await self.probe_large_hello(target, control=browser)
        return TLSScanResult(
            host=target.host,
            port=target.port,
            server_name=target.sni,
            versions=reconcile_tls13(versions, group_results),
            groups=group_results,
            preference=preference,
            browser_like=browser,
            large_hello=large,
        )
