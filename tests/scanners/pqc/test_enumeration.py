"""Group enumeration by elimination agrees with one probe per group, with fewer probes;
the groups profile runs only the checks its probes support."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aman.evidence.model import Status
from aman.scanners.pqc.limits import ProbeConfig
from aman.scanners.pqc.pipeline import scan_network
from aman.scanners.pqc.scope import parse_scope
from aman.scanners.pqc.tls_probe import TLSProber, TLSTarget
from aman.scanners.pqc.tls_results import GroupSupport

FIXTURES = ("hybrid", "pq_only", "p384_mlkem1024", "classical_rsa", "tls12_only", "openssl_default")


@pytest.mark.parametrize("fixture", FIXTURES)
def test_elimination_matches_exhaustive_probing(fixture: str, tls_ports: dict[str, int]) -> None:
    prober = TLSProber(ProbeConfig(timeout=3, retries=0))
    target = TLSTarget("127.0.0.1", tls_ports[fixture])

    async def both() -> tuple[Any, Any]:
        fast, first = await prober.enumerate_groups(target)
        slow = await prober.probe_groups(target)
        return (fast, first), slow

    (fast, first), slow = asyncio.run(both())
    assert [(g.group.code, g.support) for g in fast] == [(g.group.code, g.support) for g in slow]
    supported = sum(1 for g in fast if g.support is GroupSupport.SUPPORTED)
    probes = {id(g.probe) for g in fast} | {id(first)}
    assert len(probes) == supported + (1 if supported < len(fast) else 0)
    assert len(probes) < len(slow)


def test_groups_profile_skips_checks_it_cannot_support(tls_ports: dict[str, int]) -> None:
    scope = parse_scope(
        {
            "targets": [
                {"host": "127.0.0.1", "tls": [tls_ports["hybrid"], tls_ports["tls12_only"]]}
            ],
            "limits": {"timeout": 3, "retries": 0},
        }
    )
    result = scan_network(scope, profile="groups", cbom_check="references")
    checks = {f.check_id for f in result.findings}
    assert "pqc.tls.hybrid-kex" in checks and "pqc.cert.ir8547" in checks
    assert not checks & {
        "pqc.tls.legacy-versions",
        "pqc.tls.weak-ciphers",
        "pqc.tls.large-hello",
        "pqc.tls.mlkem-share-validation",
    }
    by = {(f.check_id, f.target): f for f in result.findings}
    assert by[("pqc.tls.tls13", f"127.0.0.1:{tls_ports['tls12_only']}")].status is Status.FAIL
    assert by[("pqc.tls.hybrid-kex", f"127.0.0.1:{tls_ports['hybrid']}")].status is Status.PASS
    cbom = by[("pqc.inventory.cbom", "network-scope:default")]
    assert cbom.evidence["validation"] == "references" and cbom.status is Status.PASS
