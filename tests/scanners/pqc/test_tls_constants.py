"""Codepoints checked against the reference (pqc-scanning.md §3.2) and their classes."""

from __future__ import annotations

import pytest

from aman.scanners.pqc.tls_constants import (
    NAMED_GROUPS,
    PROBE_GROUPS,
    GroupKind,
    cipher_suite_name,
    group_code,
    group_info,
    signature_scheme_name,
    version_name,
)

EXPECTED = [
    (0x001D, "x25519", GroupKind.CLASSICAL),
    (0x001E, "x448", GroupKind.CLASSICAL),
    (0x0017, "secp256r1", GroupKind.CLASSICAL),
    (0x0018, "secp384r1", GroupKind.CLASSICAL),
    (0x0019, "secp521r1", GroupKind.CLASSICAL),
    (0x0100, "ffdhe2048", GroupKind.CLASSICAL),
    (0x0101, "ffdhe3072", GroupKind.CLASSICAL),
    (0x0102, "ffdhe4096", GroupKind.CLASSICAL),
    (0x0103, "ffdhe6144", GroupKind.CLASSICAL),
    (0x0104, "ffdhe8192", GroupKind.CLASSICAL),
    (0x11EC, "X25519MLKEM768", GroupKind.HYBRID_PQ),
    (0x11EB, "SecP256r1MLKEM768", GroupKind.HYBRID_PQ),
    (0x11ED, "SecP384r1MLKEM1024", GroupKind.HYBRID_PQ),
    (0x6399, "X25519Kyber768Draft00", GroupKind.OBSOLETE_DRAFT),
    (0x0200, "MLKEM512", GroupKind.PURE_PQ),
    (0x0201, "MLKEM768", GroupKind.PURE_PQ),
    (0x0202, "MLKEM1024", GroupKind.PURE_PQ),
]


@pytest.mark.parametrize(("code", "name", "kind"), EXPECTED)
def test_group_codepoints(code: int, name: str, kind: GroupKind) -> None:
    info = group_info(code)
    assert (info.name, info.kind) == (name, kind)
    assert group_code(name.upper()) == code
    assert info.quantum_safe == (kind in (GroupKind.HYBRID_PQ, GroupKind.PURE_PQ))


def test_share_sizes_match_the_drafts() -> None:
    sizes = {g.name: (g.client_share_len, g.server_share_len) for g in NAMED_GROUPS.values()}
    assert sizes["X25519MLKEM768"] == (1184 + 32, 1088 + 32)
    assert sizes["SecP256r1MLKEM768"] == (65 + 1184, 65 + 1088)
    assert sizes["SecP384r1MLKEM1024"] == (97 + 1568, 97 + 1568)
    assert sizes["MLKEM768"] == (1184, 1088)


def test_nist_levels() -> None:
    levels = {group_info(c).name: group_info(c).nist_level for c in (0x11EC, 0x11ED, 0x0200)}
    assert levels == {"X25519MLKEM768": 3, "SecP384r1MLKEM1024": 5, "MLKEM512": 1}
    assert group_info(0x001D).nist_level == 0


def test_unknown_values_are_reported_not_rejected() -> None:
    assert group_info(0xABCD).name == "unknown_0xabcd"
    assert not group_info(0xABCD).quantum_safe
    assert cipher_suite_name(0x1301) == "TLS_AES_128_GCM_SHA256"
    assert cipher_suite_name(0xEEEE) == "0xeeee"
    assert signature_scheme_name(0x0905) == "mldsa65"
    assert version_name(0x0304) == "TLSv1.3" and version_name(0x7F1C) == "0x7f1c"
    with pytest.raises(KeyError):
        group_code("nonsense")


def test_probe_groups_cover_every_pq_codepoint() -> None:
    pq = {c for c, g in NAMED_GROUPS.items() if g.quantum_safe and g.client_share_len}
    assert pq - set(PROBE_GROUPS) <= {0x11EE}
    assert len(set(PROBE_GROUPS)) == len(PROBE_GROUPS)
