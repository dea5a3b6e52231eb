"""Pickle imports outside the allowlist of tensor and container types are reviewed."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.ai.checks._base import PICKLESCAN, req
from aman.scanners.ai.model import ModelFile
from aman.scanners.common.outcome import Outcome, not_applicable, passed, warned

CHECK = Check(
    id="ai.pickle.unknown-global",
    domain="ai",
    title="Pickle imports outside the allowlist reviewed",
    severity=Severity.MEDIUM,
    rationale=(
        "An import that is neither known-dangerous nor one of the tensor and container types "
        "model weights need (torch storages, numpy arrays, OrderedDict) may still construct "
        "objects whose methods run code. A person who knows the model's framework should "
        "confirm each one."
    ),
    remediation="Review the listed imports; prefer weights-only formats that need none.",
    references=(PICKLESCAN,),
    requirements=req("AI-SC-03"),
)


def evaluate_model(model: ModelFile, ctx: Any) -> Outcome | None:
    facts = model.pickle
    if facts is None:
        return None
    if not facts.streams:
        return not_applicable("no pickle stream in this file")
    review = sorted({g.qualified for g in facts.review()})
    if review:
        return warned(
            f"needs review: {len(review)} import(s) outside the allowlist, e.g. {review[0]}",
            imports=review,
        )
    return passed("every import is on the allowlist of tensor and container types")
