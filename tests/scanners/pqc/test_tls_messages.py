"""ClientHello building, ServerHello/HRR/alert parsing, and robustness on hostile bytes."""

from __future__ import annotations

from contextlib import suppress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.scanners.pqc.tls_constants import HRR_RANDOM, ExtensionType
from aman.scanners.pqc.tls_messages import (
    Alert,
    ClientHelloSpec,
    KeyShareEntry,
    ServerHello,
    build_alert,
    build_client_hello,
    build_server_hello,
    client_hello_template,
    decode_alpn,
    decode_client_key_shares,
    decode_client_versions,
    decode_server_name,
    decode_u16_vector,
    encode_alpn,
    encode_client_key_shares,
    encode_client_versions,
    encode_server_name,
    encode_u16_vector,
    parse_alert,
    parse_client_hello,
    parse_server_hello,
)
from aman.scanners.pqc.tls_records import FlightParser, HandshakeMessage
from aman.scanners.pqc.tls_wire import ParseError

RANDOM = bytes(range(32))
SESSION = bytes(range(100, 132))


def _handshake_body(record_bytes: bytes) -> tuple[int, bytes]:
    events = FlightParser().feed(record_bytes)
    assert len(events) == 1 and isinstance(events[0], HandshakeMessage)
    return events[0].msg_type, events[0].body


def test_client_hello_layout_matches_rfc8446() -> None:
    spec = ClientHelloSpec(server_name="example.org", groups=(0x11EC, 0x001D), alpn=("h2",))
    data = build_client_hello(spec, RANDOM, SESSION)
    assert data[:3] == b"\x16\x03\x01"
    assert int.from_bytes(data[3:5], "big") == len(data) - 5
    msg_type, body = _handshake_body(data)
    assert msg_type == 1
    hello = parse_client_hello(body)
    assert hello.legacy_version == 0x0303
    assert hello.random == RANDOM and hello.session_id == SESSION
    assert hello.compression_methods == b"\x00"
    assert hello.server_name == "example.org"
    assert hello.groups == (0x11EC, 0x001D)
    assert hello.key_shares == ()  # empty client_shares requests group selection
    assert hello.supported_versions == (0x0304, 0x0303)
    assert decode_alpn(hello.extension(ExtensionType.ALPN) or b"") == ("h2",)
    assert hello.extension(ExtensionType.PSK_KEY_EXCHANGE_MODES) == b"\x01\x01"


def test_key_share_omitted_versus_empty() -> None:
    omitted = ClientHelloSpec(key_shares=None)
    _, body = _handshake_body(build_client_hello(omitted, RANDOM, SESSION))
    assert parse_client_hello(body).key_shares is None


def test_pre_13_hello_has_no_supported_versions() -> None:
    spec = ClientHelloSpec(legacy_version=0x0302, supported_versions=None, key_shares=None)
    _, body = _handshake_body(build_client_hello(spec, RANDOM, SESSION))
    hello = parse_client_hello(body)
    assert hello.legacy_version == 0x0302
    assert hello.supported_versions is None


def test_template_render_equals_fresh_build() -> None:
    spec = ClientHelloSpec(server_name="a.test", key_shares=(KeyShareEntry(0x1D, b"k" * 32),))
    template = client_hello_template(spec)
    assert template.render(RANDOM, SESSION) == build_client_hello(spec, RANDOM, SESSION)
    assert client_hello_template(spec) is template  # cached per spec


def test_huge_hello_is_fragmented_into_records() -> None:
    shares = tuple(KeyShareEntry(0x0200 + i, bytes([i]) * 9000) for i in range(3))
    spec = ClientHelloSpec(key_shares=shares)
    data = build_client_hello(spec, RANDOM, SESSION)
    assert data.count(b"\x16\x03\x01") >= 2
    _, body = _handshake_body(data)
    assert parse_client_hello(body).key_shares == shares
    assert client_hello_template(spec).render(RANDOM, SESSION) == data


def test_builder_rejects_bad_random_and_session() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        build_client_hello(ClientHelloSpec(), b"short", SESSION)
    with pytest.raises(ValueError, match="at most 32"):
        build_client_hello(ClientHelloSpec(), RANDOM, b"x" * 33)


def _server_hello(random: bytes, extensions: tuple[tuple[int, bytes], ...]) -> bytes:
    hello = ServerHello(0x0303, random, SESSION, 0x1302, 0, extensions)
    return build_server_hello(hello)[4:]


def test_parse_tls13_server_hello_with_hybrid_share() -> None:
    body = _server_hello(
        bytes(32),
        (
            (ExtensionType.SUPPORTED_VERSIONS, b"\x03\x04"),
            (ExtensionType.KEY_SHARE, b"\x11\xec" + (1120).to_bytes(2, "big") + b"s" * 1120),
        ),
    )
    hello = parse_server_hello(body)
    assert not hello.is_hrr
    assert hello.selected_version == 0x0304
    assert hello.cipher_suite == 0x1302
    assert hello.key_share_group == 0x11EC
    assert hello.key_share_len == 1120


def test_parse_hello_retry_request() -> None:
    body = _server_hello(
        HRR_RANDOM,
        ((ExtensionType.SUPPORTED_VERSIONS, b"\x03\x04"), (ExtensionType.KEY_SHARE, b"\x11\xed")),
    )
    hello = parse_server_hello(body)
    assert hello.is_hrr
    assert hello.key_share_group == 0x11ED
    assert hello.key_share_len == 0


def test_parse_tls12_server_hello_without_extensions_and_downgrade_marker() -> None:
    random = bytes(24) + b"DOWNGRD\x01"
    hello = parse_server_hello(_server_hello(random, ()))
    assert hello.selected_version == 0x0303
    assert hello.key_share_group is None
    assert hello.downgrade_sentinel == 0x0303


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        (((43, b"\x03\x04"), (43, b"\x03\x04")), "duplicate"),
        (((51, b"\x00\x1d\x00\x00"),), "empty key_exchange"),
        (((43, b"\x03\x04\x00"),), "trailing"),
        (((51, b"\x00"),), "truncated"),
    ],
)
def test_malformed_server_hello_extensions(
    extensions: tuple[tuple[int, bytes], ...], message: str
) -> None:
    with pytest.raises(ParseError, match=message):
        parse_server_hello(_server_hello(bytes(32), extensions))


def test_alert_parse_and_names() -> None:
    events = FlightParser().feed(build_alert(2, 40))
    alert = events[0]
    assert alert == parse_alert(b"\x02\x28")
    assert isinstance(alert, Alert)
    assert (alert.level_name, alert.name) == ("fatal", "handshake_failure")
    assert parse_alert(b"\x01\xfe").name == "alert_254"
    with pytest.raises(ParseError):
        parse_alert(b"\x02")


# --- property tests -------------------------------------------------------------------------

u16 = st.integers(0, 0xFFFF)
hostnames = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){1,2}", fullmatch=True)
key_shares = st.lists(st.builds(KeyShareEntry, u16, st.binary(max_size=300)), max_size=5)
protocols = st.lists(
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20), max_size=4
)


@given(st.lists(u16, max_size=40))
def test_u16_vector_round_trip(values: list[int]) -> None:
    assert decode_u16_vector(encode_u16_vector(tuple(values)), "x") == tuple(values)


@given(st.lists(u16, max_size=100))
def test_client_versions_round_trip(values: list[int]) -> None:
    assert decode_client_versions(encode_client_versions(tuple(values))) == tuple(values)


@given(key_shares)
def test_key_share_round_trip(entries: list[KeyShareEntry]) -> None:
    assert decode_client_key_shares(encode_client_key_shares(tuple(entries))) == tuple(entries)


@given(hostnames)
def test_server_name_round_trip(host: str) -> None:
    assert decode_server_name(encode_server_name(host)) == host


@given(protocols)
def test_alpn_round_trip(names: list[str]) -> None:
    assert decode_alpn(encode_alpn(tuple(names))) == tuple(names)


@settings(max_examples=200)
@given(
    host=st.none() | hostnames,
    groups=st.lists(u16, max_size=20),
    shares=st.none() | key_shares,
    versions=st.none() | st.lists(u16, min_size=1, max_size=6),
    suites=st.lists(u16, min_size=1, max_size=30),
    alpn=protocols,
    random=st.binary(min_size=32, max_size=32),
    session=st.binary(max_size=32),
)
def test_client_hello_round_trip(
    host: str | None,
    groups: list[int],
    shares: list[KeyShareEntry] | None,
    versions: list[int] | None,
    suites: list[int],
    alpn: list[str],
    random: bytes,
    session: bytes,
) -> None:
    spec = ClientHelloSpec(
        server_name=host,
        groups=tuple(groups),
        key_shares=None if shares is None else tuple(shares),
        supported_versions=None if versions is None else tuple(versions),
        cipher_suites=tuple(suites),
        alpn=tuple(alpn),
    )
    _, body = _handshake_body(build_client_hello(spec, random, session))
    hello = parse_client_hello(body)
    assert hello.random == random and hello.session_id == session
    assert hello.cipher_suites == tuple(suites)
    assert hello.server_name == host
    assert hello.groups == tuple(groups)
    assert hello.key_shares == spec.key_shares
    assert hello.supported_versions == spec.supported_versions
    assert decode_alpn(hello.extension(ExtensionType.ALPN) or b"\x00\x00") == tuple(alpn)


@given(
    random=st.binary(min_size=32, max_size=32),
    suite=u16,
    group=st.none() | u16,
    share=st.binary(min_size=1, max_size=200),
    version=u16,
)
def test_server_hello_round_trip(
    random: bytes, suite: int, group: int | None, share: bytes, version: int
) -> None:
    exts: list[tuple[int, bytes]] = [(ExtensionType.SUPPORTED_VERSIONS, version.to_bytes(2, "big"))]
    hrr = random == HRR_RANDOM
    if group is not None:
        key = group.to_bytes(2, "big") + (b"" if hrr else len(share).to_bytes(2, "big") + share)
        exts.append((ExtensionType.KEY_SHARE, key))
    original = ServerHello(0x0303, random, SESSION, suite, 0, tuple(exts))
    parsed = parse_server_hello(build_server_hello(original)[4:])
    assert parsed.random == random and parsed.cipher_suite == suite
    assert parsed.selected_version == version
    assert parsed.key_share_group == group
    assert parsed.key_share_len == (0 if group is None or hrr else len(share))


@settings(max_examples=500)
@given(st.binary(max_size=400))
def test_parsers_raise_only_parse_error(data: bytes) -> None:
    for parse in (parse_server_hello, parse_client_hello, parse_alert):
        with suppress(ParseError):
            parse(data)
    with suppress(ParseError):
        FlightParser().feed(data)
