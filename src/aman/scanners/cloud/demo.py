"""Generated Kubernetes manifests for the demo, the tests and the benchmark (Aman's own).

``manifest`` builds one workload whose weaknesses are chosen by flags, so a generator can
produce any mix of good and bad workloads with known expected results.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")


@dataclass(frozen=True)
class Flaws:
    """Which weaknesses a generated workload has."""

    privileged: bool = False
    host_network: bool = False
    root: bool = False
    escalation: bool = False
    latest: bool = False
    no_limits: bool = False
    env_secret: bool = False
    default_ns: bool = False
    writable_root: bool = False


def _container(name: str, flaws: Flaws) -> dict[str, object]:
    security: dict[str, object] = {
        "allowPrivilegeEscalation": flaws.escalation,
        "readOnlyRootFilesystem": not flaws.writable_root,
        "capabilities": {"drop": ["ALL"]},
    }
    if flaws.privileged:
        security["privileged"] = True
    if flaws.escalation:
        del security["allowPrivilegeEscalation"]
    security.update({"runAsUser": 0} if flaws.root else {"runAsNonRoot": True, "runAsUser": 10001})
    container: dict[str, object] = {
        "name": name,
        "image": "registry.example/app:latest" if flaws.latest else "registry.example/app:1.4.2",
        "securityContext": security,
        "env": [{"name": "DB_PASSWORD", "value": "s3cr3t-demo"}]
        if flaws.env_secret
        else [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}],
    }
    if not flaws.no_limits:
        container["resources"] = {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        }
    return container


def manifest(kind: str, name: str, flaws: Flaws) -> dict[str, object]:
    """A workload of ``kind`` with the given weaknesses."""
    pod: dict[str, object] = {"containers": [_container("app", flaws)]}
    if flaws.host_network:
        pod["hostNetwork"] = True
    meta: dict[str, object] = {"name": name}
    if not flaws.default_ns:
        meta["namespace"] = "payments"
    template = {"metadata": {"labels": {"app": name}}, "spec": pod}
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": pod}
    if kind == "CronJob":
        spec: dict[str, object] = {
            "schedule": "0 * * * *",
            "jobTemplate": {"spec": {"template": template}},
        }
        return {"apiVersion": "batch/v1", "kind": kind, "metadata": meta, "spec": spec}
    api = "batch/v1" if kind == "Job" else "apps/v1"
    return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": {"template": template}}


def random_flaws(rng: random.Random, rate: float = 0.3) -> Flaws:
    return Flaws(**{f: rng.random() < rate for f in Flaws.__dataclass_fields__})


def write_manifests(directory: Path, count: int, seed: int = 7, per_file: int = 1) -> list[Path]:
    """``count`` workloads with random flaws, ``per_file`` documents per file."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, count, per_file):
        docs = [
            manifest(rng.choice(KINDS), f"wl-{i}", random_flaws(rng))
            for i in range(start, min(start + per_file, count))
        ]
        path = directory / f"workload-{start:05d}.yaml"
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def write_estate(directory: Path, *, hardened: bool) -> None:
    """A small demo estate: two workloads and a Secret, hardened or not."""
    flaws = Flaws() if hardened else Flaws(privileged=True, root=True, latest=True, env_secret=True)
    docs = [
        manifest("Deployment", "portal", flaws),
        manifest("CronJob", "nightly-export", Flaws() if hardened else Flaws(no_limits=True)),
    ]
    if not hardened:
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "db"},
                "stringData": {"password": "demo-only"},
            }
        )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "portal.yaml").write_text(
        yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8"
    )
