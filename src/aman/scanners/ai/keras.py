"""Keras v3 (``.keras``) archives: what ``config.json`` asks the loader to build.

A ``Lambda`` layer carries marshalled Python bytecode that runs when the model is loaded
with ``safe_mode=False`` (or in old Keras versions); custom classes and functions from
modules other than ``keras`` run whatever code that module holds. Both are listed from the
configuration, which is only parsed as JSON.
"""

from __future__ import annotations

from typing import Any

import orjson

from aman.scanners.ai.model import KerasFacts

MAX_NODES = 2_000_000


def keras_facts(raw: bytes) -> KerasFacts:
    """Lambda layers and custom objects declared in a config.json document."""
    try:
        config = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return KerasFacts(error=f"config.json is not valid JSON: {exc}")
    lambdas: list[str] = []
    custom: list[str] = []
    stack: list[tuple[Any, str]] = [(config, "$")]
    nodes = 0
    while stack:
        node, where = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return KerasFacts(tuple(lambdas), tuple(custom), error="config.json is too large")
        if isinstance(node, dict):
            _inspect(node, where, lambdas, custom)
            stack.extend((v, f"{where}.{k}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(node))
    return KerasFacts(tuple(sorted(set(lambdas))), tuple(sorted(set(custom))))


def _inspect(node: dict[str, Any], where: str, lambdas: list[str], custom: list[str]) -> None:
    cls = node.get("class_name")
    if not isinstance(cls, str):
        return
    config = node.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    if cls == "Lambda":
        lambdas.append(str(name or where))
        return
    module = node.get("module")
    if isinstance(module, str) and module != "keras" and not module.startswith("keras."):
        custom.append(f"{module}.{cls}")
