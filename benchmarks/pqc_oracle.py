"""Ground truth for the PQC benchmark's accuracy table, independent of both scanners.

For each fixture endpoint and each group, OpenSSL's own client (pyOpenSSL on the OpenSSL
that cryptography bundles) attempts a full TLS 1.3 handshake offering only that group:
success means the server supports the group. Neither Aman's raw probes nor sslyze are
involved, so the "expected" column is not self-confirming.
"""

from __future__ import annotations

import socket

from OpenSSL import SSL
from OpenSSL._util import lib as _openssl_lib

# OpenSSL group name -> IANA name as the scanners report it.
GROUPS = {
    "X25519MLKEM768": "X25519MLKEM768",
    "SecP256r1MLKEM768": "SecP256r1MLKEM768",
    "SecP384r1MLKEM1024": "SecP384r1MLKEM1024",
    "MLKEM512": "MLKEM512",
    "MLKEM768": "MLKEM768",
    "MLKEM1024": "MLKEM1024",
    "X25519": "x25519",
    "X448": "x448",
    "P-256": "secp256r1",
    "P-384": "secp384r1",
    "P-521": "secp521r1",
    "ffdhe2048": "ffdhe2048",
    "ffdhe3072": "ffdhe3072",
}
PQ = {"X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "MLKEM512", "MLKEM768"}
PQ |= {"MLKEM1024"}


def _handshake(port: int, group: str, timeout: float = 5.0) -> bool:
    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.set_verify(SSL.VERIFY_NONE)
    ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
    if _openssl_lib.SSL_CTX_set1_curves_list(ctx._context, group.encode()) != 1:
        return False
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.settimeout(None)  # OpenSSL needs a blocking socket; the fixtures always answer
        conn = SSL.Connection(ctx, sock)
        conn.set_connect_state()
        try:
            conn.do_handshake()
        except SSL.Error:
            return False
        return conn.get_group_name() is not None


def supported_groups(port: int) -> set[str]:
    """IANA names of the groups a TLS 1.3 handshake succeeds with."""
    return {iana for name, iana in GROUPS.items() if _handshake(port, name)}
