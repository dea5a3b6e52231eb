"""Pure TLS message building and parsing: ClientHello out, ServerHello/HRR/alert in.

No I/O here. Probes describe what to offer with a :class:`ClientHelloSpec`; the bytes are
rendered from a cached template so a probe only splices in fresh random/session-id bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from aman.scanners.pqc.tls_constants import (
    ALERT_LEVEL_NAMES,
    DEFAULT_SIGNATURE_SCHEMES,
    HRR_RANDOM,
    LEGACY_CIPHER_SUITES,
    TLS13_CIPHER_SUITES,
    ContentType,
    ExtensionType,
    HandshakeType,
    alert_name,
)
from aman.scanners.pqc.tls_wire import (
    ParseError,
    Reader,
    pack_u16_list,
    u16_list,
    vec8,
    vec16,
    vec24,
)

MAX_FRAGMENT = 1 << 14
_DOWNGRADE_TLS12 = b"DOWNGRD\x01"
_DOWNGRADE_TLS11 = b"DOWNGRD\x00"


@dataclass(frozen=True, slots=True)
class KeyShareEntry:
    """One KeyShareEntry: a group and the public key bytes offered for it."""

    group: int
    key_exchange: bytes


@dataclass(frozen=True, slots=True)
class ClientHelloSpec:
    """What a ClientHello offers. Hashable, so rendered templates can be cached per spec.

    ``supported_versions=None`` omits the extension (a pre-1.3 hello); ``key_shares=()``
    sends an empty client_shares vector (group probing, RFC 8446 §4.2.8) and ``None``
    omits the key_share extension altogether.
    """

    server_name: str | None = None
    record_version: int = 0x0301
    legacy_version: int = 0x0303
    supported_versions: tuple[int, ...] | None = (0x0304, 0x0303)
    cipher_suites: tuple[int, ...] = TLS13_CIPHER_SUITES + LEGACY_CIPHER_SUITES
    groups: tuple[int, ...] = (0x11EC, 0x001D, 0x0017, 0x0018)
    key_shares: tuple[KeyShareEntry, ...] | None = ()
    signature_algorithms: tuple[int, ...] = DEFAULT_SIGNATURE_SCHEMES
    signature_algorithms_cert: tuple[int, ...] | None = None
    alpn: tuple[str, ...] = ()
    psk_modes: tuple[int, ...] | None = (1,)
    ec_point_formats: tuple[int, ...] | None = (0,)
    extended_master_secret: bool = True
    renegotiation_info: bool = True
    extra_extensions: tuple[tuple[int, bytes], ...] = ()


# --- extension bodies -------------------------------------------------------------------


def encode_server_name(host: str) -> bytes:
    """server_name body: one host_name entry (RFC 6066 §3)."""
    name = host.encode("idna") if not host.isascii() else host.encode("ascii")
    return vec16(b"\x00" + vec16(name))


def decode_server_name(body: bytes) -> str:
    """The host_name from a server_name body."""
    r = Reader(body)
    lst = r.sub16("server_name_list")
    r.expect_end("server_name")
    while not lst.at_end():
        kind = lst.u8("name_type")
        name = lst.vec16("host_name")
        if kind == 0:
            try:
                return name.decode("ascii")
            except UnicodeDecodeError as exc:
                raise ParseError("server_name host_name is not ASCII") from exc
    raise ParseError("server_name without a host_name entry")


def encode_u16_vector(values: tuple[int, ...]) -> bytes:
    """Body of supported_groups / signature_algorithms: a u16-length list of u16."""
    return vec16(pack_u16_list(values))


def decode_u16_vector(body: bytes, what: str) -> tuple[int, ...]:
    """Inverse of :func:`encode_u16_vector`."""
    r = Reader(body)
    values = u16_list(r.vec16(what), what)
    r.expect_end(what)
    return values


def encode_client_versions(versions: tuple[int, ...]) -> bytes:
    """supported_versions body as a client sends it (u8-length list)."""
    return vec8(pack_u16_list(versions))


def decode_client_versions(body: bytes) -> tuple[int, ...]:
    """Inverse of :func:`encode_client_versions`."""
    r = Reader(body)
    versions = u16_list(r.vec8("supported_versions"), "supported_versions")
    r.expect_end("supported_versions")
    return versions


def encode_client_key_shares(entries: tuple[KeyShareEntry, ...]) -> bytes:
    """key_share body as a client sends it: client_shares<0..2^16-1>."""
    return vec16(b"".join(e.group.to_bytes(2, "big") + vec16(e.key_exchange) for e in entries))


def decode_client_key_shares(body: bytes) -> tuple[KeyShareEntry, ...]:
    """Inverse of :func:`encode_client_key_shares`."""
    r = Reader(body)
    shares = r.sub16("client_shares")
    r.expect_end("key_share")
    out: list[KeyShareEntry] = []
    while not shares.at_end():
        group = shares.u16("key_share group")
        out.append(KeyShareEntry(group, shares.vec16("key_exchange")))
    return tuple(out)


def encode_alpn(protocols: tuple[str, ...]) -> bytes:
    """ALPN body (RFC 7301): a u16-length list of u8-length protocol names."""
    return vec16(b"".join(vec8(p.encode("ascii")) for p in protocols))


def decode_alpn(body: bytes) -> tuple[str, ...]:
    """Inverse of :func:`encode_alpn`."""
    r = Reader(body)
    lst = r.sub16("protocol_name_list")
    r.expect_end("alpn")
    out: list[str] = []
    while not lst.at_end():
        name = lst.vec8("protocol_name")
        try:
            out.append(name.decode("ascii"))
        except UnicodeDecodeError as exc:
            raise ParseError("ALPN protocol name is not ASCII") from exc
    return tuple(out)


def client_extensions(spec: ClientHelloSpec) -> list[tuple[int, bytes]]:
    """The (type, body) extensions a ClientHello for ``spec`` carries, in wire order."""
    ext: list[tuple[int, bytes]] = []
    if spec.server_name:
        ext.append((ExtensionType.SERVER_NAME, encode_server_name(spec.server_name)))
    if spec.ec_point_formats is not None:
        ext.append((ExtensionType.EC_POINT_FORMATS, vec8(bytes(spec.ec_point_formats))))
    if spec.groups:
        ext.append((ExtensionType.SUPPORTED_GROUPS, encode_u16_vector(spec.groups)))
    if spec.signature_algorithms:
        sigs = encode_u16_vector(spec.signature_algorithms)
        ext.append((ExtensionType.SIGNATURE_ALGORITHMS, sigs))
    if spec.alpn:
        ext.append((ExtensionType.ALPN, encode_alpn(spec.alpn)))
    if spec.extended_master_secret:
        ext.append((ExtensionType.EXTENDED_MASTER_SECRET, b""))
    if spec.supported_versions is not None:
        body = encode_client_versions(spec.supported_versions)
        ext.append((ExtensionType.SUPPORTED_VERSIONS, body))
    if spec.psk_modes is not None:
        ext.append((ExtensionType.PSK_KEY_EXCHANGE_MODES, vec8(bytes(spec.psk_modes))))
    if spec.signature_algorithms_cert is not None:
        body = encode_u16_vector(spec.signature_algorithms_cert)
        ext.append((ExtensionType.SIGNATURE_ALGORITHMS_CERT, body))
    if spec.key_shares is not None:
        ext.append((ExtensionType.KEY_SHARE, encode_client_key_shares(spec.key_shares)))
    ext.extend(spec.extra_extensions)
    if spec.renegotiation_info:
        ext.append((ExtensionType.RENEGOTIATION_INFO, b"\x00"))
    return ext


def encode_extensions(extensions: list[tuple[int, bytes]]) -> bytes:
    """The extensions block: u16 total length, then type/length/body triples."""
    return vec16(b"".join(t.to_bytes(2, "big") + vec16(body) for t, body in extensions))


def decode_extensions(r: Reader, what: str) -> tuple[tuple[int, bytes], ...]:
    """Read an extensions block; duplicate types are a protocol error (RFC 8446 §4.2)."""
    block = r.sub16(f"{what} extensions")
    out: list[tuple[int, bytes]] = []
    seen: set[int] = set()
    while not block.at_end():
        ext_type = block.u16("extension type")
        body = block.vec16("extension body")
        if ext_type in seen:
            raise ParseError(f"duplicate extension 0x{ext_type:04x} in {what}")
        seen.add(ext_type)
        out.append((ext_type, body))
    return tuple(out)


# --- ClientHello --------------------------------------------------------------------------


def handshake_message(msg_type: int, body: bytes) -> bytes:
    """Wrap a body in the 4-byte handshake header."""
    return bytes((msg_type,)) + vec24(body)


def records(content_type: int, version: int, payload: bytes) -> bytes:
    """Split a payload into TLSPlaintext records of at most 2^14 bytes."""
    head = bytes((content_type,)) + version.to_bytes(2, "big")
    chunks = [payload[i : i + MAX_FRAGMENT] for i in range(0, max(len(payload), 1), MAX_FRAGMENT)]
    return b"".join(head + vec16(c) for c in chunks)


def build_client_hello(spec: ClientHelloSpec, random: bytes, session_id: bytes) -> bytes:
    """Full ClientHello as record-layer bytes, ready to write to a socket."""
    if len(random) != 32:
        raise ValueError("ClientHello random must be 32 bytes")
    if len(session_id) > 32:
        raise ValueError("legacy_session_id is at most 32 bytes")
    body = (
        spec.legacy_version.to_bytes(2, "big")
        + random
        + vec8(session_id)
        + encode_u16_vector(spec.cipher_suites)
        + b"\x01\x00"
        + encode_extensions(client_extensions(spec))
    )
    message = handshake_message(HandshakeType.CLIENT_HELLO, body)
    return records(ContentType.HANDSHAKE, spec.record_version, message)


@dataclass(frozen=True, slots=True)
class ClientHelloTemplate:
    """A rendered ClientHello with fixed slots for the 32-byte random and session id."""

    data: bytes
    random_offset: int
    session_offset: int

    def render(self, random: bytes, session_id: bytes) -> bytes:
        """Splice fresh random and session-id bytes (32 each) into the template."""
        if len(random) != 32 or len(session_id) != 32:
            raise ValueError("template random and session id must be 32 bytes each")
        d, r, s = self.data, self.random_offset, self.session_offset
        return d[:r] + random + d[r + 32 : s] + session_id + d[s + 32 :]


@lru_cache(maxsize=4096)
def client_hello_template(spec: ClientHelloSpec) -> ClientHelloTemplate:
    """Cached template for a spec, so per-probe work is two slices and a join."""
    data = build_client_hello(spec, b"\x00" * 32, b"\x00" * 32)
    # Slots sit in the first record even when a huge hello is fragmented:
    # record header (5) + handshake header (4) + legacy_version (2), then random, then
    # the session-id length byte.
    random_offset = 11
    session_offset = random_offset + 32 + 1
    return ClientHelloTemplate(data, random_offset, session_offset)


@dataclass(frozen=True, slots=True)
class ClientHello:
    """A parsed ClientHello (used by fixture servers and round-trip tests)."""

    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suites: tuple[int, ...]
    compression_methods: bytes
    extensions: tuple[tuple[int, bytes], ...]

    def extension(self, ext_type: int) -> bytes | None:
        """Body of one extension, or None when absent."""
        return next((body for t, body in self.extensions if t == ext_type), None)

    @property
    def groups(self) -> tuple[int, ...]:
        """Offered supported_groups (empty when the extension is absent)."""
        body = self.extension(ExtensionType.SUPPORTED_GROUPS)
        return () if body is None else decode_u16_vector(body, "supported_groups")

    @property
    def key_shares(self) -> tuple[KeyShareEntry, ...] | None:
        """Offered key shares; None when the extension is absent."""
        body = self.extension(ExtensionType.KEY_SHARE)
        return None if body is None else decode_client_key_shares(body)

    @property
    def supported_versions(self) -> tuple[int, ...] | None:
        """Offered versions from supported_versions; None when absent."""
        body = self.extension(ExtensionType.SUPPORTED_VERSIONS)
        return None if body is None else decode_client_versions(body)

    @property
    def server_name(self) -> str | None:
        """The SNI host name, if sent."""
        body = self.extension(ExtensionType.SERVER_NAME)
        return None if body is None else decode_server_name(body)


def parse_client_hello(body: bytes) -> ClientHello:
    """Parse a ClientHello handshake body (without the 4-byte handshake header)."""
    r = Reader(body)
    version = r.u16("legacy_version")
    random = r.raw(32, "random")
    session_id = r.vec8("legacy_session_id")
    if len(session_id) > 32:
        raise ParseError("legacy_session_id longer than 32 bytes")
    suites = u16_list(r.vec16("cipher_suites"), "cipher_suites")
    compression = r.vec8("compression_methods")
    extensions = () if r.at_end() else decode_extensions(r, "ClientHello")
    r.expect_end("ClientHello")
    return ClientHello(version, random, session_id, suites, compression, extensions)


# --- ServerHello / HelloRetryRequest ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServerHello:
    """A parsed ServerHello; ``is_hrr`` marks a HelloRetryRequest (RFC 8446 §4.1.3).

    ``key_share_group`` is the HRR's selected_group or the group of the ServerHello's
    KeyShareEntry; ``key_share_len`` is the length of the server's share (0 for an HRR).
    """

    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suite: int
    compression_method: int
    extensions: tuple[tuple[int, bytes], ...] = field(default=())
    selected_version: int = 0
    key_share_group: int | None = None
    key_share_len: int = 0
    alpn: str | None = None

    @property
    def is_hrr(self) -> bool:
        """True for a HelloRetryRequest."""
        return self.random == HRR_RANDOM

    @property
    def downgrade_sentinel(self) -> int | None:
        """Version announced by an RFC 8446 §4.1.3 downgrade marker in the random, if any."""
        tail = self.random[-8:]
        if tail == _DOWNGRADE_TLS12:
            return 0x0303
        if tail == _DOWNGRADE_TLS11:
            return 0x0302
        return None

    def extension(self, ext_type: int) -> bytes | None:
        """Body of one extension, or None when absent."""
        return next((body for t, body in self.extensions if t == ext_type), None)


def _server_key_share(body: bytes, hrr: bool) -> tuple[int, int]:
    r = Reader(body)
    group = r.u16("key_share group")
    if hrr:
        r.expect_end("HRR key_share")
        return group, 0
    share = r.vec16("server key_exchange")
    r.expect_end("ServerHello key_share")
    if not share:
        raise ParseError("ServerHello key_share with an empty key_exchange")
    return group, len(share)


def _server_version(body: bytes) -> int:
    r = Reader(body)
    version = r.u16("selected_version")
    r.expect_end("supported_versions")
    return version


def parse_server_hello(body: bytes) -> ServerHello:
    """Parse a ServerHello or HelloRetryRequest body (without the handshake header)."""
    r = Reader(body)
    legacy_version = r.u16("legacy_version")
    random = r.raw(32, "random")
    session_id = r.vec8("legacy_session_id_echo")
    if len(session_id) > 32:
        raise ParseError("legacy_session_id_echo longer than 32 bytes")
    suite = r.u16("cipher_suite")
    compression = r.u8("compression_method")
    extensions = () if r.at_end() else decode_extensions(r, "ServerHello")
    r.expect_end("ServerHello")
    hrr = random == HRR_RANDOM
    selected, group, share_len, alpn = legacy_version, None, 0, None
    for ext_type, ext_body in extensions:
        if ext_type == ExtensionType.SUPPORTED_VERSIONS:
            selected = _server_version(ext_body)
        elif ext_type == ExtensionType.KEY_SHARE:
            group, share_len = _server_key_share(ext_body, hrr)
        elif ext_type == ExtensionType.ALPN:
            names = decode_alpn(ext_body)
            if len(names) != 1:
                raise ParseError("server ALPN must name exactly one protocol")
            alpn = names[0]
    return ServerHello(
        legacy_version,
        random,
        session_id,
        suite,
        compression,
        extensions,
        selected,
        group,
        share_len,
        alpn,
    )


def build_server_hello(hello: ServerHello) -> bytes:
    """Encode a ServerHello handshake message (test fixtures and round-trip tests)."""
    body = (
        hello.legacy_version.to_bytes(2, "big")
        + hello.random
        + vec8(hello.session_id)
        + hello.cipher_suite.to_bytes(2, "big")
        + bytes((hello.compression_method,))
    )
    if hello.extensions:
        body += encode_extensions(list(hello.extensions))
    return handshake_message(HandshakeType.SERVER_HELLO, body)


# --- alerts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Alert:
    """A TLS alert with IANA names for level and description."""

    level: int
    description: int

    @property
    def name(self) -> str:
        """Description name, e.g. ``handshake_failure``."""
        return alert_name(self.description)

    @property
    def level_name(self) -> str:
        """``warning``, ``fatal`` or the raw number."""
        return ALERT_LEVEL_NAMES.get(self.level, str(self.level))


def parse_alert(payload: bytes) -> Alert:
    """Parse an alert record payload (exactly two bytes)."""
    if len(payload) != 2:
        raise ParseError(f"alert payload of {len(payload)} bytes, expected 2")
    return Alert(payload[0], payload[1])


def build_alert(level: int, description: int, version: int = 0x0303) -> bytes:
    """An alert record (fixtures and tests)."""
    return records(ContentType.ALERT, version, bytes((level, description)))
