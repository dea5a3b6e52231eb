"""STIX 2.1 patterns: validation and extraction of the values they compare against.

The full ANTLR grammar (stix2-patterns) costs about half a millisecond per pattern, which alone
would cap ingest near 2,000 indicators/s. Most real indicators are one observation of `=`
comparisons on string literals, e.g. `[ipv4-addr:value = '198.51.100.7']`; a strict regular
expression recognises exactly that subset of the grammar (a property test checks that the full
validator accepts everything it accepts), and everything else goes to the full validator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# Lower-case names only: upper-case words and `true`/`false` are keywords of the grammar.
_NOT_KEYWORD = r"(?!(?:true|false)(?![a-z0-9_-]))"
_IDENT = rf"{_NOT_KEYWORD}[a-z_][a-z0-9_]*"
_TYPE = rf"{_NOT_KEYWORD}[a-z_][a-z0-9_-]*"
_LITERAL = r"'(?:[^'\\]|\\['\\])*'"
_PATH = rf"{_TYPE}:(?:{_IDENT}|{_LITERAL})(?:\.(?:{_IDENT}|{_LITERAL}))*"
_COMPARISON = rf"{_PATH}\s*!?=\s*{_LITERAL}"
_SIMPLE = re.compile(rf"^\[\s*{_COMPARISON}(?:\s+(?:AND|OR)\s+{_COMPARISON})*\s*\]$")
# Extraction is lenient about case (validation is done elsewhere).
_ANY_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_ANY_TYPE = r"[A-Za-z_][A-Za-z0-9_-]*"
_EQUALS = re.compile(
    rf"({_ANY_TYPE}):((?:{_ANY_IDENT}|{_LITERAL})(?:\.(?:{_ANY_IDENT}|{_LITERAL}))*)"
    rf"\s*=\s*({_LITERAL}|-?\d+\b(?!\.))"
)

# The hash formats that stix2-patterns checks inside patterns (its object_validator).
_HASH_FORMATS = {
    "MD5": r"[a-fA-F0-9]{32}",
    "RIPEMD160": r"[a-fA-F0-9]{40}",
    "SHA1": r"[a-fA-F0-9]{40}",
    "SHA224": r"[a-fA-F0-9]{56}",
    "SHA256": r"[a-fA-F0-9]{64}",
    "SHA384": r"[a-fA-F0-9]{96}",
    "SHA512": r"[a-fA-F0-9]{128}",
    "SHA3224": r"[a-fA-F0-9]{56}",
    "SHA3256": r"[a-fA-F0-9]{64}",
    "SHA3384": r"[a-fA-F0-9]{96}",
    "SHA3512": r"[a-fA-F0-9]{128}",
    "SSDEEP": r"[a-zA-Z0-9/+:.]{1,128}",
    "WHIRLPOOL": r"[a-fA-F0-9]{128}",
}


def unquote(literal: str) -> str:
    return literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")


def equality_comparisons(pattern: str) -> Iterator[tuple[str, str, str]]:
    """(object type, property path, value) for each `=` comparison with a string or integer
    literal (integers as their decimal text, e.g. AS numbers)."""
    for match in _EQUALS.finditer(pattern):
        path = match.group(2).replace("'", "")
        literal = match.group(3)
        yield match.group(1), path, unquote(literal) if literal.startswith("'") else literal


def _hash_problem(pattern: str) -> str | None:
    for obj_type, path, value in equality_comparisons(pattern):
        if not path.startswith("hashes."):
            continue
        algorithm = path.split(".", 1)[1].upper().replace("-", "")
        fmt = _HASH_FORMATS.get(algorithm)
        if fmt and re.fullmatch(fmt, value) is None:
            return f"{value!r} is not a valid {path.split('.', 1)[1]} hash ({obj_type})"
    return None


def is_simple(pattern: str) -> bool:
    """True if `pattern` is in the common subset recognised without the full grammar."""
    return _SIMPLE.match(pattern) is not None


@lru_cache(maxsize=8192)
def _full_validation(pattern: str) -> str | None:
    from stix2patterns.validator import run_validator  # type: ignore[import-untyped]

    errors: list[str] = run_validator(pattern, stix_version="2.1")
    return "; ".join(e.removeprefix("FAIL: ") for e in errors) if errors else None


def pattern_problem(pattern: str) -> str | None:
    """None if `pattern` is a valid STIX 2.1 pattern, else what is wrong with it."""
    if is_simple(pattern):
        return _hash_problem(pattern)
    return _full_validation(pattern)
