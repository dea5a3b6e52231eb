"""Names, OIDs and strengths of the algorithms the inventory reports, as data.

One spelling per algorithm across TLS groups, cipher suites, SSH name-lists, certificates,
key files and code. Classical strengths follow SP 800-57; NIST PQC categories follow the
FIPS 203/204/205 parameter sets and, for symmetric primitives, the category definitions
(AES-128/192/256 = 1/3/5, SHA-256/SHA-384 collisions = 2/4). Broken or below-category
primitives get level 0.
"""

from __future__ import annotations

from functools import lru_cache

from aman.scanners.pqc.algorithms import AlgorithmAssessment, Family, rsa_strength
from aman.scanners.pqc.inventory import AlgorithmRecord, CipherSuiteRecord, Primitive
from aman.scanners.pqc.tls_constants import (
    GROUPS_BY_NAME,
    GroupKind,
    cipher_suite_name,
    group_info,
)

_VULNERABLE = {"RSA", "EC", "EdDSA", "DSA", "DH", "ECDH", "ECDSA", "X25519", "X448"}

# name -> family, primitive, oid, parameter, mode, classical bits, nist level, weak, functions
_Row = tuple[str, Primitive, str | None, str | None, str | None, int | None, int | None, bool, str]
_SYMMETRIC: dict[str, _Row] = {
    "AES-128-GCM": ("AES", "ae", "2.16.840.1.101.3.4.1.6", "128", "gcm", 128, 1, False, "e"),
    "AES-192-GCM": ("AES", "ae", "2.16.840.1.101.3.4.1.26", "192", "gcm", 192, 3, False, "e"),
    "AES-256-GCM": ("AES", "ae", "2.16.840.1.101.3.4.1.46", "256", "gcm", 256, 5, False, "e"),
    "AES-128-CCM": ("AES", "ae", "2.16.840.1.101.3.4.1.7", "128", "ccm", 128, 1, False, "e"),
    "AES-128-CBC": (
        "AES",
        "block-cipher",
        "2.16.840.1.101.3.4.1.2",
        "128",
        "cbc",
        128,
        1,
        False,
        "e",
    ),
    "AES-256-CBC": (
        "AES",
        "block-cipher",
        "2.16.840.1.101.3.4.1.42",
        "256",
        "cbc",
        256,
        5,
        False,
        "e",
    ),
    "AES-128-CTR": ("AES", "block-cipher", None, "128", "ctr", 128, 1, False, "e"),
    "AES-256-CTR": ("AES", "block-cipher", None, "256", "ctr", 256, 5, False, "e"),
    "AES-ECB": ("AES", "block-cipher", None, None, "ecb", None, None, True, "e"),
    "ChaCha20-Poly1305": (
        "ChaCha20",
        "ae",
        "1.2.840.113549.1.9.16.3.18",
        "256",
        None,
        256,
        5,
        False,
        "e",
    ),
    "3DES": ("3DES", "block-cipher", "1.2.840.113549.3.7", "168", "cbc", 112, 0, True, "e"),
    "DES": ("DES", "block-cipher", "1.3.14.3.2.7", "56", "cbc", 56, 0, True, "e"),
    "RC4": ("RC4", "stream-cipher", "1.2.840.113549.3.4", None, None, None, 0, True, "e"),
    "NULL": ("NULL", "other", None, None, None, 0, 0, True, "e"),
    "SHA-1": ("SHA-1", "hash", "1.3.14.3.2.26", "160", None, 63, 0, True, "d"),
    "MD5": ("MD5", "hash", "1.2.840.113549.2.5", "128", None, 18, 0, True, "d"),
    "SHA-256": ("SHA-2", "hash", "2.16.840.1.101.3.4.2.1", "256", None, 128, 2, False, "d"),
    "SHA-384": ("SHA-2", "hash", "2.16.840.1.101.3.4.2.2", "384", None, 192, 4, False, "d"),
    "SHA-512": ("SHA-2", "hash", "2.16.840.1.101.3.4.2.3", "512", None, 256, None, False, "d"),
    "HMAC-SHA-256": ("HMAC", "mac", "1.2.840.113549.2.9", "256", None, 256, None, False, "t"),
    "HMAC-SHA-512": ("HMAC", "mac", "1.2.840.113549.2.11", "512", None, 256, None, False, "t"),
    "HMAC-SHA-1": ("HMAC", "mac", "1.2.840.113549.2.7", "160", None, 128, None, False, "t"),
    "HMAC-MD5": ("HMAC", "mac", None, "128", None, None, 0, True, "t"),
}
_FUNCTIONS = {
    "e": ("encrypt", "decrypt"),
    "d": ("digest",),
    "t": ("tag",),
}


def symmetric(name: str) -> AlgorithmRecord:
    """A symmetric cipher, hash or MAC by catalogue name (KeyError when unknown)."""
    fam, prim, oid, param, mode, bits, level, weak, fn = _SYMMETRIC[name]
    return AlgorithmRecord(
        name=name,
        family=fam,
        primitive=prim,
        oid=oid,
        parameter=param,
        mode=mode,
        classical_bits=bits,
        nist_level=level,
        quantum_vulnerable=False,
        functions=_FUNCTIONS[fn],
        weak=weak,
    )


_PRIMITIVE_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "signature": ("sign", "verify"),
    "kem": ("keygen", "encapsulate", "decapsulate"),
    "key-agree": ("keygen", "keyderive"),
    "pke": ("encrypt", "decrypt"),
}


def from_assessment(a: AlgorithmAssessment, primitive: Primitive) -> AlgorithmRecord:
    """Record of a public-key algorithm assessed by ``algorithms.py``."""
    curve = a.parameter if a.family is Family.EC and a.parameter else None
    weak = a.classical_bits is not None and a.classical_bits < 112 and bool(a.quantum_vulnerable)
    return AlgorithmRecord(
        name=a.name,
        family=a.family.value,
        primitive=primitive,
        oid=a.oid,
        parameter=a.parameter,
        curve=curve,
        classical_bits=a.classical_bits,
        nist_level=a.nist_level,
        quantum_vulnerable=a.quantum_vulnerable,
        functions=_PRIMITIVE_FUNCTIONS.get(primitive, ()),
        weak=weak,
    )


def public_key(
    name: str,
    family: str,
    bits: int | None,
    *,
    oid: str | None = None,
    param: str | None = None,
    curve: str | None = None,
    level: int | None = 0,
    primitive: Primitive = "signature",
    vulnerable: bool | None = True,
) -> AlgorithmRecord:
    """A public-key algorithm record built from parts (SSH names, code uses)."""
    weak = bool(vulnerable) and bits is not None and bits < 112
    return AlgorithmRecord(
        name=name,
        family=family,
        primitive=primitive,
        oid=oid,
        parameter=param,
        curve=curve,
        classical_bits=bits,
        nist_level=level,
        quantum_vulnerable=vulnerable,
        functions=_PRIMITIVE_FUNCTIONS.get(primitive, ()),
        weak=weak,
    )


# --- key exchange: TLS groups ----------------------------------------------------------------

_KEM = {
    "ML-KEM-512": ("2.16.840.1.101.3.4.4.1", "512", 128, 1),
    "ML-KEM-768": ("2.16.840.1.101.3.4.4.2", "768", 192, 3),
    "ML-KEM-1024": ("2.16.840.1.101.3.4.4.3", "1024", 256, 5),
}
_ECDH = {
    "X25519": ("1.3.101.110", "x25519", 128),
    "X448": ("1.3.101.111", "x448", 224),
    "P-256": ("1.2.840.10045.3.1.7", "secp256r1", 128),
    "P-384": ("1.3.132.0.34", "secp384r1", 192),
    "P-521": ("1.3.132.0.35", "secp521r1", 256),
}
_GROUP_PARTS = {
    0x11EC: ("ML-KEM-768", "X25519"),
    0x11EB: ("P-256", "ML-KEM-768"),
    0x11ED: ("P-384", "ML-KEM-1024"),
    0x6399: ("X25519", "Kyber768-draft"),
    0x639A: ("P-256", "Kyber768-draft"),
}
_CLASSICAL_GROUP = {0x001D: "X25519", 0x001E: "X448", 0x0017: "P-256", 0x0018: "P-384"}
_CLASSICAL_GROUP[0x0019] = "P-521"


def kem(name: str) -> AlgorithmRecord:
    """ML-KEM parameter set by name."""
    oid, param, bits, level = _KEM[name]
    return AlgorithmRecord(
        name=name,
        family="ML-KEM",
        primitive="kem",
        oid=oid,
        parameter=param,
        classical_bits=bits,
        nist_level=level,
        quantum_vulnerable=False,
        functions=_PRIMITIVE_FUNCTIONS["kem"],
    )


def ecdh(name: str) -> AlgorithmRecord:
    """An elliptic-curve key agreement (quantum-vulnerable) by curve name."""
    oid, curve, bits = _ECDH[name]
    family = "ECDH" if name.startswith("P-") else name
    return public_key(
        name if not name.startswith("P-") else f"ECDH {name}",
        family,
        bits,
        oid=oid,
        curve=curve,
        primitive="key-agree",
    )


def finite_field_dh(bits: int) -> AlgorithmRecord:
    """Finite-field Diffie-Hellman with a ``bits`` modulus."""
    return public_key(
        f"DH-{bits}",
        "DH",
        rsa_strength(bits),
        oid="1.2.840.113549.1.3.1",
        param=str(bits),
        primitive="key-agree",
    )


def _part(name: str) -> AlgorithmRecord:
    if name in _KEM:
        return kem(name)
    if name == "Kyber768-draft":
        return AlgorithmRecord(
            name=name,
            family="Kyber",
            primitive="kem",
            parameter="768",
            quantum_vulnerable=False,
            nist_level=None,
            functions=_PRIMITIVE_FUNCTIONS["kem"],
            weak=True,
        )
    return ecdh(name)


@lru_cache(maxsize=256)
def tls_group(code: int) -> tuple[AlgorithmRecord, ...]:
    """The record for a TLS NamedGroup, followed by its parts when it is a hybrid."""
    info = group_info(code)
    codepoint = f"0x{code:04X}"
    if code in _GROUP_PARTS:
        parts = tuple(_part(p) for p in _GROUP_PARTS[code])
        pq = next(p for p in parts if p.primitive == "kem")
        classical = next(p for p in parts if p.primitive != "kem")
        record = AlgorithmRecord(
            name=info.name,
            family="hybrid-kem",
            primitive="kem",
            parameter=pq.parameter,
            classical_bits=classical.classical_bits,
            nist_level=pq.nist_level,
            quantum_vulnerable=False,
            functions=_PRIMITIVE_FUNCTIONS["kem"],
            hybrid_of=tuple(p.name for p in parts),
            codepoint=codepoint,
            weak=info.kind is GroupKind.OBSOLETE_DRAFT,
        )
        return (record, *parts)
    if info.kind is GroupKind.PURE_PQ:
        record = kem(f"ML-KEM-{info.name.removeprefix('MLKEM')}")
        return (record.model_copy(update={"codepoint": codepoint}),)
    if code in _CLASSICAL_GROUP:
        return (ecdh(_CLASSICAL_GROUP[code]).model_copy(update={"codepoint": codepoint}),)
    if info.name.startswith("ffdhe"):
        return (finite_field_dh(int(info.name[5:])).model_copy(update={"codepoint": codepoint}),)
    return (
        AlgorithmRecord(
            name=info.name,
            family="unknown",
            primitive="key-agree",
            codepoint=codepoint,
            classical_bits=info.classical_bits or None,
            quantum_vulnerable=True,
            nist_level=0,
        ),
    )


def group_by_name(name: str) -> tuple[AlgorithmRecord, ...]:
    """Records for an OpenSSL group name (e.g. from a completed handshake)."""
    aliases = {"prime256v1": "secp256r1"}
    known = GROUPS_BY_NAME.get(aliases.get(name.lower(), name.lower()))
    if known is not None:
        return tls_group(known.code)
    return (AlgorithmRecord(name=name, family="unknown", primitive="key-agree"),)


# --- TLS cipher suites ------------------------------------------------------------------------

_SUITE_CIPHERS = (
    ("AES_128_GCM", "AES-128-GCM"),
    ("AES_256_GCM", "AES-256-GCM"),
    ("AES_128_CCM", "AES-128-CCM"),
    ("CHACHA20_POLY1305", "ChaCha20-Poly1305"),
    ("AES_128_CBC", "AES-128-CBC"),
    ("AES_256_CBC", "AES-256-CBC"),
    ("3DES_EDE_CBC", "3DES"),
    ("DES_CBC", "DES"),
    ("RC4_128", "RC4"),
    ("RC4_40", "RC4"),
    ("NULL", "NULL"),
)


def tls_cipher_suite(
    code: int, name: str | None = None
) -> tuple[CipherSuiteRecord, list[AlgorithmRecord]]:
    """A cipher suite and the symmetric algorithms it names (hash from its suffix)."""
    suite = name or cipher_suite_name(code)
    algorithms: list[AlgorithmRecord] = []
    body = suite.split("_WITH_", 1)[-1]
    cipher = next((rec for key, rec in _SUITE_CIPHERS if key in body), None)
    if cipher is not None:
        algorithms.append(symmetric(cipher))
    for suffix, hash_name in (("SHA384", "SHA-384"), ("SHA256", "SHA-256"), ("MD5", "MD5")):
        if suite.endswith(suffix):
            algorithms.append(symmetric(hash_name))
            break
    else:
        if suite.endswith("_SHA"):
            algorithms.append(symmetric("SHA-1"))
    record = CipherSuiteRecord(
        name=suite, code=f"0x{code:04X}", algorithms=tuple(a.name for a in algorithms)
    )
    return record, algorithms


# --- SSH ----------------------------------------------------------------------------------------

_SSH_DH = {"group1": 1024, "group14": 2048, "group15": 3072, "group16": 4096, "group17": 6144}
_SSH_DH["group18"] = 8192
_SSH_HYBRID = {
    "mlkem768x25519-sha256": ("ML-KEM-768", "X25519"),
    "mlkem768nistp256-sha256": ("ML-KEM-768", "P-256"),
    "mlkem1024nistp384-sha384": ("ML-KEM-1024", "P-384"),
}


def ssh_kex(name: str) -> tuple[AlgorithmRecord, ...]:
    """Records for an SSH key-exchange method (hybrids followed by their parts)."""
    if name in _SSH_HYBRID:
        parts = tuple(_part(p) for p in _SSH_HYBRID[name])
        record = AlgorithmRecord(
            name=name,
            family="hybrid-kem",
            primitive="kem",
            parameter=parts[0].parameter,
            classical_bits=parts[1].classical_bits,
            nist_level=parts[0].nist_level,
            quantum_vulnerable=False,
            functions=_PRIMITIVE_FUNCTIONS["kem"],
            hybrid_of=tuple(p.name for p in parts),
        )
        return (record, *parts)
    if name.startswith("sntrup761x25519"):
        sntrup = AlgorithmRecord(
            name="sntrup761",
            family="NTRU Prime",
            primitive="kem",
            parameter="761",
            quantum_vulnerable=False,
            functions=_PRIMITIVE_FUNCTIONS["kem"],
        )
        record = AlgorithmRecord(
            name=name,
            family="hybrid-kem",
            primitive="kem",
            parameter="761",
            classical_bits=128,
            quantum_vulnerable=False,
            functions=_PRIMITIVE_FUNCTIONS["kem"],
            hybrid_of=("sntrup761", "X25519"),
        )
        return (record, sntrup, ecdh("X25519"))
    base = _classical_ssh_kex(name)
    if base is None:
        return (AlgorithmRecord(name=name, family="unknown", primitive="key-agree"),)
    # Named by the SSH method (as TLS groups are by IANA name), with the curve's properties.
    return (base.model_copy(update={"name": name}),)


def _classical_ssh_kex(name: str) -> AlgorithmRecord | None:
    if name.startswith("curve25519-"):
        return ecdh("X25519")
    if name.startswith("curve448-"):
        return ecdh("X448")
    if name.startswith("ecdh-sha2-nistp"):
        return ecdh(f"P-{name.removeprefix('ecdh-sha2-nistp')}")
    if name.startswith("diffie-hellman-group-exchange"):
        return public_key("DH-GEX", "DH", None, primitive="key-agree")
    if name.startswith("diffie-hellman-"):
        group = name.split("-")[2]
        return finite_field_dh(_SSH_DH.get(group, 2048))
    return None


def ssh_host_key(name: str) -> AlgorithmRecord:
    """An SSH host-key (signature) algorithm."""
    lowered = name.lower()
    mldsa = {"44": "17", "65": "18", "87": "19"}
    for param, arc in mldsa.items():
        if lowered.startswith(f"ssh-mldsa-{param}") or lowered.startswith(f"ssh-mldsa{param}"):
            level = {"44": 2, "65": 3, "87": 5}[param]
            return public_key(
                name,
                "ML-DSA",
                {"44": 128, "65": 192, "87": 256}[param],
                oid=f"2.16.840.1.101.3.4.3.{arc}",
                param=param,
                level=level,
                vulnerable=False,
            )
    if "ed25519" in lowered:
        return public_key(name, "EdDSA", 128, oid="1.3.101.112")
    if "ed448" in lowered:
        return public_key(name, "EdDSA", 224, oid="1.3.101.113")
    if "ecdsa" in lowered:
        curve = lowered.rsplit("nistp", 1)[-1].split("@")[0]
        bits = {"256": 128, "384": 192, "521": 256}.get(curve)
        return public_key(name, "ECDSA", bits, oid="1.2.840.10045.2.1", curve=f"P-{curve}")
    if "rsa" in lowered:
        return public_key(name, "RSA", None, oid="1.2.840.113549.1.1.1")
    if "dss" in lowered:
        return public_key(name, "DSA", 80, oid="1.2.840.10040.4.1", param="1024")
    return AlgorithmRecord(name=name, family="unknown", primitive="signature")


_SSH_CIPHERS = {
    "aes128-gcm@openssh.com": "AES-128-GCM",
    "aes256-gcm@openssh.com": "AES-256-GCM",
    "chacha20-poly1305@openssh.com": "ChaCha20-Poly1305",
    "aes128-ctr": "AES-128-CTR",
    "aes256-ctr": "AES-256-CTR",
    "aes128-cbc": "AES-128-CBC",
    "aes256-cbc": "AES-256-CBC",
    "3des-cbc": "3DES",
    "des-cbc": "DES",
    "arcfour": "RC4",
    "arcfour128": "RC4",
    "arcfour256": "RC4",
    "none": "NULL",
}
_SSH_MACS = {"sha2-256": "HMAC-SHA-256", "sha2-512": "HMAC-SHA-512", "sha1": "HMAC-SHA-1"}
_SSH_MACS["md5"] = "HMAC-MD5"


def ssh_cipher(name: str) -> AlgorithmRecord | None:
    """The symmetric cipher an SSH cipher name denotes (None when not catalogued)."""
    key = _SSH_CIPHERS.get(name.lower())
    return symmetric(key) if key else None


def ssh_mac(name: str) -> AlgorithmRecord | None:
    """The MAC an SSH MAC name denotes (None for implicit AEAD or unknown names)."""
    lowered = name.lower()
    key = next((v for k, v in _SSH_MACS.items() if f"hmac-{k}" in lowered), None)
    return symmetric(key) if key else None
