"""No credentials as literal environment variables or committed Secret data."""

from __future__ import annotations

import re
from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import cis, req
from aman.scanners.cloud.k8s import Container, Resource, Workload
from aman.scanners.common.outcome import Outcome, failed, passed

SECRET_NAME = re.compile(
    r"(PASSW(OR)?D|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|"
    r"AUTH|CONN(ECTION)?_?STRING|DSN)",
    re.I,
)
SECRET_VALUE = re.compile(
    r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{30,}|"
    r"xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|sk_live_[A-Za-z0-9]{16,}|"
    r"://[^/\s:@]+:[^/\s@]+@)"
)
PLACEHOLDER = re.compile(r"^(\$\(.*\)|\$\{.*\}|<.*>|changeme|)$", re.I)

CHECK = Check(
    id="cloud.k8s.env-secrets",
    domain="cloud",
    title="No secrets in plain environment variables",
    severity=Severity.HIGH,
    rationale=(
        "A credential written as an env value in a manifest is in version control, in every "
        "copy of the manifest and readable by anyone who can read the workload object; "
        "Secret objects committed with data leak the same way."
    ),
    remediation="Reference a Secret (valueFrom.secretKeyRef, or better a mounted file) or an "
    "external secrets manager; never commit Secret data.",
    references=(cis("5.4.1"),),
    requirements=req("CL-K8S-09", "CL-DP-07"),
)


def _problem(c: Container) -> str | None:
    for env in c.env:
        value = env.get("value")
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        text = str(value).strip()
        name = str(env.get("name", ""))
        if SECRET_VALUE.search(text):
            return f"env {name} holds a credential-like value"
        if SECRET_NAME.search(name) and not PLACEHOLDER.match(text):
            return f"env {name} is set to a literal value"
    return None


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    if not w.containers:
        return None
    found = [(c, p) for c in w.containers if (p := _problem(c))]
    if found:
        c, problem = found[0]
        return failed(
            f"container {c.name}: {problem}",
            line=c.line,
            containers=[{"name": x.name, "problem": p, "line": x.line} for x, p in found],
        )
    return passed("no literal credentials in environment variables")


def evaluate_resource(r: Resource, ctx: Any) -> Outcome | None:
    if r.api_kind != "Secret":
        return None
    keys = sorted(
        str(k)
        for field in ("data", "stringData")
        for k in (r.body.get(field) or {} if isinstance(r.body.get(field), dict) else {})
    )
    if keys:
        return failed(f"Secret {r.name} is committed with data ({len(keys)} key(s))", keys=keys)
    return passed(f"Secret {r.name} carries no data")
