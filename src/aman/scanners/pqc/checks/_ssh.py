"""Helpers shared by the SSH checks."""

from __future__ import annotations

from aman.scanners.pqc.checks._base import Outcome, errored, failed
from aman.scanners.pqc.observations import SSHObservation
from aman.scanners.pqc.ssh_messages import KexInit, KexKind, classify_kex
from aman.scanners.pqc.ssh_probe import SSHOutcome


def kexinit_or_outcome(obs: SSHObservation) -> KexInit | Outcome:
    """The server's KEXINIT, or the outcome to report when there is none."""
    probe = obs.probe
    if probe.outcome is SSHOutcome.NOT_SSH2:
        banner = probe.banner.raw if probe.banner else "?"
        return failed(f"SSH protocol 1 only ({banner})", banner=banner)
    if probe.kexinit is None:
        return errored(f"no KEXINIT: {probe.outcome.value} {probe.detail}".strip())
    return probe.kexinit


def real_kex(kexinit: KexInit) -> list[str]:
    """Key-exchange methods without the pseudo-algorithms (ext-info-*, kex-strict-*)."""
    return [k for k in kexinit.kex_algorithms if classify_kex(k) is not KexKind.PSEUDO]


def software(obs: SSHObservation) -> str | None:
    banner = obs.probe.banner
    return None if banner is None else banner.software_version
