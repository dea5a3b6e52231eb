"""Raw TLS probes against loopback fixtures: exact verdicts per server, hostile peers too."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine
from types import ModuleType
from typing import Any, TypeVar

import pytest
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from aman.scanners.pqc.limits import ProbeConfig
from aman.scanners.pqc.starttls import StartTLS
from aman.scanners.pqc.tls_constants import HRR_RANDOM, ExtensionType
from aman.scanners.pqc.tls_messages import (
    ClientHello,
    ServerHello,
    build_alert,
    build_server_hello,
    parse_client_hello,
    records,
)
from aman.scanners.pqc.tls_probe import TLSProber, TLSTarget
from aman.scanners.pqc.tls_records import FlightParser, HandshakeMessage
from aman.scanners.pqc.tls_results import (
    GroupSupport,
    LargeHelloStatus,
    PreferenceBasis,
    ProbeOutcome,
    TLSScanResult,
)

T = TypeVar("T")
X25519, P256, P384, X25519MLKEM768, P384MLKEM1024, MLKEM768 = (
    0x1D,
    0x17,
    0x18,
    0x11EC,
    0x11ED,
    0x0201,
)
FAST = ProbeConfig(timeout=0.5, retries=0)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine with a hang guard far above any probe timeout used here."""
    return asyncio.run(asyncio.wait_for(coro, 60))


def scan(port: int, **target: Any) -> TLSScanResult:
    return run(
        TLSProber(ProbeConfig(timeout=3, retries=0)).scan(TLSTarget("127.0.0.1", port, **target))
    )


def names(groups: tuple[Any, ...]) -> set[str]:
    return {g.name for g in groups}


def test_hybrid_server(tls_ports: dict[str, int]) -> None:
    result = scan(tls_ports["hybrid"], server_name="localhost")
    assert result.supported_versions == (0x0304, 0x0303)
    assert names(result.supported_groups) == {"X25519MLKEM768", "x25519"}
    assert names(result.pq_groups) == {"X25519MLKEM768"}
    assert result.preference is not None and result.preference.preferred_group == X25519MLKEM768
    # with one group tuple OpenSSL follows the client's order
    assert result.preference.basis is PreferenceBasis.CLIENT
    browser = result.browser_like
    assert browser is not None and browser.outcome is ProbeOutcome.SUPPORTED
    assert browser.selected_group == X25519  # an X25519-first client never gets PQ here
    large = result.large_hello
    assert large is not None and large.status is LargeHelloStatus.TOLERANT and large.pq_negotiated
    assert large.probe.server_hello is not None and large.probe.server_hello.key_share_len == 1120


def test_openssl_default_server_insists_on_pq(tls_ports: dict[str, int]) -> None:
    result = scan(tls_ports["openssl_default"])
    assert {"X25519MLKEM768", "SecP256r1MLKEM768", "x25519", "secp256r1"} <= names(
        result.supported_groups
    )
    assert "MLKEM768" not in names(result.supported_groups)
    assert result.preference is not None and result.preference.basis is PreferenceBasis.SERVER
    browser = result.browser_like
    assert browser is not None and browser.outcome is ProbeOutcome.HRR
    assert browser.selected_group == X25519MLKEM768


def test_pq_only_server_rejects_classical_groups(tls_ports: dict[str, int]) -> None:
    result = scan(tls_ports["pq_only"])
    assert names(result.supported_groups) == {"MLKEM768", "X25519MLKEM768"}
    classical = [g for g in result.groups if not g.group.quantum_safe]
    assert classical and all(g.support is GroupSupport.NOT_SUPPORTED for g in classical)
    assert all(g.reason == "alert handshake_failure" for g in classical)
    assert result.supported_versions == (0x0304,)  # ML-DSA certificates cannot sign in 1.2
    assert result.browser_like is not None and result.browser_like.selected_group == X25519MLKEM768


def test_secp384r1_mlkem1024_only_server(tls_ports: dict[str, int]) -> None:
    result = scan(tls_ports["p384_mlkem1024"])
    assert names(result.supported_groups) == {"SecP384r1MLKEM1024"}
    assert 0x0304 in result.supported_versions  # learnt from the group probe's HRR
    assert result.browser_like is not None and result.browser_like.outcome is ProbeOutcome.REJECTED
    prober = TLSProber(FAST)
    large = run(
        prober.probe_large_hello(TLSTarget("127.0.0.1", tls_ports["p384_mlkem1024"]), P384MLKEM1024)
    )
    assert large.pq_negotiated
    assert (
        large.probe.server_hello is not None and large.probe.server_hello.key_share_len == 97 + 1568
    )


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("classical_rsa", {"x25519", "secp256r1", "secp384r1"}),
        ("classical_ecdsa", {"secp256r1", "x25519"}),
    ],
)
def test_classical_servers(tls_ports: dict[str, int], fixture: str, expected: set[str]) -> None:
    result = scan(tls_ports[fixture])
    assert names(result.supported_groups) == expected
    assert result.pq_groups == ()
    large = result.large_hello
    assert (
        large is not None and large.status is LargeHelloStatus.TOLERANT and not large.pq_negotiated
    )
    assert large.probe.outcome is ProbeOutcome.HRR  # asks for a classical share instead


def test_tls12_only_server(tls_ports: dict[str, int]) -> None:
    result = scan(tls_ports["tls12_only"])
    assert result.supported_versions == (0x0303,)
    assert {g.support for g in result.groups} == {GroupSupport.NO_TLS13}
    browser = result.browser_like
    assert (
        browser is not None
        and browser.selected_version == 0x0303
        and browser.selected_group is None
    )


@pytest.mark.parametrize(
    ("fixture", "outcome"),
    [
        ("hostile_garbage", ProbeOutcome.GARBAGE),
        ("hostile_stall", ProbeOutcome.TIMEOUT),
        ("hostile_reset", ProbeOutcome.RESET),
        ("hostile_oversized", ProbeOutcome.OVERSIZED_RECORD),
        ("hostile_close", ProbeOutcome.CLOSED),
    ],
)
def test_hostile_servers_are_classified(
    tls_ports: dict[str, int], fixture: str, outcome: ProbeOutcome
) -> None:
    target = TLSTarget("127.0.0.1", tls_ports[fixture])
    result = run(TLSProber(FAST).probe_group(target, X25519MLKEM768))
    assert result.probe.outcome is outcome
    assert result.support is GroupSupport.INCONCLUSIVE
    assert result.probe.attempts == 1


def test_timeouts_are_retried_as_configured(tls_ports: dict[str, int]) -> None:
    prober = TLSProber(ProbeConfig(timeout=0.2, retries=2))
    result = run(prober.probe_browser_like(TLSTarget("127.0.0.1", tls_ports["hostile_stall"])))
    assert result.outcome is ProbeOutcome.TIMEOUT and result.attempts == 3
    reset = run(prober.probe_browser_like(TLSTarget("127.0.0.1", tls_ports["hostile_reset"])))
    assert reset.attempts == 1  # only timeouts are retried


def test_large_hello_intolerance_is_not_no_pq(tls_ports: dict[str, int]) -> None:
    target = TLSTarget("127.0.0.1", tls_ports["large_hello_intolerant"])
    result = run(TLSProber(FAST).probe_large_hello(target))
    assert result.status is LargeHelloStatus.INTOLERANT
    assert result.probe.outcome is ProbeOutcome.RESET
    assert result.control is not None and result.control.outcome is ProbeOutcome.SUPPORTED
    # the same server answers small group probes normally
    group = run(TLSProber(FAST).probe_group(target, X25519MLKEM768))
    assert group.support is GroupSupport.SUPPORTED


@pytest.mark.parametrize("protocol", [StartTLS.SMTP, StartTLS.IMAP, StartTLS.POP3])
def test_starttls_upgrade_then_probe(tls_ports: dict[str, int], protocol: StartTLS) -> None:
    target = TLSTarget("127.0.0.1", tls_ports[f"starttls_{protocol.value}"], starttls=protocol)
    result = run(TLSProber(FAST).probe_group(target, X25519MLKEM768))
    assert result.support is GroupSupport.SUPPORTED
    rejected = run(TLSProber(FAST).probe_group(target, P384))
    assert rejected.support is GroupSupport.NOT_SUPPORTED


def test_starttls_not_offered(tls_ports: dict[str, int]) -> None:
    target = TLSTarget("127.0.0.1", tls_ports["smtp_without_starttls"], starttls=StartTLS.SMTP)
    result = run(TLSProber(FAST).probe_browser_like(target))
    assert result.outcome is ProbeOutcome.STARTTLS_FAILED
    assert "does not offer STARTTLS" in result.detail


def test_connect_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(TLSProber(FAST).probe_browser_like(TLSTarget("127.0.0.1", port)))
    assert result.outcome is ProbeOutcome.CONNECT_FAILED


# --- what goes on the wire -------------------------------------------------------------------


def capture_hellos(loop_thread: Any, captured: list[ClientHello]) -> int:
    """A server that records each ClientHello and answers handshake_failure."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        parser = FlightParser()
        while True:
            events = parser.feed(await reader.read(65536))
            if events:
                assert isinstance(events[0], HandshakeMessage)
                captured.append(parse_client_hello(events[0].body))
                writer.write(build_alert(2, 40))
                await writer.drain()
                return

    return int(loop_thread.serve(handle))


def test_sni_is_sent_only_when_meaningful(loop_thread: Any) -> None:
    captured: list[ClientHello] = []
    port = capture_hellos(loop_thread, captured)
    prober = TLSProber(FAST)
    run(prober.probe_group(TLSTarget("127.0.0.1", port, server_name="pqc.test"), X25519))
    run(prober.probe_group(TLSTarget("127.0.0.1", port), X25519))
    run(prober.probe_group(TLSTarget("localhost", port), X25519))
    run(prober.probe_group(TLSTarget("localhost", port, send_sni=False), X25519))
    assert [h.server_name for h in captured] == ["pqc.test", None, "localhost", None]
    assert captured[0].groups == (X25519,) and captured[0].key_shares == ()
    assert captured[0].random != captured[1].random  # fresh randomness per probe


def test_large_hello_carries_a_real_hybrid_share(loop_thread: Any) -> None:
    captured: list[ClientHello] = []
    port = capture_hellos(loop_thread, captured)
    result = run(TLSProber(FAST).probe_large_hello(TLSTarget("127.0.0.1", port)))
    assert result.status is LargeHelloStatus.TOLERANT and not result.pq_negotiated
    shares = captured[0].key_shares
    assert shares is not None and [(s.group, len(s.key_exchange)) for s in shares] == [
        (X25519MLKEM768, 1216)
    ]
    ek, x25519_pub = shares[0].key_exchange[:1184], shares[0].key_exchange[1184:]
    shared, ciphertext = mlkem.MLKEM768PublicKey.from_public_bytes(ek).encapsulate()
    assert (len(shared), len(ciphertext)) == (32, 1088)
    x25519.X25519PrivateKey.generate().exchange(
        x25519.X25519PublicKey.from_public_bytes(x25519_pub)
    )


def test_hrr_fragmented_over_records_and_segments(
    loop_thread: Any, servers_module: ModuleType
) -> None:
    hrr = build_server_hello(
        ServerHello(
            0x0303,
            HRR_RANDOM,
            b"",
            0x1301,
            0,
            (
                (ExtensionType.SUPPORTED_VERSIONS, b"\x03\x04"),
                (ExtensionType.KEY_SHARE, b"\x02\x01"),
            ),
        )
    )
    wire = records(22, 0x0303, hrr[:10]) + records(22, 0x0303, hrr[10:])
    port = loop_thread.serve(
        servers_module.scripted_handler([wire[i : i + 1] for i in range(len(wire))])
    )
    result = run(
        TLSProber(ProbeConfig(timeout=5, retries=0)).probe_group(
            TLSTarget("127.0.0.1", port), MLKEM768
        )
    )
    assert result.support is GroupSupport.SUPPORTED
    assert result.probe.outcome is ProbeOutcome.HRR


# --- a second TLS implementation ------------------------------------------------------------


def test_tlslite_ng_server(servers_module: ModuleType) -> None:
    server = servers_module.TlsliteServer(["x25519mlkem768", "x25519"])
    try:
        result = scan(server.port)
    finally:
        server.close()
    assert {"X25519MLKEM768", "x25519"} <= names(result.supported_groups)
    assert names(result.pq_groups) == {"X25519MLKEM768"}
    assert "SecP256r1MLKEM768" not in names(result.supported_groups)
    assert result.preference is not None and result.preference.preferred_group == X25519MLKEM768
    assert result.browser_like is not None and result.browser_like.selected_group == X25519
    assert result.large_hello is not None and result.large_hello.pq_negotiated
