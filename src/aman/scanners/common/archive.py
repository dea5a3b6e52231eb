"""Safe extraction of uploaded bundles (zip, tar, tar.gz) into a scratch directory.

Hostile archives are the norm for an upload endpoint, so extraction refuses, with a
problem that becomes an error finding: members with absolute paths or ``..`` (path
traversal), symbolic and hard links, devices, encrypted members, duplicate names, more
members than allowed, and anything that expands beyond the size or ratio limits (zip
bombs). Zip sizes are checked on the central directory before a byte is written; tar
members are counted as they stream. Nothing extracted is ever executed or made executable.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from aman.scanners.common.limits import Limits, ratio_exceeded
from aman.scanners.common.problems import Problem

BUNDLE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
_DRIVE = re.compile(r"^[A-Za-z]:")
_COPY_CHUNK = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass
class Extraction:
    """What a bundle expanded to: file count, problems, and files whose mode is unknown."""

    files: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    unknown_modes: set[str] = field(default_factory=set)


class _Refused(Exception):
    """The whole archive is refused (bomb, too many members)."""


def is_bundle(name: str, *, zip_is_bundle: bool = True) -> bool:
    lowered = name.lower()
    if lowered.endswith(".zip"):
        return zip_is_bundle
    return lowered.endswith(BUNDLE_SUFFIXES)


def safe_member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it is absolute, climbs out, or is empty."""
    if "\x00" in name or _DRIVE.match(name):
        return None
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute():
        return None
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return PurePosixPath(*parts)


def _write(source: IO[bytes], target: Path, budget: int) -> int:
    """Copy at most ``budget`` bytes into a new file (never overwriting, never via a link)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    written = 0
    with os.fdopen(fd, "wb") as out:
        while block := source.read(min(_COPY_CHUNK, budget - written + 1)):
            written += len(block)
            if written > budget:
                raise _Refused("expands beyond the size limit")
            out.write(block)
    return written


class _Extractor:
    """Shared bookkeeping of one extraction."""

    def __init__(self, dest: Path, label: str, limits: Limits) -> None:
        self.dest = dest
        self.label = label
        self.limits = limits
        self.result = Extraction()
        self.seen: set[str] = set()
        self.prefix = PurePosixPath(label)

    def problem(self, member: str, code: str, message: str) -> None:
        self.result.problems.append(Problem(f"{self.label}!{member}", code, message))

    def target(self, name: str) -> tuple[Path, str] | None:
        path = safe_member_path(name)
        if path is None:
            self.problem(name, "path-traversal", "member path is absolute or leaves the bundle")
            return None
        rel = (self.prefix / path).as_posix()
        if rel in self.seen:
            self.problem(name, "duplicate-entry", "a member with this name was already extracted")
            return None
        self.seen.add(rel)
        return self.dest / rel, rel

    def store(self, source: IO[bytes], name: str, mode: int | None) -> None:
        placed = self.target(name)
        if placed is None:
            return
        path, rel = placed
        budget = self.limits.max_expanded_bytes - self.result.bytes
        self.result.bytes += _write(source, path, budget)
        self.result.files += 1
        if mode is None:
            self.result.unknown_modes.add(rel)
        else:
            os.chmod(path, (mode & 0o666) | 0o600)  # keep read bits, never execute


def _zip_mode(info: zipfile.ZipInfo) -> int | None:
    mode = info.external_attr >> 16
    return stat.S_IMODE(mode) if info.create_system == 3 and mode else None


def zip_entry_count(source: Path | IO[bytes]) -> int:
    """Members a zip declares in its end-of-central-directory record, read before the
    central directory itself (which ``zipfile`` loads whole into memory)."""
    end_record = getattr(zipfile, "_EndRecData", None)
    index = getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)
    if end_record is None:
        return 0
    if isinstance(source, Path):
        with source.open("rb") as handle:
            record = end_record(handle)
    else:
        record = end_record(source)
        source.seek(0)
    if not record:
        raise zipfile.BadZipFile("no end of central directory record")
    return int(record[index])


def _zip_members(archive: zipfile.ZipFile, ex: _Extractor) -> Iterator[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > ex.limits.max_entries:
        raise _Refused(f"{len(infos)} members, more than {ex.limits.max_entries}")
    total = sum(i.file_size for i in infos)
    if total > ex.limits.max_expanded_bytes:
        raise _Refused(f"declares {total} bytes, more than {ex.limits.max_expanded_bytes}")
    for info in infos:
        if ratio_exceeded(info.file_size, info.compress_size, ex.limits):
            raise _Refused(
                f"member {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}"
                f" times (limit {ex.limits.max_ratio:g}): zip bomb"
            )
    for info in infos:
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            ex.problem(info.filename, "symlink-refused", "symbolic links are not extracted")
        elif info.flag_bits & 0x1:
            ex.problem(info.filename, "encrypted", "encrypted member cannot be checked")
        elif not info.is_dir():
            yield info


def _extract_zip(path: Path, ex: _Extractor) -> None:
    declared = zip_entry_count(path)
    if declared > ex.limits.max_entries:
        raise _Refused(f"{declared} members, more than {ex.limits.max_entries}")
    with zipfile.ZipFile(path) as archive:
        for info in _zip_members(archive, ex):
            with archive.open(info) as source:
                ex.store(source, info.filename, _zip_mode(info))


def _extract_tar(path: Path, ex: _Extractor) -> None:
    archive_size = max(path.stat().st_size, 1)
    declared = 0
    with tarfile.open(path, mode="r:*") as archive:
        for count, member in enumerate(archive, start=1):
            if count > ex.limits.max_entries:
                raise _Refused(f"more than {ex.limits.max_entries} members")
            declared += max(member.size, 0)
            if declared > ex.limits.max_expanded_bytes:
                raise _Refused(f"declares more than {ex.limits.max_expanded_bytes} bytes")
            if ratio_exceeded(declared, archive_size, ex.limits):
                raise _Refused(f"expands more than {ex.limits.max_ratio:g} times: archive bomb")
            if member.isdir():
                continue
            if not member.isreg():
                kind = "link" if member.issym() or member.islnk() else "special file"
                ex.problem(member.name, "link-refused", f"{kind} members are not extracted")
                continue
            source = archive.extractfile(member)
            if source is not None:
                with source:
                    ex.store(source, member.name, stat.S_IMODE(member.mode))


def extract_bundle(archive: Path, dest: Path, label: str, limits: Limits) -> Extraction:
    """Extract ``archive`` under ``dest/label``; problems are recorded, never raised."""
    ex = _Extractor(dest, label, limits)
    try:
        if archive.name.lower().endswith(".zip"):
            _extract_zip(archive, ex)
        else:
            _extract_tar(archive, ex)
    except _Refused as exc:
        ex.result.problems.append(Problem(label, "archive-bomb", f"archive refused: {exc}"))
        shutil.rmtree(dest / label, ignore_errors=True)
        ex.result.files = 0
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        ex.result.problems.append(Problem(label, "malformed", f"unreadable archive: {exc}"))
    return ex.result
