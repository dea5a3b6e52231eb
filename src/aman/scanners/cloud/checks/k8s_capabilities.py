"""No dangerous Linux capabilities added; all others dropped."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import PSS, checkov, cis, per_container, req
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome

DANGEROUS = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO"}
    | {"DAC_READ_SEARCH", "SYS_BOOT", "BPF", "PERFMON", "SYS_TIME", "MAC_ADMIN"}
)

CHECK = Check(
    id="cloud.k8s.capabilities",
    domain="cloud",
    title="No dangerous capabilities, others dropped",
    severity=Severity.MEDIUM,
    rationale=(
        "Capabilities such as SYS_ADMIN or NET_RAW give container processes root powers over "
        "the kernel or the network; dropping ALL and adding back only what is needed keeps "
        "a compromised process weak."
    ),
    remediation="Set capabilities.drop: [ALL] and add only specific, reviewed capabilities.",
    references=(
        cis("5.2.8"),
        cis("5.2.9"),
        PSS,
        *checkov("CKV_K8S_25", "CKV_K8S_28", "CKV_K8S_39"),
    ),
    requirements=req("CL-K8S-04"),
)


def _problem(c: Container) -> str | None:
    caps = c.security.get("capabilities")
    caps = caps if isinstance(caps, dict) else {}
    added = {
        str(a).upper().removeprefix("CAP_") for a in caps.get("add") or [] if isinstance(a, str)
    }
    dropped = {str(d).upper() for d in caps.get("drop") or [] if isinstance(d, str)}
    bad = sorted(added & DANGEROUS)
    if bad:
        return f"adds {', '.join(bad)}"
    if "ALL" not in dropped:
        return "does not drop ALL capabilities"
    return None


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return per_container(w, _problem, "capabilities dropped")
