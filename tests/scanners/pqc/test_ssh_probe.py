"""SSH KEXINIT grabbing against loopback fixtures, including misbehaving servers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine
from types import ModuleType
from typing import Any, TypeVar

import pytest

from aman.scanners.pqc.limits import ProbeConfig
from aman.scanners.pqc.ssh_probe import SSHOutcome, SSHProber, SSHProbeResult, SSHTarget

T = TypeVar("T")
FAST = ProbeConfig(timeout=0.5, retries=0)
CLASSICAL_ONLY = ("curve25519-sha256", "ecdh-sha2-nistp256", "diffie-hellman-group14-sha256")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 60))


def probe(port: int, config: ProbeConfig = FAST) -> SSHProbeResult:
    return run(SSHProber(config).probe(SSHTarget("127.0.0.1", port)))


@pytest.fixture(scope="module")
def ssh_ports(loop_thread: Any, servers_module: ModuleType) -> dict[str, int]:
    fixture = servers_module.SSHFixture
    specs = {
        "openssh10": fixture(pre_banner=(b"Authorised access only\r\n", b"\r\n")),
        "classical": fixture(
            banner=b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", kex=CLASSICAL_ONLY
        ),
        "ssh1": fixture(banner=b"SSH-1.5-OldServer\r\n"),
        "cisco199": fixture(banner=b"SSH-1.99-Cisco-1.25\r\n", kex=("mlkem768nistp256-sha256",)),
        "stall": fixture(mode="stall"),
        "garbage": fixture(mode="garbage"),
        "huge_packet": fixture(mode="huge_packet"),
        "wrong_packet": fixture(mode="wrong_packet"),
    }
    return {
        name: loop_thread.serve(servers_module.ssh_handler(spec)) for name, spec in specs.items()
    }


def test_openssh10_like_server(ssh_ports: dict[str, int]) -> None:
    result = probe(ssh_ports["openssh10"])
    assert result.outcome is SSHOutcome.KEXINIT
    assert result.banner is not None and result.banner.software_version == "OpenSSH_10.0"
    assert result.banner.comments == "fixture"
    assert result.pre_banner == ("Authorised access only", "")
    kex = result.kexinit
    assert kex is not None
    assert kex.pq_kex == (
        "mlkem768x25519-sha256",
        "sntrup761x25519-sha512",
        "sntrup761x25519-sha512@openssh.com",
    )
    assert kex.server_host_key_algorithms == ("ssh-ed25519", "rsa-sha2-512", "ecdsa-sha2-nistp256")
    assert kex.ciphers_s2c[0] == "chacha20-poly1305@openssh.com"
    assert kex.compression_c2s == ("none", "zlib@openssh.com")


def test_classical_server_has_no_pq_kex(ssh_ports: dict[str, int]) -> None:
    result = probe(ssh_ports["classical"])
    assert result.kexinit is not None and result.kexinit.kex_algorithms == CLASSICAL_ONLY
    assert result.kexinit.pq_kex == ()


def test_protocol_versions(ssh_ports: dict[str, int]) -> None:
    assert probe(ssh_ports["ssh1"]).outcome is SSHOutcome.NOT_SSH2
    cisco = probe(ssh_ports["cisco199"])
    assert cisco.outcome is SSHOutcome.KEXINIT
    assert cisco.kexinit is not None and cisco.kexinit.pq_kex == ("mlkem768nistp256-sha256",)


@pytest.mark.parametrize(
    ("fixture", "outcome"),
    [
        ("stall", SSHOutcome.TIMEOUT),
        ("garbage", SSHOutcome.GARBAGE),
        ("huge_packet", SSHOutcome.OVERSIZED_PACKET),
        ("wrong_packet", SSHOutcome.NO_KEXINIT),
    ],
)
def test_misbehaving_servers(ssh_ports: dict[str, int], fixture: str, outcome: SSHOutcome) -> None:
    result = probe(ssh_ports[fixture])
    assert result.outcome is outcome
    assert result.kexinit is None


def test_timeouts_retried_and_other_failures_not(ssh_ports: dict[str, int]) -> None:
    config = ProbeConfig(timeout=0.2, retries=1)
    assert probe(ssh_ports["stall"], config).attempts == 2
    assert probe(ssh_ports["garbage"], config).attempts == 1


def test_connect_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert probe(port).outcome is SSHOutcome.CONNECT_FAILED


def test_many_hosts_keep_order(ssh_ports: dict[str, int]) -> None:
    order = ["classical", "openssh10", "ssh1", "classical"] * 5
    targets = [SSHTarget("127.0.0.1", ssh_ports[name]) for name in order]
    results = run(SSHProber(FAST).probe_many(targets))
    expected = {
        "classical": SSHOutcome.KEXINIT,
        "openssh10": SSHOutcome.KEXINIT,
        "ssh1": SSHOutcome.NOT_SSH2,
    }
    assert [r.outcome for r in results] == [expected[n] for n in order]
    assert [bool(r.kexinit and r.kexinit.pq_kex) for r in results] == [
        n == "openssh10" for n in order
    ]
