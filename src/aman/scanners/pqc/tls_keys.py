"""Real key shares for probes, generated once per process.

Servers check that an ML-KEM encapsulation key is well formed (random bytes draw
illegal_parameter), so shares must be real keys. The probes never complete a handshake,
so one set of keys can be reused for every probe, keeping per-probe CPU near zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519

from aman.scanners.pqc.tls_messages import KeyShareEntry

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
_POINT = serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    """Public key bytes for each group a probe may send a real share for."""

    x25519: bytes
    secp256r1: bytes
    secp384r1: bytes
    mlkem768: bytes
    mlkem1024: bytes

    def share(self, group: int) -> KeyShareEntry:
        """A KeyShareEntry for ``group`` with the wire layout its draft specifies.

        X25519MLKEM768 puts ML-KEM first; the NIST-curve hybrids put ECDH first
        (draft-ietf-tls-ecdhe-mlkem).
        """
        layouts = {
            0x001D: self.x25519,
            0x0017: self.secp256r1,
            0x0018: self.secp384r1,
            0x0201: self.mlkem768,
            0x0202: self.mlkem1024,
            0x11EC: self.mlkem768 + self.x25519,
            0x11EB: self.secp256r1 + self.mlkem768,
            0x11ED: self.secp384r1 + self.mlkem1024,
        }
        try:
            return KeyShareEntry(group, layouts[group])
        except KeyError:
            raise ValueError(f"no key material for group 0x{group:04x}") from None


def generate_key_material() -> KeyMaterial:
    """Fresh keys for every supported share type."""
    return KeyMaterial(
        x25519=x25519.X25519PrivateKey.generate().public_key().public_bytes(*_RAW),
        secp256r1=ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(*_POINT),
        secp384r1=ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(*_POINT),
        mlkem768=mlkem.MLKEM768PrivateKey.generate().public_key().public_bytes_raw(),
        mlkem1024=mlkem.MLKEM1024PrivateKey.generate().public_key().public_bytes_raw(),
    )


@lru_cache(maxsize=1)
def default_key_material() -> KeyMaterial:
    """The process-wide key set used when a prober is not given its own."""
    return generate_key_material()
