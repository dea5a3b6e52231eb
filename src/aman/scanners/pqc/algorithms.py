"""Classify public-key and signature algorithms: quantum-vulnerable or not, and how strong.

Classical strengths follow NIST SP 800-57 Part 1 (RSA-2048 = 112 bits, P-256 = 128);
PQ categories follow FIPS 203/204/205 (ML-KEM-768 = 3, ML-DSA-65 = 3, SLH-DSA-128x = 1).
``nist_level`` is 0 for algorithms that meet no PQ category (RSA, ECC), as CycloneDX's
``nistQuantumSecurityLevel`` expects; ``None`` means the algorithm is not recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    """Algorithm families the inventory distinguishes."""

    RSA = "RSA"
    EC = "EC"
    EDDSA = "EdDSA"
    DSA = "DSA"
    DH = "DH"
    ML_DSA = "ML-DSA"
    SLH_DSA = "SLH-DSA"
    ML_KEM = "ML-KEM"
    LMS = "LMS"
    XMSS = "XMSS"
    UNKNOWN = "unknown"


_VULNERABLE = frozenset({Family.RSA, Family.EC, Family.EDDSA, Family.DSA, Family.DH})


@dataclass(frozen=True, slots=True)
class AlgorithmAssessment:
    """What an algorithm is and how it fares against classical and quantum attackers."""

    name: str
    family: Family
    oid: str | None
    classical_bits: int | None
    nist_level: int | None
    parameter: str | None = None

    @property
    def quantum_vulnerable(self) -> bool | None:
        """True for Shor-breakable schemes, False for PQ ones, None when unknown."""
        if self.family is Family.UNKNOWN:
            return None
        return self.family in _VULNERABLE


RSA_OIDS = frozenset({"1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"})
EC_OID = "1.2.840.10045.2.1"
DSA_OID = "1.2.840.10040.4.1"

_CURVES: dict[str, tuple[str, int]] = {
    # OID or cryptography curve name -> (display name, classical bits)
    "1.2.840.10045.3.1.1": ("P-192", 80),
    "1.3.132.0.33": ("P-224", 112),
    "1.2.840.10045.3.1.7": ("P-256", 128),
    "1.3.132.0.34": ("P-384", 192),
    "1.3.132.0.35": ("P-521", 256),
    "1.3.132.0.10": ("secp256k1", 128),
    "1.3.36.3.3.2.8.1.1.7": ("brainpoolP256r1", 128),
    "1.3.36.3.3.2.8.1.1.11": ("brainpoolP384r1", 192),
    "1.3.36.3.3.2.8.1.1.13": ("brainpoolP512r1", 256),
    "secp192r1": ("P-192", 80),
    "secp224r1": ("P-224", 112),
    "secp256r1": ("P-256", 128),
    "secp384r1": ("P-384", 192),
    "secp521r1": ("P-521", 256),
    "secp256k1": ("secp256k1", 128),
    "brainpoolP256r1": ("brainpoolP256r1", 128),
    "brainpoolP384r1": ("brainpoolP384r1", 192),
    "brainpoolP512r1": ("brainpoolP512r1", 256),
}

_NIST_SIG = "2.16.840.1.101.3.4.3."
# FIPS 205 parameter sets in CSOR order: OIDs sigAlgs.20-31, pre-hash variants .35-46.
_SLH_SETS: tuple[str, ...] = tuple(
    f"{h}-{bits}{v}" for h in ("SHA2", "SHAKE") for bits in (128, 192, 256) for v in "sf"
)
_SLH_LEVEL = {"128": (1, 128), "192": (3, 192), "256": (5, 256)}


def _pq_table() -> dict[str, AlgorithmAssessment]:
    table: dict[str, AlgorithmAssessment] = {}
    for i, (param, level, bits) in enumerate((("44", 2, 128), ("65", 3, 192), ("87", 5, 256))):
        oid = f"{_NIST_SIG}{17 + i}"
        table[oid] = AlgorithmAssessment(f"ML-DSA-{param}", Family.ML_DSA, oid, bits, level, param)
        oid = f"{_NIST_SIG}{32 + i}"
        name = f"HashML-DSA-{param}-with-SHA512"
        table[oid] = AlgorithmAssessment(name, Family.ML_DSA, oid, bits, level, param)
    for i, param in enumerate(_SLH_SETS):
        level, bits = _SLH_LEVEL[param.split("-")[1][:3]]
        oid = f"{_NIST_SIG}{20 + i}"
        table[oid] = AlgorithmAssessment(
            f"SLH-DSA-{param}", Family.SLH_DSA, oid, bits, level, param
        )
        oid = f"{_NIST_SIG}{35 + i}"
        name = f"HashSLH-DSA-{param}"
        table[oid] = AlgorithmAssessment(name, Family.SLH_DSA, oid, bits, level, param)
    for i, (param, level, bits) in enumerate((("512", 1, 128), ("768", 3, 192), ("1024", 5, 256))):
        oid = f"2.16.840.1.101.3.4.4.{1 + i}"
        table[oid] = AlgorithmAssessment(f"ML-KEM-{param}", Family.ML_KEM, oid, bits, level, param)
    for oid, name, fam in (
        ("1.2.840.113549.1.9.16.3.17", "HSS/LMS", Family.LMS),
        ("1.3.6.1.5.5.7.6.34", "XMSS", Family.XMSS),
        ("1.3.6.1.5.5.7.6.35", "XMSS^MT", Family.XMSS),
    ):
        table[oid] = AlgorithmAssessment(name, fam, oid, None, None)
    for oid, name, bits in (("1.3.101.112", "Ed25519", 128), ("1.3.101.113", "Ed448", 224)):
        table[oid] = AlgorithmAssessment(name, Family.EDDSA, oid, bits, 0)
    for oid, name, bits in (("1.3.101.110", "X25519", 128), ("1.3.101.111", "X448", 224)):
        table[oid] = AlgorithmAssessment(name, Family.EC, oid, bits, 0)
    return table


FIXED_ALGORITHMS: dict[str, AlgorithmAssessment] = _pq_table()


def rsa_strength(bits: int) -> int:
    """Classical security of an RSA/DH modulus (SP 800-57 Part 1 Table 2)."""
    for modulus, strength in ((15360, 256), (7680, 192), (3072, 128), (2048, 112), (1024, 80)):
        if bits >= modulus:
            return strength
    return 0


def classify_public_key(
    oid: str, *, key_bits: int | None = None, curve: str | None = None
) -> AlgorithmAssessment:
    """Assess a SubjectPublicKeyInfo algorithm; ``curve`` is an OID or cryptography name."""
    fixed = FIXED_ALGORITHMS.get(oid)
    if fixed is not None:
        return fixed
    if oid in RSA_OIDS:
        strength = rsa_strength(key_bits) if key_bits else None
        name = f"RSA-{key_bits}" if key_bits else "RSA"
        param = str(key_bits) if key_bits else None
        return AlgorithmAssessment(name, Family.RSA, oid, strength, 0, param)
    if oid == EC_OID:
        display, strength = _CURVES.get(curve or "", (curve or "unknown curve", 0))
        return AlgorithmAssessment(
            f"EC {display}", Family.EC, oid, strength or None, 0, display if curve else None
        )
    if oid == DSA_OID:
        strength = rsa_strength(key_bits) if key_bits else None
        return AlgorithmAssessment(f"DSA-{key_bits or '?'}", Family.DSA, oid, strength, 0)
    return AlgorithmAssessment(f"unknown ({oid})", Family.UNKNOWN, oid, None, None)


# Collision resistance; SHA-1's is set by the published 2^63 attack (SP 800-57 says < 80).
_SIG_HASH_BITS = {"SHA1": 63, "SHA224": 112, "SHA256": 128, "SHA384": 192, "SHA512": 256}
_SIGNATURES: dict[str, tuple[str, Family, str | None]] = {
    "1.2.840.113549.1.1.4": ("md5WithRSAEncryption", Family.RSA, "MD5"),
    "1.2.840.113549.1.1.5": ("sha1WithRSAEncryption", Family.RSA, "SHA1"),
    "1.2.840.113549.1.1.14": ("sha224WithRSAEncryption", Family.RSA, "SHA224"),
    "1.2.840.113549.1.1.11": ("sha256WithRSAEncryption", Family.RSA, "SHA256"),
    "1.2.840.113549.1.1.12": ("sha384WithRSAEncryption", Family.RSA, "SHA384"),
    "1.2.840.113549.1.1.13": ("sha512WithRSAEncryption", Family.RSA, "SHA512"),
    "1.2.840.113549.1.1.10": ("RSASSA-PSS", Family.RSA, None),
    "1.2.840.10045.4.1": ("ecdsa-with-SHA1", Family.EC, "SHA1"),
    "1.2.840.10045.4.3.1": ("ecdsa-with-SHA224", Family.EC, "SHA224"),
    "1.2.840.10045.4.3.2": ("ecdsa-with-SHA256", Family.EC, "SHA256"),
    "1.2.840.10045.4.3.3": ("ecdsa-with-SHA384", Family.EC, "SHA384"),
    "1.2.840.10045.4.3.4": ("ecdsa-with-SHA512", Family.EC, "SHA512"),
    "1.2.840.10040.4.3": ("dsa-with-SHA1", Family.DSA, "SHA1"),
    "2.16.840.1.101.3.4.3.2": ("dsa-with-SHA256", Family.DSA, "SHA256"),
}


def classify_signature_algorithm(
    oid: str, signer: AlgorithmAssessment | None = None
) -> AlgorithmAssessment:
    """Assess a certificate signatureAlgorithm OID.

    ``signer`` is the issuer's key, when known: a signature is only as strong as the weaker
    of its hash's collision resistance and the signing key.
    """
    fixed = FIXED_ALGORITHMS.get(oid)
    if fixed is not None:
        return fixed
    known = _SIGNATURES.get(oid)
    if known is None:
        return AlgorithmAssessment(f"unknown ({oid})", Family.UNKNOWN, oid, None, None)
    name, family, hash_name = known
    strengths = [s for s in (signer.classical_bits if signer else None,) if s is not None]
    if hash_name is not None:
        strengths.append(_SIG_HASH_BITS.get(hash_name, 0))
    bits = min(strengths) if strengths else None
    param = signer.parameter if signer else None
    return AlgorithmAssessment(name, family, oid, bits, 0, param)


_SCHEME_ASSESSMENTS: dict[int, AlgorithmAssessment] = {
    0x0904: FIXED_ALGORITHMS[f"{_NIST_SIG}17"],
    0x0905: FIXED_ALGORITHMS[f"{_NIST_SIG}18"],
    0x0906: FIXED_ALGORITHMS[f"{_NIST_SIG}19"],
    0x0807: FIXED_ALGORITHMS["1.3.101.112"],
    0x0808: FIXED_ALGORITHMS["1.3.101.113"],
    0x0403: AlgorithmAssessment("ecdsa_secp256r1_sha256", Family.EC, None, 128, 0, "P-256"),
    0x0503: AlgorithmAssessment("ecdsa_secp384r1_sha384", Family.EC, None, 192, 0, "P-384"),
    0x0603: AlgorithmAssessment("ecdsa_secp521r1_sha512", Family.EC, None, 256, 0, "P-521"),
}


def classify_signature_scheme(code: int) -> AlgorithmAssessment:
    """Assess a TLS SignatureScheme; RSA schemes leave strength to the key size."""
    known = _SCHEME_ASSESSMENTS.get(code)
    if known is not None:
        return known
    pkcs1 = (code >> 8) in (0x02, 0x04, 0x05, 0x06) and code & 0xFF == 0x01
    if pkcs1 or 0x0804 <= code <= 0x080B:
        return AlgorithmAssessment(f"rsa scheme 0x{code:04x}", Family.RSA, None, None, 0)
    if code & 0xFF == 0x03:
        return AlgorithmAssessment(f"ecdsa scheme 0x{code:04x}", Family.EC, None, None, 0)
    return AlgorithmAssessment(f"unknown scheme 0x{code:04x}", Family.UNKNOWN, None, None, None)
