"""No pickle stream imports a known-dangerous callable."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.ai.checks._base import ATLAS_T0010, OWASP_ML06, PICKLESCAN, req
from aman.scanners.ai.model import ModelFile
from aman.scanners.common.outcome import Outcome, errored, failed, not_applicable, passed

CHECK = Check(
    id="ai.pickle.dangerous-global",
    domain="ai",
    title="No dangerous imports in pickle-based model files",
    severity=Severity.CRITICAL,
    rationale=(
        "Unpickling calls whatever the stream imports: os.system, eval, subprocess and the "
        "like run the moment the model is loaded. picklescan lists each stream's imports "
        "from its opcodes without executing anything. A clean result only means no import "
        "on the known-dangerous list was found; such lists have been bypassed."
    ),
    remediation="Do not load the file. Obtain the model from a trusted source in safetensors "
    "or ONNX, or convert it in a disposable sandbox.",
    references=(PICKLESCAN, OWASP_ML06, ATLAS_T0010),
    requirements=req("AI-SC-03"),
)


def evaluate_model(model: ModelFile, ctx: Any) -> Outcome | None:
    facts = model.pickle
    if facts is None:
        return None
    dangerous = facts.dangerous()
    if dangerous:
        names = sorted({g.qualified for g in dangerous})
        return failed(
            f"imports {', '.join(names[:5])}: loading this file executes code",
            globals=[{"import": g.qualified, "stream": g.stream} for g in dangerous],
        )
    if facts.truncated:
        return errored(
            f"{len(facts.truncated)} pickle stream(s) exceed the scan limit and were not "
            "fully scanned",
            streams=list(facts.truncated),
        )
    if facts.errors:
        return errored(facts.errors[0], errors=list(facts.errors))
    if not facts.streams:
        return not_applicable("no pickle stream in this file", skipped=list(facts.skipped))
    return passed(
        f"{len(facts.streams)} pickle stream(s), no known-dangerous import (clean is not "
        "proof of safety)",
        streams=list(facts.streams),
        imports=sorted({g.qualified for g in facts.globals}),
    )
