"""sslyze 6.3.1 for the PQC benchmark, in its own virtualenv (it pins cryptography < 47)."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

VENV = Path("/tmp/aman-bench-sslyze")
VERSION = "6.3.1"
CURVES = {"X25519": "x25519", "X448": "x448", "prime256v1": "secp256r1"}
CURVES |= {"secp384r1": "secp384r1", "secp521r1": "secp521r1"}


def ensure_sslyze() -> Path:
    """The sslyze executable, creating the virtualenv on first use (PyPI via pip)."""
    exe = VENV / "bin" / "sslyze"
    if not exe.exists():
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "pip"), "install", "--quiet", f"sslyze=={VERSION}"]
        subprocess.run(pip, check=True)
    return exe


def run_sslyze(exe: Path, ports: list[int]) -> tuple[float, float, dict[str, Any]]:
    """(cold CLI wall seconds, sslyze's own "SCANS COMPLETED IN" seconds, JSON output)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sslyze.json"
        args = [str(exe), "--tlsv1_3", "--elliptic_curves", "--certinfo"]
        args += [f"--json_out={out}", *(f"127.0.0.1:{p}" for p in ports)]
        start = time.perf_counter()
        done = subprocess.run(args, check=False, capture_output=True, text=True)
        wall = time.perf_counter() - start
        found = re.search(r"SCANS COMPLETED IN ([0-9.]+) S", done.stdout, re.IGNORECASE)
        scan = float(found.group(1)) if found else wall
        return wall, scan, json.loads(out.read_text(encoding="utf-8"))  # it writes Infinity


def _tls13_key(scan: dict[str, Any]) -> str | None:
    attempt = scan.get("tls_1_3_cipher_suites") or {}
    for suite in (attempt.get("result") or {}).get("accepted_cipher_suites") or []:
        key = suite.get("ephemeral_key") or {}
        if key.get("curve_name"):
            return str(key["curve_name"])
    return None


def parse_sslyze(doc: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Port -> what sslyze reported: connected, supported curves, TLS 1.3 key exchange."""
    out: dict[int, dict[str, Any]] = {}
    for server in doc.get("server_scan_results") or []:
        port = int(server["server_location"]["port"])
        if server.get("connectivity_status") != "COMPLETED":
            error = str(server.get("connectivity_error_trace") or "connection failed")
            out[port] = {"connected": False, "curves": [], "summary": "cannot connect"}
            out[port]["error"] = error.strip().splitlines()[-1][:120] if error.strip() else error
            continue
        scan = server.get("scan_result") or {}
        curves_result = (scan.get("elliptic_curves") or {}).get("result") or {}
        curves = sorted(
            CURVES.get(c["name"], c["name"]) for c in curves_result.get("supported_curves") or []
        )
        tls13 = _tls13_key(scan)
        summary = ", ".join(curves) or "no curves"
        if tls13:
            summary += f" (TLS 1.3 key: {tls13})"
        out[port] = {"connected": True, "curves": curves, "tls13_key": tls13, "summary": summary}
    return out
