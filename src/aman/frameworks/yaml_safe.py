"""Safe YAML parsing for untrusted pack files, with the node graph kept for line numbers.

`yaml.CSafeLoader` already refuses arbitrary tags (no `!!python/object`), but YAML aliases let a
few hundred bytes expand into billions of nodes ("billion laughs"): the Python objects are
shared, yet anything that walks them (validation, JSON dumping) explodes. So the document is
composed first, its *expanded* size, alias count and depth are measured on the node graph, and
only then is it constructed. Duplicate mapping keys, which PyYAML silently collapses, are found in
the same walk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import yaml

DEFAULT_MAX_ALIASES: Final = 10_000
DEFAULT_MAX_NODES: Final = 5_000_000
DEFAULT_MAX_DEPTH: Final = 100
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, slots=True)
class YamlLimits:
    max_aliases: int = DEFAULT_MAX_ALIASES
    max_nodes: int = DEFAULT_MAX_NODES
    max_depth: int = DEFAULT_MAX_DEPTH


class YamlError(Exception):
    """The document cannot be parsed or is refused; `line` is 1-based when known."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    key: str
    line: int
    first_line: int


@dataclass(frozen=True, slots=True)
class ParsedYaml:
    data: Any
    root: yaml.Node
    duplicate_keys: Sequence[DuplicateKey]


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _duplicates(node: yaml.MappingNode) -> list[DuplicateKey]:
    first: dict[str, int] = {}
    found: list[DuplicateKey] = []
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
            continue
        if key.value in first:
            found.append(DuplicateKey(str(key.value), _line(key), first[key.value]))
        else:
            first[key.value] = _line(key)
    return found


def measure(root: yaml.Node, limits: YamlLimits) -> list[DuplicateKey]:
    """Check alias count, expanded size and depth (iteratively); return duplicate keys."""
    sizes: dict[int, int] = {}
    seen: set[int] = set()
    open_nodes: set[int] = set()
    aliases = 0
    duplicates: list[DuplicateKey] = []
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > limits.max_nodes:
                raise YamlError(
                    "yaml.too_many_nodes",
                    f"document expands to more than {limits.max_nodes} nodes "
                    "(alias expansion bomb?)",
                    _line(node),
                )
            continue
        if key in seen:
            if key in open_nodes:
                raise YamlError("yaml.recursive_alias", "recursive alias", _line(node))
            aliases += 1
            if aliases > limits.max_aliases:
                raise YamlError(
                    "yaml.too_many_aliases",
                    f"more than {limits.max_aliases} alias references",
                    _line(node),
                )
            continue
        if depth > limits.max_depth:
            raise YamlError("yaml.too_deep", f"nesting deeper than {limits.max_depth}", _line(node))
        seen.add(key)
        open_nodes.add(key)
        if isinstance(node, yaml.MappingNode):
            duplicates.extend(_duplicates(node))
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(_children(node)))
    return duplicates


def parse_yaml(text: str, limits: YamlLimits | None = None) -> ParsedYaml:
    """Compose, measure, then construct one YAML document with the C safe loader."""
    limits = limits or YamlLimits()
    loader = yaml.CSafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _marked_problem("yaml.syntax", exc) from exc
        except yaml.YAMLError as exc:
            raise YamlError("yaml.syntax", str(exc)) from exc
        if root is None:
            raise YamlError("yaml.empty", "the document is empty", 1)
        duplicates = measure(root, limits)
        try:
            data = loader.construct_document(root)
        except yaml.constructor.ConstructorError as exc:
            raise _marked_problem("yaml.tag", exc) from exc
        except yaml.YAMLError as exc:
            raise YamlError("yaml.construct", str(exc)) from exc
    finally:
        loader.dispose()
    return ParsedYaml(data, root, duplicates)


def _marked_problem(code: str, exc: yaml.MarkedYAMLError) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    line = int(mark.line) + 1 if mark is not None else None
    parts = [part for part in (exc.context, exc.problem) if part]
    return YamlError(code, "; ".join(parts) or str(exc), line)


def line_of(root: yaml.Node, loc: Sequence[str | int]) -> int:
    """The line of the deepest node reachable by following `loc` (keys and list indexes).

    Path elements that do not exist in the document (a discriminator tag inserted by pydantic,
    a missing field) are skipped, so the line points at the closest enclosing node.
    """
    node = root
    for part in loc:
        child = _step(node, part)
        if child is not None:
            node = child
    return _line(node)


def _step(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and str(key.value) == str(part):
                found: yaml.Node = value
                return found
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        item: yaml.Node = node.value[part]
        return item
    return None
