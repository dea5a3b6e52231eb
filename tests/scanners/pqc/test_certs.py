"""Certificate inventory from full handshakes against the loopback fixtures."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from aman.scanners.pqc.algorithms import Family
from aman.scanners.pqc.certs import HandshakeInventory, client_context, fetch_inventory
from aman.scanners.pqc.limits import ProbeConfig, ProbeLimiter
from aman.scanners.pqc.starttls import StartTLS
from aman.scanners.pqc.tls_probe import TLSTarget
from aman.scanners.pqc.tls_transcript import (
    hkdf_expand_label,
    parse_keylog,
    server_signature_scheme,
)

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 60))


def inventory(port: int, **kwargs: Any) -> HandshakeInventory:
    target_args = {k: kwargs.pop(k) for k in ("server_name", "starttls") if k in kwargs}
    return run(fetch_inventory(TLSTarget("127.0.0.1", port, **target_args), **kwargs))


def test_hybrid_server_with_ecdsa_leaf_and_rsa_ca(tls_ports: dict[str, int]) -> None:
    inv = inventory(tls_ports["hybrid"], server_name="localhost")
    assert inv.completed, inv.error
    assert (inv.protocol, inv.group) == ("TLSv1.3", "X25519MLKEM768")
    assert inv.signature_scheme == 0x0403 and inv.signature_scheme_name == "ecdsa_secp256r1_sha256"
    leaf, ca = inv.chain
    assert leaf.subject == "CN=localhost" and leaf.sans == ("DNS:localhost", "DNS:pqc.test")
    assert leaf.public_key.name == "EC P-256" and leaf.public_key.quantum_vulnerable
    assert leaf.signature.name == "sha256WithRSAEncryption" and leaf.signature.classical_bits == 112
    assert ca.public_key.name == "RSA-2048" and ca.is_ca


def test_pq_only_server_with_mldsa_chain(tls_ports: dict[str, int]) -> None:
    inv = inventory(tls_ports["pq_only"])
    assert inv.completed, inv.error
    assert inv.group == "X25519MLKEM768"
    assert inv.signature_scheme_name == "mldsa65"
    assert inv.handshake_signature is not None and inv.handshake_signature.nist_level == 3
    leaf, ca = inv.chain
    assert (leaf.public_key.name, leaf.public_key.nist_level) == ("ML-DSA-65", 3)
    assert leaf.public_key.quantum_vulnerable is False
    assert (ca.public_key.name, ca.signature.name) == ("ML-DSA-87", "ML-DSA-87")
    assert leaf.signature.family is Family.ML_DSA


def test_client_group_choice_is_honoured(tls_ports: dict[str, int]) -> None:
    assert inventory(tls_ports["pq_only"], groups="MLKEM768").group == "MLKEM768"
    refused = inventory(tls_ports["pq_only"], groups="X25519")
    assert not refused.completed and "TLS error" in refused.error
    assert inventory(tls_ports["p384_mlkem1024"]).group == "SecP384r1MLKEM1024"


@pytest.mark.parametrize(
    ("fixture", "protocol", "scheme", "group"),
    [
        ("classical_rsa", "TLSv1.3", "rsa_pss_rsae_sha256", "x25519"),
        ("classical_ecdsa", "TLSv1.3", "ecdsa_secp256r1_sha256", "x25519"),
        ("tls12_only", "TLSv1.2", "rsa_pss_rsae_sha256", "x25519"),
    ],
)
def test_classical_servers(
    tls_ports: dict[str, int], fixture: str, protocol: str, scheme: str, group: str
) -> None:
    inv = inventory(tls_ports[fixture])
    assert inv.completed, inv.error
    assert (inv.protocol, inv.signature_scheme_name, inv.group) == (protocol, scheme, group)
    assert inv.chain[0].public_key.quantum_vulnerable


def test_tls12_ecdsa_signature_read_from_server_key_exchange(
    loop_thread: Any, servers_module: Any
) -> None:
    ctx = servers_module.server_context(
        servers_module.make_credentials("ecdsa-p256"), max_version="1.2"
    )
    port = loop_thread.serve(servers_module.tls_handler(ctx))
    inv = inventory(port)
    assert (inv.protocol, inv.signature_scheme_name) == ("TLSv1.2", "ecdsa_secp256r1_sha256")


def test_inventory_respects_a_shared_limiter(tls_ports: dict[str, int]) -> None:
    limiter = ProbeLimiter(ProbeConfig(per_host=1))
    target = TLSTarget("127.0.0.1", tls_ports["hybrid"])

    async def many() -> list[HandshakeInventory]:
        jobs = (fetch_inventory(target, limiter=limiter) for _ in range(4))
        return list(await asyncio.gather(*jobs))

    results = run(many())
    assert all(r.completed and r.group == "X25519MLKEM768" for r in results)
    assert limiter.tracked_hosts == 0


def test_inventory_over_starttls(tls_ports: dict[str, int]) -> None:
    inv = inventory(tls_ports["starttls_smtp"], starttls=StartTLS.SMTP)
    assert inv.completed and inv.group == "X25519MLKEM768"
    failed = inventory(tls_ports["smtp_without_starttls"], starttls=StartTLS.SMTP)
    assert not failed.completed and failed.error.startswith("STARTTLS failed")


@pytest.mark.parametrize(
    ("fixture", "error"),
    [
        ("hostile_stall", "timeout"),
        ("hostile_garbage", "TLS error"),
        ("hostile_reset", "connection error"),
        ("hostile_close", "connection error"),
    ],
)
def test_failures_are_reported_not_raised(
    tls_ports: dict[str, int], fixture: str, error: str
) -> None:
    inv = inventory(tls_ports[fixture], timeout=0.5)
    assert not inv.completed and inv.error.startswith(error)
    assert inv.chain == ()


def test_contexts_are_shared_and_bad_groups_rejected() -> None:
    assert client_context() is client_context()
    with pytest.raises(ValueError, match="rejected group list"):
        client_context("NoSuchGroup")


def test_transcript_helpers() -> None:
    from cryptography.hazmat.primitives import hashes

    # RFC 8448 §3: server handshake traffic secret -> server handshake key and iv
    secret = bytes.fromhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
    assert (
        hkdf_expand_label(secret, "key", b"", 16, hashes.SHA256()).hex()
        == "3fce516009c21727d0f2e4e86ee403bc"
    )
    assert (
        hkdf_expand_label(secret, "iv", b"", 12, hashes.SHA256()).hex()
        == "5d313eb2671276ee13000b30"
    )
    log = parse_keylog([b"SERVER_HANDSHAKE_TRAFFIC_SECRET 00 abcd", b"junk", b"X 00 zz"])
    assert log == {"SERVER_HANDSHAKE_TRAFFIC_SECRET": b"\xab\xcd"}
    assert server_signature_scheme(b"", None) is None
