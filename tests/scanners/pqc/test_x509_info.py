"""Certificate description and algorithm classification, including unknown key types."""

from __future__ import annotations

from types import ModuleType

import pytest
from cryptography.hazmat.primitives import serialization

from aman.scanners.pqc.algorithms import (
    Family,
    classify_public_key,
    classify_signature_algorithm,
    classify_signature_scheme,
    rsa_strength,
)
from aman.scanners.pqc.tls_wire import ParseError
from aman.scanners.pqc.x509_info import (
    decode_oid,
    describe_certificate,
    describe_chain,
    spki_from_certificate_der,
)

DER = serialization.Encoding.DER


@pytest.mark.parametrize(
    ("bits", "strength"), [(1024, 80), (2048, 112), (3072, 128), (4096, 128), (7680, 192), (512, 0)]
)
def test_rsa_strength_sp800_57(bits: int, strength: int) -> None:
    assert rsa_strength(bits) == strength


@pytest.mark.parametrize(
    ("oid", "name", "level", "vulnerable"),
    [
        ("2.16.840.1.101.3.4.3.17", "ML-DSA-44", 2, False),
        ("2.16.840.1.101.3.4.3.18", "ML-DSA-65", 3, False),
        ("2.16.840.1.101.3.4.3.19", "ML-DSA-87", 5, False),
        ("2.16.840.1.101.3.4.3.20", "SLH-DSA-SHA2-128s", 1, False),
        ("2.16.840.1.101.3.4.3.25", "SLH-DSA-SHA2-256f", 5, False),
        ("2.16.840.1.101.3.4.3.28", "SLH-DSA-SHAKE-192s", 3, False),
        ("2.16.840.1.101.3.4.4.2", "ML-KEM-768", 3, False),
        ("1.3.101.112", "Ed25519", 0, True),
        ("1.3.101.113", "Ed448", 0, True),
    ],
)
def test_fixed_algorithms(oid: str, name: str, level: int, vulnerable: bool) -> None:
    assessed = classify_public_key(oid)
    assert (assessed.name, assessed.nist_level, assessed.quantum_vulnerable) == (
        name,
        level,
        vulnerable,
    )


def test_parameterised_classical_keys() -> None:
    rsa = classify_public_key("1.2.840.113549.1.1.1", key_bits=2048)
    assert (rsa.name, rsa.classical_bits, rsa.nist_level, rsa.quantum_vulnerable) == (
        "RSA-2048",
        112,
        0,
        True,
    )
    p256 = classify_public_key("1.2.840.10045.2.1", curve="1.2.840.10045.3.1.7")
    assert (p256.name, p256.classical_bits) == ("EC P-256", 128)
    assert classify_public_key("1.2.840.10045.2.1", curve="secp384r1").classical_bits == 192


def test_unknown_oid_is_reported_as_such() -> None:
    unknown = classify_public_key("1.2.3.4.5")
    assert unknown.family is Family.UNKNOWN
    assert unknown.quantum_vulnerable is None and unknown.nist_level is None
    assert "1.2.3.4.5" in unknown.name


def test_signature_strength_is_the_weaker_of_hash_and_key() -> None:
    rsa2048 = classify_public_key("1.2.840.113549.1.1.1", key_bits=2048)
    assert classify_signature_algorithm("1.2.840.113549.1.1.11", rsa2048).classical_bits == 112
    assert classify_signature_algorithm("1.2.840.113549.1.1.5").classical_bits == 63
    assert classify_signature_algorithm("1.2.840.113549.1.1.4").classical_bits == 0
    assert classify_signature_algorithm("2.16.840.1.101.3.4.3.18").quantum_vulnerable is False


def test_signature_schemes() -> None:
    assert classify_signature_scheme(0x0905).name == "ML-DSA-65"
    assert classify_signature_scheme(0x0804).family is Family.RSA
    assert classify_signature_scheme(0x0401).family is Family.RSA
    assert classify_signature_scheme(0x0403).classical_bits == 128
    assert classify_signature_scheme(0xFEFE).family is Family.UNKNOWN


def test_decode_oid() -> None:
    assert decode_oid(bytes.fromhex("608648016503040312")) == "2.16.840.1.101.3.4.3.18"
    assert decode_oid(bytes.fromhex("2a864886f70d010101")) == "1.2.840.113549.1.1.1"
    with pytest.raises(ParseError):
        decode_oid(b"\x86")


@pytest.mark.parametrize(
    ("kind", "name", "sig"),
    [
        ("rsa2048", "RSA-2048", "sha256WithRSAEncryption"),
        ("ecdsa-p256", "EC P-256", "ecdsa-with-SHA256"),
        ("ed25519", "Ed25519", "Ed25519"),
        ("mldsa44", "ML-DSA-44", "ML-DSA-44"),
        ("mldsa65", "ML-DSA-65", "ML-DSA-65"),
        ("mldsa87", "ML-DSA-87", "ML-DSA-87"),
    ],
)
def test_describe_generated_certificates(
    servers_module: ModuleType, kind: str, name: str, sig: str
) -> None:
    creds = servers_module.make_credentials(kind, host="inventory.test")
    cert = creds.chain[0]
    der = cert.public_bytes(DER)
    info = describe_certificate(der)
    assert info.public_key.name == name
    assert info.signature.name == sig
    assert info.subject == "CN=inventory.test" and info.self_issued
    assert info.sans == ("DNS:inventory.test", "DNS:pqc.test")
    assert info.serial == f"{cert.serial_number:x}"
    assert info.not_after == cert.not_valid_after_utc
    assert info.is_ca is False
    assert len(info.fingerprint_sha256) == 64
    # the DER walk agrees with cryptography on the SPKI algorithm
    assert (
        spki_from_certificate_der(der).algorithm_oid == cert.public_key_algorithm_oid.dotted_string
    )


def test_unknown_key_type_falls_back_to_der_walk(servers_module: ModuleType) -> None:
    der = servers_module.make_credentials("mldsa65").chain[0].public_bytes(DER)
    mldsa65_oid = bytes.fromhex("0609608648016503040312")
    # tbsCertificate.signature, subjectPublicKeyInfo, then the outer signatureAlgorithm
    assert der.count(mldsa65_oid) == 3
    spki_at = der.index(mldsa65_oid, der.index(mldsa65_oid) + 1)
    patched = der[: spki_at + 10] + b"\x7f" + der[spki_at + 11 :]
    info = describe_certificate(patched)
    assert info.public_key.family is Family.UNKNOWN
    assert info.public_key.oid == "2.16.840.1.101.3.4.3.127"
    assert info.signature.name == "ML-DSA-65"


def test_chain_signature_rated_against_issuer_key(servers_module: ModuleType) -> None:
    creds = servers_module.make_credentials("ecdsa-p256", ca="rsa2048")
    leaf, ca = describe_chain([c.public_bytes(DER) for c in reversed(creds.chain)])[::-1]
    assert leaf.issuer == ca.subject == "CN=Aman Test CA"
    assert leaf.signature.name == "sha256WithRSAEncryption"
    assert leaf.signature.classical_bits == 112  # RSA-2048 issuer caps it
    assert ca.is_ca is True


def test_not_a_certificate() -> None:
    with pytest.raises(ParseError):
        describe_certificate(b"\x30\x03\x02\x01\x01")
