"""A walk that never leaves the scanned root, and reads that never exceed their limits.

Symlinks are not followed: one pointing outside the root is reported (it could make the
checker read another system's files), one pointing inside is skipped because its target is
walked anyway. Files are opened with ``O_NOFOLLOW`` and measured on the open descriptor, so
a file swapped for a link or grown after the walk is still caught.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aman.scanners.common.limits import Limits
from aman.scanners.common.problems import Problem, ProblemError

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", "node_modules", ".terraform", ".venv", ".tox"}
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True, slots=True)
class FileRef:
    """A regular file found under the root."""

    path: Path
    rel: str
    size: int
    mode: int


@dataclass
class Walk:
    """The files to check and the problems met on the way."""

    root: Path
    files: list[FileRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def rel_of(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def inside(path: str | Path, root: Path) -> bool:
    """True when ``path`` (resolved, links followed) lies within ``root``."""
    real = Path(os.path.realpath(path))
    return real == root or root in real.parents


def _symlink_problem(entry: os.DirEntry[str], root: Path, base: Path) -> Problem | None:
    if inside(entry.path, root):
        return None
    target = os.readlink(entry.path)
    return Problem(
        rel_of(Path(entry.path), base),
        "symlink-escape",
        f"symbolic link to {target!r} leaves the scanned root; not followed",
    )


def _entries(directory: Path, walk: Walk, base: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        walk.problems.append(
            Problem(rel_of(directory, base) or ".", "unreadable", f"cannot list: {exc.strerror}")
        )
        return []


def _visit(
    entry: os.DirEntry[str], walk: Walk, base: Path, accept: Callable[[str], bool]
) -> Path | None:
    """Record a file or problem; return a directory to descend into."""
    rel = rel_of(Path(entry.path), base)
    if entry.is_symlink():
        problem = _symlink_problem(entry, walk.root, base)
        if problem is not None:
            walk.problems.append(problem)
        return None
    if entry.is_dir(follow_symlinks=False):
        return None if entry.name in SKIP_DIRS else Path(entry.path)
    if not entry.is_file(follow_symlinks=False) or not accept(rel):
        return None
    info = entry.stat(follow_symlinks=False)
    walk.files.append(FileRef(Path(entry.path), rel, info.st_size, info.st_mode))
    return None


def walk_tree(root: Path, accept: Callable[[str], bool], limits: Limits) -> Walk:
    """Regular files under ``root`` whose relative path ``accept`` takes, in sorted order."""
    real_root = Path(os.path.realpath(root))
    walk = Walk(real_root)
    if real_root.is_file():
        info = real_root.stat()
        walk.files.append(FileRef(real_root, real_root.name, info.st_size, info.st_mode))
        return walk
    if not real_root.is_dir():
        walk.problems.append(Problem(root.name or str(root), "unreadable", "no such directory"))
        return walk
    stack = [real_root]
    while stack:
        subdirs = []
        for entry in _entries(stack.pop(), walk, real_root):
            try:
                sub = _visit(entry, walk, real_root, accept)
            except OSError as exc:
                walk.problems.append(
                    Problem(rel_of(Path(entry.path), real_root), "unreadable", str(exc.strerror))
                )
                continue
            if sub is not None:
                subdirs.append(sub)
            if len(walk.files) > limits.max_files:
                walk.files.pop()
                walk.problems.append(
                    Problem(".", "too-many-files", f"more than {limits.max_files} files; stopped")
                )
                return walk
        stack.extend(reversed(subdirs))
    return walk


def open_checked(ref: FileRef, limit: int) -> int:
    """An O_NOFOLLOW descriptor on a regular file no larger than ``limit`` bytes."""
    try:
        fd = os.open(ref.path, os.O_RDONLY | _NOFOLLOW)
    except OSError as exc:
        raise ProblemError(Problem(ref.rel, "unreadable", f"cannot open: {exc.strerror}")) from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ProblemError(Problem(ref.rel, "unreadable", "not a regular file"))
    if info.st_size > limit:
        os.close(fd)
        raise ProblemError(
            Problem(ref.rel, "too-large", f"{info.st_size} bytes exceeds the {limit}-byte limit")
        )
    return fd


def read_limited(ref: FileRef, limit: int) -> bytes:
    """The file's bytes; ProblemError when unreadable, not regular, or larger than ``limit``."""
    fd = open_checked(ref, limit)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ProblemError(Problem(ref.rel, "too-large", f"grew beyond {limit} bytes while read"))
    return data


def read_text(ref: FileRef, limit: int) -> str:
    """UTF-8 text (a BOM is dropped); ProblemError names binary or undecodable content."""
    data = read_limited(ref, limit)
    if b"\x00" in data[:8192]:
        raise ProblemError(Problem(ref.rel, "malformed", "binary content where text was expected"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemError(
            Problem(ref.rel, "malformed", f"not UTF-8 text (byte {exc.start})")
        ) from exc


def iter_chunks(fd: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """Read an open descriptor to its end in fixed-size chunks (bounded memory)."""
    while True:
        block = os.read(fd, chunk)
        if not block:
            return
        yield block
