"""Public-key fingerprints of private keys that are published, so must never be deployed.

Each entry is the SHA-256 of the DER SubjectPublicKeyInfo of the public half, the same
value :func:`aman.scanners.fiveg.keys.fingerprint` computes. Only fingerprints are shipped:
the keys themselves are not in this repository. A deployed key whose fingerprint is listed
here is known to anyone: a home-network key lets them de-conceal every SUCI, a TLS key lets
them impersonate or decrypt, a CA key lets them mint certificates the core trusts.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_OPEN5GS = "Open5GS sample key shipped in configs/open5gs"
_FREE5GC = "free5GC sample key shipped in cert/"

SAMPLE_KEYS: Mapping[str, str] = MappingProxyType(
    {
        # TS 33.501 Annex C.4 test data (home network key pairs of Profile A and Profile B).
        "6b8f63005cf9dbd9c89b66c1a329e5e7951b572fec7bef7e17a8b95f3291315a": (
            "TS 33.501 Annex C.4 test vector, Profile A (X25519) home network key"
        ),
        "b7544c05cbea26f38bdfc5c95333671c17796191015569a08dd6b42a36545e11": (
            "TS 33.501 Annex C.4 test vector, Profile B (secp256r1) home network key"
        ),
        # Open5GS home network keys (hnet/*.key).
        "12c75d0ea0ab26bb97de29cc007e7e5b307bf76f9e6c93cb32aa3011adbc95d6": (
            f"{_OPEN5GS}/hnet/curve25519-1.key"
        ),
        "6972b5cf5d7f41051373cb3afab6190c48501f586b058301d268443f4991a5a3": (
            f"{_OPEN5GS}/hnet/curve25519-5.key"
        ),
        "315045e4fc0d59f37eba69330ac0d5e46b90709b99c9bdbc38ad5ebcea57b0ab": (
            f"{_OPEN5GS}/hnet/secp256r1-6.key"
        ),
        # Open5GS TLS keys (tls/*.key and the matching certificates), including the CA.
        "564e84347129476318267fcbaf75d219466d74e866d82323b4bd81ee6b288b58": (
            f"{_OPEN5GS}/tls/ca.key (sample certificate authority)"
        ),
        "8e6112ba6166dc3fc960f542448f5d00c2c948ebbbb1dc9d1e374b4256a91815": (
            f"{_OPEN5GS}/tls/amf.key"
        ),
        "2e64542578737f8aa711c78977cfb54a3e9ab20cbc94f099f553369346bb9c5f": (
            f"{_OPEN5GS}/tls/ausf.key"
        ),
        "9922cd66139e46c6e602b64e5b28f7dcb229fa829565ce08cf264bbe1ad7220a": (
            f"{_OPEN5GS}/tls/nrf.key"
        ),
        "e237fe89ac0a6f25d98126fe195d7269c2a5bab3efd96b2969b0c9029da63d6e": (
            f"{_OPEN5GS}/tls/sepp1.key"
        ),
        "24c52e447e17cf67dbb4730c33ebbb492840e7683afec463ce7288315b065f31": (
            f"{_OPEN5GS}/tls/sepp2.key"
        ),
        "b321a46409a51b965f20d72584b357101d911808895121314d16028ae3b382a9": (
            f"{_OPEN5GS}/tls/smf.key"
        ),
        "7798a8f508644611c2fb6499e0778f629ab8e132941b0b7478246410d2f3c3c2": (
            f"{_OPEN5GS}/tls/udm.key"
        ),
        # free5GC TLS keys (cert/*.key), including the root CA.
        "cdb400d95ee98e4b400ae8163a45f79b105940782cf250ea524567f807dc2a2b": (
            f"{_FREE5GC}root.key (sample certificate authority)"
        ),
        "394ff43a8fb153becb3c4d84f7e9a9869ee80dcf5ed5067dd123db10627c1716": (f"{_FREE5GC}nrf.key"),
    }
)
