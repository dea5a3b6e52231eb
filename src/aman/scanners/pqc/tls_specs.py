"""The ClientHellos each TLS probe sends, as pure spec builders.

Kept apart from the socket code so the exact offer behind every verdict is documented in
one place and visible to tests.
"""

from __future__ import annotations

import os
from functools import lru_cache

from aman.scanners.pqc.tls_constants import (
    LEGACY_CIPHER_SUITES,
    TLS13_CIPHER_SUITES,
    WEAK_CIPHER_SUITES,
    group_info,
)
from aman.scanners.pqc.tls_keys import KeyMaterial
from aman.scanners.pqc.tls_messages import ClientHelloSpec, KeyShareEntry
from aman.scanners.pqc.tls_results import ordered_for_preference

X25519, SECP256R1, SECP384R1, SECP521R1 = 0x001D, 0x0017, 0x0018, 0x0019
X25519MLKEM768 = 0x11EC

# What Chrome/Firefox list in supported_groups today.
BROWSER_GROUPS: tuple[int, ...] = (X25519MLKEM768, X25519, SECP256R1, SECP384R1)
_LEGACY_GROUPS: tuple[int, ...] = (X25519, SECP256R1, SECP384R1, SECP521R1)
_TLS13_ONLY = (0x0304,)


def group_probe_spec(group: int, server_name: str | None) -> ClientHelloSpec:
    """TLS 1.3 only, ``group`` alone in supported_groups, empty key_share.

    A server that supports the group must answer with an HRR naming it; one that does
    not has nothing to choose and aborts (RFC 8446 §4.1.1). No crypto is needed.
    """
    return ClientHelloSpec(
        server_name=server_name,
        supported_versions=_TLS13_ONLY,
        cipher_suites=TLS13_CIPHER_SUITES,
        groups=(group,),
        key_shares=(),
        ec_point_formats=None,
        extended_master_secret=False,
        renegotiation_info=False,
    )


def preference_spec(pq_first: bool, server_name: str | None) -> ClientHelloSpec:
    """TLS 1.3 only, every probe group offered, empty key_share: the HRR shows the pick."""
    return groups_spec(ordered_for_preference(pq_first), server_name)


def groups_spec(groups: tuple[int, ...], server_name: str | None) -> ClientHelloSpec:
    """TLS 1.3 only, ``groups`` offered in this order with an empty key_share."""
    return ClientHelloSpec(
        server_name=server_name,
        supported_versions=_TLS13_ONLY,
        cipher_suites=TLS13_CIPHER_SUITES,
        groups=groups,
        key_shares=(),
        ec_point_formats=None,
        extended_master_secret=False,
        renegotiation_info=False,
    )


def version_probe_spec(version: int, server_name: str | None, keys: KeyMaterial) -> ClientHelloSpec:
    """A hello offering only ``version``: supported_versions for 1.3, legacy_version below."""
    if version >= 0x0304:
        return ClientHelloSpec(
            server_name=server_name,
            supported_versions=_TLS13_ONLY,
            cipher_suites=TLS13_CIPHER_SUITES,
            groups=ordered_for_preference(pq_first=False),
            key_shares=(keys.share(X25519),),
        )
    return ClientHelloSpec(
        server_name=server_name,
        legacy_version=version,
        supported_versions=None,
        cipher_suites=(*LEGACY_CIPHER_SUITES, 0x00FF),
        groups=_LEGACY_GROUPS,
        key_shares=None,
        psk_modes=None,
        renegotiation_info=False,
    )


def browser_spec(server_name: str | None, keys: KeyMaterial) -> ClientHelloSpec:
    """A browser-like hello: PQ offered in supported_groups but a real X25519 share only.

    Shows what an X25519-first client gets: many servers accept the share without an
    HRR, so such a client never uses PQ even when the server supports it.
    """
    return ClientHelloSpec(
        server_name=server_name,
        cipher_suites=TLS13_CIPHER_SUITES + LEGACY_CIPHER_SUITES,
        groups=BROWSER_GROUPS,
        key_shares=(keys.share(X25519),),
        alpn=("h2", "http/1.1"),
    )


def large_hello_spec(
    server_name: str | None, keys: KeyMaterial, group: int = X25519MLKEM768
) -> ClientHelloSpec:
    """A hello carrying a real hybrid share (1216 B for X25519MLKEM768), over one MSS."""
    return ClientHelloSpec(
        server_name=server_name,
        cipher_suites=TLS13_CIPHER_SUITES + LEGACY_CIPHER_SUITES,
        groups=(group, X25519, SECP256R1, SECP384R1),
        key_shares=(keys.share(group),),
        alpn=("h2", "http/1.1"),
    )


def weak_cipher_spec(server_name: str | None) -> ClientHelloSpec:
    """A TLS 1.2 hello offering only 3DES, DES, RC4, export and NULL suites.

    A ServerHello means the server accepts one of them; handshake_failure means none.
    """
    return ClientHelloSpec(
        server_name=server_name,
        legacy_version=0x0303,
        supported_versions=None,
        cipher_suites=(*WEAK_CIPHER_SUITES, 0x00FF),
        groups=_LEGACY_GROUPS,
        key_shares=None,
        psk_modes=None,
        renegotiation_info=False,
    )


@lru_cache(maxsize=8)
def _garbage_share(group: int) -> KeyShareEntry:
    """Random bytes of a real share's length: not a valid ML-KEM encapsulation key."""
    length = group_info(group).client_share_len or 1216
    return KeyShareEntry(group, os.urandom(length))


def malformed_share_spec(server_name: str | None, group: int = X25519MLKEM768) -> ClientHelloSpec:
    """TLS 1.3 with ``group`` only and a random key share of the right length.

    A correct implementation aborts with illegal_parameter (the ML-KEM key check);
    one that answers with a ServerHello skipped input validation.
    """
    return ClientHelloSpec(
        server_name=server_name,
        supported_versions=_TLS13_ONLY,
        cipher_suites=TLS13_CIPHER_SUITES,
        groups=(group,),
        key_shares=(_garbage_share(group),),
        ec_point_formats=None,
        extended_master_secret=False,
        renegotiation_info=False,
    )
