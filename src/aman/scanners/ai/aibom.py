"""The AI bill of materials: a CycloneDX 1.6 BOM with one machine-learning-model component
per model file, its SHA-256, format and size, and the result of every check on it.

Written with cyclonedx-python-lib; the BOM's metadata carries the statement that a clean
pickle scan is not proof of safety, so the caveat travels with the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.output.json import JsonV1Dot6

from aman import __version__
from aman.evidence.model import Finding
from aman.scanners.ai.model import CLEAN_IS_NOT_SAFE, ModelFile

MEDIA_TYPE = "application/vnd.cyclonedx+json; version=1.6"
PREFIX = "aman"


def _props(pairs: Iterable[tuple[str, str | None]]) -> list[Property]:
    return [Property(name=f"{PREFIX}:{k}", value=v) for k, v in pairs if v not in (None, "")]


def _model_properties(model: ModelFile, findings: Sequence[Finding]) -> list[Property]:
    pairs: list[tuple[str, str | None]] = [
        ("format", model.format),
        ("size", str(model.size)),
        ("pickle-based", "true" if model.uses_pickle else "false"),
        ("refused", model.refused),
    ]
    if model.pickle is not None:
        pairs += [
            ("pickle:streams", str(len(model.pickle.streams))),
            ("pickle:dangerous-globals", ",".join(g.qualified for g in model.pickle.dangerous())),
            ("pickle:review-globals", ",".join(g.qualified for g in model.pickle.review())),
        ]
    if model.keras is not None:
        pairs += [("keras:lambda-layers", ",".join(model.keras.lambdas))]
    for f in findings:
        pairs.append((f"check:{f.check_id}", f.status.value))
    return _props(pairs)


def build_bom(
    models: Sequence[ModelFile], findings: Sequence[Finding], generated_at: datetime
) -> Bom:
    """The CycloneDX model of an AI inventory."""
    by_target: dict[str, list[Finding]] = {}
    for f in findings:
        by_target.setdefault(f.target, []).append(f)
    components = [
        Component(
            type=ComponentType.MACHINE_LEARNING_MODEL,
            name=m.path,
            bom_ref=f"model:{i}:{m.sha256[:16]}",
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=m.sha256)],
            properties=_model_properties(m, by_target.get(m.path, [])),
        )
        for i, m in enumerate(models)
    ]
    tool = Component(type=ComponentType.APPLICATION, name="aman", version=__version__)
    meta = BomMetaData(timestamp=generated_at, properties=_props([("notice", CLEAN_IS_NOT_SAFE)]))
    meta.tools.components.add(tool)
    return Bom(components=components, metadata=meta)


def aibom_json(models: Sequence[ModelFile], findings: Sequence[Finding], at: datetime) -> str:
    return str(JsonV1Dot6(build_bom(models, findings, at)).output_as_string(indent=2))


def validation_error(document: str) -> str | None:
    """None when ``document`` is valid CycloneDX 1.6 JSON, else the first schema error.

    Imported lazily: the JSON-schema validator takes seconds to import.
    """
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(document)
    return None if error is None else str(error)
