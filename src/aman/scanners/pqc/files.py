"""Certificates and keys on disk: PEM, DER, PKCS#12, OpenSSH keys and known_hosts.

Each certificate becomes a :class:`CertificateSubject`, each key a :class:`KeySubject`.
Private keys are parsed only to name their algorithm and size; nothing secret leaves
this module. Encrypted keys and PKCS#12 files are reported as such (their algorithm is
unknown without the password), never guessed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import (
    dh,
    dsa,
    ec,
    ed448,
    ed25519,
    mldsa,
    mlkem,
    rsa,
    x448,
    x25519,
)
from cryptography.hazmat.primitives.serialization import pkcs12

from aman.scanners.pqc.algorithms import (
    DSA_OID,
    EC_OID,
    AlgorithmAssessment,
    Family,
    classify_public_key,
    rsa_strength,
)
from aman.scanners.pqc.observations import CertificateSubject, KeySubject
from aman.scanners.pqc.tls_wire import ParseError, Reader
from aman.scanners.pqc.walk import WalkStats, display_path, iter_files, looks_binary, read_limited
from aman.scanners.pqc.x509_info import describe_certificate

MAX_FILE = 4 << 20
KEY_SUFFIXES = frozenset(
    {".pem", ".crt", ".cer", ".der", ".key", ".pub", ".p12", ".pfx", ".p7b", ".cert", ".csr"}
)
SSH_FILES = frozenset({"known_hosts", "known_hosts2", "authorized_keys", "authorized_keys2"})
_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)
_RSA = "1.2.840.113549.1.1.1"
_SSH_CURVES = {"nistp256": "secp256r1", "nistp384": "secp384r1", "nistp521": "secp521r1"}
_FIXED = {
    ed25519.Ed25519PublicKey: "1.3.101.112",
    ed448.Ed448PublicKey: "1.3.101.113",
    x25519.X25519PublicKey: "1.3.101.110",
    x448.X448PublicKey: "1.3.101.111",
    mldsa.MLDSA44PublicKey: "2.16.840.1.101.3.4.3.17",
    mldsa.MLDSA65PublicKey: "2.16.840.1.101.3.4.3.18",
    mldsa.MLDSA87PublicKey: "2.16.840.1.101.3.4.3.19",
    mlkem.MLKEM768PublicKey: "2.16.840.1.101.3.4.4.2",
    mlkem.MLKEM1024PublicKey: "2.16.840.1.101.3.4.4.3",
}
Subject = CertificateSubject | KeySubject


@dataclass
class FileScan:
    """What a files scan found, and what it could not read."""

    subjects: list[Subject] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    stats: WalkStats = field(default_factory=WalkStats)
    files_scanned: int = 0


def assess_key(key: Any) -> AlgorithmAssessment:
    """Name and strength of a ``cryptography`` public key object."""
    if isinstance(key, rsa.RSAPublicKey):
        return classify_public_key(_RSA, key_bits=key.key_size)
    if isinstance(key, dsa.DSAPublicKey):
        return classify_public_key(DSA_OID, key_bits=key.key_size)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return classify_public_key(EC_OID, key_bits=key.key_size, curve=key.curve.name)
    if isinstance(key, dh.DHPublicKey):
        bits = key.key_size
        return AlgorithmAssessment(f"DH-{bits}", Family.DH, None, rsa_strength(bits), 0, str(bits))
    for cls, oid in _FIXED.items():
        if isinstance(key, cls):
            return classify_public_key(oid)
    return AlgorithmAssessment(type(key).__name__, Family.UNKNOWN, None, None, None)


def ssh_key_blob(blob: bytes) -> AlgorithmAssessment:
    """Algorithm of an SSH wire-format public key (RFC 4253 §6.6, RFC 5656, RFC 8709)."""
    r = Reader(blob)
    kind = r.raw(r.u32("type length"), "key type").decode("ascii", "replace")
    if kind in ("ssh-rsa", "ssh-rsa-cert-v01@openssh.com"):
        r.raw(r.u32("e length"), "e")
        n = r.raw(r.u32("n length"), "n")
        return classify_public_key(_RSA, key_bits=int.from_bytes(n, "big").bit_length())
    if kind.startswith("ssh-dss"):
        p = r.raw(r.u32("p length"), "p")
        return classify_public_key(DSA_OID, key_bits=int.from_bytes(p, "big").bit_length())
    if kind.startswith(("ecdsa-sha2-", "sk-ecdsa-sha2-")):
        curve = kind.split("-")[-1].split("@")[0]
        return classify_public_key(EC_OID, curve=_SSH_CURVES.get(curve, curve))
    if "ed25519" in kind:
        return classify_public_key("1.3.101.112")
    if "ed448" in kind:
        return classify_public_key("1.3.101.113")
    for param, arc in (("44", "17"), ("65", "18"), ("87", "19")):
        if kind.startswith(f"ssh-mldsa-{param}") or kind.startswith(f"ssh-mldsa{param}"):
            return classify_public_key(f"2.16.840.1.101.3.4.3.{arc}")
    return AlgorithmAssessment(kind, Family.UNKNOWN, None, None, None)


def _openssh_private(body: bytes) -> AlgorithmAssessment:
    """The public half of an ``openssh-key-v1`` private key (stored unencrypted)."""
    data = base64.b64decode(b"".join(body.split()))
    magic = b"openssh-key-v1\x00"
    if not data.startswith(magic):
        raise ParseError("not an openssh-key-v1 key")
    r = Reader(data[len(magic) :])
    for what in ("cipher", "kdf", "kdf options"):
        r.raw(r.u32(what), what)
    if r.u32("number of keys") < 1:
        raise ParseError("no keys in the file")
    return ssh_key_blob(r.raw(r.u32("public key length"), "public key"))


@dataclass(frozen=True)
class _Ctx:
    path: str
    digest: str
    observed_at: datetime


def _cert(der: bytes, ctx: _Ctx, line: int | None, fmt: str) -> CertificateSubject:
    info = describe_certificate(der)
    target = ctx.path if line is None else f"{ctx.path}:{line}"
    return CertificateSubject(
        target, (info,), "file", ctx.observed_at, ctx.digest, ctx.path, line, fmt
    )


def _key(
    a: AlgorithmAssessment,
    ctx: _Ctx,
    line: int | None,
    kind: Literal["public-key", "private-key"],
    fmt: str,
    comment: str | None = None,
) -> KeySubject:
    return KeySubject(ctx.path, line, kind, fmt, a, ctx.observed_at, ctx.digest, comment)


def _pem_block(label: bytes, body: bytes, raw: bytes, ctx: _Ctx, line: int) -> Subject | None:
    text = label.decode()
    if text in ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"):
        return _cert(
            x509.load_pem_x509_certificate(raw).public_bytes(serialization.Encoding.DER),
            ctx,
            line,
            "PEM",
        )
    if text == "OPENSSH PRIVATE KEY":
        return _key(_openssh_private(body), ctx, line, "private-key", "OpenSSH")
    if text == "ENCRYPTED PRIVATE KEY":
        a = AlgorithmAssessment("encrypted private key", Family.UNKNOWN, None, None, None)
        return _key(a, ctx, line, "private-key", "PKCS#8 (encrypted)")
    if text.endswith("PRIVATE KEY"):
        if b"ENCRYPTED" in body[:200]:
            a = AlgorithmAssessment("encrypted private key", Family.UNKNOWN, None, None, None)
            return _key(a, ctx, line, "private-key", f"PEM {text} (encrypted)")
        private = serialization.load_pem_private_key(raw, password=None)
        return _key(assess_key(private.public_key()), ctx, line, "private-key", f"PEM {text}")
    if text in ("PUBLIC KEY", "RSA PUBLIC KEY"):
        return _key(
            assess_key(serialization.load_pem_public_key(raw)), ctx, line, "public-key", "PEM"
        )
    return None


def _from_pem(data: bytes, ctx: _Ctx) -> Iterator[Subject]:
    for match in _PEM.finditer(data):
        line = data.count(b"\n", 0, match.start()) + 1
        subject = _pem_block(match.group(1), match.group(2), match.group(0), ctx, line)
        if subject is not None:
            yield subject


def _from_ssh_lines(data: bytes, ctx: _Ctx) -> Iterator[Subject]:
    """authorized_keys / known_hosts / *.pub: ``[marker] [hosts] type base64 [comment]``."""
    for number, raw_line in enumerate(data.splitlines(), start=1):
        fields = raw_line.decode("utf-8", "replace").split()
        if not fields or fields[0].startswith("#"):
            continue
        for i, value in enumerate(fields[:-1]):
            if value.startswith(("ssh-", "ecdsa-", "sk-")) and len(fields[i + 1]) > 40:
                try:
                    blob = base64.b64decode(fields[i + 1], validate=True)
                except (binascii.Error, ValueError):
                    continue
                comment = " ".join(fields[:i]) or " ".join(fields[i + 2 :]) or None
                yield _key(ssh_key_blob(blob), ctx, number, "public-key", "OpenSSH", comment)
                break


def _from_der(data: bytes, ctx: _Ctx) -> Iterator[Subject]:
    try:
        yield _cert(
            x509.load_der_x509_certificate(data).public_bytes(serialization.Encoding.DER),
            ctx,
            None,
            "DER",
        )
        return
    except ValueError:
        pass
    try:
        key = serialization.load_der_private_key(data, password=None)
        yield _key(assess_key(key.public_key()), ctx, None, "private-key", "DER")
        return
    except (ValueError, TypeError):
        pass
    yield _key(assess_key(serialization.load_der_public_key(data)), ctx, None, "public-key", "DER")


def _from_pkcs12(data: bytes, ctx: _Ctx) -> Iterator[Subject]:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, None)
    except ValueError:
        a = AlgorithmAssessment("encrypted PKCS#12", Family.UNKNOWN, None, None, None)
        yield _key(a, ctx, None, "private-key", "PKCS#12 (password-protected)")
        return
    if key is not None:
        yield _key(assess_key(key.public_key()), ctx, None, "private-key", "PKCS#12")
    for c in [cert, *extra]:
        if c is not None:
            yield _cert(c.public_bytes(serialization.Encoding.DER), ctx, None, "PKCS#12")


def scan_file(path: Path, shown: str, observed_at: datetime) -> list[Subject]:
    """Certificates and keys in one file (empty when it holds none)."""
    data = read_limited(path, MAX_FILE)
    if data is None:
        raise OSError("unreadable or larger than 4 MiB")
    ctx = _Ctx(shown, hashlib.sha256(data).hexdigest(), observed_at)
    suffix = path.suffix.lower()
    if suffix in (".p12", ".pfx"):
        return list(_from_pkcs12(data, ctx))
    if path.name in SSH_FILES or suffix == ".pub":
        return list(_from_ssh_lines(data, ctx))
    if b"-----BEGIN " in data:
        return list(_from_pem(data, ctx))
    if suffix in (".der", ".cer", ".crt", ".key") and looks_binary(data):
        return list(_from_der(data, ctx))
    return []


def _candidate(path: Path) -> bool:
    return (
        path.suffix.lower() in KEY_SUFFIXES or path.name in SSH_FILES or path.name.startswith("id_")
    )


def scan_key_material(root: Path, observed_at: datetime) -> FileScan:
    """Stream ``root`` for certificates and keys; unreadable files are reported, not fatal."""
    out = FileScan()
    for path in iter_files(root, out.stats):
        shown = display_path(path, root)
        if not _candidate(path):
            head = read_limited(path, MAX_FILE)
            if head is None or looks_binary(head) or b"-----BEGIN " not in head:
                continue
        try:
            found = scan_file(path, shown, observed_at)
        except (ValueError, TypeError, ParseError, OSError, binascii.Error) as exc:
            out.problems.append((shown, f"{type(exc).__name__}: {exc}"))
            continue
        out.files_scanned += 1
        out.subjects.extend(found)
    return out
