"""Short-lived loopback TLS and SSH servers with chosen PQ configurations.

The demo scans them (so a fresh install shows real findings without touching any real
host) and the benchmarks measure against them. Everything listens on 127.0.0.1 with an
ephemeral port, runs on an asyncio loop in a daemon thread, and stops on ``close()``.
TLS uses pyOpenSSL on the OpenSSL that ``cryptography`` bundles (ML-KEM, ML-DSA); keys and
certificates are generated at start-up.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, mldsa, rsa
from cryptography.x509.oid import NameOID
from OpenSSL import SSL, crypto
from OpenSSL._util import lib as _openssl_lib

from aman.scanners.pqc.ssh_messages import build_kexinit_packet

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
KeyKind = Literal["rsa2048", "ecdsa-p256", "mldsa65", "mldsa87"]
PrivateKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | mldsa.MLDSA65PrivateKey
    | mldsa.MLDSA87PrivateKey
)
HOST = "127.0.0.1"


def generate_key(kind: KeyKind) -> PrivateKey:
    if kind == "rsa2048":
        return rsa.generate_private_key(65537, 2048)
    if kind == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "mldsa65":
        return mldsa.MLDSA65PrivateKey.generate()
    return mldsa.MLDSA87PrivateKey.generate()


@dataclass(frozen=True)
class Credentials:
    """A leaf key and the chain the server sends (leaf first)."""

    key: PrivateKey
    chain: tuple[x509.Certificate, ...]


def _certificate(
    cn: str,
    key: PrivateKey,
    issuer: tuple[x509.Name, PrivateKey] | None,
    ca: bool,
    days: int,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name, issuer_key = issuer if issuer else (name, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        san = x509.SubjectAlternativeName([x509.DNSName(cn)])
        builder = builder.add_extension(san, critical=False)
    algorithm = (
        hashes.SHA256()
        if isinstance(issuer_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
        else None
    )
    return builder.sign(issuer_key, algorithm)


def make_credentials(
    leaf: KeyKind, ca: KeyKind | None = None, host: str = "localhost", days: int = 90
) -> Credentials:
    """Leaf credentials for ``host``, self-signed or issued by a generated CA."""
    leaf_key = generate_key(leaf)
    if ca is None:
        return Credentials(leaf_key, (_certificate(host, leaf_key, None, False, days),))
    ca_key = generate_key(ca)
    ca_cert = _certificate("Aman Lab CA", ca_key, None, True, 3650)
    cert = _certificate(host, leaf_key, (ca_cert.subject, ca_key), False, days)
    return Credentials(leaf_key, (cert, ca_cert))


_VERSIONS = {"1.2": SSL.TLS1_2_VERSION, "1.3": SSL.TLS1_3_VERSION}


def server_context(
    creds: Credentials, groups: str | None = None, max_version: str | None = None
) -> SSL.Context:
    """A TLS server context restricted to ``groups`` (OpenSSL names, colon-separated)."""
    ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
    if isinstance(creds.key, mldsa.MLDSA65PrivateKey | mldsa.MLDSA87PrivateKey):
        pem = creds.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.use_privatekey(crypto.load_privatekey(crypto.FILETYPE_PEM, pem))
    else:
        ctx.use_privatekey(creds.key)
    ctx.use_certificate(creds.chain[0])
    for extra in creds.chain[1:]:
        ctx.add_extra_chain_cert(extra)
    if groups and _openssl_lib.SSL_CTX_set1_curves_list(ctx._context, groups.encode()) != 1:
        raise ValueError(f"OpenSSL rejected group list {groups!r}")
    if max_version:
        ctx.set_max_proto_version(_VERSIONS[max_version])
    return ctx


def _drain(conn: SSL.Connection) -> bytes:
    out = bytearray()
    while True:
        try:
            out += conn.bio_read(65536)
        except SSL.WantReadError:
            return bytes(out)


def tls_handler(ctx: SSL.Context) -> Handler:
    """Serve one TLS handshake per connection, say hello, close."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = SSL.Connection(ctx, None)
        conn.set_accept_state()
        while True:
            try:
                conn.do_handshake()
                break
            except SSL.WantReadError:
                pending = _drain(conn)
                if pending:
                    writer.write(pending)
                    await writer.drain()
                data = await reader.read(65536)
                if not data:
                    return
                conn.bio_write(data)
            except SSL.Error:
                writer.write(_drain(conn))
                await writer.drain()
                return
        conn.sendall(b"hello from the Aman lab\n")
        with suppress(SSL.Error):
            conn.shutdown()
        writer.write(_drain(conn))
        await writer.drain()

    return handle


def ssh_handler(
    kex: tuple[str, ...],
    host_keys: tuple[str, ...] = ("ssh-ed25519", "rsa-sha2-512"),
    ciphers: tuple[str, ...] = ("chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com"),
    banner: bytes = b"SSH-2.0-OpenSSH_10.0 lab\r\n",
) -> Handler:
    """An SSH server that stops after its KEXINIT (all the scanner reads)."""
    packet = build_kexinit_packet(
        cookie=bytes(range(16)),
        kex=kex,
        host_keys=host_keys,
        ciphers=ciphers,
        macs=("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512"),
    )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(banner)
        await reader.readline()
        writer.write(packet)
        await writer.drain()
        await reader.read(65536)

    return handle


class Lab:
    """An asyncio loop in a daemon thread hosting any number of loopback servers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread.start()

    def _call(self, coro: Awaitable[Any]) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return fut.result(timeout=30)

    def serve(self, handler: Handler) -> int:
        """Start ``handler`` on 127.0.0.1; returns the port."""

        async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self._writers.add(writer)
            try:
                await handler(reader, writer)
            except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
                pass
            finally:
                self._writers.discard(writer)
                if not writer.is_closing():
                    writer.close()

        async def start() -> asyncio.Server:
            return await asyncio.start_server(wrapped, HOST, 0, backlog=1024)

        server: asyncio.Server = self._call(start())
        self._servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    def close(self) -> None:
        async def stop() -> None:
            for s in self._servers:
                s.close()
            for w in list(self._writers):
                w.transport.abort()

        with suppress(Exception):
            self._call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


@contextmanager
def lab() -> Iterator[Lab]:
    """A :class:`Lab` for the duration of a with-block."""
    instance = Lab()
    try:
        yield instance
    finally:
        instance.close()


# Named TLS configurations the demo and the benchmark use: (leaf, CA, groups, max version).
TLS_PROFILES: dict[str, tuple[KeyKind, KeyKind | None, str | None, str | None]] = {
    "hybrid": ("ecdsa-p256", "rsa2048", "X25519MLKEM768:X25519", None),
    "pq_only": ("mldsa65", "mldsa87", "MLKEM768:X25519MLKEM768", None),
    "p384_mlkem1024": ("ecdsa-p256", None, "SecP384r1MLKEM1024", None),
    "classical_rsa": ("rsa2048", None, "X25519:P-256:P-384", None),
    "classical_ecdsa": ("ecdsa-p256", None, "P-256:X25519", None),
    "tls12_only": ("rsa2048", None, None, "1.2"),
    "openssl_default": ("rsa2048", None, None, None),
}


def profile_context(name: str, credentials: dict[str, Credentials] | None = None) -> SSL.Context:
    """A server context for one of :data:`TLS_PROFILES` (credentials cached per profile)."""
    leaf, ca, groups, max_version = TLS_PROFILES[name]
    cache = credentials if credentials is not None else {}
    key = f"{leaf}/{ca}"
    if key not in cache:
        cache[key] = make_credentials(leaf, ca)
    return server_context(cache[key], groups, max_version)
