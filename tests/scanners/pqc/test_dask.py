"""Scale-out: the same scope sharded over a Dask LocalCluster gives the in-process results."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from aman.evidence.model import Finding
from aman.scanners.pqc.engine import EngineOptions, observe_in_process, shard
from aman.scanners.pqc.pipeline import scan_network
from aman.scanners.pqc.scope import parse_scope

distributed = pytest.importorskip("distributed")


EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _timeless(findings: list[Finding]) -> list[Finding]:
    return [replace(f, observed_at=EPOCH) for f in findings]


def test_cluster_run_matches_in_process_run(
    tls_ports: dict[str, int], loop_thread: Any, servers_module: Any
) -> None:
    ssh = loop_thread.serve(servers_module.ssh_handler(servers_module.SSHFixture()))
    names = (
        "hybrid",
        "pq_only",
        "classical_rsa",
        "tls12_only",
        "p384_mlkem1024",
        "openssl_default",
    )
    scope = parse_scope(
        {
            "targets": [
                {"host": "127.0.0.1", "tls": [tls_ports[n] for n in names]},
                {"host": "127.0.0.1", "ssh": [ssh]},
            ],
            "limits": {"timeout": 3, "retries": 0, "per_host": 10},
        }
    )
    local = scan_network(scope)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = scan_network(scope, cluster=cluster)
    assert _timeless(remote.findings) == _timeless(local.findings)
    assert [e.pq_status for e in remote.endpoints()] == [e.pq_status for e in local.endpoints()]
    assert remote.inventory.protocols == local.inventory.protocols
    assert [(m.asset, m.rank) for m in remote.migration] == [
        (m.asset, m.rank) for m in local.migration
    ]


def test_observations_pickle_and_shards_keep_order(tls_ports: dict[str, int]) -> None:
    scope = parse_scope({"targets": [{"host": "127.0.0.1", "tls": [tls_ports["hybrid"]]}]})
    endpoints = list(scope.endpoints())
    observations = observe_in_process(scope, endpoints, EngineOptions(scope.config))
    assert pickle.loads(pickle.dumps(observations)) == observations  # noqa: S301 - our own bytes
    assert shard(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        shard([], 0)
