"""Uploaded files staged for checking: saved with a size cap, bundles extracted safely.

The API hands over the request's files; each is copied to a scratch directory under a
sanitised name (no directories, no traversal), and zip or tar bundles are expanded there
with the protections of :mod:`aman.scanners.common.archive`. The caller owns the scratch
directory and deletes it when the check is done. Nothing staged is executed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from aman.scanners.common.archive import extract_bundle, is_bundle
from aman.scanners.common.limits import Limits
from aman.scanners.common.problems import Problem

_UNSAFE = re.compile(r"[^A-Za-z0-9._+@-]+")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: the name the client gave and a readable stream."""

    name: str
    stream: IO[bytes]


@dataclass
class Staged:
    """The directory to check and what staging refused."""

    root: Path
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    unknown_modes: set[str] = field(default_factory=set)


def safe_name(name: str, index: int) -> str:
    """A plain file name from a client-supplied one (path parts and odd characters go)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip(".")
    return cleaned[:200] or f"upload-{index}"


def _unique(directory: Path, name: str) -> Path:
    candidate = directory / name
    n = 1
    while candidate.exists():
        candidate = directory / f"{n}-{name}"
        n += 1
    return candidate


def _save(stream: IO[bytes], target: Path, budget: int) -> int | None:
    """Copy the stream; None (and no file) when it exceeds ``budget`` bytes."""
    written = 0
    with target.open("xb") as out:
        while block := stream.read(_CHUNK):
            written += len(block)
            if written > budget:
                break
            out.write(block)
    if written > budget:
        target.unlink()
        return None
    os.chmod(target, 0o600)
    return written


def stage_uploads(
    uploads: Sequence[Upload], scratch: Path, limits: Limits, *, zip_is_bundle: bool = True
) -> Staged:
    """Save and expand ``uploads`` under ``scratch``; problems are recorded, never raised."""
    incoming, root = scratch / "incoming", scratch / "root"
    incoming.mkdir(parents=True, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    staged = Staged(root)
    used = 0
    for index, upload in enumerate(uploads):
        name = safe_name(upload.name, index)
        raw = _unique(incoming, name)
        size = _save(upload.stream, raw, limits.max_expanded_bytes - used)
        if size is None:
            staged.problems.append(Problem(name, "too-large", "upload exceeds the size limit"))
            continue
        used += size
        if is_bundle(name, zip_is_bundle=zip_is_bundle):
            label = _unique(root, name).name
            left = max(limits.max_expanded_bytes - used, 1)
            result = extract_bundle(raw, root, label, replace(limits, max_expanded_bytes=left))
            used += result.bytes
            staged.files += result.files
            staged.problems += result.problems
            staged.unknown_modes |= result.unknown_modes
            raw.unlink()
        else:
            target = _unique(root, name)
            raw.rename(target)
            staged.files += 1
            staged.unknown_modes.add(target.name)
    return staged
