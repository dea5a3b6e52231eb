"""Incremental TLS record and handshake parsing for bytes arriving in arbitrary pieces.

TCP gives no message boundaries: a server's first flight may arrive one byte at a time,
or one handshake message may span several records. :class:`FlightParser` accumulates
bytes and yields complete events, rejecting anything that cannot be TLS as early as
possible so a hostile peer is classified instead of buffered.
"""

from __future__ import annotations

from dataclasses import dataclass

from aman.scanners.pqc.tls_constants import ContentType
from aman.scanners.pqc.tls_messages import Alert, parse_alert
from aman.scanners.pqc.tls_wire import OversizedRecordError, ParseError

RECORD_HEADER_LEN = 5
# TLSCiphertext may carry 2^14 + 2048 bytes in TLS 1.2 (RFC 5246 §6.2.3); nothing larger.
MAX_RECORD_LEN = (1 << 14) + 2048
DEFAULT_MAX_HANDSHAKE_LEN = 1 << 18
_VALID_TYPES = frozenset(int(t) for t in ContentType)


@dataclass(frozen=True, slots=True)
class Record:
    """One TLS record as received."""

    content_type: int
    version: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class HandshakeMessage:
    """A complete handshake message reassembled from one or more records."""

    msg_type: int
    body: bytes


@dataclass(frozen=True, slots=True)
class OpaqueRecord:
    """A record we do not interpret here (application data, CCS, heartbeat)."""

    content_type: int
    payload: bytes


Event = HandshakeMessage | Alert | OpaqueRecord


def check_record_header(header: bytes, max_record_len: int = MAX_RECORD_LEN) -> int:
    """Validate a 5-byte record header and return the payload length.

    Raises ParseError for bytes that are not a TLS record header (wrong content type or
    version major) and OversizedRecordError for a length no compliant peer sends.
    """
    content_type, major = header[0], header[1]
    if content_type not in _VALID_TYPES or major != 3:
        raise ParseError(f"not a TLS record header: {header[:5].hex()}")
    length = (header[3] << 8) | header[4]
    if length > max_record_len:
        raise OversizedRecordError(f"record length {length} exceeds {max_record_len}")
    return length


class RecordParser:
    """Accumulates bytes and returns complete records as they become available."""

    __slots__ = ("_buf", "_max")

    def __init__(self, max_record_len: int = MAX_RECORD_LEN) -> None:
        self._buf = bytearray()
        self._max = max_record_len

    @property
    def buffered(self) -> int:
        """Bytes held that do not yet form a full record."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Record]:
        """Add bytes; return every record completed by them."""
        self._buf += data
        out: list[Record] = []
        buf = self._buf
        pos = 0
        while len(buf) - pos >= RECORD_HEADER_LEN:
            length = check_record_header(bytes(buf[pos : pos + 5]), self._max)
            end = pos + RECORD_HEADER_LEN + length
            if len(buf) < end:
                break
            version = (buf[pos + 1] << 8) | buf[pos + 2]
            out.append(Record(buf[pos], version, bytes(buf[pos + 5 : end])))
            pos = end
        if pos:
            del buf[:pos]
        # Reject a bad first byte at once rather than waiting for five.
        if 0 < len(buf) < RECORD_HEADER_LEN and (
            buf[0] not in _VALID_TYPES or (len(buf) > 1 and buf[1] != 3)
        ):
            raise ParseError(f"not a TLS record header: {bytes(buf).hex()}")
        return out


class HandshakeReassembler:
    """Joins handshake fragments across records into whole messages (RFC 8446 §5.1)."""

    __slots__ = ("_buf", "_max")

    def __init__(self, max_message_len: int = DEFAULT_MAX_HANDSHAKE_LEN) -> None:
        self._buf = bytearray()
        self._max = max_message_len

    @property
    def pending(self) -> bool:
        """True while part of a message is buffered."""
        return bool(self._buf)

    def feed(self, fragment: bytes) -> list[HandshakeMessage]:
        """Add one handshake record payload; return the messages it completes."""
        if not fragment:
            raise ParseError("zero-length handshake fragment")
        self._buf += fragment
        out: list[HandshakeMessage] = []
        buf = self._buf
        pos = 0
        while len(buf) - pos >= 4:
            length = (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]
            if length > self._max:
                raise ParseError(f"handshake message of {length} bytes exceeds {self._max}")
            end = pos + 4 + length
            if len(buf) < end:
                break
            out.append(HandshakeMessage(buf[pos], bytes(buf[pos + 4 : end])))
            pos = end
        if pos:
            del buf[:pos]
        return out


class FlightParser:
    """Turns a server byte stream into handshake messages, alerts and opaque records."""

    __slots__ = ("_hs", "_records")

    def __init__(
        self,
        max_record_len: int = MAX_RECORD_LEN,
        max_message_len: int = DEFAULT_MAX_HANDSHAKE_LEN,
    ) -> None:
        self._records = RecordParser(max_record_len)
        self._hs = HandshakeReassembler(max_message_len)

    def feed(self, data: bytes) -> list[Event]:
        """Add bytes; return the events they complete, in order."""
        events: list[Event] = []
        for rec in self._records.feed(data):
            if rec.content_type == ContentType.HANDSHAKE:
                events.extend(self._hs.feed(rec.payload))
                continue
            if self._hs.pending:
                raise ParseError("record interleaved inside a fragmented handshake message")
            if rec.content_type == ContentType.ALERT:
                events.append(parse_alert(rec.payload))
            else:
                events.append(OpaqueRecord(rec.content_type, rec.payload))
        return events
