"""Finds quantum-vulnerable and weak cryptography in source trees (file:line, library).

Streams the tree (see ``walk``), skips binaries, minified bundles, vendored folders and
files over 2 MiB, and applies the language's rules from ``code_rules``. Matches on
comment lines are ignored, so commented-out code does not count.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aman.scanners.pqc.code_rules import (
    ALGORITHMS,
    LANGUAGES,
    Rule,
    algorithm_of,
    curve_bits,
    rules_for,
)
from aman.scanners.pqc.observations import CodeUse
from aman.scanners.pqc.walk import WalkStats, display_path, iter_files, looks_binary, read_limited

MAX_SOURCE = 2 << 20
_COMMENT = re.compile(r"^\s*(#|//|/\*|\*|--)")


@dataclass
class CodeScan:
    """Uses found, plus how many files were read and skipped."""

    uses: list[CodeUse] = field(default_factory=list)
    stats: WalkStats = field(default_factory=WalkStats)
    files_scanned: int = 0
    files_skipped: int = 0


def language_of(path: Path) -> str | None:
    """The language a file is scanned as, or None (minified bundles are skipped)."""
    if path.name.endswith((".min.js", ".bundle.js")):
        return None
    return LANGUAGES.get(path.suffix.lower())


def _key_bits(rule: Rule, match: re.Match[str], text: str) -> int | None:
    groups = match.groupdict()
    if groups.get("bits"):
        return int(groups["bits"])
    if groups.get("curve"):
        return curve_bits(groups["curve"])
    if rule.size is None:
        return None
    window = text[match.end() : match.end() + rule.size_window]
    found = rule.size.search(window)
    if found is None:
        return None
    value = next((g for g in found.groups() if g), None)
    if value is None:
        return None
    return int(value) if value.isdigit() else curve_bits(value)


def _display(algorithm: str, bits: int | None) -> str:
    if bits is None or algorithm not in ("RSA", "DSA", "DH", "EC", "ECDSA", "ECDH"):
        return algorithm
    return f"{algorithm}-{bits}"


def scan_text(
    text: str, path: str, language: str, observed_at: datetime, digest: str
) -> Iterator[CodeUse]:
    """Every rule match in one file's text."""
    lowered = text.lower()
    for rule in rules_for(language):
        if rule.needle.lower() not in lowered:
            continue
        for match in rule.pattern.finditer(text):
            captured = match.groupdict().get("alg")
            algorithm = rule.algorithm or (algorithm_of(captured) if captured else None)
            if algorithm is None:
                continue
            family, weakness, vulnerable = ALGORITHMS[algorithm]
            start = match.start()
            number = text.count("\n", 0, start) + 1
            end = text.find("\n", start)
            source_line = text[text.rfind("\n", 0, start) + 1 : end if end >= 0 else len(text)]
            if _COMMENT.match(source_line):
                continue
            bits = _key_bits(rule, match, text)
            yield CodeUse(
                path=path,
                line=number,
                language=language,
                library=rule.library,
                algorithm=_display(algorithm, bits),
                family=family,
                operation=rule.operation,
                rule=rule.id,
                snippet=source_line.strip()[:160],
                observed_at=observed_at,
                digest=digest,
                key_bits=bits,
                quantum_vulnerable=vulnerable,
                weakness=weakness,
            )


def scan_source_tree(root: Path, observed_at: datetime) -> CodeScan:
    """Stream ``root`` and collect every cryptographic use in supported languages."""
    out = CodeScan()
    for path in iter_files(root, out.stats):
        language = language_of(path)
        if language is None:
            continue
        data = read_limited(path, MAX_SOURCE)
        if data is None or looks_binary(data):
            out.files_skipped += 1
            continue
        out.files_scanned += 1
        text = data.decode("utf-8", "replace")
        digest = hashlib.sha256(data).hexdigest()
        out.uses.extend(scan_text(text, display_path(path, root), language, observed_at, digest))
    return out
