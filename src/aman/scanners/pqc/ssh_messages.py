"""Pure SSH parsing: the identification string and the plaintext KEXINIT (RFC 4253).

A server's algorithm offer is public: it is sent in clear straight after the version
exchange, so post-quantum key exchange is detectable from one packet with no crypto.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aman.scanners.pqc.tls_wire import ParseError, Reader

MSG_IGNORE, MSG_DEBUG, MSG_KEXINIT = 2, 4, 20
MAX_BANNER_LINE = 255  # RFC 4253 §4.2, CR LF included
MAX_PRE_BANNER_LINE = 1024
MAX_PRE_BANNER_LINES = 50
MAX_PACKET_LEN = 35000  # RFC 4253 §6.1: what every implementation must accept


class SSHParseError(ParseError):
    """Bytes that are not the SSH message expected."""


class SSHOversizedPacketError(SSHParseError):
    """A packet header announced more bytes than the reader accepts."""


@dataclass(frozen=True, slots=True)
class SSHBanner:
    """A parsed identification string ``SSH-protoversion-softwareversion SP comments``."""

    proto_version: str
    software_version: str
    comments: str
    raw: str

    @property
    def is_ssh2(self) -> bool:
        """True for 2.0, and for 1.99 which announces 2.0 compatibility (RFC 4253 §5.1)."""
        return self.proto_version in ("2.0", "1.99")


def parse_banner(line: bytes) -> SSHBanner:
    """Parse one identification line (with or without its CR LF)."""
    if len(line) > MAX_BANNER_LINE:
        raise SSHParseError(f"identification string of {len(line)} bytes exceeds 255")
    text_bytes = line.rstrip(b"\r\n")
    if not text_bytes.startswith(b"SSH-"):
        raise SSHParseError("identification string does not start with 'SSH-'")
    if b"\x00" in text_bytes:
        raise SSHParseError("NUL byte in identification string")
    try:
        text = text_bytes.decode("ascii")
    except UnicodeDecodeError as exc:
        raise SSHParseError("identification string is not US-ASCII") from exc
    ident, _, comments = text.partition(" ")
    parts = ident.split("-", 2)
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise SSHParseError(f"malformed identification string {text[:60]!r}")
    return SSHBanner(parts[1], parts[2], comments, text)


@dataclass(frozen=True, slots=True)
class BannerExchange:
    """What preceded and formed the server's identification, and the bytes after it."""

    banner: SSHBanner
    pre_banner: tuple[str, ...]
    rest: bytes


class BannerReader:
    """Accumulates server bytes until the ``SSH-`` line, tolerating lines before it."""

    __slots__ = ("_buf", "_pre")

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pre: list[str] = []

    def feed(self, data: bytes) -> BannerExchange | None:
        """Add bytes; return the exchange once the identification line is complete."""
        self._buf += data
        while True:
            nl = self._buf.find(b"\n")
            if nl < 0 and b"\x00" in self._buf:
                raise SSHParseError("NUL byte before the identification string")
            if nl < 0:
                limit = MAX_BANNER_LINE if self._buf.startswith(b"SSH-") else MAX_PRE_BANNER_LINE
                if len(self._buf) > limit:
                    raise SSHParseError("no line end within the identification length limit")
                return None
            line = bytes(self._buf[: nl + 1])
            if b"\x00" in line:
                raise SSHParseError("NUL byte before the identification string")
            del self._buf[: nl + 1]
            if line.startswith(b"SSH-"):
                return BannerExchange(parse_banner(line), tuple(self._pre), bytes(self._buf))
            if len(line) > MAX_PRE_BANNER_LINE:
                raise SSHParseError("over-long line before the identification string")
            if len(self._pre) >= MAX_PRE_BANNER_LINES:
                raise SSHParseError("too many lines before the identification string")
            self._pre.append(line.rstrip(b"\r\n").decode("latin-1"))


# --- binary packets and KEXINIT ---------------------------------------------------------------


def packet_length_of(header: bytes, max_len: int = MAX_PACKET_LEN) -> int:
    """Validate the first 5 bytes of a binary packet; return the total bytes it occupies."""
    length = int.from_bytes(header[:4], "big")
    padding = header[4]
    if length > max_len:
        raise SSHOversizedPacketError(f"packet length {length} exceeds {max_len}")
    if length < 5 or padding < 4 or padding >= length:
        raise SSHParseError(f"invalid packet length {length} / padding {padding}")
    return 4 + length


def packet_payload(packet: bytes, max_len: int = MAX_PACKET_LEN) -> bytes:
    """Payload of one complete unencrypted binary packet (no MAC before NEWKEYS)."""
    if len(packet) < 5:
        raise SSHParseError("truncated packet header")
    total = packet_length_of(packet, max_len)
    if len(packet) != total:
        raise SSHParseError(f"packet of {len(packet)} bytes, header says {total}")
    return packet[5 : total - packet[4]]


class PacketReader:
    """Accumulates bytes after the banner and returns unencrypted packet payloads."""

    __slots__ = ("_buf", "_max")

    def __init__(self, max_len: int = MAX_PACKET_LEN) -> None:
        self._buf = bytearray()
        self._max = max_len

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return the payloads of every packet they complete."""
        self._buf += data
        out: list[bytes] = []
        while len(self._buf) >= 5:
            total = packet_length_of(bytes(self._buf[:5]), self._max)
            if len(self._buf) < total:
                break
            out.append(packet_payload(bytes(self._buf[:total]), self._max))
            del self._buf[:total]
        return out


def _name_list(r: Reader, what: str) -> tuple[str, ...]:
    raw = r.raw(r.u32(what), what)
    if not raw:
        return ()
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise SSHParseError(f"{what} is not US-ASCII") from exc
    names = tuple(text.split(","))
    if any(not n or not n.isprintable() or " " in n for n in names):
        raise SSHParseError(f"{what} has an empty or non-printable name")
    return names


@dataclass(frozen=True, slots=True)
class KexInit:
    """The algorithm lists of an SSH_MSG_KEXINIT (RFC 4253 §7.1)."""

    cookie: bytes
    kex_algorithms: tuple[str, ...]
    server_host_key_algorithms: tuple[str, ...]
    ciphers_c2s: tuple[str, ...]
    ciphers_s2c: tuple[str, ...]
    macs_c2s: tuple[str, ...]
    macs_s2c: tuple[str, ...]
    compression_c2s: tuple[str, ...]
    compression_s2c: tuple[str, ...]
    languages_c2s: tuple[str, ...]
    languages_s2c: tuple[str, ...]
    first_kex_packet_follows: bool

    @property
    def pq_kex(self) -> tuple[str, ...]:
        """Offered key exchanges that resist a quantum adversary (hybrid or pure PQ)."""
        safe = (KexKind.HYBRID_PQ, KexKind.PURE_PQ)
        return tuple(k for k in self.kex_algorithms if classify_kex(k) in safe)


_LIST_NAMES = (
    "kex_algorithms",
    "server_host_key_algorithms",
    "encryption_algorithms_client_to_server",
    "encryption_algorithms_server_to_client",
    "mac_algorithms_client_to_server",
    "mac_algorithms_server_to_client",
    "compression_algorithms_client_to_server",
    "compression_algorithms_server_to_client",
    "languages_client_to_server",
    "languages_server_to_client",
)


def parse_kexinit_payload(payload: bytes) -> KexInit:
    """Parse a KEXINIT payload (message number first)."""
    r = Reader(payload)
    if r.u8("message number") != MSG_KEXINIT:
        raise SSHParseError(f"expected KEXINIT (20), got message {payload[0]}")
    cookie = r.raw(16, "cookie")
    kex, host, enc_cs, enc_sc, mac_cs, mac_sc, comp_cs, comp_sc, lang_cs, lang_sc = (
        _name_list(r, what) for what in _LIST_NAMES
    )
    follows = r.u8("first_kex_packet_follows") != 0
    r.u32("reserved")
    # Trailing bytes are tolerated: later revisions may extend the message.
    return KexInit(
        cookie,
        kex,
        host,
        enc_cs,
        enc_sc,
        mac_cs,
        mac_sc,
        comp_cs,
        comp_sc,
        lang_cs,
        lang_sc,
        follows,
    )


def parse_kexinit_packet(packet: bytes, max_len: int = MAX_PACKET_LEN) -> KexInit:
    """Parse one complete binary packet carrying KEXINIT."""
    return parse_kexinit_payload(packet_payload(packet, max_len))


def build_kexinit_packet(
    *,
    cookie: bytes,
    kex: tuple[str, ...],
    host_keys: tuple[str, ...],
    ciphers: tuple[str, ...],
    macs: tuple[str, ...],
    compression: tuple[str, ...] = ("none",),
    padding_byte: int = 0,
) -> bytes:
    """A KEXINIT binary packet, same lists both directions (fixtures and round-trip tests)."""
    if len(cookie) != 16:
        raise ValueError("KEXINIT cookie is 16 bytes")

    def name_list(names: tuple[str, ...]) -> bytes:
        body = ",".join(names).encode("ascii")
        return len(body).to_bytes(4, "big") + body

    payload = bytes((MSG_KEXINIT,)) + cookie
    for names in (kex, host_keys, ciphers, ciphers, macs, macs, compression, compression, (), ()):
        payload += name_list(names)
    payload += b"\x00" + b"\x00\x00\x00\x00"
    return build_packet(payload, padding_byte)


def build_packet(payload: bytes, padding_byte: int = 0) -> bytes:
    """An unencrypted binary packet (RFC 4253 §6) padded to a multiple of 8 bytes."""
    padding = 8 - (5 + len(payload)) % 8
    if padding < 4:
        padding += 8
    length = 1 + len(payload) + padding
    return length.to_bytes(4, "big") + bytes((padding,)) + payload + bytes([padding_byte]) * padding


# --- classification ----------------------------------------------------------------------------


class KexKind(StrEnum):
    """How an SSH key-exchange method stands against a quantum adversary."""

    HYBRID_PQ = "hybrid_pq"
    PURE_PQ = "pure_pq"
    EXPERIMENTAL_PQ = "experimental_pq"
    WITHDRAWN_PQ = "withdrawn_pq"
    CLASSICAL = "classical"
    PSEUDO = "pseudo"  # ext-info-*, kex-strict-*: signalling, not key exchange
    UNKNOWN = "unknown"


HYBRID_PQ_KEX: frozenset[str] = frozenset(
    {
        "mlkem768x25519-sha256",
        "sntrup761x25519-sha512",
        "sntrup761x25519-sha512@openssh.com",
        "mlkem768nistp256-sha256",
        "mlkem1024nistp384-sha384",
    }
)
PURE_PQ_KEX: frozenset[str] = frozenset({"mlkem768-sha256", "mlkem1024-sha384"})
WITHDRAWN_PQ_KEX: frozenset[str] = frozenset({"sntrup4591761x25519-sha512@tinyssh.org"})
_CLASSICAL_PREFIXES = ("curve25519-", "curve448-", "ecdh-sha2-", "diffie-hellman-", "gss-", "rsa")
_PSEUDO_PREFIXES = ("ext-info-", "kex-strict-", "kex-guess")


def classify_kex(name: str) -> KexKind:
    """Classify an SSH key-exchange method name."""
    if name in HYBRID_PQ_KEX:
        return KexKind.HYBRID_PQ
    if name in PURE_PQ_KEX:
        return KexKind.PURE_PQ
    if name in WITHDRAWN_PQ_KEX:
        return KexKind.WITHDRAWN_PQ
    lowered = name.lower()
    if lowered.startswith(_PSEUDO_PREFIXES):
        return KexKind.PSEUDO
    if "kyber" in lowered or lowered.endswith("@openquantumsafe.org"):
        return KexKind.EXPERIMENTAL_PQ
    if lowered.startswith(_CLASSICAL_PREFIXES):
        return KexKind.CLASSICAL
    return KexKind.UNKNOWN


class HostKeyKind(StrEnum):
    """How an SSH host-key algorithm stands against a quantum adversary."""

    PQ = "pq"
    HYBRID_PQ = "hybrid_pq"
    CLASSICAL = "classical"
    UNKNOWN = "unknown"


_CLASSICAL_HOSTKEY_PREFIXES: tuple[str, ...] = (
    "ssh-rsa",
    "rsa-sha2-",
    "ssh-ed25519",
    "ssh-ed448",
    "ssh-dss",
    "ecdsa-sha2-",
    "sk-ecdsa-",
    "sk-ssh-ed25519",
    "x509v3-",
)


def classify_host_key(name: str) -> HostKeyKind:
    """Classify an SSH host-key (signature) algorithm name."""
    lowered = name.lower()
    if lowered.startswith("ssh-mldsa") or lowered.startswith("ssh-slhdsa"):
        composite = "-ed25519" in lowered or "-nistp" in lowered or "-rsa" in lowered
        return HostKeyKind.HYBRID_PQ if composite else HostKeyKind.PQ
    if lowered.startswith(_CLASSICAL_HOSTKEY_PREFIXES):
        return HostKeyKind.CLASSICAL
    return HostKeyKind.UNKNOWN
