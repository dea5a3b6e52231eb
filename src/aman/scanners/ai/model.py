"""What inspecting a model file found, as the checks read it (no file access here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Safety = Literal["dangerous", "review", "allowed"]
CLEAN_IS_NOT_SAFE = (
    "A clean pickle scan is not proof of safety: picklescan looks for known-dangerous "
    "imports, and such blocklists have been bypassed repeatedly. Load pickle-based models "
    "only from trusted sources, in a sandbox, or convert them to safetensors or ONNX."
)


@dataclass(frozen=True, slots=True)
class GlobalRef:
    """An import a pickle stream performs (``module.name``), as picklescan read it."""

    module: str
    name: str
    safety: Safety
    stream: str

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True, slots=True)
class PickleFacts:
    """The pickle streams of a file (top level or inside a zip) and what they import."""

    streams: tuple[str, ...] = ()
    globals: tuple[GlobalRef, ...] = ()
    errors: tuple[str, ...] = ()
    truncated: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()

    def dangerous(self) -> list[GlobalRef]:
        return [g for g in self.globals if g.safety == "dangerous"]

    def review(self) -> list[GlobalRef]:
        return [g for g in self.globals if g.safety == "review"]


@dataclass(frozen=True, slots=True)
class KerasFacts:
    """What a Keras v3 archive's config.json declares."""

    lambdas: tuple[str, ...] = ()
    custom: tuple[str, ...] = ()
    config_found: bool = True
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SafetensorsFacts:
    """The result of checking a safetensors header against the file."""

    problems: tuple[str, ...] = ()
    tensors: int = 0
    header_bytes: int = 0
    data_bytes: int = 0
    dtypes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelFile:
    """One model file and everything inspecting it found."""

    path: str
    size: int
    sha256: str
    format: str
    pickle: PickleFacts | None = None
    keras: KerasFacts | None = None
    safetensors: SafetensorsFacts | None = None
    refused: str | None = None
    kind: Literal["model"] = field(default="model", init=False)

    @property
    def target(self) -> str:
        return self.path

    @property
    def line(self) -> int | None:
        return None

    @property
    def digest(self) -> str:
        return self.sha256

    @property
    def uses_pickle(self) -> bool:
        return self.format in PICKLE_FORMATS or bool(self.pickle and self.pickle.streams)


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every model of a run, and whether the AI-BOM built from them is valid."""

    scope: str
    models: tuple[ModelFile, ...]
    bom_error: str | None = None
    kind: Literal["inventory"] = field(default="inventory", init=False)

    @property
    def target(self) -> str:
        return f"ai-scope:{self.scope}"

    @property
    def path(self) -> str | None:
        return None

    @property
    def line(self) -> int | None:
        return None

    @property
    def digest(self) -> str:
        return ",".join(m.sha256 for m in self.models)[:64]


PICKLE_FORMATS = frozenset({"pickle", "torch-legacy", "torch-zip", "joblib"})
SAFE_FORMATS = frozenset({"safetensors", "onnx", "gguf", "keras"})
