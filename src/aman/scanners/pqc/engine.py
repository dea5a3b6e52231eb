"""Runs the probes for a scope: in-process on asyncio, or sharded over a Dask cluster.

Every connection happens inside ``netguard.guarded(scope.permits)``, on whichever machine
runs the shard, so no target outside the scope file is ever contacted. Results come back
in scope order whatever the execution, which is what makes a cluster run reproduce an
in-process run exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from aman.scanners.pqc.certs import HandshakeInventory, fetch_inventory
from aman.scanners.pqc.limits import ProbeConfig, ProbeLimiter
from aman.scanners.pqc.netguard import ScopeViolation, guarded
from aman.scanners.pqc.observations import Observation, SSHObservation, TLSObservation
from aman.scanners.pqc.scope import Endpoint, Scope
from aman.scanners.pqc.ssh_probe import SSHProber, SSHTarget
from aman.scanners.pqc.tls_probe import TLSProber, TLSTarget
from aman.scanners.pqc.tls_specs import X25519MLKEM768

Progress = Callable[[int], None]
HANDSHAKE_TIMEOUT_FACTOR = 2.0
MAX_ENDPOINTS_IN_FLIGHT = 256


Profile = Literal["full", "groups"]


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How to probe: limits, the probe profile, and whether to inventory certificates.

    ``full`` runs every TLS probe; ``groups`` only group enumeration, preference and the
    certificate handshake (what sslyze's ``--tlsv1_3 --elliptic_curves --certinfo``
    covers), so checks needing the other probes are skipped.
    """

    config: ProbeConfig
    inventory: bool = True
    profile: Profile = "full"


def _now() -> datetime:
    return datetime.now(UTC)


async def observe_tls(
    prober: TLSProber, endpoint: Endpoint, inventory: bool, profile: Profile = "full"
) -> TLSObservation:
    """All TLS probes and one inventory handshake against one endpoint."""
    target = TLSTarget(endpoint.host, endpoint.port, endpoint.server_name, True, endpoint.starttls)
    observed_at = _now()
    handshake_task = None
    if inventory:
        handshake_task = asyncio.ensure_future(
            fetch_inventory(
                target,
                timeout=prober.config.timeout * HANDSHAKE_TIMEOUT_FACTOR,
                limiter=prober.limiter,
            )
        )
    full = profile == "full"
    weak_task = asyncio.ensure_future(prober.probe_weak_ciphers(target)) if full else None
    scan = await prober.scan(target, full=full)
    malformed = None
    if full and X25519MLKEM768 in {g.code for g in scan.supported_groups}:
        malformed = await prober.probe_malformed_share(target)
    weak = await weak_task if weak_task is not None else None
    if handshake_task is not None:
        handshake = await handshake_task
    else:
        handshake = HandshakeInventory(
            target.host, target.port, target.sni, completed=False, error="not attempted"
        )
    return TLSObservation(endpoint, observed_at, scan, handshake, weak, malformed, profile)


async def observe_ssh(prober: SSHProber, endpoint: Endpoint) -> SSHObservation:
    """Banner and KEXINIT of one SSH endpoint."""
    observed_at = _now()
    probe = await prober.probe(SSHTarget(endpoint.host, endpoint.port))
    return SSHObservation(endpoint, observed_at, probe)


async def observe_all(
    endpoints: Sequence[Endpoint],
    options: EngineOptions,
    progress: Progress | None = None,
) -> list[Observation]:
    """Probe every endpoint under one set of limits; results in input order."""
    limiter = ProbeLimiter(options.config)
    tls = TLSProber(options.config, limiter=limiter)
    ssh = SSHProber(options.config, limiter=limiter)
    results: list[Observation | None] = [None] * len(endpoints)
    queue = iter(enumerate(endpoints))

    async def worker() -> None:
        for index, endpoint in queue:
            if endpoint.protocol == "tls":
                results[index] = await observe_tls(
                    tls, endpoint, options.inventory, options.profile
                )
            else:
                results[index] = await observe_ssh(ssh, endpoint)
            if progress is not None:
                progress(1)

    workers = min(len(endpoints), MAX_ENDPOINTS_IN_FLIGHT, options.config.max_concurrency)
    await asyncio.gather(*(worker() for _ in range(max(workers, 1))))
    return [r for r in results if r is not None]


def _checked(scope: Scope, endpoints: Sequence[Endpoint]) -> list[Endpoint]:
    for e in endpoints:
        if not scope.permits(e.host, e.port):
            raise ScopeViolation(f"{e.target} is outside the scope {scope.name!r}")
    return list(endpoints)


def observe_shard(
    endpoints: Sequence[Endpoint], scope: Scope, options: EngineOptions
) -> list[Observation]:
    """Probe a shard synchronously under the scope guard (what a Dask task runs)."""
    chosen = _checked(scope, endpoints)
    with guarded(scope.permits):
        return asyncio.run(observe_all(chosen, options))


def observe_in_process(
    scope: Scope,
    endpoints: Sequence[Endpoint],
    options: EngineOptions,
    progress: Progress | None = None,
) -> list[Observation]:
    """Probe all endpoints on this machine's event loop, under the scope guard."""
    chosen = _checked(scope, endpoints)
    with guarded(scope.permits):
        return asyncio.run(observe_all(chosen, options, progress))


def shard(endpoints: Sequence[Endpoint], size: int) -> list[list[Endpoint]]:
    """Consecutive chunks of at most ``size`` endpoints (order preserved)."""
    if size < 1:
        raise ValueError("shard size must be >= 1")
    return [list(endpoints[i : i + size]) for i in range(0, len(endpoints), size)]


def observe_on_cluster(
    scope: Scope,
    endpoints: Sequence[Endpoint],
    options: EngineOptions,
    cluster: Any,
    *,
    shard_size: int = 32,
    progress: Progress | None = None,
) -> list[Observation]:
    """Shard the endpoints over a Dask cluster (``tcp://host:8786`` or a cluster object).

    Needs the optional ``scale`` extra (dask[distributed]). Each task re-checks its shard
    against the scope and probes under the guard on the worker.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise RuntimeError("--cluster needs the 'scale' extra: pip install aman[scale]") from exc
    chunks = shard(_checked(scope, endpoints), shard_size)
    client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        futures = client.map(observe_shard, chunks, scope=scope, options=options, pure=False)
        by_future = {f.key: i for i, f in enumerate(futures)}
        results: list[list[Observation]] = [[] for _ in chunks]
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            index = by_future[future.key]
            results[index] = future.result()
            if progress is not None:
                progress(len(chunks[index]))
        return [obs for chunk in results for obs in chunk]
    finally:
        client.close()  # type: ignore[no-untyped-call]
