"""Kubernetes manifests -> workloads and resources the checks judge.

Pod templates are found where each workload kind keeps them (``spec`` of a Pod,
``spec.template.spec`` of Deployments and the like, ``spec.jobTemplate.spec.template.spec``
of a CronJob); ``List`` documents are expanded. Pod-level security settings that Kubernetes
applies to every container (``runAsUser``, ``runAsNonRoot``...) are merged under each
container's own, so checks see the effective value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from aman.evidence.model import input_hash
from aman.frameworks.yaml_safe import line_of
from aman.scanners.common.yaml_docs import YamlDocument

POD_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
POD_LEVEL = ("runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "seLinuxOptions")
CLUSTER_SCOPED = frozenset(
    {"Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding"}
    | {"StorageClass", "CustomResourceDefinition", "PriorityClass", "IngressClass"}
    | {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService"}
    | {"PodSecurityPolicy", "RuntimeClass", "CSIDriver", "VolumeAttachment"}
)
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Container:
    """One container with its effective security context."""

    name: str
    image: str | None
    security: dict[str, Any]
    resources: dict[str, Any]
    env: tuple[dict[str, Any], ...]
    line: int
    init: bool = False


@dataclass(frozen=True, slots=True)
class Workload:
    """A pod-creating object: its pod spec and containers."""

    api_kind: str
    name: str
    namespace: str | None
    path: str
    line: int
    pod: dict[str, Any]
    containers: tuple[Container, ...]
    source_digest: str
    kind: Literal["workload"] = field(default="workload", init=False)

    @property
    def target(self) -> str:
        return f"{self.path}:{self.api_kind}/{self.namespace or 'default'}/{self.name}"

    @property
    def digest(self) -> str:
        return self.source_digest


@dataclass(frozen=True, slots=True)
class Resource:
    """Any other Kubernetes object (Secrets, Services, ConfigMaps...)."""

    api_kind: str
    name: str
    namespace: str | None
    path: str
    line: int
    body: dict[str, Any]
    source_digest: str
    kind: Literal["resource"] = field(default="resource", init=False)

    @property
    def target(self) -> str:
        return f"{self.path}:{self.api_kind}/{self.namespace or 'default'}/{self.name}"

    @property
    def digest(self) -> str:
        return self.source_digest

    @property
    def namespaced(self) -> bool:
        return self.api_kind not in CLUSTER_SCOPED


Subject = Workload | Resource


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = _dict(data).get(part)
    return data


def _containers(
    pod: dict[str, Any], root: yaml.Node, loc: tuple[str | int, ...]
) -> Iterator[Container]:
    pod_security = {k: v for k, v in _dict(pod.get("securityContext")).items() if k in POD_LEVEL}
    for listing in CONTAINER_LISTS:
        for i, raw in enumerate(_list(pod.get(listing))):
            c = _dict(raw)
            image = c.get("image")
            yield Container(
                name=str(c.get("name") or f"{listing}[{i}]"),
                image=image if isinstance(image, str) else None,
                security={**pod_security, **_dict(c.get("securityContext"))},
                resources=_dict(c.get("resources")),
                env=tuple(e for e in _list(c.get("env")) if isinstance(e, dict)),
                line=line_of(root, (*loc, listing, i)),
                init=listing != "containers",
            )


def _objects(
    doc: YamlDocument,
) -> Iterator[tuple[dict[str, Any], yaml.Node, tuple[str | int, ...]]]:
    data = doc.data
    if not isinstance(data, dict):
        return
    if data.get("kind") == "List":
        for i, item in enumerate(_list(data.get("items"))):
            if isinstance(item, dict):
                yield item, doc.root, ("items", i)
    elif isinstance(data.get("kind"), str) and "apiVersion" in data:
        yield data, doc.root, ()


def subjects_of(docs: list[YamlDocument], rel: str, source: str) -> list[Subject]:
    """Workloads and resources of one manifest file (non-Kubernetes documents skipped)."""
    out: list[Subject] = []
    digest = input_hash(source)
    for doc in docs:
        for obj, root, loc in _objects(doc):
            kind = str(obj["kind"])
            meta = _dict(obj.get("metadata"))
            name = str(meta.get("name") or f"#{doc.index}")
            namespace = meta.get("namespace")
            ns = str(namespace) if isinstance(namespace, str | int) else None
            line = line_of(root, loc) if loc else doc.line
            pod_path = POD_PATHS.get(kind)
            pod = _dict(_get(obj, pod_path)) if pod_path else None
            if pod_path is not None and pod is not None:
                containers = tuple(_containers(pod, root, (*loc, *pod_path)))
                out.append(Workload(kind, name, ns, rel, line, pod, containers, digest))
            else:
                out.append(Resource(kind, name, ns, rel, line, obj, digest))
    return out
