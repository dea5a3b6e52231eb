"""Helpers shared by the TLS checks."""

from __future__ import annotations

from aman.scanners.pqc.checks._base import Outcome, errored
from aman.scanners.pqc.observations import TLSObservation
from aman.scanners.pqc.tls_constants import group_info, version_name
from aman.scanners.pqc.tls_results import GroupResult, GroupSupport

HYBRID_GROUPS = frozenset({0x11EC, 0x11EB, 0x11ED})
TLS13 = 0x0304


def unreachable(obs: TLSObservation) -> Outcome | None:
    """An error outcome when the endpoint never spoke TLS, else None."""
    if obs.reachable:
        return None
    first = obs.scan.versions[0].probe if obs.scan.versions else None
    detail = "" if first is None else f"{first.outcome.value} {first.detail}".strip()
    return errored(f"no TLS answer from {obs.target}: {detail}", probe=detail)


def has_tls13(obs: TLSObservation) -> bool:
    return TLS13 in obs.scan.supported_versions


def group_name(code: int | None) -> str | None:
    return None if code is None else group_info(code).name


def verdicts(groups: tuple[GroupResult, ...], codes: frozenset[int]) -> dict[str, str]:
    """Group name -> "supported: <reason>" for the groups of interest."""
    return {g.group.name: f"{g.support.value}: {g.reason}" for g in groups if g.group.code in codes}


def supported(groups: tuple[GroupResult, ...]) -> list[str]:
    return [g.group.name for g in groups if g.support is GroupSupport.SUPPORTED]


def versions(obs: TLSObservation) -> list[str]:
    return [version_name(v) for v in obs.scan.supported_versions]
