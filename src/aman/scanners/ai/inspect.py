"""Inspecting one model file: hash it, recognise its format, and read what the checks need.

Only bytes are read: pickle streams go to picklescan's opcode reader, zip containers are
listed from their central directory (with the zip-bomb limits applied before any member is
decompressed), safetensors and Keras headers are parsed as JSON. Nothing is loaded as a
model, unpickled, or executed.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
from typing import IO

from picklescan.relaxed_zipfile import RelaxedZipFile  # type: ignore[import-untyped]

from aman.scanners.ai.formats import (
    JOBLIB_EXT,
    NUMPY_MAGIC,
    PICKLE_EXT,
    ZIP_MAGIC,
    classify,
    looks_like_pickle,
    suffix,
)
from aman.scanners.ai.keras import keras_facts
from aman.scanners.ai.model import KerasFacts, ModelFile, PickleFacts
from aman.scanners.ai.pickles import (
    PickleCollector,
    numpy_object_offset,
    scan_legacy_torch,
    scan_stream,
)
from aman.scanners.ai.safetensors import check_safetensors
from aman.scanners.common.archive import zip_entry_count
from aman.scanners.common.limits import Limits, ratio_exceeded
from aman.scanners.common.tree import FileRef, open_checked

CHUNK = 1 << 20
NESTED = (".zip", ".tar", ".tgz", ".gz", ".7z", ".pt", ".pth", ".ckpt", ".keras", ".npz")
NUMPY_HEADER_MAX = 1 << 16
COMPRESSED_JOBLIB = (b"\x78", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"\x04\x22\x4d\x18")


class Refused(Exception):
    """The container breaks a limit (zip bomb, too many members)."""


def sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := handle.read(CHUNK):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(i.file_size for i in infos)
    if total > limits.max_model_bytes:
        raise Refused(f"members declare {total} bytes, more than {limits.max_model_bytes}")
    for info in infos:
        if ratio_exceeded(info.file_size, info.compress_size, limits):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Refused(
                f"member {info.filename!r} expands {ratio} times "
                f"(limit {limits.max_ratio:g}): zip bomb"
            )


def _member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, collector: PickleCollector, limits: Limits
) -> bytes | None:
    """Scan one member's pickles; return config.json bytes for Keras archives."""
    name = info.filename
    stream = f"{name}"
    with archive.open(info) as member:
        head = member.read(8)
    ext = suffix(name)
    if (
        ext in PICKLE_EXT
        or ext in JOBLIB_EXT
        or (looks_like_pickle(head[:2]) and head[:1] == b"\x80")
    ):
        named = ext in PICKLE_EXT or ext in JOBLIB_EXT
        before = (len(collector.errors), len(collector.truncated), len(collector.streams))
        with archive.open(info) as member:
            scan_stream(member, stream, limits.max_pickle_bytes, collector)
        if not named and not any(g.stream == stream for g in collector.globals):
            # raw tensor bytes that merely start like a pickle: not a stream after all
            del collector.errors[before[0] :]
            del collector.truncated[before[1] :]
            del collector.streams[before[2] :]
    elif ext == ".npy" or head.startswith(NUMPY_MAGIC):
        _numpy_member(archive, info, collector, limits)
    elif name.rsplit("/", 1)[-1] == "config.json" and info.file_size <= limits.max_text_bytes:
        with archive.open(info) as member:
            return member.read(limits.max_text_bytes + 1)
    elif ext in NESTED:
        collector.skipped.append(f"{name}: nested archive not opened")
    return None


def _numpy_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, collector: PickleCollector, limits: Limits
) -> None:
    with archive.open(info) as member:
        head = member.read(NUMPY_HEADER_MAX)
        try:
            offset = numpy_object_offset(head)
        except (ValueError, SyntaxError, struct.error) as exc:
            collector.errors.append(f"{info.filename}: unreadable .npy header ({exc})"[:300])
            return
        if offset is None:
            return
        member.seek(offset)
        scan_stream(member, info.filename, limits.max_pickle_bytes + offset, collector)


def inspect_zip(
    handle: IO[bytes], fmt: str, limits: Limits
) -> tuple[PickleFacts, KerasFacts | None]:
    """Pickles (and the Keras configuration) inside a zip container; Refused on bombs."""
    declared = zip_entry_count(handle)
    if declared > limits.max_entries:
        raise Refused(f"{declared} members, more than {limits.max_entries}")
    collector = PickleCollector()
    config: bytes | None = None
    with RelaxedZipFile(handle) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        _check_members(infos, limits)
        for info in infos:
            if info.flag_bits & 0x1:
                collector.skipped.append(f"{info.filename}: encrypted member not scanned")
                continue
            found = _member(archive, info, collector, limits)
            if found is not None and "/" not in info.filename:
                config = found
    keras = None
    if fmt == "keras":
        keras = keras_facts(config) if config is not None else KerasFacts(config_found=False)
    return collector.facts(), keras


def _top_level(handle: IO[bytes], fmt: str, rel: str, head: bytes, limits: Limits) -> PickleFacts:
    collector = PickleCollector()
    if fmt == "joblib" and head.startswith(COMPRESSED_JOBLIB):
        collector.streams.append(rel)
        collector.errors.append(f"{rel}: compressed joblib file, its pickles were not scanned")
    elif fmt == "torch-legacy":
        scan_legacy_torch(handle, rel, limits.max_pickle_bytes, collector)
    elif fmt == "numpy":
        offset = numpy_object_offset(handle.read(NUMPY_HEADER_MAX))
        if offset is not None:
            handle.seek(offset)
            scan_stream(handle, rel, limits.max_pickle_bytes + offset, collector)
    else:
        scan_stream(handle, rel, limits.max_pickle_bytes, collector)
    return collector.facts()


def inspect_file(ref: FileRef, limits: Limits) -> ModelFile:
    """Everything the checks need about one model file (ProblemError if unreadable)."""
    fd = open_checked(ref, limits.max_model_bytes)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        head = handle.read(16)
        handle.seek(0)
        fmt = classify(ref.rel, head)
        digest = sha256_of(handle)
        base = ModelFile(ref.rel, size, digest, fmt)
        try:
            if fmt == "safetensors":
                facts = check_safetensors(handle, size, limits.max_header_bytes)
                return ModelFile(ref.rel, size, digest, fmt, safetensors=facts)
            if head.startswith(ZIP_MAGIC):
                pickles, keras = inspect_zip(handle, fmt, limits)
                return ModelFile(ref.rel, size, digest, fmt, pickle=pickles, keras=keras)
            if fmt in ("pickle", "joblib", "torch-legacy", "numpy"):
                pickles = _top_level(handle, fmt, ref.rel, head, limits)
                return ModelFile(ref.rel, size, digest, fmt, pickle=pickles)
        except Refused as exc:
            return ModelFile(ref.rel, size, digest, fmt, refused=f"archive refused: {exc}")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            return ModelFile(ref.rel, size, digest, fmt, refused=f"unreadable {fmt}: {exc}"[:300])
    return base
