"""Finding builders and hypothesis strategies shared by the evidence tests (loaded by conftest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from aman.evidence.model import Finding, Severity, Status

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_finding(
    check_id: str = "pqc.tls.tls13",
    status: Status = Status.PASS,
    target: str = "192.0.2.1:443",
    *,
    minutes: int = 0,
    severity: Severity = Severity.HIGH,
    **extra: Any,
) -> Finding:
    return Finding(
        check_id=check_id,
        status=status,
        severity=severity,
        target=target,
        message=f"{check_id} {status.value} on {target}",
        observed_at=T0 + timedelta(minutes=minutes),
        tool="aman-pqc",
        tool_version="0.1.0",
        evidence=extra.pop("evidence", {"k": "v"}),
        input_hash=extra.pop("input_hash", "ab" * 32),
        **extra,
    )


CHECKS = ["c.a", "c.b", "c.c", "c.d"]
TARGETS = ["h1:443", "h2:443", "h3:22"]

findings_st = st.builds(
    make_finding,
    check_id=st.sampled_from(CHECKS),
    status=st.sampled_from(list(Status)),
    target=st.sampled_from(TARGETS),
    minutes=st.integers(0, 10_000),
    severity=st.sampled_from(list(Severity)),
)
requirement_checks_st = st.dictionaries(
    st.sampled_from(["R1", "R2", "R3", "R4", "R5"]),
    st.lists(st.sampled_from(CHECKS), max_size=3),
    max_size=5,
)
