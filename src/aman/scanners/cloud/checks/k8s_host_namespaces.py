"""Pods do not share the host's network, process or IPC namespaces."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import PSS, checkov, cis, req, req5g
from aman.scanners.cloud.k8s import Workload
from aman.scanners.common.outcome import Outcome, failed, passed

FIELDS = ("hostNetwork", "hostPID", "hostIPC")

CHECK = Check(
    id="cloud.k8s.host-namespaces",
    domain="cloud",
    title="No host network, PID or IPC namespace",
    severity=Severity.HIGH,
    rationale=(
        "hostNetwork exposes the node's interfaces (and lets the pod sniff or bind them), "
        "hostPID lets it see and signal every process on the node, hostIPC lets it read "
        "shared memory of other workloads: each breaks the isolation between pod and node."
    ),
    remediation="Remove hostNetwork, hostPID and hostIPC from the pod spec.",
    references=(
        cis("5.2.3"),
        cis("5.2.4"),
        cis("5.2.5"),
        PSS,
        *checkov("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"),
    ),
    requirements=req("CL-K8S-02") + req5g("5G-OAM-04"),
)


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    shared = [f for f in FIELDS if w.pod.get(f) is True]
    if shared:
        return failed(f"pod shares the host's namespaces: {', '.join(shared)}", shared=shared)
    return passed("no host namespace shared")
