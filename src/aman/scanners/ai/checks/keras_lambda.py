"""Keras archives hold no Lambda layers and no unreviewed custom objects."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.ai.checks._base import OWASP_ML06, req
from aman.scanners.ai.model import ModelFile
from aman.scanners.common.outcome import Outcome, errored, failed, passed, warned

CHECK = Check(
    id="ai.keras.lambda",
    domain="ai",
    title="No Keras Lambda layers or unreviewed custom objects",
    severity=Severity.HIGH,
    rationale=(
        "A Lambda layer stores marshalled Python bytecode that runs when the model is loaded "
        "without safe mode; custom classes and functions run code from their module. The "
        "archive's config.json is read as JSON to list both."
    ),
    remediation="Rebuild the model with built-in layers, or register reviewed custom layers "
    "and always load with safe_mode=True.",
    references=(OWASP_ML06,),
    requirements=req("AI-SC-04"),
)


def evaluate_model(model: ModelFile, ctx: Any) -> Outcome | None:
    if model.format == "h5":
        return errored(
            "legacy HDF5 Keras model: Lambda layers cannot be inspected without loading; "
            "convert to .keras (safe mode) or safetensors"
        )
    facts = model.keras
    if facts is None:
        return None
    if facts.error:
        return errored(facts.error)
    if not facts.config_found:
        return errored("no config.json at the top of the archive: not a Keras v3 model file")
    if facts.lambdas:
        return failed(
            f"{len(facts.lambdas)} Lambda layer(s): {', '.join(facts.lambdas[:5])}",
            lambdas=list(facts.lambdas),
            custom=list(facts.custom),
        )
    if facts.custom:
        return warned(
            f"custom objects need review: {', '.join(facts.custom[:5])}", custom=list(facts.custom)
        )
    return passed("built-in Keras layers only")
