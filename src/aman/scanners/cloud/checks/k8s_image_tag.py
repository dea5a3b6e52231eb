"""Images are pinned: a tag other than latest, or a digest."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import checkov, per_container, req
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome

CHECK = Check(
    id="cloud.k8s.image-tag",
    domain="cloud",
    title="No :latest or untagged images",
    severity=Severity.MEDIUM,
    rationale=(
        "An untagged or :latest image reference resolves to whatever was pushed last: the "
        "code that runs can change without a deployment, and a rollback cannot be proven."
    ),
    remediation="Reference images by digest (@sha256:...) or an immutable version tag.",
    references=checkov("CKV_K8S_14"),
    requirements=req("CL-K8S-06"),
)


def image_tag(image: str) -> str | None:
    """The tag of an image reference ('' when none; None when pinned by digest)."""
    if "@" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else ""


def _problem(c: Container) -> str | None:
    if not c.image or not c.image.strip():
        return "no image"
    tag = image_tag(c.image.strip())
    if tag == "":
        return f"untagged image {c.image}"
    if tag == "latest":
        return f"image {c.image} uses :latest"
    return None


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return per_container(w, _problem, "images pinned")
