"""Bounds-checked byte reading for the TLS and SSH parsers.

Every parser in the scanner reads hostile input; funnelling all reads through this cursor
guarantees the only exception that escapes on bad bytes is :class:`ParseError`.
"""

from __future__ import annotations


class ParseError(ValueError):
    """The bytes are not a well-formed message of the expected kind."""


class OversizedRecordError(ParseError):
    """A record header announced a length above what any TLS peer may send."""


class Reader:
    """A cursor over immutable bytes whose reads raise ParseError when data runs out."""

    __slots__ = ("_data", "_end", "_pos")

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self._data = data
        self._pos = start
        self._end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        """Bytes left before the end of this view."""
        return self._end - self._pos

    def at_end(self) -> bool:
        """True once every byte of the view has been consumed."""
        return self._pos >= self._end

    def _take(self, n: int, what: str) -> int:
        if n < 0 or self._pos + n > self._end:
            raise ParseError(f"truncated {what}: need {n} bytes, have {self.remaining}")
        start = self._pos
        self._pos += n
        return start

    def u8(self, what: str = "u8") -> int:
        """Read one unsigned byte."""
        return self._data[self._take(1, what)]

    def u16(self, what: str = "u16") -> int:
        """Read a big-endian 16-bit integer."""
        i = self._take(2, what)
        return (self._data[i] << 8) | self._data[i + 1]

    def u24(self, what: str = "u24") -> int:
        """Read a big-endian 24-bit integer."""
        i = self._take(3, what)
        return (self._data[i] << 16) | (self._data[i + 1] << 8) | self._data[i + 2]

    def u32(self, what: str = "u32") -> int:
        """Read a big-endian 32-bit integer."""
        i = self._take(4, what)
        return int.from_bytes(self._data[i : i + 4], "big")

    def raw(self, n: int, what: str = "bytes") -> bytes:
        """Read exactly n bytes."""
        i = self._take(n, what)
        return self._data[i : i + n]

    def vec8(self, what: str = "vector") -> bytes:
        """Read an opaque vector with a one-byte length prefix."""
        return self.raw(self.u8(what), what)

    def vec16(self, what: str = "vector") -> bytes:
        """Read an opaque vector with a two-byte length prefix."""
        return self.raw(self.u16(what), what)

    def vec24(self, what: str = "vector") -> bytes:
        """Read an opaque vector with a three-byte length prefix."""
        return self.raw(self.u24(what), what)

    def sub16(self, what: str = "block") -> Reader:
        """A reader over the next u16-length-prefixed block, consumed from this one."""
        n = self.u16(what)
        start = self._take(n, what)
        return Reader(self._data, start, start + n)

    def expect_end(self, what: str) -> None:
        """Fail when bytes are left over, which the encodings here never allow."""
        if not self.at_end():
            raise ParseError(f"{self.remaining} trailing bytes after {what}")


def u16_list(data: bytes, what: str) -> tuple[int, ...]:
    """Decode a packed sequence of u16 values (no length prefix)."""
    if len(data) % 2:
        raise ParseError(f"odd length {len(data)} for a list of u16 in {what}")
    return tuple(int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2))


def pack_u16_list(values: tuple[int, ...] | list[int]) -> bytes:
    """Encode u16 values back to back (no length prefix)."""
    return b"".join(v.to_bytes(2, "big") for v in values)


def vec8(data: bytes) -> bytes:
    """Prefix data with its one-byte length."""
    if len(data) > 0xFF:
        raise ValueError(f"vector of {len(data)} bytes exceeds a u8 length")
    return bytes((len(data),)) + data


def vec16(data: bytes) -> bytes:
    """Prefix data with its two-byte length."""
    if len(data) > 0xFFFF:
        raise ValueError(f"vector of {len(data)} bytes exceeds a u16 length")
    return len(data).to_bytes(2, "big") + data


def vec24(data: bytes) -> bytes:
    """Prefix data with its three-byte length."""
    if len(data) > 0xFFFFFF:
        raise ValueError(f"vector of {len(data)} bytes exceeds a u24 length")
    return len(data).to_bytes(3, "big") + data
