"""Pickle streams scanned with picklescan, which lists the imports a pickle performs by
reading its opcodes: nothing is ever unpickled. Aman adds a few imports picklescan's list
misses (``EXTRA_DANGEROUS``).

Every stream is read through :class:`BoundedReader`, which refuses to go past
``max_pickle_bytes`` (picklescan keeps the opcodes of a stream in memory), so a huge or
hostile stream costs bounded memory and is reported as not fully scanned. Imports are
graded: picklescan's dangerous list -> ``dangerous``; Aman's allowlist of imports that
ordinary tensors and containers need -> ``allowed``; anything else -> ``review``.
"""

from __future__ import annotations

import ast
import logging
import struct
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import IO, Any

from picklescan.scanner import (  # type: ignore[import-untyped]
    SafetyLevel,
    ScanResult,
    scan_pickle_bytes,
    scan_pytorch,
)
from picklescan.torch import InvalidMagicError  # type: ignore[import-untyped]

from aman.scanners.ai.model import GlobalRef, PickleFacts, Safety

_RECORDS: ContextVar[list[str] | None] = ContextVar("picklescan_records", default=None)


class _Recorder(logging.Handler):
    """Keeps picklescan's warnings for the stream being scanned (it reports a stream it
    cannot parse at all only in its log), and keeps them off the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        records = _RECORDS.get()
        if records is not None:
            records.append(record.getMessage())


logging.getLogger("picklescan").addHandler(_Recorder(logging.WARNING))
logging.getLogger("picklescan").propagate = False

_TORCH_DTYPES = [
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
    "complex64",
    "complex128",
    "float8_e4m3fn",
    "float8_e5m2",
]
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("collections", "OrderedDict"),
        ("torch._utils", "_rebuild_tensor"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_parameter"),
        ("torch", "Size"),
        ("torch", "device"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("_codecs", "encode"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "bytearray"),
        ("builtins", "slice"),
        ("builtins", "complex"),
        ("__builtin__", "set"),
        ("__builtin__", "frozenset"),
    }
    | {("torch", f"{kind}Storage") for kind in ("Float", "Half", "BFloat16", "Double", "Long")}
    | {("torch", f"{kind}Storage") for kind in ("Int", "Short", "Char", "Byte", "Bool")}
    | {("torch", dtype) for dtype in _TORCH_DTYPES}
)


# Imports picklescan 1.0.5 does not list as dangerous but that read or write files, import
# modules, build code or load further pickles. ``pickle.dumps(open)`` records ``io.open``,
# for one, which picklescan's ``builtins.open`` entry misses.
EXTRA_DANGEROUS: frozenset[tuple[str, str]] = frozenset(
    {
        ("io", "open"),
        ("_io", "open"),
        ("io", "FileIO"),
        ("io", "open_code"),
        ("builtins", "__import__"),
        ("__builtin__", "__import__"),
        ("marshal", "loads"),
        ("types", "FunctionType"),
        ("numpy", "load"),
        ("joblib", "load"),
        ("dill", "loads"),
        ("torch", "load"),
    }
)
EXTRA_DANGEROUS_MODULES = frozenset({"importlib", "zipimport", "code", "ctypes", "multiprocessing"})


class LimitReached(Exception):
    """A stream is longer than the bytes the scanner may parse."""


class BoundedReader:
    """A file-like view that fails any read past ``limit`` bytes from the start.

    picklescan reads opcode arguments whole (a BINBYTES8 claiming 2**60 bytes would be
    read into memory); this view refuses such reads before they happen.
    """

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.exceeded = False

    def _allow(self, n: int) -> None:
        if n < 0 or self.raw.tell() + n > self.limit:
            self.exceeded = True
            raise LimitReached(f"stream longer than {self.limit} bytes")

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.limit - self.raw.tell() + 1
        position = self.raw.tell()
        if position + n > self.limit:
            data = self.raw.read(max(self.limit - position, 0) + 1)
            if position + len(data) > self.limit:
                self.exceeded = True
                raise LimitReached(f"stream longer than {self.limit} bytes")
            return data
        return self.raw.read(n)

    def readline(self, size: int = -1) -> bytes:
        budget = self.limit - self.raw.tell() + 1
        line = self.raw.readline(budget if size < 0 else min(size, budget))
        if self.raw.tell() > self.limit:
            self.exceeded = True
            raise LimitReached(f"stream longer than {self.limit} bytes")
        return line

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def seekable(self) -> bool:
        return True


def grade(module: str, name: str, safety: SafetyLevel) -> Safety:
    top = module.split(".", 1)[0]
    if (
        safety is SafetyLevel.Dangerous
        or (module, name) in EXTRA_DANGEROUS
        or top in EXTRA_DANGEROUS_MODULES
    ):
        return "dangerous"
    if safety is SafetyLevel.Innocuous or (module, name) in ALLOWED:
        return "allowed"
    return "review"


@dataclass
class PickleCollector:
    """Accumulates the streams of one file (several, for a zip container)."""

    streams: list[str] = field(default_factory=list)
    globals: list[GlobalRef] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, stream: str, result: ScanResult, reader: BoundedReader) -> None:
        self.streams.append(stream)
        for g in result.globals:
            self.globals.append(
                GlobalRef(g.module, g.name, grade(g.module, g.name, g.safety), stream)
            )
        if reader.exceeded:
            self.truncated.append(stream)
        elif result.scan_err:
            self.errors.append(f"{stream}: pickle stream could not be parsed to its end")

    def facts(self) -> PickleFacts:
        unique = list(dict.fromkeys(self.globals))
        return PickleFacts(
            tuple(self.streams),
            tuple(unique),
            tuple(self.errors),
            tuple(self.truncated),
            tuple(self.skipped),
        )


def scan_stream(raw: IO[bytes], stream: str, limit: int, collector: PickleCollector) -> None:
    """One pickle stream (or several concatenated, as joblib writes them)."""
    reader = BoundedReader(raw, limit)
    records: list[str] = []
    token = _RECORDS.set(records)
    try:
        result = scan_pickle_bytes(reader, stream)
    except Exception as exc:  # picklescan raises on streams it cannot follow
        if reader.exceeded:
            collector.streams.append(stream)
            collector.truncated.append(stream)
        else:
            collector.errors.append(f"{stream}: {type(exc).__name__}: {exc}"[:300])
        return
    finally:
        _RECORDS.reset(token)
    collector.add(stream, result, reader)
    unparsed = [m for m in records if "could not parse" in m]
    if unparsed and not reader.exceeded:
        collector.errors.append(f"{stream}: not a parseable pickle stream"[:300])


def scan_legacy_torch(raw: IO[bytes], stream: str, limit: int, collector: PickleCollector) -> None:
    """A pre-1.6 torch.save file: a handful of pickles followed by raw tensor storage."""
    reader = BoundedReader(raw, limit)
    try:
        result = scan_pytorch(reader, stream)
    except InvalidMagicError:
        raw.seek(0)
        scan_stream(raw, stream, limit, collector)
        return
    except Exception as exc:
        collector.errors.append(f"{stream}: {type(exc).__name__}: {exc}"[:300])
        return
    collector.add(stream, result, reader)


def numpy_object_offset(head: bytes) -> int | None:
    """Where the pickle of an object-dtype .npy starts; None when it holds plain numbers."""
    if not head.startswith(b"\x93NUMPY") or len(head) < 10:
        raise ValueError("not a .npy file")
    major = head[6]
    if major == 1:
        (length,) = struct.unpack("<H", head[8:10])
        start = 10
    else:
        (length,) = struct.unpack("<I", head[8:12])
        start = 12
    text = head[start : start + length].decode("latin-1")
    header: Any = ast.literal_eval(text)  # a dict literal; never evaluated as code
    descr = header.get("descr") if isinstance(header, dict) else None
    return start + length if _has_object(descr) else None


def _has_object(descr: Any) -> bool:
    if isinstance(descr, str):
        return "O" in descr
    if isinstance(descr, list | tuple):
        return any(_has_object(part) for part in _flatten(descr))
    return False


def _flatten(value: Iterable[Any]) -> Iterable[Any]:
    for item in value:
        if isinstance(item, list | tuple):
            yield from _flatten(item)
        else:
            yield item
