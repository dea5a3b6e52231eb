"""SSH identification and KEXINIT parsing, and PQ classification of algorithm names."""

from __future__ import annotations

from contextlib import suppress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.scanners.pqc.ssh_messages import (
    BannerReader,
    HostKeyKind,
    KexKind,
    PacketReader,
    SSHOversizedPacketError,
    SSHParseError,
    build_kexinit_packet,
    build_packet,
    classify_host_key,
    classify_kex,
    parse_banner,
    parse_kexinit_packet,
    parse_kexinit_payload,
)
from aman.scanners.pqc.tls_wire import ParseError

COOKIE = bytes(range(16))


def kexinit(
    kex: tuple[str, ...] = ("mlkem768x25519-sha256", "curve25519-sha256"),
    compression: tuple[str, ...] = ("none",),
) -> bytes:
    return build_kexinit_packet(
        cookie=COOKIE,
        kex=kex,
        host_keys=("ssh-ed25519",),
        ciphers=("aes256-gcm@openssh.com",),
        macs=("hmac-sha2-256",),
        compression=compression,
    )


def test_parse_banner_with_comments() -> None:
    banner = parse_banner(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
    assert (banner.proto_version, banner.software_version) == ("2.0", "OpenSSH_9.2p1")
    assert banner.comments == "Debian-2+deb12u3"
    assert banner.is_ssh2


@pytest.mark.parametrize(
    ("line", "ssh2"), [(b"SSH-1.99-Cisco-1.25\r\n", True), (b"SSH-1.5-old\n", False)]
)
def test_protocol_versions(line: bytes, ssh2: bool) -> None:
    assert parse_banner(line).is_ssh2 is ssh2


@pytest.mark.parametrize(
    "line",
    [
        b"HTTP/1.1 400\r\n",
        b"SSH-2.0\r\n",
        b"SSH--x\r\n",
        b"SSH-2.0-" + b"x" * 300,
        b"SSH-2.0-\xff\r\n",
    ],
)
def test_bad_banners(line: bytes) -> None:
    with pytest.raises(SSHParseError):
        parse_banner(line)


def test_banner_reader_tolerates_pre_banner_lines_and_split_reads() -> None:
    stream = b"Welcome\r\nauthorised use only\n" + b"SSH-2.0-OpenSSH_10.0\r\n" + kexinit()[:7]
    reader = BannerReader()
    exchange = None
    for i in range(0, len(stream), 3):
        exchange = reader.feed(stream[i : i + 3])
        if exchange is not None:
            break
    assert exchange is not None
    assert exchange.pre_banner == ("Welcome", "authorised use only")
    assert exchange.banner.software_version == "OpenSSH_10.0"
    assert stream.endswith(exchange.rest)  # bytes after the banner are handed on


def test_banner_reader_bounds() -> None:
    with pytest.raises(SSHParseError, match="too many lines"):
        BannerReader().feed(b"x\n" * 100)
    with pytest.raises(SSHParseError, match="line end"):
        BannerReader().feed(b"SSH-2.0-" + b"a" * 400)
    with pytest.raises(SSHParseError, match="NUL"):
        BannerReader().feed(b"\x00\x01\x02")


def test_kexinit_round_trip_and_pq_selection() -> None:
    kex = ("sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "ext-info-s")
    parsed = parse_kexinit_packet(kexinit(kex=kex, compression=("none", "zlib@openssh.com")))
    assert parsed.cookie == COOKIE
    assert parsed.kex_algorithms == kex
    assert parsed.pq_kex == ("sntrup761x25519-sha512@openssh.com",)
    assert parsed.ciphers_c2s == parsed.ciphers_s2c == ("aes256-gcm@openssh.com",)
    assert parsed.compression_s2c == ("none", "zlib@openssh.com")
    assert parsed.languages_c2s == () and not parsed.first_kex_packet_follows


def test_packet_framing_rules() -> None:
    packet = kexinit()
    assert len(packet) % 8 == 0 and packet[4] >= 4
    with pytest.raises(SSHParseError):
        parse_kexinit_packet(packet[:-1])
    with pytest.raises(SSHOversizedPacketError):
        PacketReader().feed((10**7).to_bytes(4, "big") + b"\x04")
    with pytest.raises(SSHParseError, match="expected KEXINIT"):
        parse_kexinit_payload(b"\x15")
    with pytest.raises(SSHParseError, match="empty or non-printable"):
        parse_kexinit_packet(kexinit(kex=("a", "")))


def test_packet_reader_reassembles() -> None:
    stream = build_packet(b"\x02\x00\x00\x00\x00") + kexinit()
    reader = PacketReader()
    payloads = [p for i in range(len(stream)) for p in reader.feed(stream[i : i + 1])]
    assert [p[0] for p in payloads] == [2, 20]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("mlkem768x25519-sha256", KexKind.HYBRID_PQ),
        ("sntrup761x25519-sha512", KexKind.HYBRID_PQ),
        ("sntrup761x25519-sha512@openssh.com", KexKind.HYBRID_PQ),
        ("mlkem768nistp256-sha256", KexKind.HYBRID_PQ),
        ("mlkem1024nistp384-sha384", KexKind.HYBRID_PQ),
        ("sntrup4591761x25519-sha512@tinyssh.org", KexKind.WITHDRAWN_PQ),
        ("x25519-kyber-512r3-sha256-d00@amazon.com", KexKind.EXPERIMENTAL_PQ),
        ("ecdh-nistp384-kyber-768r3-sha384-d00@openquantumsafe.org", KexKind.EXPERIMENTAL_PQ),
        ("curve25519-sha256", KexKind.CLASSICAL),
        ("diffie-hellman-group14-sha256", KexKind.CLASSICAL),
        ("ecdh-sha2-nistp521", KexKind.CLASSICAL),
        ("kex-strict-s-v00@openssh.com", KexKind.PSEUDO),
        ("ext-info-c", KexKind.PSEUDO),
        ("something-new@example.com", KexKind.UNKNOWN),
    ],
)
def test_kex_classification(name: str, kind: KexKind) -> None:
    assert classify_kex(name) is kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ssh-mldsa-65", HostKeyKind.PQ),
        ("ssh-mldsa44-ed25519@openssh.com", HostKeyKind.HYBRID_PQ),
        ("ssh-ed25519", HostKeyKind.CLASSICAL),
        ("rsa-sha2-512", HostKeyKind.CLASSICAL),
        ("ecdsa-sha2-nistp256", HostKeyKind.CLASSICAL),
        ("mystery-key", HostKeyKind.UNKNOWN),
    ],
)
def test_host_key_classification(name: str, kind: HostKeyKind) -> None:
    assert classify_host_key(name) is kind


name = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=","),
    min_size=1,
    max_size=40,
)
name_lists = st.lists(name, max_size=12).map(tuple)


@settings(max_examples=200)
@given(
    name_lists, name_lists, name_lists, name_lists, name_lists, st.binary(min_size=16, max_size=16)
)
def test_kexinit_round_trip_property(
    kex: tuple[str, ...],
    hosts: tuple[str, ...],
    ciphers: tuple[str, ...],
    macs: tuple[str, ...],
    comp: tuple[str, ...],
    cookie: bytes,
) -> None:
    packet = build_kexinit_packet(
        cookie=cookie, kex=kex, host_keys=hosts, ciphers=ciphers, macs=macs, compression=comp
    )
    parsed = parse_kexinit_packet(packet)
    assert (parsed.cookie, parsed.kex_algorithms, parsed.server_host_key_algorithms) == (
        cookie,
        kex,
        hosts,
    )
    assert (parsed.ciphers_s2c, parsed.macs_c2s, parsed.compression_c2s) == (ciphers, macs, comp)


@settings(max_examples=500)
@given(st.binary(max_size=600))
def test_ssh_parsers_raise_only_parse_error(data: bytes) -> None:
    for parse in (parse_banner, parse_kexinit_packet, parse_kexinit_payload):
        with suppress(ParseError):
            parse(data)
    for reader in (BannerReader(), PacketReader()):
        with suppress(ParseError):
            reader.feed(data)


@settings(max_examples=300)
@given(st.data())
def test_mutated_kexinit_raises_only_parse_error(data: st.DataObject) -> None:
    raw = bytearray(kexinit())
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    try:
        for payload in PacketReader().feed(bytes(raw)):
            parse_kexinit_payload(payload)
    except ParseError:
        pass
