"""The server selects a post-quantum group when a client offers PQ and classical ones."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.pqc.checks._base import (
    ECDHE_MLKEM,
    RFC8446,
    EvalContext,
    Outcome,
    errored,
    failed,
    passed,
    req,
    warned,
)
from aman.scanners.pqc.checks._tls import group_name, unreachable
from aman.scanners.pqc.observations import TLSObservation
from aman.scanners.pqc.tls_constants import group_info

CHECK = Check(
    id="pqc.tls.pq-preferred",
    domain="pqc",
    title="TLS server prefers a post-quantum group",
    severity=Severity.MEDIUM,
    rationale=(
        "Support alone protects only clients that insist on PQ. Offered every group with "
        "empty key shares, PQ listed first and then last, a server that selects a PQ group "
        "both times enforces it; one that follows the client's order protects clients that "
        "list PQ first (current browsers). A browser-like probe sending only an X25519 share "
        "shows whether such a client is asked to retry with PQ."
    ),
    remediation=(
        "Put the hybrid group first in the server's group preference and enable server "
        "preference for groups (OpenSSL: prefer-server-ciphers / ServerPreference)."
    ),
    references=(ECDHE_MLKEM, RFC8446),
    requirements=req("PQC-TLS-02"),
)


def _pq(code: int | None) -> bool:
    return code is not None and group_info(code).quantum_safe


def evaluate_tls(obs: TLSObservation, ctx: EvalContext) -> Outcome:
    down = unreachable(obs)
    if down is not None:
        return down
    pref = obs.scan.preference
    if pref is None:
        return errored("preference probes did not run")
    a, b = pref.pq_first.selected_group, pref.classical_first.selected_group
    browser = obs.scan.browser_like
    evidence = {
        "pq_first_selects": group_name(a),
        "classical_first_selects": group_name(b),
        "browser_like_selects": None if browser is None else group_name(browser.selected_group),
        "full_handshake_group": obs.handshake.group,
    }
    if not obs.scan.pq_groups:
        return failed("supports no post-quantum group, so it cannot prefer one", **evidence)
    if a is None and b is None:
        return errored("preference probes got no group selection", **evidence)
    if _pq(a) and _pq(b):
        return passed(f"selects {group_name(b)} even when a client lists PQ last", **evidence)
    if _pq(a):
        return warned(
            f"selects {group_name(a)} when the client lists PQ first, {group_name(b)} "
            "otherwise: follows the client's order",
            **evidence,
        )
    return failed(
        f"selects {group_name(a)} although it supports "
        + ", ".join(g.name for g in obs.scan.pq_groups),
        **evidence,
    )
