"""Models are kept in code-free formats (safetensors, ONNX) rather than pickle-based ones."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.ai.checks._base import OWASP_ML06, req
from aman.scanners.ai.model import SAFE_FORMATS, ModelFile
from aman.scanners.common.outcome import Outcome, failed, not_applicable, passed, warned

CHECK = Check(
    id="ai.format.pickle-based",
    domain="ai",
    title="Code-free model formats",
    severity=Severity.MEDIUM,
    rationale=(
        "Loading a pickle-based model (.pkl, .pt, .pth, .ckpt, .bin, .joblib) executes "
        "whatever the file says; scanning reduces but cannot remove that risk. Weights "
        "stored as safetensors or ONNX need no code to load."
    ),
    remediation="Convert once, in a disposable sandbox, to safetensors or ONNX and keep only "
    "the converted file.",
    references=(OWASP_ML06,),
    requirements=req("AI-SC-02"),
)


def evaluate_model(model: ModelFile, ctx: Any) -> Outcome | None:
    if model.uses_pickle:
        return failed(
            f"{model.format} file is pickle-based: loading it executes code; "
            "prefer safetensors or ONNX",
            format=model.format,
        )
    if model.format == "keras":
        return passed(
            "Keras v3 archive, no pickle (Lambda layers: see ai.keras.lambda)", format="keras"
        )
    if model.format in SAFE_FORMATS:
        return passed(f"{model.format}: no code is executed to load it", format=model.format)
    if model.format == "h5":
        return warned(
            "legacy HDF5 Keras model: may embed Lambda bytecode; prefer .keras or safetensors",
            format=model.format,
        )
    return not_applicable(f"{model.format} file holds no pickle", format=model.format)
