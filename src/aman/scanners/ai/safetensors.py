"""safetensors header integrity, checked against the file without loading any tensor.

The format is an 8-byte little-endian header length, a JSON header, then the tensor bytes.
A valid file declares a length that fits the file (and the format's 100 MB cap), a JSON
object without duplicate keys, only known dtypes, shapes whose byte size matches each
tensor's offsets, offsets that tile the data section with no gap or overlap, and nothing
after the last tensor: appended bytes are how polyglot files hide a second payload.
"""

from __future__ import annotations

import json
import math
import struct
from typing import IO, Any

from aman.scanners.ai.model import SafetensorsFacts

MAX_HEADER = 100_000_000
DTYPE_BITS = {
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "C64": 64,
    "F64": 64,
    "I64": 64,
    "U64": 64,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
}
TENSOR_KEYS = frozenset({"dtype", "shape", "data_offsets"})


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(f"duplicate key {key!r} in the header")
        seen[key] = value
    return seen


def _tensor(name: str, entry: Any) -> tuple[str | None, tuple[int, int] | None, str | None]:
    """(problem, (begin, end), dtype) of one header entry."""
    if not isinstance(entry, dict) or set(entry) != TENSOR_KEYS:
        return f"tensor {name!r}: entry must have exactly dtype, shape, data_offsets", None, None
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in DTYPE_BITS:
        return f"tensor {name!r}: dtype {dtype!r} is not allowed", None, None
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        return f"tensor {name!r}: shape must be a list of non-negative integers", None, None
    if not (
        isinstance(offsets, list)
        and len(offsets) == 2
        and all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        and 0 <= offsets[0] <= offsets[1]
    ):
        return f"tensor {name!r}: data_offsets must be [begin, end] with begin <= end", None, None
    bits = math.prod(shape) * DTYPE_BITS[dtype]
    if bits % 8:
        return f"tensor {name!r}: {bits} bits is not a whole number of bytes", None, None
    if offsets[1] - offsets[0] != bits // 8:
        return (
            f"tensor {name!r}: offsets span {offsets[1] - offsets[0]} bytes, "
            f"shape and dtype need {bits // 8}",
            None,
            None,
        )
    return None, (offsets[0], offsets[1]), dtype


def _header(handle: IO[bytes], size: int, cap: int) -> tuple[Any, int, list[str]]:
    if size < 8:
        return None, 0, [f"file of {size} bytes cannot hold the 8-byte header length"]
    (length,) = struct.unpack("<Q", handle.read(8))
    if length > min(MAX_HEADER, cap):
        return None, length, [f"declared header length {length} exceeds {min(MAX_HEADER, cap)}"]
    if 8 + length > size:
        return None, length, [f"declared header length {length} runs past the end of the file"]
    raw = handle.read(length)
    if not raw.startswith(b"{"):
        return None, length, ["header does not start with '{'"]
    try:
        return (
            json.loads(raw.decode("utf-8").rstrip(" "), object_pairs_hook=_no_duplicates),
            length,
            [],
        )
    except _Duplicate as exc:
        return None, length, [str(exc)]
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, length, [f"header is not valid UTF-8 JSON: {type(exc).__name__}"]


def check_safetensors(handle: IO[bytes], size: int, cap: int = MAX_HEADER) -> SafetensorsFacts:
    """Validate the header of an open safetensors file of ``size`` bytes."""
    header, length, problems = _header(handle, size, cap)
    if problems:
        return SafetensorsFacts(tuple(problems), header_bytes=length)
    if not isinstance(header, dict):
        return SafetensorsFacts(("header is not a JSON object",), header_bytes=length)
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        problems.append("__metadata__ must map strings to strings")
    spans: list[tuple[int, int, str]] = []
    dtypes: set[str] = set()
    for name, entry in header.items():
        problem, span, dtype = _tensor(name, entry)
        if problem:
            problems.append(problem)
        elif span and dtype:
            spans.append((*span, name))
            dtypes.add(dtype)
    cursor = 0
    for begin, end, name in sorted(spans):
        if begin != cursor:
            what = "gap before" if begin > cursor else "overlap at"
            problems.append(f"{what} tensor {name!r} (offset {begin}, expected {cursor})")
        cursor = max(cursor, end)
    data = size - 8 - length
    if not problems and cursor != data:
        if cursor < data:
            problems.append(f"{data - cursor} bytes appended after the last tensor")
        else:
            problems.append(f"tensors run {cursor - data} bytes past the end of the file")
    return SafetensorsFacts(tuple(problems[:50]), len(spans), length, data, tuple(sorted(dtypes)))
