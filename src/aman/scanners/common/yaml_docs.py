"""Multi-document YAML with the C safe loader and the framework loader's bomb limits.

Kubernetes manifests hold several documents per file; ``aman.frameworks.yaml_safe`` parses
one. Here each document is composed, measured with the same ``measure`` (alias count,
expanded size, depth) and only then constructed, with one node budget for the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import yaml

from aman.frameworks.yaml_safe import YamlError, YamlLimits, measure

MAX_DOCUMENTS = 10_000


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One constructed document, its node graph (for line numbers) and its position."""

    index: int
    data: Any
    root: yaml.Node

    @property
    def line(self) -> int:
        return int(self.root.start_mark.line) + 1


def _problem(exc: yaml.YAMLError) -> YamlError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        text = "; ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        return YamlError("yaml.syntax", text, line)
    return YamlError("yaml.syntax", str(exc))


def _node_count(root: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return len(seen)


def load_documents(text: str, limits: YamlLimits | None = None) -> list[YamlDocument]:
    """Every non-empty document of ``text``; YamlError names the first problem and line."""
    limits = limits or YamlLimits()
    budget = limits.max_nodes
    loader = yaml.CSafeLoader(text)
    docs: list[YamlDocument] = []
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            measure(node, replace(limits, max_nodes=budget))
            budget -= _node_count(node)
            if len(docs) >= MAX_DOCUMENTS:
                raise YamlError("yaml.too_many_documents", f"more than {MAX_DOCUMENTS} documents")
            docs.append(YamlDocument(index, loader.construct_document(node), node))
            index += 1
    except yaml.YAMLError as exc:
        raise _problem(exc) from exc
    finally:
        loader.dispose()
    return docs


def load_one(text: str, limits: YamlLimits | None = None) -> YamlDocument:
    """The single document of a configuration file (an empty file is an error)."""
    docs = load_documents(text, limits)
    if not docs:
        raise YamlError("yaml.empty", "the document is empty", 1)
    if len(docs) > 1:
        raise YamlError("yaml.multiple", "expected one YAML document", docs[1].line)
    return docs[0]
