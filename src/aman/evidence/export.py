"""Findings as plain JSON, the format scripts and the CLI's ``--json`` read.

One stable shape for a finding in every channel (CLI, API, files), with ISO 8601 UTC times,
so a JSON export can be read back into the same :class:`Finding` objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import orjson

from aman.errors import FieldError, InvalidInput
from aman.evidence.model import Finding, Severity, Status

JSON_FORMAT = "aman-findings/1"


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A JSON-ready dict for one finding."""
    data: dict[str, Any] = {
        "check_id": finding.check_id,
        "status": finding.status.value,
        "severity": finding.severity.value,
        "target": finding.target,
        "message": finding.message,
        "observed_at": finding.observed_at.isoformat(),
        "tool": finding.tool,
        "tool_version": finding.tool_version,
        "input_hash": finding.input_hash,
        "evidence": finding.evidence,
    }
    if finding.path is not None:
        data["path"] = finding.path
    if finding.line is not None:
        data["line"] = finding.line
    return data


def finding_from_dict(data: Mapping[str, Any], where: str = "finding") -> Finding:
    """Read a finding back; raises InvalidInput naming the bad field."""
    try:
        observed = datetime.fromisoformat(str(data["observed_at"]))
        return Finding(
            check_id=str(data["check_id"]),
            status=Status(data["status"]),
            severity=Severity(data["severity"]),
            target=str(data["target"]),
            message=str(data.get("message", "")),
            observed_at=observed,
            tool=str(data.get("tool", "unknown")),
            tool_version=str(data.get("tool_version", "")),
            evidence=dict(data.get("evidence") or {}),
            input_hash=str(data.get("input_hash", "")),
            path=None if data.get("path") is None else str(data["path"]),
            line=None if data.get("line") is None else int(data["line"]),
        )
    except KeyError as exc:
        field = f"{where}.{exc.args[0]}"
        raise InvalidInput("incomplete finding", [FieldError(field, "required")]) from None
    except (ValueError, TypeError) as exc:
        raise InvalidInput("malformed finding", [FieldError(where, str(exc))]) from exc


def findings_document(
    findings: Iterable[Finding], run: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON export: format marker, optional run metadata, findings, status counts."""
    items = [finding_to_dict(f) for f in findings]
    counts: dict[str, int] = {}
    for item in items:
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    doc: dict[str, Any] = {"format": JSON_FORMAT, "counts": counts, "findings": items}
    if run is not None:
        doc["run"] = dict(run)
    return doc


def dumps(doc: Mapping[str, Any]) -> bytes:
    """Indented UTF-8 JSON (times and UUIDs serialised by orjson)."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)


def read_findings_document(raw: bytes) -> list[Finding]:
    """Parse an ``aman-findings/1`` JSON export."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("not JSON", [FieldError("file", str(exc))]) from exc
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        raise InvalidInput("not an Aman findings export", [FieldError("format", JSON_FORMAT)])
    items = doc.get("findings")
    if not isinstance(items, list):
        raise InvalidInput("no findings list", [FieldError("findings", "must be a list")])
    return [finding_from_dict(item, f"findings.{i}") for i, item in enumerate(items)]
