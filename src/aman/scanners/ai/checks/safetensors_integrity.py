"""safetensors files are exactly what their header declares."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.ai.checks._base import SAFETENSORS, req
from aman.scanners.ai.model import ModelFile
from aman.scanners.common.outcome import Outcome, failed, passed

CHECK = Check(
    id="ai.safetensors.integrity",
    domain="ai",
    title="safetensors header integrity",
    severity=Severity.HIGH,
    rationale=(
        "safetensors holds no code, but a file whose header lies (length past the end, "
        "unknown dtypes, offsets with gaps or overlaps) or that has bytes after the last "
        "tensor is malformed or a polyglot carrying a second payload for another parser."
    ),
    remediation="Re-export the weights with the safetensors library and compare hashes with "
    "the publisher's.",
    references=(SAFETENSORS,),
    requirements=req("AI-SC-03"),
)


def evaluate_model(model: ModelFile, ctx: Any) -> Outcome | None:
    facts = model.safetensors
    if facts is None:
        return None
    layout = {
        "tensors": facts.tensors,
        "header_bytes": facts.header_bytes,
        "data_bytes": facts.data_bytes,
        "dtypes": list(facts.dtypes),
    }
    if facts.problems:
        return failed(facts.problems[0], problems=list(facts.problems), layout=layout)
    return passed(f"{facts.tensors} tensor(s) exactly cover the file", layout=layout)
