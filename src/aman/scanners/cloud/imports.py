"""Findings from other tools: Trivy JSON, KICS JSON and SARIF 2.1.0 (checkov, Trivy, ...).

Every result keeps its tool's own id (``trivy.ksv017``, ``kics.<query id>``...), except
where Aman knows the rule: checkov ids and the Trivy Kubernetes checks below land on the
Aman check that tests the same thing, so imported results evidence the same requirements
as Aman's own scans. Severities come from the tool unless Aman maps the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from aman.errors import FieldError, InvalidInput
from aman.evidence.model import Finding, Severity, Status, input_hash
from aman.evidence.sarif import from_sarif
from aman.scanners.cloud.checkov_map import mapped

MAX_RESULTS = 200_000
_SEVERITY = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
    "INFO": Severity.INFO,
    "TRACE": Severity.INFO,
    "UNKNOWN": Severity.INFO,
}
# Trivy's Kubernetes checks that test what an Aman check tests.
TRIVY_KSV: Mapping[str, str] = {
    "KSV001": "cloud.k8s.privilege-escalation",
    "KSV003": "cloud.k8s.capabilities",
    "KSV005": "cloud.k8s.capabilities",
    "KSV008": "cloud.k8s.host-namespaces",
    "KSV009": "cloud.k8s.host-namespaces",
    "KSV010": "cloud.k8s.host-namespaces",
    "KSV011": "cloud.k8s.resources",
    "KSV012": "cloud.k8s.run-as-root",
    "KSV013": "cloud.k8s.image-tag",
    "KSV014": "cloud.k8s.read-only-root",
    "KSV015": "cloud.k8s.resources",
    "KSV016": "cloud.k8s.resources",
    "KSV017": "cloud.k8s.privileged",
    "KSV018": "cloud.k8s.resources",
}
_SLUG = re.compile(r"[^a-z0-9_.-]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-.") or "unknown"


def _severity(value: Any) -> Severity:
    return _SEVERITY.get(str(value or "").upper(), Severity.MEDIUM)


def _finding(check_id: str, status: Status, severity: Severity, target: str, **kw: Any) -> Finding:
    line = kw.pop("line", None)
    return Finding(
        check_id=check_id,
        status=status,
        severity=severity,
        target=target[:1000],
        message=str(kw.pop("message", ""))[:4000],
        observed_at=kw.pop("at"),
        tool=kw.pop("tool"),
        tool_version=str(kw.pop("version", ""))[:50],
        evidence=kw.pop("evidence", {}),
        input_hash=input_hash([check_id, target]),
        path=kw.pop("path", None),
        line=line if isinstance(line, int) and line >= 1 else None,
    )


def _trivy_misconfig(result: dict[str, Any], m: dict[str, Any], at: datetime) -> Finding:
    rule = str(m.get("ID") or m.get("AVDID") or "unknown")
    cause = m.get("CauseMetadata") or {}
    where = str(result.get("Target") or "")
    resource = str(cause.get("Resource") or "")
    check_id = TRIVY_KSV.get(rule.upper(), f"trivy.{slug(rule)}")
    status = Status.PASS if str(m.get("Status", "FAIL")).upper() == "PASS" else Status.FAIL
    return _finding(
        check_id,
        status,
        _severity(m.get("Severity")),
        f"{where}:{resource}#{rule}",
        message=f"{rule}: {m.get('Message') or m.get('Title') or ''}",
        at=at,
        tool="trivy",
        path=where or None,
        line=cause.get("StartLine"),
        evidence={"trivy_id": rule, "title": m.get("Title"), "resolution": m.get("Resolution")},
    )


def _trivy_vulnerability(result: dict[str, Any], v: dict[str, Any], at: datetime) -> Finding:
    where = str(result.get("Target") or "")
    ident = str(v.get("VulnerabilityID") or "unknown")
    package = f"{v.get('PkgName')}@{v.get('InstalledVersion')}"
    fixed = v.get("FixedVersion")
    return _finding(
        "trivy.vulnerability",
        Status.FAIL,
        _severity(v.get("Severity")),
        f"{where}:{package}#{ident}",
        message=f"{ident} in {package}" + (f" (fixed in {fixed})" if fixed else ""),
        at=at,
        tool="trivy",
        path=where or None,
        evidence={"vulnerability": ident, "package": package, "fixed_version": fixed},
    )


def _trivy_secret(result: dict[str, Any], s: dict[str, Any], at: datetime) -> Finding:
    where = str(result.get("Target") or "")
    rule = str(s.get("RuleID") or "secret")
    return _finding(
        "trivy.secret",
        Status.FAIL,
        _severity(s.get("Severity")),
        f"{where}:{s.get('StartLine')}#{rule}",
        message=f"{s.get('Title') or rule} in {where}",
        at=at,
        tool="trivy",
        path=where or None,
        line=s.get("StartLine"),
        evidence={"rule": rule, "category": s.get("Category")},  # never the matched secret
    )


def from_trivy(doc: dict[str, Any], at: datetime) -> list[Finding]:
    out: list[Finding] = []
    for result in doc.get("Results") or []:
        if not isinstance(result, dict):
            continue
        for m in result.get("Misconfigurations") or []:
            out.append(_trivy_misconfig(result, m, at))
        for v in result.get("Vulnerabilities") or []:
            out.append(_trivy_vulnerability(result, v, at))
        for s in result.get("Secrets") or []:
            out.append(_trivy_secret(result, s, at))
    return out


def from_kics(doc: dict[str, Any], at: datetime) -> list[Finding]:
    out: list[Finding] = []
    version = str(doc.get("kics_version") or "")
    for query in doc.get("queries") or []:
        if not isinstance(query, dict):
            continue
        ident = str(query.get("query_id") or "unknown")
        for f in query.get("files") or []:
            where = str(f.get("file_name") or "")
            resource = str(f.get("resource_name") or f.get("search_key") or "")
            out.append(
                _finding(
                    f"kics.{slug(ident)}",
                    Status.FAIL,
                    _severity(query.get("severity")),
                    f"{where}:{resource}#{ident}",
                    message=f"{query.get('query_name')}: expected {f.get('expected_value')}",
                    at=at,
                    tool="kics",
                    version=version,
                    path=where or None,
                    line=f.get("line"),
                    evidence={
                        "query": query.get("query_name"),
                        "platform": query.get("platform"),
                        "category": query.get("category"),
                        "actual": f.get("actual_value"),
                    },
                )
            )
    return out


def _remap(f: Finding) -> Finding:
    """A SARIF result of a rule Aman maps (checkov ids) lands on the Aman check."""
    entry = mapped(f.check_id)
    if entry is not None:
        return Finding(
            check_id=entry.check_id,
            status=f.status,
            severity=entry.severity,
            target=f"{f.target}#{entry.checkov_id}",
            message=f.message,
            observed_at=f.observed_at,
            tool=f.tool,
            tool_version=f.tool_version,
            evidence={**f.evidence, "checkov_id": entry.checkov_id},
            input_hash=f.input_hash,
            path=f.path,
            line=f.line,
        )
    if f.check_id.upper() in TRIVY_KSV:
        return Finding(**{**_fields(f), "check_id": TRIVY_KSV[f.check_id.upper()]})
    own = f.check_id.startswith(("cloud.", "5g.", "ai.", "pqc."))
    return f if own else Finding(**{**_fields(f), "check_id": f"{slug(f.tool)}.{slug(f.check_id)}"})


def _fields(f: Finding) -> dict[str, Any]:
    return {name: getattr(f, name) for name in Finding.__dataclass_fields__}


def detect(doc: Any) -> str:
    if isinstance(doc, dict) and doc.get("version") == "2.1.0" and "runs" in doc:
        return "sarif"
    if isinstance(doc, dict) and ("Results" in doc or "ArtifactName" in doc):
        return "trivy"
    if (
        isinstance(doc, dict)
        and "queries" in doc
        and ("kics_version" in doc or "total_counter" in doc)
    ):
        return "kics"
    raise InvalidInput(
        "unknown findings format", [FieldError("file", "expected SARIF 2.1.0, Trivy or KICS JSON")]
    )


def import_document(raw: bytes, now: datetime | None = None) -> tuple[str, list[Finding]]:
    """(format, findings) from a SARIF, Trivy or KICS JSON document."""
    at = now or datetime.now(UTC)
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("not JSON", [FieldError("file", str(exc))]) from exc
    kind = detect(doc)
    try:
        if kind == "sarif":
            found = [_remap(f) for f in from_sarif(doc, now=at)]
        else:
            found = from_trivy(doc, at) if kind == "trivy" else from_kics(doc, at)
    except (TypeError, AttributeError, ValueError) as exc:
        raise InvalidInput(f"malformed {kind} document", [FieldError("file", str(exc))]) from exc
    if len(found) > MAX_RESULTS:
        raise InvalidInput("too many results", [FieldError("file", f"more than {MAX_RESULTS}")])
    return kind, found
