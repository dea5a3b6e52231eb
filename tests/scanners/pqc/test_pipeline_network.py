"""Whole network scans against the loopback fixtures: per-endpoint PQ status, the findings
of every TLS/SSH check, a valid CBOM, a ranked migration list, and honest errors."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from aman.evidence.model import Finding, Status
from aman.scanners.pqc.pipeline import ScanResult, scan_network
from aman.scanners.pqc.scope import parse_scope
from aman.scanners.pqc.tls_constants import HRR_RANDOM, ExtensionType
from aman.scanners.pqc.tls_messages import (
    ServerHello,
    build_alert,
    build_server_hello,
    parse_client_hello,
    records,
)

FIXTURES = (
    "hybrid",
    "pq_only",
    "p384_mlkem1024",
    "classical_rsa",
    "tls12_only",
    "openssl_default",
    "large_hello_intolerant",
    "hostile_stall",
    "starttls_smtp",
)


def _scope(tls: list[int], ssh: list[int] = (), smtp: list[int] = (), **extra: Any) -> Any:
    targets: list[dict[str, Any]] = [{"host": "127.0.0.1", "tls": tls}]
    if ssh:
        targets.append({"host": "127.0.0.1", "ssh": list(ssh)})
    if smtp:
        targets.append({"host": "127.0.0.1", "smtp": list(smtp)})
    return parse_scope(
        {"targets": targets, "limits": {"timeout": 1.5, "retries": 0, "per_host": 30}, **extra}
    )


@pytest.fixture(scope="module")
def ssh_ports(loop_thread: Any, servers_module: ModuleType) -> dict[str, int]:
    fixture = servers_module.SSHFixture
    specs = {
        "openssh10": fixture(),
        "legacy": fixture(
            banner=b"SSH-2.0-OpenSSH_7.4\r\n",
            kex=("diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"),
            host_keys=("ssh-rsa", "ssh-dss"),
            ciphers=("aes128-ctr", "3des-cbc"),
        ),
        "pq_second": fixture(
            banner=b"SSH-2.0-OpenSSH_9.6\r\n",
            kex=("curve25519-sha256", "sntrup761x25519-sha512@openssh.com"),
        ),
    }
    return {name: loop_thread.serve(servers_module.ssh_handler(s)) for name, s in specs.items()}


@pytest.fixture(scope="module")
def result(tls_ports: dict[str, int], ssh_ports: dict[str, int]) -> ScanResult:
    scope = _scope(
        [tls_ports[n] for n in FIXTURES if n != "starttls_smtp"],
        list(ssh_ports.values()),
        [tls_ports["starttls_smtp"]],
        profiles=["cnsa2"],
    )
    return scan_network(scope)


def pick(result: ScanResult, port: int) -> Callable[[str], Finding]:
    by_check = {f.check_id: f for f in result.findings if f.target == f"127.0.0.1:{port}"}
    return by_check.__getitem__


def test_endpoint_pq_status(
    result: ScanResult, tls_ports: dict[str, int], ssh_ports: dict[str, int]
) -> None:
    status = {e.target: e.pq_status for e in result.endpoints()}
    t = {name: f"127.0.0.1:{port}" for name, port in {**tls_ports, **ssh_ports}.items()}
    assert status[t["hybrid"]] == "PQ preferred"
    assert status[t["pq_only"]] == "PQ preferred"
    assert status[t["p384_mlkem1024"]] == "PQ preferred"
    assert status[t["classical_rsa"]] == "classical only"
    assert status[t["tls12_only"]] == "classical only"
    assert status[t["hostile_stall"]] == "unreachable"
    assert status[t["starttls_smtp"]] == "PQ preferred"
    assert status[t["openssh10"]] == "PQ preferred"
    assert status[t["pq_second"]] == "PQ supported"
    assert status[t["legacy"]] == "classical only"
    scores = {e.target: e.readiness for e in result.endpoints()}
    assert scores[t["pq_only"]] > scores[t["classical_rsa"]] > scores[t["tls12_only"]]
    assert scores[t["hostile_stall"]] is None
    assert result.organisation_readiness is not None and 0 < result.organisation_readiness < 100


def test_tls_check_verdicts(result: ScanResult, tls_ports: dict[str, int]) -> None:
    hybrid = pick(result, tls_ports["hybrid"])
    assert hybrid("pqc.tls.hybrid-kex").status is Status.PASS
    assert hybrid("pqc.tls.hybrid-kex").evidence["hybrid_groups"] == ["X25519MLKEM768"]
    assert hybrid("pqc.tls.pq-preferred").status is Status.WARN  # follows the client's order
    assert hybrid("pqc.tls.mlkem-share-validation").status is Status.PASS
    assert hybrid("pqc.tls.large-hello").status is Status.PASS
    assert hybrid("pqc.tls.cnsa2").status is Status.FAIL  # no ML-KEM-1024
    assert hybrid("pqc.cert.ir8547").status is Status.PASS
    classical = pick(result, tls_ports["classical_rsa"])
    assert classical("pqc.tls.hybrid-kex").status is Status.FAIL
    assert classical("pqc.tls.pq-preferred").status is Status.FAIL
    assert classical("pqc.tls.mlkem-share-validation").status is Status.NOT_APPLICABLE
    assert classical("pqc.cert.ir8547").evidence["chain"][0]["key_deprecated_after"] == "2030-12-31"
    pq_only = pick(result, tls_ports["pq_only"])
    assert pq_only("pqc.tls.pq-preferred").status is Status.PASS
    assert pq_only("pqc.cert.ir8547").message.endswith("post-quantum chain")
    p384 = pick(result, tls_ports["p384_mlkem1024"])
    assert p384("pqc.tls.cnsa2").status is Status.WARN  # ML-KEM-1024, but an ECDSA leaf
    assert p384("pqc.tls.cnsa2").evidence["mlkem1024_groups"] == ["SecP384r1MLKEM1024"]
    tls12 = pick(result, tls_ports["tls12_only"])
    assert tls12("pqc.tls.tls13").status is Status.FAIL
    assert tls12("pqc.tls.hybrid-kex").message.startswith("no TLS 1.3")
    intolerant = pick(result, tls_ports["large_hello_intolerant"])
    assert intolerant("pqc.tls.large-hello").status is Status.FAIL
    stall = pick(result, tls_ports["hostile_stall"])
    assert stall("pqc.tls.hybrid-kex").status is Status.ERROR
    assert all(
        f.status in (Status.ERROR, Status.NOT_APPLICABLE)
        for f in result.findings
        if f.target == f"127.0.0.1:{tls_ports['hostile_stall']}"
    )


def test_ssh_check_verdicts(result: ScanResult, ssh_ports: dict[str, int]) -> None:
    modern = pick(result, ssh_ports["openssh10"])
    assert modern("pqc.ssh.hybrid-kex").status is Status.PASS
    assert modern("pqc.ssh.hybrid-preferred").status is Status.PASS
    legacy = pick(result, ssh_ports["legacy"])
    assert legacy("pqc.ssh.hybrid-kex").status is Status.FAIL
    assert legacy("pqc.ssh.legacy-algorithms").evidence["weak_kex"] == [
        "diffie-hellman-group14-sha1",
        "diffie-hellman-group1-sha1",
    ]
    assert legacy("pqc.ssh.weak-ciphers").evidence["weak_ciphers"] == ["3des-cbc"]
    second = pick(result, ssh_ports["pq_second"])
    assert second("pqc.ssh.hybrid-kex").status is Status.PASS
    assert second("pqc.ssh.hybrid-preferred").status is Status.FAIL


def test_run_level_findings_cbom_and_migration(
    result: ScanResult, tls_ports: dict[str, int]
) -> None:
    run = {f.check_id: f for f in result.findings if f.target == "network-scope:default"}
    assert run["pqc.inventory.network"].status is Status.WARN  # the stalling fixture
    assert run["pqc.inventory.cbom"].status is Status.PASS
    assert run["pqc.pki.mldsa-pilot"].status is Status.PASS
    assert result.cbom_error is None
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.cbom) is None
    ranks = [m.rank for m in result.migration]
    assert ranks == list(range(1, len(ranks) + 1))
    assert [m.priority for m in result.migration] == sorted(
        (m.priority for m in result.migration), reverse=True
    )
    first = result.migration[0]
    assert first.kind == "key-exchange" and first.hndl_exposed  # harvest-now-decrypt-later first
    assets = {m.asset for m in result.migration if m.kind == "key-exchange"}
    assert f"127.0.0.1:{tls_ports['classical_rsa']}" in assets
    assert f"127.0.0.1:{tls_ports['hybrid']}" not in assets
    assert all(f.input_hash and f.tool == "aman-pqc" for f in result.findings)


# --- servers that misbehave in ways real fixtures cannot --------------------------------------


def _responder(answer: Callable[[Any], bytes]) -> Any:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        header = await reader.readexactly(5)
        body = await reader.readexactly(int.from_bytes(header[3:5], "big"))
        hello = parse_client_hello(body[4:])
        writer.write(answer(hello))
        await writer.drain()
        await reader.read(65536)

    return handle


def _server_hello(version: int, suite: int, group: int | None, hrr: bool = False) -> bytes:
    extensions: list[tuple[int, bytes]] = []
    if version == 0x0304:
        extensions.append((ExtensionType.SUPPORTED_VERSIONS, b"\x03\x04"))
        share = (
            group.to_bytes(2, "big")
            if hrr
            else group.to_bytes(2, "big") + (1120).to_bytes(2, "big") + os.urandom(1120)
        )
        extensions.append((ExtensionType.KEY_SHARE, share))
    random = HRR_RANDOM if hrr else os.urandom(32)
    msg = build_server_hello(ServerHello(0x0303, random, b"", suite, 0, tuple(extensions)))
    return records(22, 0x0303, msg)


def _sloppy(hello: Any) -> bytes:
    """Accepts 3DES in TLS 1.2 and takes any bytes as an X25519MLKEM768 share."""
    versions = hello.supported_versions or ()
    if 0x0304 in versions and 0x11EC in hello.groups:
        shares = hello.key_shares or ()
        hybrid = [s for s in shares if s.group == 0x11EC]
        if hybrid:
            return _server_hello(0x0304, 0x1301, 0x11EC)
        if not shares:
            return _server_hello(0x0304, 0x1301, 0x11EC, hrr=True)
    if 0x0304 not in versions and 0x000A in hello.cipher_suites:
        return _server_hello(0x0303, 0x000A, None)
    if 0x0304 in versions:
        return _server_hello(0x0304, 0x1301, 0x001D)
    return build_alert(2, 40)


def test_weak_cipher_and_unvalidated_share_are_failures(loop_thread: Any) -> None:
    port = loop_thread.serve(_responder(_sloppy))
    result = scan_network(_scope([port]))
    f = pick(result, port)
    assert f("pqc.tls.weak-ciphers").status is Status.FAIL
    assert f("pqc.tls.weak-ciphers").evidence["cipher_suite"] == "TLS_RSA_WITH_3DES_EDE_CBC_SHA"
    assert f("pqc.tls.mlkem-share-validation").status is Status.FAIL
    assert f("pqc.tls.hybrid-kex").status is Status.PASS
