"""What the cloud checks share: requirement ids, references and the per-container verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aman.evidence.model import Reference
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome, failed, passed

PACK = "aman-cloud-baseline"
PACK_5G = "aman-5g-baseline"
CIS_K8S = "cis-kubernetes-benchmark-1.9"


def req(*refs: str) -> tuple[str, ...]:
    """``pack:ref`` ids in the cloud baseline."""
    return tuple(f"{PACK}:{r}" for r in refs)


def req5g(*refs: str) -> tuple[str, ...]:
    """``pack:ref`` ids in the 5G baseline (cloud-native cores run on Kubernetes)."""
    return tuple(f"{PACK_5G}:{r}" for r in refs)


def cis(section: str) -> Reference:
    return Reference(CIS_K8S, section, "https://www.cisecurity.org/benchmark/kubernetes")


def checkov(*ids: str) -> tuple[Reference, ...]:
    return tuple(
        Reference("checkov", i, "https://www.checkov.io/5.Policy%20Index/all.html") for i in ids
    )


PSS = Reference(
    "kubernetes-pod-security-standards",
    "baseline",
    "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
)


def per_container(
    workload: Workload,
    problem: Callable[[Container], str | None],
    ok: str,
    **evidence: Any,
) -> Outcome | None:
    """Fail when any container has a problem (listing them all), pass otherwise."""
    if not workload.containers:
        return None
    found = [(c, p) for c in workload.containers if (p := problem(c)) is not None]
    if found:
        first, reason = found[0]
        return failed(
            f"container {first.name}: {reason}"
            + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
            line=first.line,
            containers=[{"name": c.name, "problem": p, "line": c.line} for c, p in found],
            **evidence,
        )
    return passed(f"{len(workload.containers)} container(s): {ok}", **evidence)
