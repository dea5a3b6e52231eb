"""What the AI checks share: requirement ids and references."""

from __future__ import annotations

from aman.evidence.model import Reference

PACK = "aman-ai-baseline"

PICKLESCAN = Reference("picklescan", "1.0", "https://github.com/mmaitre314/picklescan")
SAFETENSORS = Reference(
    "safetensors", "format", "https://huggingface.co/docs/safetensors/index#format"
)
OWASP_ML06 = Reference(
    "owasp-ml-top-10-2023",
    "ML06",
    "https://owasp.org/www-project-machine-learning-security-top-10/",
)
ATLAS_T0010 = Reference("mitre-atlas", "AML.T0010", "https://atlas.mitre.org/techniques/AML.T0010")
CYCLONEDX_ML = Reference(
    "cyclonedx-1.6", "machine-learning-model", "https://cyclonedx.org/capabilities/mlbom/"
)


def req(*refs: str) -> tuple[str, ...]:
    """``pack:ref`` ids in the AI baseline."""
    return tuple(f"{PACK}:{r}" for r in refs)
