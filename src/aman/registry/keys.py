"""Members' public keys: Ed25519 in PEM, used to verify signed submissions."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from aman.errors import FieldError, InvalidInput


def validate_public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise InvalidInput(
            "unreadable public key", [FieldError("public_key", "not a PEM public key")]
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(
            "wrong key type", [FieldError("public_key", "must be an Ed25519 public key")]
        )
    return key
