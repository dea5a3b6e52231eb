"""TLS codepoints the scanner needs, with names and post-quantum classification.

Values come from the IANA TLS registries, RFC 8446, draft-ietf-tls-ecdhe-mlkem and
draft-ietf-tls-mlkem (the project reference pqc-scanning.md §3.2). Kept as data so the parser,
the probes and the reports agree on one spelling of every name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class ContentType(IntEnum):
    """TLS record content types (RFC 8446 §5.1)."""

    CHANGE_CIPHER_SPEC = 20
    ALERT = 21
    HANDSHAKE = 22
    APPLICATION_DATA = 23
    HEARTBEAT = 24


class HandshakeType(IntEnum):
    """Handshake message types seen in the first flights (RFC 8446 §4, RFC 5246 §7.4)."""

    CLIENT_HELLO = 1
    SERVER_HELLO = 2
    NEW_SESSION_TICKET = 4
    ENCRYPTED_EXTENSIONS = 8
    CERTIFICATE = 11
    SERVER_KEY_EXCHANGE = 12
    CERTIFICATE_REQUEST = 13
    SERVER_HELLO_DONE = 14
    CERTIFICATE_VERIFY = 15
    FINISHED = 20


class ExtensionType(IntEnum):
    """Extension codepoints the ClientHello builder and ServerHello parser use."""

    SERVER_NAME = 0
    SUPPORTED_GROUPS = 10
    EC_POINT_FORMATS = 11
    SIGNATURE_ALGORITHMS = 13
    ALPN = 16
    EXTENDED_MASTER_SECRET = 23
    SESSION_TICKET = 35
    SUPPORTED_VERSIONS = 43
    PSK_KEY_EXCHANGE_MODES = 45
    SIGNATURE_ALGORITHMS_CERT = 50
    KEY_SHARE = 51
    RENEGOTIATION_INFO = 0xFF01


class TLSVersion(IntEnum):
    """Protocol versions as they appear on the wire."""

    SSL3 = 0x0300
    TLS1_0 = 0x0301
    TLS1_1 = 0x0302
    TLS1_2 = 0x0303
    TLS1_3 = 0x0304


VERSION_NAMES: dict[int, str] = {
    0x0300: "SSLv3",
    0x0301: "TLSv1.0",
    0x0302: "TLSv1.1",
    0x0303: "TLSv1.2",
    0x0304: "TLSv1.3",
}


def version_name(version: int) -> str:
    """Human name of a wire version; unknown values print as hex."""
    return VERSION_NAMES.get(version, f"0x{version:04x}")


# SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3: a ServerHello with this random is an HRR.
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")


class GroupKind(StrEnum):
    """How a key-exchange group stands against a quantum adversary."""

    CLASSICAL = "classical"
    HYBRID_PQ = "hybrid_pq"
    PURE_PQ = "pure_pq"
    OBSOLETE_DRAFT = "obsolete_draft"


@dataclass(frozen=True, slots=True)
class NamedGroup:
    """One TLS NamedGroup codepoint with what the scanner needs to report about it.

    ``client_share_len``/``server_share_len`` are the key_share sizes on the wire (None when
    variable or not used); ``nist_level`` is the NIST PQC category of the PQ component
    (0 for purely classical groups).
    """

    code: int
    name: str
    kind: GroupKind
    classical_bits: int
    nist_level: int
    client_share_len: int | None = None
    server_share_len: int | None = None

    @property
    def quantum_safe(self) -> bool:
        """True when the group's secret survives a quantum adversary (hybrid or pure PQ)."""
        return self.kind in (GroupKind.HYBRID_PQ, GroupKind.PURE_PQ)


_C, _H, _P, _O = (
    GroupKind.CLASSICAL,
    GroupKind.HYBRID_PQ,
    GroupKind.PURE_PQ,
    GroupKind.OBSOLETE_DRAFT,
)

NAMED_GROUPS: dict[int, NamedGroup] = {
    g.code: g
    for g in (
        NamedGroup(0x0016, "secp256k1", _C, 128, 0, 65, 65),
        NamedGroup(0x0017, "secp256r1", _C, 128, 0, 65, 65),
        NamedGroup(0x0018, "secp384r1", _C, 192, 0, 97, 97),
        NamedGroup(0x0019, "secp521r1", _C, 256, 0, 133, 133),
        NamedGroup(0x001D, "x25519", _C, 128, 0, 32, 32),
        NamedGroup(0x001E, "x448", _C, 224, 0, 56, 56),
        NamedGroup(0x001F, "brainpoolP256r1tls13", _C, 128, 0, 65, 65),
        NamedGroup(0x0020, "brainpoolP384r1tls13", _C, 192, 0, 97, 97),
        NamedGroup(0x0021, "brainpoolP512r1tls13", _C, 256, 0, 129, 129),
        NamedGroup(0x0100, "ffdhe2048", _C, 112, 0, 256, 256),
        NamedGroup(0x0101, "ffdhe3072", _C, 128, 0, 384, 384),
        NamedGroup(0x0102, "ffdhe4096", _C, 152, 0, 512, 512),
        NamedGroup(0x0103, "ffdhe6144", _C, 176, 0, 768, 768),
        NamedGroup(0x0104, "ffdhe8192", _C, 192, 0, 1024, 1024),
        NamedGroup(0x0200, "MLKEM512", _P, 128, 1, 800, 768),
        NamedGroup(0x0201, "MLKEM768", _P, 192, 3, 1184, 1088),
        NamedGroup(0x0202, "MLKEM1024", _P, 256, 5, 1568, 1568),
        NamedGroup(0x11EB, "SecP256r1MLKEM768", _H, 128, 3, 1249, 1153),
        NamedGroup(0x11EC, "X25519MLKEM768", _H, 128, 3, 1216, 1120),
        NamedGroup(0x11ED, "SecP384r1MLKEM1024", _H, 192, 5, 1665, 1665),
        NamedGroup(0x11EE, "curveSM2MLKEM768", _H, 128, 3, None, None),
        NamedGroup(0x6399, "X25519Kyber768Draft00", _O, 128, 0, 1216, 1120),
        NamedGroup(0x639A, "SecP256r1Kyber768Draft00", _O, 128, 0, 1249, 1153),
    )
}

GROUPS_BY_NAME: dict[str, NamedGroup] = {g.name.lower(): g for g in NAMED_GROUPS.values()}


def group_info(code: int) -> NamedGroup:
    """Describe a group codepoint; unknown codes are reported, never rejected."""
    known = NAMED_GROUPS.get(code)
    if known is not None:
        return known
    return NamedGroup(code, f"unknown_0x{code:04x}", GroupKind.CLASSICAL, 0, 0)


def group_code(name: str) -> int:
    """Codepoint for a group name (case-insensitive); raises KeyError when unknown."""
    return GROUPS_BY_NAME[name.lower()].code


# Groups worth enumerating one by one against a server, most interesting first.
PROBE_GROUPS: tuple[int, ...] = (
    0x11EC,
    0x11EB,
    0x11ED,
    0x0200,
    0x0201,
    0x0202,
    0x6399,
    0x001D,
    0x0017,
    0x0018,
    0x0019,
    0x001E,
    0x0100,
    0x0101,
)

CIPHER_SUITE_NAMES: dict[int, str] = {
    0x1301: "TLS_AES_128_GCM_SHA256",
    0x1302: "TLS_AES_256_GCM_SHA384",
    0x1303: "TLS_CHACHA20_POLY1305_SHA256",
    0x1304: "TLS_AES_128_CCM_SHA256",
    0x1305: "TLS_AES_128_CCM_8_SHA256",
    0xC02B: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    0xC02C: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    0xCCA8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    0xCCA9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    0xC009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    0xC00A: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    0xC013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    0xC014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    0xC023: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    0xC027: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    0x009E: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    0x009F: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    0x0033: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    0x0039: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    0x009C: "TLS_RSA_WITH_AES_128_GCM_SHA256",
    0x009D: "TLS_RSA_WITH_AES_256_GCM_SHA384",
    0x002F: "TLS_RSA_WITH_AES_128_CBC_SHA",
    0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
    0x000A: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    0x00FF: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
    # Weak suites, offered only by the weak-cipher probe.
    0x0001: "TLS_RSA_WITH_NULL_MD5",
    0x0002: "TLS_RSA_WITH_NULL_SHA",
    0x003B: "TLS_RSA_WITH_NULL_SHA256",
    0x0003: "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
    0x0004: "TLS_RSA_WITH_RC4_128_MD5",
    0x0005: "TLS_RSA_WITH_RC4_128_SHA",
    0x0008: "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
    0x0009: "TLS_RSA_WITH_DES_CBC_SHA",
    0x0014: "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
    0x0015: "TLS_DHE_RSA_WITH_DES_CBC_SHA",
    0x0016: "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
    0xC006: "TLS_ECDHE_ECDSA_WITH_NULL_SHA",
    0xC007: "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    0xC008: "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
    0xC010: "TLS_ECDHE_RSA_WITH_NULL_SHA",
    0xC011: "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    0xC012: "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
}

# 3DES, DES, RC4, export-grade and NULL suites: any of them accepted is a finding.
WEAK_CIPHER_SUITES: tuple[int, ...] = (
    0xC012,
    0xC008,
    0x0016,
    0x000A,
    0xC011,
    0xC007,
    0x0005,
    0x0004,
    0x0015,
    0x0009,
    0x0014,
    0x0008,
    0x0003,
    0xC010,
    0xC006,
    0x003B,
    0x0002,
    0x0001,
)

TLS13_CIPHER_SUITES: tuple[int, ...] = (0x1301, 0x1302, 0x1303)

# Widely deployed pre-1.3 suites, so a TLS 1.2/1.1/1.0-only server answers our probes.
LEGACY_CIPHER_SUITES: tuple[int, ...] = (
    0xC02B,
    0xC02F,
    0xC02C,
    0xC030,
    0xCCA9,
    0xCCA8,
    0xC009,
    0xC013,
    0xC00A,
    0xC014,
    0xC023,
    0xC027,
    0x009E,
    0x009F,
    0x0033,
    0x0039,
    0x009C,
    0x009D,
    0x002F,
    0x0035,
    0x000A,
)


def cipher_suite_name(code: int) -> str:
    """IANA name of a cipher suite; unknown values print as hex."""
    return CIPHER_SUITE_NAMES.get(code, f"0x{code:04x}")


SIGNATURE_SCHEME_NAMES: dict[int, str] = {
    0x0201: "rsa_pkcs1_sha1",
    0x0203: "ecdsa_sha1",
    0x0401: "rsa_pkcs1_sha256",
    0x0501: "rsa_pkcs1_sha384",
    0x0601: "rsa_pkcs1_sha512",
    0x0403: "ecdsa_secp256r1_sha256",
    0x0503: "ecdsa_secp384r1_sha384",
    0x0603: "ecdsa_secp521r1_sha512",
    0x0804: "rsa_pss_rsae_sha256",
    0x0805: "rsa_pss_rsae_sha384",
    0x0806: "rsa_pss_rsae_sha512",
    0x0807: "ed25519",
    0x0808: "ed448",
    0x0809: "rsa_pss_pss_sha256",
    0x080A: "rsa_pss_pss_sha384",
    0x080B: "rsa_pss_pss_sha512",
    0x081A: "ecdsa_brainpoolP256r1tls13_sha256",
    0x081B: "ecdsa_brainpoolP384r1tls13_sha384",
    0x081C: "ecdsa_brainpoolP512r1tls13_sha512",
    0x0904: "mldsa44",
    0x0905: "mldsa65",
    0x0906: "mldsa87",
}

PQ_SIGNATURE_SCHEMES: frozenset[int] = frozenset({0x0904, 0x0905, 0x0906})

# Offered in every probe: PQ first, then what common servers sign with.
DEFAULT_SIGNATURE_SCHEMES: tuple[int, ...] = (
    0x0905,
    0x0906,
    0x0904,
    0x0403,
    0x0503,
    0x0603,
    0x0807,
    0x0808,
    0x0804,
    0x0805,
    0x0806,
    0x0809,
    0x080A,
    0x080B,
    0x0401,
    0x0501,
    0x0601,
    0x0203,
    0x0201,
)


def signature_scheme_name(code: int) -> str:
    """IANA name of a SignatureScheme; unknown values print as hex."""
    return SIGNATURE_SCHEME_NAMES.get(code, f"0x{code:04x}")


ALERT_NAMES: dict[int, str] = {
    0: "close_notify",
    10: "unexpected_message",
    20: "bad_record_mac",
    21: "decryption_failed",
    22: "record_overflow",
    40: "handshake_failure",
    42: "bad_certificate",
    43: "unsupported_certificate",
    44: "certificate_revoked",
    45: "certificate_expired",
    46: "certificate_unknown",
    47: "illegal_parameter",
    48: "unknown_ca",
    49: "access_denied",
    50: "decode_error",
    51: "decrypt_error",
    70: "protocol_version",
    71: "insufficient_security",
    80: "internal_error",
    86: "inappropriate_fallback",
    90: "user_canceled",
    100: "no_renegotiation",
    109: "missing_extension",
    110: "unsupported_extension",
    112: "unrecognized_name",
    113: "bad_certificate_status_response",
    115: "unknown_psk_identity",
    116: "certificate_required",
    120: "no_application_protocol",
}

ALERT_LEVEL_NAMES: dict[int, str] = {1: "warning", 2: "fatal"}


def alert_name(description: int) -> str:
    """IANA name of an alert description; unknown values print as a number."""
    return ALERT_NAMES.get(description, f"alert_{description}")
