"""Which checkov check ids Aman uses, and what each becomes: an Aman check and a severity.

checkov run offline reports no severity and no guideline, and its ids say nothing about
Aman's requirements, so Aman keeps its own table. Each id maps onto one Aman check (whose
``requirements`` reach the packs); ``overlap`` marks ids that test exactly what a built-in
Kubernetes check tests, which the benchmark uses to measure agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from aman.evidence.model import Severity

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


@dataclass(frozen=True, slots=True)
class Mapped:
    """One checkov id as Aman reads it."""

    checkov_id: str
    check_id: str
    severity: Severity
    overlap: bool = False


_PUBLIC = "cloud.iac.public-data"
_AT_REST = "cloud.iac.encryption-at-rest"
_IN_TRANSIT = "cloud.iac.encryption-in-transit"
_NETWORK = "cloud.iac.network-exposure"
_LOGGING = "cloud.iac.logging"
_IAM = "cloud.iac.iam-wildcard"
_CREDENTIALS = "cloud.iac.static-credentials"

_TABLE: tuple[Mapped, ...] = (
    # public storage and databases
    Mapped("CKV_AWS_20", _PUBLIC, H),
    Mapped("CKV_AWS_57", _PUBLIC, C),
    Mapped("CKV2_AWS_6", _PUBLIC, M),
    Mapped("CKV_AWS_53", _PUBLIC, M),
    Mapped("CKV_AWS_54", _PUBLIC, M),
    Mapped("CKV_AWS_55", _PUBLIC, M),
    Mapped("CKV_AWS_56", _PUBLIC, M),
    Mapped("CKV_AWS_17", _PUBLIC, H),
    Mapped("CKV_AZURE_34", _PUBLIC, H),
    Mapped("CKV_GCP_28", _PUBLIC, H),
    # encryption at rest
    Mapped("CKV_AWS_3", _AT_REST, H),
    Mapped("CKV_AWS_5", _AT_REST, H),
    Mapped("CKV_AWS_8", _AT_REST, M),
    Mapped("CKV_AWS_16", _AT_REST, H),
    Mapped("CKV_AWS_19", _AT_REST, H),
    Mapped("CKV_AWS_26", _AT_REST, M),
    Mapped("CKV_AWS_27", _AT_REST, M),
    Mapped("CKV_AWS_35", _AT_REST, M),
    Mapped("CKV_AWS_145", _AT_REST, M),
    Mapped("CKV_AZURE_2", _AT_REST, H),
    # encryption in transit
    Mapped("CKV_AWS_2", _IN_TRANSIT, H),
    Mapped("CKV_AWS_103", _IN_TRANSIT, M),
    Mapped("CKV_AZURE_3", _IN_TRANSIT, H),
    Mapped("CKV_GCP_6", _IN_TRANSIT, H),
    # key management
    Mapped("CKV_AWS_7", "cloud.iac.key-rotation", M),
    # network exposure
    Mapped("CKV_AWS_24", _NETWORK, H),
    Mapped("CKV_AWS_25", _NETWORK, H),
    Mapped("CKV_AWS_260", _NETWORK, M),
    Mapped("CKV_AWS_277", _NETWORK, H),
    Mapped("CKV_AZURE_9", _NETWORK, H),
    Mapped("CKV_AZURE_10", _NETWORK, H),
    Mapped("CKV_GCP_2", _NETWORK, H),
    Mapped("CKV_GCP_3", _NETWORK, H),
    # logging
    Mapped("CKV_AWS_18", _LOGGING, M),
    Mapped("CKV_AWS_36", _LOGGING, M),
    Mapped("CKV_AWS_67", _LOGGING, M),
    Mapped("CKV_AWS_91", _LOGGING, L),
    Mapped("CKV_GCP_62", _LOGGING, L),
    # IAM wildcards and privilege escalation
    Mapped("CKV_AWS_1", _IAM, C),
    Mapped("CKV_AWS_62", _IAM, C),
    Mapped("CKV_AWS_63", _IAM, H),
    Mapped("CKV_AWS_286", _IAM, H),
    Mapped("CKV_AWS_289", _IAM, H),
    Mapped("CKV_AWS_40", _IAM, L),
    # hard-coded credentials
    Mapped("CKV_AWS_41", _CREDENTIALS, C),
    Mapped("CKV_AWS_45", _CREDENTIALS, H),
    # Kubernetes hardening (the same ground as the built-in checks)
    Mapped("CKV_K8S_16", "cloud.k8s.privileged", C, True),
    Mapped("CKV_K8S_17", "cloud.k8s.host-namespaces", H, True),
    Mapped("CKV_K8S_18", "cloud.k8s.host-namespaces", H, True),
    Mapped("CKV_K8S_19", "cloud.k8s.host-namespaces", H, True),
    Mapped("CKV_K8S_20", "cloud.k8s.privilege-escalation", H, True),
    Mapped("CKV_K8S_21", "cloud.k8s.default-namespace", L, True),
    Mapped("CKV_K8S_22", "cloud.k8s.read-only-root", M, True),
    Mapped("CKV_K8S_23", "cloud.k8s.run-as-root", H, True),
    Mapped("CKV_K8S_14", "cloud.k8s.image-tag", M, True),
    Mapped("CKV_K8S_43", "cloud.k8s.image-tag", L),
    Mapped("CKV_K8S_10", "cloud.k8s.resources", M, True),
    Mapped("CKV_K8S_11", "cloud.k8s.resources", M, True),
    Mapped("CKV_K8S_12", "cloud.k8s.resources", M, True),
    Mapped("CKV_K8S_13", "cloud.k8s.resources", M, True),
    Mapped("CKV_K8S_25", "cloud.k8s.capabilities", M),
    Mapped("CKV_K8S_28", "cloud.k8s.capabilities", M),
    Mapped("CKV_K8S_37", "cloud.k8s.capabilities", M),
    Mapped("CKV_K8S_39", "cloud.k8s.capabilities", H),
    Mapped("CKV_K8S_27", "cloud.k8s.host-path", C),
    # Dockerfiles
    Mapped("CKV_DOCKER_3", "cloud.image.root-user", M),
    Mapped("CKV_DOCKER_8", "cloud.image.root-user", M),
    Mapped("CKV_DOCKER_7", "cloud.image.base-tag", M),
)

CHECKOV_MAP: Mapping[str, Mapped] = MappingProxyType({m.checkov_id: m for m in _TABLE})
FRAMEWORKS = ("terraform", "cloudformation", "kubernetes", "dockerfile")


def mapped(checkov_id: str) -> Mapped | None:
    return CHECKOV_MAP.get(checkov_id.upper())


def overlap_ids() -> list[str]:
    """checkov ids that test what a built-in Kubernetes check tests."""
    return [m.checkov_id for m in _TABLE if m.overlap]
