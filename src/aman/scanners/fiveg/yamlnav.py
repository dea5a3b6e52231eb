"""Small typed accessors for adapter code: untrusted YAML may hold any type anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from aman.frameworks.yaml_safe import line_of


class Doc:
    """A parsed document and its node graph, so values come with their line numbers."""

    def __init__(self, data: Any, root: yaml.Node) -> None:
        self.data = data
        self.root = root

    def line(self, *loc: str | int) -> int:
        return line_of(self.root, loc)


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            return None
    return None


def flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
        return value.lower() in ("true", "yes")
    return None


def names(value: Any) -> tuple[str, ...] | None:
    """An algorithm list (``[NIA2, NIA1]``, or one name), upper-cased; None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip().upper() for v in value if isinstance(v, str | int))


def get(data: Any, path: Sequence[str | int]) -> Any:
    current = data
    for part in path:
        if isinstance(part, int):
            current = current[part] if isinstance(current, list) and part < len(current) else None
        else:
            current = current.get(part) if isinstance(current, dict) else None
        if current is None:
            return None
    return current
