"""Streams the files of a tree for the file and code scanners.

Iterative (no recursion limit), never follows symlinks (no loops, no escaping the tree),
skips vendored and generated folders, and yields paths one by one so a tree of any size
is scanned in constant memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "env",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "node_modules",
        "bower_components",
        "vendor",
        "third_party",
        "third-party",
        "thirdparty",
        "site-packages",
        "dist-packages",
        ".gradle",
        ".idea",
    }
)
BINARY_SNIFF = 8192


@dataclass
class WalkStats:
    """Counters the walk keeps while streaming."""

    seen: int = 0
    skipped: int = 0


def iter_files(root: Path, stats: WalkStats | None = None) -> Iterator[Path]:
    """Regular files under ``root`` (or ``root`` itself), vendored folders pruned."""
    stats = stats if stats is not None else WalkStats()
    if root.is_file():
        stats.seen += 1
        yield root
        return
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            stats.skipped += 1
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIP_DIRS:
                        stats.skipped += 1
                    else:
                        subdirs.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    stats.seen += 1
                    yield Path(entry.path)
            except OSError:
                stats.skipped += 1
        stack.extend(reversed(subdirs))


def looks_binary(head: bytes) -> bool:
    """A NUL byte in the first block marks a binary file (what git and grep assume)."""
    return b"\x00" in head[:BINARY_SNIFF]


def read_limited(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it is larger than ``limit`` or unreadable."""
    try:
        if path.stat().st_size > limit:
            return None
        return path.read_bytes()
    except OSError:
        return None


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to the scanned root (POSIX separators), for stable targets."""
    base = root if root.is_dir() else root.parent
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
