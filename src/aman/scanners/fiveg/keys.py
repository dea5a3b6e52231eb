"""Private-key facts for the audit: where a referenced key is, what it is, who can read it.

Keys are read only to compute the fingerprint of their *public* half (SHA-256 of the DER
SubjectPublicKeyInfo) and are never stored or echoed. A key path from a configuration is
looked up inside the scanned root only (an absolute ``/etc/open5gs/hnet/k.key`` is matched
against the bundle by its trailing path), plus any extra directory the operator names on
the command line: a configuration must never make the auditor read arbitrary files.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from aman.scanners.common.tree import inside
from aman.scanners.fiveg.model import KeyFacts, KeyRef

MAX_KEY_BYTES = 1 << 20
_PEM_KEY = re.compile(rb"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.+?-----END \1-----", re.S)
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class KeyParseError(Exception):
    """A key could not be parsed (the message is safe to show: no key material)."""


def fingerprint(public: PublicKeyTypes) -> str:
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def algorithm_of(public: PublicKeyTypes) -> str:
    if isinstance(public, rsa.RSAPublicKey):
        return f"RSA-{public.key_size}"
    if isinstance(public, ec.EllipticCurvePublicKey):
        return f"EC-{public.curve.name}"
    names = {
        x25519.X25519PublicKey: "X25519",
        x448.X448PublicKey: "X448",
        ed25519.Ed25519PublicKey: "Ed25519",
        ed448.Ed448PublicKey: "Ed448",
        dsa.DSAPublicKey: "DSA",
    }
    return next((n for t, n in names.items() if isinstance(public, t)), type(public).__name__)


def _from_pem(data: bytes) -> PrivateKeyTypes:
    match = _PEM_KEY.search(data)
    if match is None:
        raise KeyParseError("no PEM private key block")
    if b"ENCRYPTED" in match.group(1) or b"Proc-Type: 4,ENCRYPTED" in match.group(0):
        raise KeyParseError("encrypted private key (passphrase-protected)")
    try:
        return serialization.load_pem_private_key(
            match.group(0), password=None, unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError) as exc:
        raise KeyParseError(f"unreadable private key: {type(exc).__name__}") from None


def _from_der(data: bytes) -> PrivateKeyTypes:
    try:
        return serialization.load_der_private_key(
            data, password=None, unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError) as exc:
        raise KeyParseError(f"unreadable private key: {type(exc).__name__}") from None


def _from_hex(text: str, scheme: int | None) -> PrivateKeyTypes:
    raw = bytes.fromhex(text)
    if scheme == 1:
        if len(raw) != 32:
            raise KeyParseError(f"Profile A key must be 32 bytes, not {len(raw)}")
        return x25519.X25519PrivateKey.from_private_bytes(raw)
    if scheme == 2:
        try:
            return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        except ValueError as exc:
            raise KeyParseError("not a valid secp256r1 private scalar") from exc
    raise KeyParseError(f"hexadecimal key for protection scheme {scheme} cannot be interpreted")


def parse_key(data: bytes, scheme: int | None = None) -> PrivateKeyTypes:
    """A private key from PEM, DER or (for SUCI profiles) hexadecimal."""
    if b"-----BEGIN" in data:
        return _from_pem(data)
    text = data.decode("ascii", "replace").strip()
    if _HEX.match(text) and len(text) % 2 == 0:
        return _from_hex(text, scheme)
    return _from_der(data)


@dataclass(frozen=True)
class KeyResolver:
    """Finds key files for a configuration inside the allowed roots, and reads them."""

    root: Path
    extra_roots: tuple[Path, ...] = ()
    unknown_modes: frozenset[str] = frozenset()

    def _candidates(self, value: str, config_dir: Path) -> Iterator[Path]:
        path = PurePosixPath(value.replace("\\", "/"))
        parts = [p for p in path.parts if p not in ("/", "", ".")]
        if ".." in parts or not parts:
            return
        if not path.is_absolute():
            yield config_dir.joinpath(*parts)
            yield self.root.joinpath(*parts)
        for base in (config_dir, self.root):
            for start in range(len(parts)):
                yield base.joinpath(*parts[start:])
        if path.is_absolute():
            yield Path(str(path))  # accepted only if inside an extra root (see locate)
        for extra in self.extra_roots:
            for start in range(len(parts)):
                yield extra.joinpath(*parts[start:])

    def locate(self, value: str, config_dir: Path) -> Path | None:
        allowed = (self.root, *self.extra_roots)
        for candidate in self._candidates(value, config_dir):
            if candidate.is_file() and any(inside(candidate, r) for r in allowed):
                return candidate
        return None

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def facts(self, ref: KeyRef, config_dir: Path) -> KeyFacts:
        if ref.inline:
            return _parsed(ref, ref.value.encode(), None, "inline")
        path = self.locate(ref.value, config_dir)
        if path is None:
            return KeyFacts(ref, found=False)
        rel = self._rel(path)
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except OSError as exc:
            return KeyFacts(ref, True, rel, error=f"cannot open: {exc.strerror}")
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read(MAX_KEY_BYTES + 1)
        if len(data) > MAX_KEY_BYTES:
            return KeyFacts(ref, True, rel, error="file too large to be a key")
        mode = None if rel in self.unknown_modes else stat.S_IMODE(info.st_mode)
        return _parsed(ref, data, mode, rel)

    def all_facts(self, refs: Sequence[KeyRef], config_dir: Path) -> tuple[KeyFacts, ...]:
        return tuple(self.facts(r, config_dir) for r in refs)


def _parsed(ref: KeyRef, data: bytes, mode: int | None, location: str) -> KeyFacts:
    try:
        public = parse_key(data, ref.scheme).public_key()
    except (KeyParseError, ValueError) as exc:
        return KeyFacts(ref, True, location, mode=mode, error=str(exc))
    return KeyFacts(
        ref,
        True,
        location,
        algorithm=algorithm_of(public),
        fingerprint=fingerprint(public),
        mode=mode,
    )
