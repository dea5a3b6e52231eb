"""Loopback fixture servers for the PQC scanner tests and benchmarks.

Everything listens on 127.0.0.1 with an ephemeral port and runs on an asyncio loop in a
background thread, so the code under test can run its own loop with ``asyncio.run``.
TLS servers are pyOpenSSL over memory BIOs on the OpenSSL that ``cryptography`` bundles
(it has ML-KEM and ML-DSA); all keys and certificates are generated at run time.
"""

from __future__ import annotations

import asyncio
import datetime
import socket
import struct
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa
from cryptography.x509.oid import NameOID
from OpenSSL import SSL, _util, crypto

from aman.scanners.pqc.ssh_messages import build_kexinit_packet, build_packet

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
KeyKind = Literal["rsa2048", "ecdsa-p256", "ed25519", "mldsa44", "mldsa65", "mldsa87"]
PrivateKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | ed25519.Ed25519PrivateKey
    | mldsa.MLDSA44PrivateKey
    | mldsa.MLDSA65PrivateKey
    | mldsa.MLDSA87PrivateKey
)


# --- keys and certificates ---------------------------------------------------------------


def generate_key(kind: KeyKind) -> PrivateKey:
    """A fresh private key of the given kind."""
    if kind == "rsa2048":
        return rsa.generate_private_key(65537, 2048)
    if kind == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "mldsa44":
        return mldsa.MLDSA44PrivateKey.generate()
    if kind == "mldsa65":
        return mldsa.MLDSA65PrivateKey.generate()
    return mldsa.MLDSA87PrivateKey.generate()


def _sign_hash(key: PrivateKey) -> hashes.SHA256 | None:
    return (
        hashes.SHA256() if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) else None
    )


@dataclass(frozen=True)
class Credentials:
    """A leaf key and the chain the server sends (leaf first)."""

    key: PrivateKey
    chain: tuple[x509.Certificate, ...]


def issue_certificate(
    subject_cn: str,
    key: PrivateKey,
    issuer: tuple[x509.Name, PrivateKey] | None = None,
    *,
    ca: bool = False,
    sans: tuple[str, ...] = (),
    days: int = 30,
) -> x509.Certificate:
    """Sign a certificate for ``key``, self-signed when no issuer is given."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)])
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
    if sans:
        dns = [x509.DNSName(s) for s in sans]
        builder = builder.add_extension(x509.SubjectAlternativeName(dns), critical=False)
    return builder.sign(issuer_key, _sign_hash(issuer_key))


def make_credentials(
    leaf: KeyKind, ca: KeyKind | None = None, host: str = "localhost"
) -> Credentials:
    """Leaf credentials for ``host``; with ``ca`` the leaf is issued by a generated CA."""
    leaf_key = generate_key(leaf)
    sans = (host, "pqc.test")
    if ca is None:
        cert = issue_certificate(host, leaf_key, sans=sans)
        return Credentials(leaf_key, (cert,))
    ca_key = generate_key(ca)
    ca_cert = issue_certificate("Aman Test CA", ca_key, ca=True, days=365)
    cert = issue_certificate(host, leaf_key, (ca_cert.subject, ca_key), sans=sans)
    return Credentials(leaf_key, (cert, ca_cert))


# --- pyOpenSSL server contexts --------------------------------------------------------------


def set_groups(ctx: SSL.Context, groups: str) -> None:
    """Restrict a context's key-exchange groups (pyOpenSSL has no public API for this)."""
    if _util.lib.SSL_CTX_set1_curves_list(ctx._context, groups.encode("ascii")) != 1:
        raise ValueError(f"OpenSSL rejected group list {groups!r}")


_VERSIONS = {"1.0": SSL.TLS1_VERSION, "1.1": SSL.TLS1_1_VERSION, "1.2": SSL.TLS1_2_VERSION}
_VERSIONS["1.3"] = SSL.TLS1_3_VERSION


def server_context(
    creds: Credentials,
    groups: str | None = None,
    min_version: str | None = None,
    max_version: str | None = None,
) -> SSL.Context:
    """A TLS server context with the given credentials, groups and version range."""
    ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
    if isinstance(
        creds.key, mldsa.MLDSA44PrivateKey | mldsa.MLDSA65PrivateKey | mldsa.MLDSA87PrivateKey
    ):
        # pyOpenSSL only converts classical cryptography keys; ML-DSA goes through PEM and
        # the (deprecated) PKey wrapper, which OpenSSL 4 loads fine.
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
    if groups:
        set_groups(ctx, groups)
    if min_version:
        ctx.set_min_proto_version(_VERSIONS[min_version])
    if max_version:
        ctx.set_max_proto_version(_VERSIONS[max_version])
    return ctx


# --- the loop thread -----------------------------------------------------------------------


@dataclass
class ConnectionStats:
    """Counters a fixture updates from the server loop (read them after the fact)."""

    connections: int = 0
    active: int = 0
    max_active: int = 0
    handshakes: int = 0
    groups: list[str] = field(default_factory=list)

    def opened(self) -> None:
        self.connections += 1
        self.active += 1
        self.max_active = max(self.max_active, self.active)

    def closed(self) -> None:
        self.active -= 1


class ServerLoop:
    """An asyncio loop in a daemon thread that hosts any number of fixture servers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread.start()

    def _call(self, coro: Awaitable[Any]) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return fut.result(timeout=30)

    def serve(self, handler: Handler, stats: ConnectionStats | None = None) -> int:
        """Start a server for ``handler`` on 127.0.0.1; return its port."""
        counters = stats if stats is not None else ConnectionStats()

        async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            counters.opened()
            self._writers.add(writer)
            try:
                await handler(reader, writer)
            except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
                pass  # peers vanish and the loop tears down: neither is a fixture error
            finally:
                counters.closed()
                self._writers.discard(writer)
                if not writer.is_closing():
                    writer.close()

        async def start() -> asyncio.Server:
            return await asyncio.start_server(wrapped, "127.0.0.1", 0, backlog=1024)

        server: asyncio.Server = self._call(start())
        self._servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    def close(self) -> None:
        """Stop every server, drop open connections, stop the loop."""

        async def stop() -> None:
            for s in self._servers:
                s.close()
            for w in list(self._writers):
                w.transport.abort()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if tasks:
                _, pending = await asyncio.wait(tasks, timeout=2)
                for t in pending:
                    t.cancel()

        with suppress(Exception):
            self._call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


@contextmanager
def server_loop() -> Iterator[ServerLoop]:
    """A ServerLoop for the duration of a with-block."""
    sl = ServerLoop()
    try:
        yield sl
    finally:
        sl.close()


# --- TLS over memory BIOs -------------------------------------------------------------------


def _drain(conn: SSL.Connection) -> bytes:
    out = bytearray()
    while True:
        try:
            out += conn.bio_read(65536)
        except SSL.WantReadError:
            return bytes(out)


async def serve_tls(
    ctx: SSL.Context,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    stats: ConnectionStats | None = None,
    first: bytes = b"",
) -> None:
    """Run one server-side TLS handshake on a stream, then say hello and close."""
    conn = SSL.Connection(ctx, None)
    conn.set_accept_state()
    if first:
        conn.bio_write(first)
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
            writer.write(_drain(conn))  # the alert, if OpenSSL produced one
            await writer.drain()
            return
    if stats is not None:
        stats.handshakes += 1
        stats.groups.append(conn.get_group_name() or "")
    conn.sendall(b"hello from fixture\n")
    with suppress(SSL.Error):
        conn.shutdown()
    writer.write(_drain(conn))
    await writer.drain()


def tls_handler(ctx: SSL.Context, stats: ConnectionStats | None = None) -> Handler:
    """Handler serving TLS with ``ctx``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_tls(ctx, reader, writer, stats)

    return handle


def large_hello_intolerant_handler(ctx: SSL.Context, threshold: int = 1024) -> Handler:
    """A middlebox in front of a TLS server that resets hellos whose first record is large."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        header = await reader.readexactly(5)
        if struct.unpack("!H", header[3:5])[0] > threshold:
            reset(writer)
            return
        await serve_tls(ctx, reader, writer, first=header)

    return handle


# --- hostile servers -----------------------------------------------------------------------


def reset(writer: asyncio.StreamWriter) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def hostile_handler(
    kind: Literal["garbage", "stall", "reset", "oversized", "close"],
) -> Handler:
    """Servers that misbehave after reading the client's first bytes.

    garbage: an HTTP error page; stall: never answers; reset: TCP RST; oversized: a record
    header announcing 65535 bytes; close: orderly close after reading the whole hello.
    """

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536 if kind == "close" else 5)
        if kind == "garbage":
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        elif kind == "oversized":
            writer.write(b"\x16\x03\x03\xff\xff" + b"\x00" * 64)
        elif kind == "reset":
            reset(writer)
            return
        elif kind == "stall":
            while await reader.read(65536):
                pass
            return
        await writer.drain()

    return handle


def scripted_handler(chunks: list[bytes], delay: float = 0.001) -> Handler:
    """After the client's first bytes, write ``chunks`` one by one with a pause between."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(5)
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(delay)
        await reader.read(65536)

    return handle


# --- STARTTLS ---------------------------------------------------------------------------------


def starttls_handler(
    protocol: Literal["smtp", "imap", "pop3"],
    ctx: SSL.Context,
    *,
    offer_starttls: bool = True,
    stats: ConnectionStats | None = None,
) -> Handler:
    """A minimal SMTP/IMAP/POP3 server that upgrades to TLS on request."""

    async def smtp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"220 fixture.test ESMTP ready\r\n")
        while line := await reader.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb == b"EHLO":
                caps = b"250-STARTTLS\r\n" if offer_starttls else b""
                writer.write(b"250-fixture.test\r\n250-PIPELINING\r\n" + caps + b"250 8BITMIME\r\n")
            elif verb == b"STARTTLS" and offer_starttls:
                writer.write(b"220 2.0.0 go ahead\r\n")
                return True
            else:
                writer.write(b"502 5.5.1 not implemented\r\n")
        return False

    async def imap(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] fixture ready\r\n")
        line = await reader.readline()
        tag = line.split(b" ", 1)[0]
        if b"STARTTLS" in line.upper() and offer_starttls:
            writer.write(b"* NOTE upgrading\r\n" + tag + b" OK begin TLS now\r\n")
            return True
        writer.write(tag + b" BAD unknown command\r\n")
        return False

    async def pop3(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"+OK fixture POP3 ready\r\n")
        line = await reader.readline()
        if line.strip().upper() == b"STLS" and offer_starttls:
            writer.write(b"+OK begin TLS\r\n")
            return True
        writer.write(b"-ERR unknown command\r\n")
        return False

    dialogue = {"smtp": smtp, "imap": imap, "pop3": pop3}[protocol]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await dialogue(reader, writer):
            await serve_tls(ctx, reader, writer, stats)
        else:
            await writer.drain()

    return handle


# --- SSH --------------------------------------------------------------------------------------

OPENSSH_LIKE_KEX = (
    "mlkem768x25519-sha256",
    "sntrup761x25519-sha512",
    "sntrup761x25519-sha512@openssh.com",
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "diffie-hellman-group14-sha256",
    "ext-info-s",
    "kex-strict-s-v00@openssh.com",
)


@dataclass(frozen=True)
class SSHFixture:
    """What an SSH fixture says: optional pre-banner lines, a banner and one KEXINIT."""

    banner: bytes = b"SSH-2.0-OpenSSH_10.0 fixture\r\n"
    pre_banner: tuple[bytes, ...] = ()
    kex: tuple[str, ...] = OPENSSH_LIKE_KEX
    host_keys: tuple[str, ...] = ("ssh-ed25519", "rsa-sha2-512", "ecdsa-sha2-nistp256")
    ciphers: tuple[str, ...] = ("chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com")
    macs: tuple[str, ...] = ("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512")
    compression: tuple[str, ...] = ("none", "zlib@openssh.com")
    mode: Literal["normal", "stall", "garbage", "huge_packet", "wrong_packet"] = "normal"

    def kexinit(self) -> bytes:
        """The KEXINIT binary packet this fixture sends."""
        return build_kexinit_packet(
            cookie=bytes(range(16)),
            kex=self.kex,
            host_keys=self.host_keys,
            ciphers=self.ciphers,
            macs=self.macs,
            compression=self.compression,
        )


def ssh_handler(fixture: SSHFixture, stats: ConnectionStats | None = None) -> Handler:
    """An SSH server that stops after its KEXINIT (or misbehaves as ``fixture.mode`` says)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if fixture.mode == "stall":
            while await reader.read(65536):
                pass
            return
        if fixture.mode == "garbage":
            writer.write(b"\x00\xff" * 300)
            await writer.drain()
            return
        writer.write(b"".join(fixture.pre_banner) + fixture.banner)
        await reader.readline()
        if fixture.mode == "huge_packet":
            writer.write(struct.pack("!IB", 10_000_000, 4) + b"\x14" * 64)
        elif fixture.mode == "wrong_packet":  # IGNORE (skippable), then NEWKEYS
            writer.write(build_packet(b"\x02\x00\x00\x00\x00") + build_packet(b"\x15"))
        elif fixture.mode == "normal":
            writer.write(fixture.kexinit())
        await writer.drain()
        if stats is not None:
            stats.handshakes += 1
        await reader.read(65536)

    return handle


# --- tlslite-ng: a second, independent TLS implementation ----------------------------------------


class TlsliteServer:
    """A tlslite-ng TLS server (pure Python, kyber-py for ML-KEM) on a listening thread.

    It shows the probes work against a stack other than OpenSSL. tlslite-ng has no ML-DSA,
    so it serves an ECDSA P-256 certificate.
    """

    def __init__(self, groups: list[str], creds: Credentials | None = None) -> None:
        with warnings.catch_warnings():  # tlslite-ng imports asyncore
            warnings.simplefilter("ignore", DeprecationWarning)
            from tlslite import X509, HandshakeSettings, X509CertChain  # type: ignore[import-untyped]
            from tlslite.utils.keyfactory import parsePEMKey  # type: ignore[import-untyped]

        creds = creds or make_credentials("ecdsa-p256")
        pem_cert = creds.chain[0].public_bytes(serialization.Encoding.PEM).decode()
        pem_key = creds.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self._chain = X509CertChain([X509().parse(pem_cert)])
        self._key = parsePEMKey(pem_key, private=True, implementations=["python"])
        self._settings = HandshakeSettings()
        self._settings.eccCurves = list(groups)
        self._settings.keyShares = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        self.handshakes: list[str] = []
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        from tlslite import TLSConnection

        client.settimeout(10)
        conn = TLSConnection(client)
        # Probes abort handshakes on purpose, so any failure here is expected.
        with suppress(Exception):
            conn.handshakeServer(
                certChain=self._chain, privateKey=self._key, settings=self._settings
            )
            self.handshakes.append(str(conn.session.cipherSuite))
            conn.write(b"hello from tlslite-ng\n")
            conn.close()
        client.close()

    def close(self) -> None:
        """Stop accepting connections."""
        self._sock.close()
