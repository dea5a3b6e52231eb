"""Recover the server's handshake signature scheme from a captured transcript.

OpenSSL's API (as exposed by pyOpenSSL) does not say which SignatureScheme the server
signed with, yet it distinguishes e.g. rsa_pss_rsae_sha256 from mldsa65. In TLS 1.2 the
ServerKeyExchange carries it in clear; in TLS 1.3 the CertificateVerify is encrypted, so
we decrypt the server's handshake records with the secret from our own key log (our
client's secrets, never anyone else's). Pure functions over bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from aman.scanners.pqc.tls_constants import CIPHER_SUITE_NAMES, ContentType, HandshakeType
from aman.scanners.pqc.tls_messages import ServerHello, parse_server_hello
from aman.scanners.pqc.tls_records import HandshakeMessage, HandshakeReassembler, RecordParser
from aman.scanners.pqc.tls_wire import ParseError, Reader

Aead = AESGCM | AESCCM | ChaCha20Poly1305
# suite -> (key length, hash, AEAD constructor)
_SUITES: dict[int, tuple[int, type[hashes.HashAlgorithm], str]] = {
    0x1301: (16, hashes.SHA256, "gcm"),
    0x1302: (32, hashes.SHA384, "gcm"),
    0x1303: (32, hashes.SHA256, "chacha"),
    0x1304: (16, hashes.SHA256, "ccm"),
    0x1305: (16, hashes.SHA256, "ccm8"),
}


def hkdf_expand_label(
    secret: bytes, label: str, context: bytes, length: int, algorithm: hashes.HashAlgorithm
) -> bytes:
    """HKDF-Expand-Label from RFC 8446 §7.1."""
    full = b"tls13 " + label.encode("ascii")
    info = length.to_bytes(2, "big") + bytes((len(full),)) + full + bytes((len(context),))
    return HKDFExpand(algorithm, length, info + context).derive(secret)


def parse_keylog(lines: Iterable[bytes]) -> dict[str, bytes]:
    """NSS key-log lines (``LABEL client_random secret``) to {label: secret}."""
    out: dict[str, bytes] = {}
    for line in lines:
        parts = line.decode("ascii", "replace").split()
        if len(parts) == 3:
            try:
                out[parts[0]] = bytes.fromhex(parts[2])
            except ValueError:
                continue
    return out


def _aead(suite: int, secret: bytes) -> tuple[Aead, bytes]:
    if suite not in _SUITES:
        raise ParseError(f"cannot decrypt cipher suite 0x{suite:04x}")
    key_len, hash_cls, kind = _SUITES[suite]
    key = hkdf_expand_label(secret, "key", b"", key_len, hash_cls())
    iv = hkdf_expand_label(secret, "iv", b"", 12, hash_cls())
    if kind == "gcm":
        return AESGCM(key), iv
    if kind == "chacha":
        return ChaCha20Poly1305(key), iv
    return AESCCM(key, tag_length=8 if kind == "ccm8" else 16), iv


def _decrypt(aead: Aead, iv: bytes, seq: int, header: bytes, payload: bytes) -> tuple[int, bytes]:
    nonce = bytes(a ^ b for a, b in zip(iv, seq.to_bytes(12, "big"), strict=True))
    try:
        inner = aead.decrypt(nonce, payload, header)
    except (InvalidTag, ValueError) as exc:
        raise ParseError("handshake record failed to decrypt") from exc
    stripped = inner.rstrip(b"\x00")
    if not stripped:
        raise ParseError("decrypted record has no content type")
    return stripped[-1], stripped[:-1]


def _ske_signature_scheme(body: bytes, suite: int) -> int | None:
    """SignatureAndHashAlgorithm of a TLS 1.2 ServerKeyExchange (RFC 5246, RFC 8422)."""
    name = CIPHER_SUITE_NAMES.get(suite, "")
    r = Reader(body)
    if "_ECDHE_" in name:
        if r.u8("curve_type") != 3:
            return None
        r.u16("named_curve")
        r.vec8("public point")
    elif "_DHE_" in name:
        for what in ("dh_p", "dh_g", "dh_Ys"):
            r.vec16(what)
    else:
        return None
    return r.u16("signature algorithm")


def _first_server_hello(messages: list[HandshakeMessage]) -> ServerHello | None:
    for msg in messages:
        if msg.msg_type == HandshakeType.SERVER_HELLO:
            hello = parse_server_hello(msg.body)
            if not hello.is_hrr:
                return hello
    return None


def server_signature_scheme(server_bytes: bytes, server_hs_secret: bytes | None) -> int | None:
    """The SignatureScheme the server signed its handshake with, or None if not visible.

    ``server_bytes`` is everything the server sent, in order; ``server_hs_secret`` is the
    SERVER_HANDSHAKE_TRAFFIC_SECRET from the client's key log (TLS 1.3 only).
    """
    records = RecordParser().feed(server_bytes)
    clear, encrypted = HandshakeReassembler(), HandshakeReassembler()
    hello: ServerHello | None = None
    seq, aead, iv = 0, None, b""
    for rec in records:
        if rec.content_type == ContentType.HANDSHAKE:
            messages = clear.feed(rec.payload)
            hello = hello or _first_server_hello(messages)
            for msg in messages:
                if msg.msg_type == HandshakeType.SERVER_KEY_EXCHANGE and hello is not None:
                    return _ske_signature_scheme(msg.body, hello.cipher_suite)
        elif rec.content_type == ContentType.APPLICATION_DATA and hello is not None:
            if hello.selected_version < 0x0304 or server_hs_secret is None:
                return None
            if aead is None:
                aead, iv = _aead(hello.cipher_suite, server_hs_secret)
            header = bytes((rec.content_type,)) + rec.version.to_bytes(2, "big")
            header += len(rec.payload).to_bytes(2, "big")
            inner_type, content = _decrypt(aead, iv, seq, header, rec.payload)
            seq += 1
            if inner_type != ContentType.HANDSHAKE:
                return None
            for msg in encrypted.feed(content):
                if msg.msg_type == HandshakeType.CERTIFICATE_VERIFY:
                    return Reader(msg.body).u16("CertificateVerify algorithm")
                if msg.msg_type == HandshakeType.FINISHED:
                    return None
    return None
