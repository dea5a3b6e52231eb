"""SARIF 2.1.0 export and import of findings.

Export: one SARIF run per scan, every check a ``reportingDescriptor`` (rule), every finding
a ``result``. Status maps onto SARIF's ``kind``: pass -> ``pass``, fail -> ``fail`` (with a
``level`` from the severity), warn -> ``review``, error -> ``open`` ("could not determine"),
not-applicable -> ``notApplicable``. SARIF 2.1.0 §3.27.10 requires ``level: none`` for any
kind other than ``fail``. Files get a ``physicalLocation``; network endpoints a
``logicalLocation``. Aman's own fields ride in ``properties`` so an export reads back
losslessly; SARIF from other tools (checkov, semgrep, ...) imports with best-effort mapping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlparse

import orjson

from aman.errors import FieldError, InvalidInput
from aman.evidence.model import Check, Finding, Severity, Status, input_hash

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_KIND = {
    Status.PASS: "pass",
    Status.FAIL: "fail",
    Status.WARN: "review",
    Status.ERROR: "open",
    Status.NOT_APPLICABLE: "notApplicable",
}
_STATUS_OF_KIND = {
    "pass": Status.PASS,
    "fail": Status.FAIL,
    "review": Status.WARN,
    "open": Status.ERROR,
    "notApplicable": Status.NOT_APPLICABLE,
    "informational": Status.PASS,
}
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_SEVERITY_OF_LEVEL = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.INFO,
}
# GitHub's convention: a CVSS-like number in rule properties["security-severity"].
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "7.5",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "2.5",
    Severity.INFO: "0.0",
}
_OWN_KEYS = ("status", "severity", "target", "observedAt", "inputHash", "tool", "toolVersion")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _uri(path: str) -> str:
    if path.startswith("/"):
        return "file://" + quote(path)
    return quote(path.replace("\\", "/"))


def _rule(check: Check) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": check.id,
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.rationale},
        "defaultConfiguration": {"level": _LEVEL[check.severity]},
        "properties": {
            "domain": check.domain,
            "severity": check.severity.value,
            "security-severity": _SECURITY_SEVERITY[check.severity],
            "requirements": list(check.requirements),
            "references": [f"{r.framework}:{r.id}" for r in check.references],
            "tags": ["security", check.domain],
        },
    }
    if check.remediation:
        rule["help"] = {"text": check.remediation}
    urls = [r.url for r in check.references if r.url]
    if urls:
        rule["helpUri"] = urls[0]
    return rule


def _fallback_rule(check_id: str, severity: Severity) -> dict[str, Any]:
    return {
        "id": check_id,
        "shortDescription": {"text": check_id},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {"severity": severity.value},
    }


def _location(finding: Finding) -> dict[str, Any]:
    if finding.path is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.path)}}
        if finding.line is not None:
            physical["region"] = {"startLine": finding.line}
        return {"physicalLocation": physical}
    return {"logicalLocations": [{"name": finding.target, "kind": "endpoint"}]}


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    kind = _KIND[finding.status]
    level = _LEVEL[finding.severity] if kind == "fail" else "none"
    return {
        "ruleId": finding.check_id,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": level,
        "message": {"text": finding.message or finding.check_id},
        "locations": [_location(finding)],
        "partialFingerprints": {
            "amanTarget/v1": hashlib.sha256(
                f"{finding.check_id}\0{finding.target}".encode()
            ).hexdigest()
        },
        "properties": {
            "status": finding.status.value,
            "severity": finding.severity.value,
            "target": finding.target,
            "observedAt": _iso(finding.observed_at),
            "inputHash": finding.input_hash,
            "tool": finding.tool,
            "toolVersion": finding.tool_version,
            "evidence": finding.evidence,
        },
    }


def to_sarif(
    findings: Iterable[Finding],
    lookup: Callable[[str], Check | None],
    *,
    tool_name: str = "Aman",
    tool_version: str = "",
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
    run_id: str | None = None,
    properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run holding ``findings``; ``lookup`` resolves rules."""
    items = list(findings)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for finding in items:
        if finding.check_id not in index:
            check = lookup(finding.check_id)
            index[finding.check_id] = len(rules)
            rules.append(
                _rule(check) if check else _fallback_rule(finding.check_id, finding.severity)
            )
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if started_at is not None:
        invocation["startTimeUtc"] = _iso(started_at)
    if finished_at is not None:
        invocation["endTimeUtc"] = _iso(finished_at)
    driver: dict[str, Any] = {"name": tool_name, "rules": rules}
    if tool_version:
        driver["version"] = tool_version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "results": [_result(f, index[f.check_id]) for f in items],
        "columnKind": "unicodeCodePoints",
    }
    if run_id is not None:
        run["automationDetails"] = {"id": run_id}
    if properties:
        run["properties"] = dict(properties)
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


# --- import --------------------------------------------------------------------------------


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _path_of(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    return unquote(uri)


def _where(result: Mapping[str, Any]) -> tuple[str | None, str | None, int | None]:
    """(target, path, line) from the first location of a result."""
    locations = result.get("locations") or []
    if not locations or not isinstance(locations[0], dict):
        return None, None, None
    loc = locations[0]
    physical = loc.get("physicalLocation")
    if isinstance(physical, dict):
        uri = (physical.get("artifactLocation") or {}).get("uri")
        if isinstance(uri, str):
            line = (physical.get("region") or {}).get("startLine")
            line = line if isinstance(line, int) and line >= 1 else None
            path = _path_of(uri)
            return (f"{path}:{line}" if line else path), path, line
    for logical in loc.get("logicalLocations") or []:
        name = logical.get("fullyQualifiedName") or logical.get("name")
        if isinstance(name, str):
            return name, None, None
    return None, None, None


def _severity(result: Mapping[str, Any], rule: Mapping[str, Any], level: str) -> Severity:
    own = (result.get("properties") or {}).get("severity")
    rule_props = rule.get("properties") or {}
    for candidate in (own, rule_props.get("severity")):
        if isinstance(candidate, str) and candidate in Severity.__members__.values():
            return Severity(candidate)
    score = rule_props.get("security-severity")
    try:
        value = float(score) if score is not None else None
    except (TypeError, ValueError):
        value = None
    if value is not None:
        bands = ((9.0, Severity.CRITICAL), (7.0, Severity.HIGH), (4.0, Severity.MEDIUM))
        return next((sev for floor, sev in bands if value >= floor), Severity.LOW)
    return _SEVERITY_OF_LEVEL.get(level, Severity.MEDIUM)


def _import_result(
    result: Mapping[str, Any], rules: list[Any], driver: Mapping[str, Any], context: dict[str, Any]
) -> Finding:
    props = result.get("properties") or {}
    rule_id = result.get("ruleId") or (result.get("rule") or {}).get("id")
    index = result.get("ruleIndex")
    rule = rules[index] if isinstance(index, int) and 0 <= index < len(rules) else {}
    if not isinstance(rule_id, str):
        rule_id = rule.get("id") if isinstance(rule.get("id"), str) else None
    if rule_id is None:
        raise ValueError("result has no ruleId")
    kind = result.get("kind", "fail")
    level = result.get("level") or (rule.get("defaultConfiguration") or {}).get("level", "warning")
    status = Status(props["status"]) if props.get("status") else _STATUS_OF_KIND.get(kind)
    if status is None:
        raise ValueError(f"unknown result kind {kind!r}")
    target, path, line = _where(result)
    evidence = props.get("evidence")
    if not isinstance(evidence, dict):
        evidence = {k: v for k, v in props.items() if k not in _OWN_KEYS}
    return Finding(
        check_id=context["prefix"] + rule_id,
        status=status,
        severity=_severity(result, rule, str(level)),
        target=str(props.get("target") or target or "unknown"),
        message=str((result.get("message") or {}).get("text", "")),
        observed_at=_parse_time(props.get("observedAt")) or context["observed_at"],
        tool=str(props.get("tool") or driver.get("name") or "unknown"),
        tool_version=str(props.get("toolVersion") or driver.get("version") or ""),
        evidence=evidence,
        input_hash=str(props.get("inputHash") or input_hash(dict(result))),
        path=path,
        line=line,
    )


def from_sarif(
    document: bytes | Mapping[str, Any],
    *,
    rule_prefix: str = "",
    now: datetime | None = None,
) -> list[Finding]:
    """Findings from a SARIF 2.1.0 log; InvalidInput names the first bad result.

    ``rule_prefix`` namespaces foreign rule ids (e.g. ``checkov.``). Results without a
    time take the run's invocation end time, else ``now``.
    """
    try:
        doc = orjson.loads(document) if isinstance(document, bytes | bytearray) else document
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("not JSON", [FieldError("file", str(exc))]) from exc
    if not isinstance(doc, dict) or doc.get("version") != SARIF_VERSION:
        raise InvalidInput("not a SARIF 2.1.0 log", [FieldError("version", "must be 2.1.0")])
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise InvalidInput("SARIF log without runs", [FieldError("runs", "must be a list")])
    fallback = now or datetime.now(UTC)
    out: list[Finding] = []
    for r, run in enumerate(runs):
        driver = ((run or {}).get("tool") or {}).get("driver") or {}
        rules = driver.get("rules") or []
        ended = next((_parse_time(i.get("endTimeUtc")) for i in run.get("invocations") or []), None)
        context = {"prefix": rule_prefix, "observed_at": ended or fallback}
        for i, result in enumerate(run.get("results") or []):
            try:
                out.append(_import_result(result, rules, driver, context))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                where = f"runs.{r}.results.{i}"
                raise InvalidInput(
                    "unreadable SARIF result", [FieldError(where, str(exc))]
                ) from exc
    return out
