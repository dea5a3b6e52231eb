"""No hostPath volumes onto runtime sockets or system directories."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import PSS, checkov, cis, req
from aman.scanners.cloud.k8s import Workload
from aman.scanners.common.outcome import Outcome, failed, passed

SENSITIVE = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/etc",
    "/proc",
    "/sys",
    "/root",
    "/boot",
    "/dev",
)

CHECK = Check(
    id="cloud.k8s.host-path",
    domain="cloud",
    title="No sensitive hostPath volumes",
    severity=Severity.HIGH,
    rationale=(
        "A hostPath volume onto the container runtime's socket, the kubelet's directory or "
        "system directories hands the pod control of the node (start privileged containers, "
        "read credentials, rewrite configuration)."
    ),
    remediation="Use persistent volumes or configMaps instead of hostPath onto the node.",
    references=(cis("5.2.12"), PSS, *checkov("CKV_K8S_27")),
    requirements=req("CL-K8S-02"),
)


def _sensitive(path: str) -> bool:
    clean = "/" + path.strip().strip("/")
    return clean == "/" or any(clean == s or clean.startswith(s + "/") for s in SENSITIVE)


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    volumes = [v for v in w.pod.get("volumes") or [] if isinstance(v, dict)]
    host = [
        {"volume": v.get("name"), "path": (v.get("hostPath") or {}).get("path")}
        for v in volumes
        if isinstance(v.get("hostPath"), dict)
    ]
    bad = [h for h in host if isinstance(h["path"], str) and _sensitive(h["path"])]
    if bad:
        return failed(f"hostPath volume {bad[0]['volume']} mounts {bad[0]['path']}", volumes=bad)
    return passed(f"{len(host)} hostPath volume(s), none sensitive", volumes=host)
