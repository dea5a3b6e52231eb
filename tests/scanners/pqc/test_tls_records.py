"""The incremental record/handshake parser under arbitrary TCP segmentation."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.scanners.pqc.tls_constants import HRR_RANDOM, ExtensionType
from aman.scanners.pqc.tls_messages import (
    Alert,
    ServerHello,
    build_alert,
    build_server_hello,
    parse_server_hello,
    records,
)
from aman.scanners.pqc.tls_records import (
    Event,
    FlightParser,
    HandshakeMessage,
    HandshakeReassembler,
    OpaqueRecord,
    RecordParser,
)
from aman.scanners.pqc.tls_wire import OversizedRecordError, ParseError

HRR = build_server_hello(
    ServerHello(
        0x0303,
        HRR_RANDOM,
        b"s" * 32,
        0x1301,
        0,
        ((ExtensionType.SUPPORTED_VERSIONS, b"\x03\x04"), (ExtensionType.KEY_SHARE, b"\x11\xec")),
    )
)
CERT = bytes((11,)) + (40000).to_bytes(3, "big") + b"c" * 40000


def flight() -> bytes:
    """HRR, a CCS, a certificate spanning three records, then an alert."""
    return (
        records(22, 0x0303, HRR)
        + records(20, 0x0303, b"\x01")
        + records(22, 0x0303, CERT)
        + build_alert(2, 40)
    )


def feed_in_chunks(data: bytes, cuts: list[int]) -> list[Event]:
    parser = FlightParser()
    events: list[Event] = []
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    for a, b in pairwise(points):
        events.extend(parser.feed(data[a:b]))
    return events


EXPECTED: list[Event] = [
    HandshakeMessage(2, HRR[4:]),
    OpaqueRecord(20, b"\x01"),
    HandshakeMessage(11, CERT[4:]),
    Alert(2, 40),
]


def test_whole_flight_in_one_piece() -> None:
    assert FlightParser().feed(flight()) == EXPECTED


def test_one_byte_at_a_time() -> None:
    parser = FlightParser()
    events: list[Event] = []
    for i in range(len(flight())):
        events.extend(parser.feed(flight()[i : i + 1]))
    assert events == EXPECTED


@settings(max_examples=100)
@given(st.lists(st.integers(0, 10**6), max_size=30))
def test_any_segmentation_gives_the_same_events(cuts: list[int]) -> None:
    assert feed_in_chunks(flight(), cuts) == EXPECTED


def test_two_messages_in_one_record() -> None:
    done = bytes((14,)) + b"\x00\x00\x00"
    events = FlightParser().feed(records(22, 0x0303, HRR + done))
    assert [e.msg_type for e in events if isinstance(e, HandshakeMessage)] == [2, 14]


def test_garbage_rejected_from_first_byte() -> None:
    with pytest.raises(ParseError, match="not a TLS record"):
        RecordParser().feed(b"H")
    with pytest.raises(ParseError):
        RecordParser().feed(b"\x16\x04")


def test_oversized_record_is_its_own_error() -> None:
    with pytest.raises(OversizedRecordError):
        RecordParser().feed(b"\x16\x03\x03\xff\xff")
    # a maximal legitimate ciphertext record is fine
    assert RecordParser().feed(b"\x17\x03\x03" + (18432).to_bytes(2, "big")) == []


def test_interleaved_record_inside_fragmented_message() -> None:
    first_half = records(22, 0x0303, CERT[:100])
    with pytest.raises(ParseError, match="interleaved"):
        FlightParser().feed(first_half + build_alert(2, 10))


def test_zero_length_handshake_fragment_rejected() -> None:
    with pytest.raises(ParseError, match="zero-length"):
        FlightParser().feed(b"\x16\x03\x03\x00\x00")


def test_handshake_size_limit() -> None:
    with pytest.raises(ParseError, match="exceeds"):
        HandshakeReassembler(max_message_len=1000).feed(b"\x0b\x00\x10\x00")


@settings(max_examples=300)
@given(st.data())
def test_mutated_flights_raise_only_parse_error(data: st.DataObject) -> None:
    raw = bytearray(flight()[:600])
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    try:
        cuts = data.draw(st.lists(st.integers(0, 700), max_size=5))
        for event in feed_in_chunks(bytes(raw[:cut]), cuts):
            if isinstance(event, HandshakeMessage) and event.msg_type == 2:
                parse_server_hello(event.body)
    except ParseError:
        pass
