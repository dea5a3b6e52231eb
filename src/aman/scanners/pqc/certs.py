"""Certificate inventory from one full TLS handshake (asyncio + pyOpenSSL memory BIO).

In TLS 1.3 the certificate chain is encrypted, so the raw probes cannot see it. This
module completes a real handshake on the OpenSSL that ``cryptography`` bundles (it speaks
X25519MLKEM768 and verifies ML-DSA), driving the TLS engine through memory BIOs on an
asyncio stream, so thousands of handshakes share one thread and STARTTLS works unchanged.
The chain is inventoried, not validated: a scanner must report what it is shown.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from functools import lru_cache

from OpenSSL import SSL, crypto
from OpenSSL._util import lib as _openssl_lib

from aman.scanners.pqc import netguard
from aman.scanners.pqc.algorithms import AlgorithmAssessment, classify_signature_scheme
from aman.scanners.pqc.limits import ProbeLimiter
from aman.scanners.pqc.starttls import StartTLSError, negotiate_starttls
from aman.scanners.pqc.tls_constants import signature_scheme_name
from aman.scanners.pqc.tls_probe import TLSTarget
from aman.scanners.pqc.tls_transcript import parse_keylog, server_signature_scheme
from aman.scanners.pqc.tls_wire import ParseError
from aman.scanners.pqc.x509_info import CertificateInfo, describe_chain

# Offered by the inventory handshake: PQ hybrids first, so a PQ-capable server shows it.
DEFAULT_CLIENT_GROUPS = "X25519MLKEM768:SecP256r1MLKEM768:SecP384r1MLKEM1024:X25519:P-256:P-384"
MAX_SERVER_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class HandshakeInventory:
    """What one completed (or failed) handshake revealed about an endpoint."""

    host: str
    port: int
    server_name: str | None
    completed: bool
    error: str = ""
    protocol: str | None = None
    cipher: str | None = None
    group: str | None = None
    signature_scheme: int | None = None
    chain: tuple[CertificateInfo, ...] = ()
    elapsed: float = 0.0

    @property
    def signature_scheme_name(self) -> str | None:
        """IANA name of the handshake signature scheme, when recovered."""
        code = self.signature_scheme
        return None if code is None else signature_scheme_name(code)

    @property
    def handshake_signature(self) -> AlgorithmAssessment | None:
        """Assessment of the handshake signature scheme, when recovered."""
        code = self.signature_scheme
        return None if code is None else classify_signature_scheme(code)


def _keylog(conn: SSL.Connection, line: bytes) -> None:
    sink = conn.get_app_data()
    if isinstance(sink, list):
        sink.append(line)


def _set_groups(ctx: SSL.Context, groups: str) -> bool:
    """Restrict the offered groups through the binding pyOpenSSL ships but does not wrap.

    pyOpenSSL has no public ``set_groups``; if the private binding ever disappears the
    context keeps OpenSSL's defaults (which already put X25519MLKEM768 first) and this
    returns True. False means OpenSSL rejected the list.
    """
    setter = getattr(_openssl_lib, "SSL_CTX_set1_curves_list", None)
    if setter is None:
        return True
    return bool(setter(ctx._context, groups.encode("ascii")) == 1)


@lru_cache(maxsize=32)
def client_context(
    groups: str = DEFAULT_CLIENT_GROUPS, max_version: int | None = None
) -> SSL.Context:
    """A shared client context (contexts are costly; connections are cheap)."""
    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.set_verify(SSL.VERIFY_NONE)
    if not _set_groups(ctx, groups):
        raise ValueError(f"OpenSSL rejected group list {groups!r}")
    if max_version is not None:
        ctx.set_max_proto_version(max_version)
    ctx.set_keylog_callback(_keylog)
    return ctx


def _drain(conn: SSL.Connection) -> bytes:
    out = bytearray()
    while True:
        try:
            out += conn.bio_read(65536)
        except SSL.WantReadError:
            return bytes(out)


async def _handshake(
    conn: SSL.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> bytes:
    """Drive the handshake; returns every byte the server sent (for the transcript)."""
    received = bytearray()
    while True:
        try:
            conn.do_handshake()
        except SSL.WantReadError:
            writer.write(_drain(conn))
            data = await reader.read(65536)
            if not data:
                raise ConnectionError("server closed the connection during the handshake") from None
            received += data
            if len(received) > MAX_SERVER_BYTES:
                raise ConnectionError("server sent over 1 MiB during the handshake") from None
            conn.bio_write(data)
        else:
            writer.write(_drain(conn))
            return bytes(received)


def _summarise(
    target: TLSTarget, conn: SSL.Connection, received: bytes, keylog: list[bytes]
) -> HandshakeInventory:
    chain = conn.get_peer_cert_chain() or []
    ders = [crypto.dump_certificate(crypto.FILETYPE_ASN1, c) for c in chain]
    secret = parse_keylog(keylog).get("SERVER_HANDSHAKE_TRAFFIC_SECRET")
    try:
        scheme = server_signature_scheme(received, secret)
    except ParseError:
        scheme = None
    return HandshakeInventory(
        host=target.host,
        port=target.port,
        server_name=target.sni,
        completed=True,
        protocol=conn.get_protocol_version_name(),
        cipher=conn.get_cipher_name(),
        group=conn.get_group_name(),
        signature_scheme=scheme,
        chain=describe_chain(ders),
    )


async def _inventory(target: TLSTarget, ctx: SSL.Context) -> HandshakeInventory:
    reader, writer = await netguard.open_connection(target.host, target.port)
    try:
        if target.starttls is not None:
            await negotiate_starttls(target.starttls, reader, writer)
        conn = SSL.Connection(ctx, None)
        keylog: list[bytes] = []
        conn.set_app_data(keylog)
        conn.set_connect_state()
        if target.sni:
            conn.set_tlsext_host_name(target.sni.encode("idna"))
        received = await _handshake(conn, reader, writer)
        inventory = _summarise(target, conn, received, keylog)
        try:
            conn.shutdown()
            writer.write(_drain(conn))
        except SSL.Error:
            pass
        return inventory
    finally:
        writer.close()


def _failed(target: TLSTarget, error: str) -> HandshakeInventory:
    return HandshakeInventory(target.host, target.port, target.sni, completed=False, error=error)


async def fetch_inventory(
    target: TLSTarget,
    *,
    groups: str = DEFAULT_CLIENT_GROUPS,
    max_version: int | None = None,
    timeout: float = 10.0,
    limiter: ProbeLimiter | None = None,
) -> HandshakeInventory:
    """Complete one handshake with ``target`` and inventory what it showed.

    Never raises for network or protocol trouble: failures come back with
    ``completed=False`` and an ``error`` saying what went wrong. Pass the probers'
    ``limiter`` so handshakes count against the same per-host cap.
    """
    ctx = client_context(groups, max_version)
    if limiter is None:
        return await _timed_inventory(target, ctx, timeout)
    async with limiter.slot(target.host):
        return await _timed_inventory(target, ctx, timeout)


async def _timed_inventory(
    target: TLSTarget, ctx: SSL.Context, timeout: float
) -> HandshakeInventory:
    start = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            result = await _inventory(target, ctx)
    except TimeoutError:
        result = _failed(target, f"timeout after {timeout:g}s")
    except SSL.Error as exc:
        result = _failed(target, f"TLS error: {exc}")
    except StartTLSError as exc:
        result = _failed(target, f"STARTTLS failed: {exc}")
    except ParseError as exc:
        result = _failed(target, f"unparseable certificate: {exc}")
    except OSError as exc:
        result = _failed(target, f"connection error: {exc or type(exc).__name__}")
    return replace(result, elapsed=time.monotonic() - start)
