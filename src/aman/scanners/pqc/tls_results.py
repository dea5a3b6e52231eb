"""Typed TLS probe results and the pure rules that interpret them.

The network layer records *what the server did* (:class:`ProbeResult`); the functions
here decide *what it means* (group supported, version offered, large-hello intolerance),
so the rules are unit-tested without sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aman.scanners.pqc.tls_constants import (
    PROBE_GROUPS,
    GroupKind,
    NamedGroup,
    group_info,
    version_name,
)
from aman.scanners.pqc.tls_messages import Alert, ServerHello, parse_server_hello
from aman.scanners.pqc.tls_records import Event, HandshakeMessage, OpaqueRecord
from aman.scanners.pqc.tls_wire import ParseError

# Alerts by which a server declines what was offered rather than failing for another reason.
REJECTING_ALERTS = frozenset({40, 47, 70, 71})


class ProbeOutcome(StrEnum):
    """What one probe connection produced, before any interpretation."""

    SUPPORTED = "supported"  # a ServerHello: the server accepted the offer
    HRR = "hrr"  # a HelloRetryRequest naming the group it wants
    REJECTED = "rejected"  # handshake_failure / illegal_parameter / protocol_version / ...
    ALERT = "alert"  # any other alert
    TIMEOUT = "timeout"
    RESET = "reset"
    GARBAGE = "garbage"  # bytes that are not a TLS server flight
    CLOSED = "closed"  # orderly close before any answer
    OVERSIZED_RECORD = "oversized_record"
    CONNECT_FAILED = "connect_failed"
    STARTTLS_FAILED = "starttls_failed"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """The server's first answer to one ClientHello, plus how it was obtained."""

    outcome: ProbeOutcome
    server_hello: ServerHello | None = None
    alert: Alert | None = None
    detail: str = ""
    attempts: int = 1
    elapsed: float = 0.0

    @property
    def answered(self) -> bool:
        """True when the server spoke TLS back (hello, retry request or alert)."""
        return self.outcome in (
            ProbeOutcome.SUPPORTED,
            ProbeOutcome.HRR,
            ProbeOutcome.REJECTED,
            ProbeOutcome.ALERT,
        )

    @property
    def selected_group(self) -> int | None:
        """Group named by the ServerHello's or HRR's key_share."""
        return None if self.server_hello is None else self.server_hello.key_share_group

    @property
    def selected_version(self) -> int | None:
        """Negotiated protocol version (supported_versions, else legacy_version)."""
        return None if self.server_hello is None else self.server_hello.selected_version


def interpret_first_event(event: Event) -> tuple[ProbeOutcome, ServerHello | None, Alert | None]:
    """Classify the first thing a server sent back to a ClientHello."""
    if isinstance(event, Alert):
        kind = (
            ProbeOutcome.REJECTED if event.description in REJECTING_ALERTS else ProbeOutcome.ALERT
        )
        return kind, None, event
    if isinstance(event, OpaqueRecord):
        raise ParseError(f"record type {event.content_type} before any ServerHello")
    if not isinstance(event, HandshakeMessage) or event.msg_type != 2:
        raise ParseError(f"handshake message type {event.msg_type} before any ServerHello")
    hello = parse_server_hello(event.body)
    return (ProbeOutcome.HRR if hello.is_hrr else ProbeOutcome.SUPPORTED), hello, None


# --- groups --------------------------------------------------------------------------------


class GroupSupport(StrEnum):
    """Verdict on one TLS 1.3 group."""

    SUPPORTED = "supported"
    NOT_SUPPORTED = "not_supported"
    NO_TLS13 = "no_tls13"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True)
class GroupResult:
    """Whether a server accepts one group in TLS 1.3, with the evidence."""

    group: NamedGroup
    support: GroupSupport
    reason: str
    probe: ProbeResult


def classify_group_probe(group: int, result: ProbeResult) -> GroupResult:
    """Interpret a probe that offered only ``group`` with an empty key_share.

    HRR (or a ServerHello) naming the group means supported; a rejecting alert means not;
    a protocol_version alert or a pre-1.3 ServerHello means the server has no TLS 1.3.
    """
    info = group_info(group)
    hello, out = result.server_hello, result.outcome
    if out in (ProbeOutcome.HRR, ProbeOutcome.SUPPORTED) and hello is not None:
        if hello.selected_version < 0x0304:
            reason = f"server negotiated {version_name(hello.selected_version)}"
            return GroupResult(info, GroupSupport.NO_TLS13, reason, result)
        if hello.key_share_group == group:
            return GroupResult(info, GroupSupport.SUPPORTED, f"{out.value} selected it", result)
        reason = f"{out.value} named group 0x{hello.key_share_group or 0:04x} that was not offered"
        return GroupResult(info, GroupSupport.INCONCLUSIVE, reason, result)
    if out is ProbeOutcome.REJECTED and result.alert is not None:
        if result.alert.description == 70:
            return GroupResult(info, GroupSupport.NO_TLS13, "alert protocol_version", result)
        return GroupResult(info, GroupSupport.NOT_SUPPORTED, f"alert {result.alert.name}", result)
    return GroupResult(
        info, GroupSupport.INCONCLUSIVE, f"probe {out.value} {result.detail}", result
    )


# --- versions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionResult:
    """Whether a server accepts one protocol version; None when the probe was inconclusive."""

    version: int
    supported: bool | None
    reason: str
    probe: ProbeResult

    @property
    def name(self) -> str:
        """E.g. ``TLSv1.3``."""
        return version_name(self.version)


def classify_version_probe(version: int, result: ProbeResult) -> VersionResult:
    """Interpret a probe that offered only ``version``."""
    hello = result.server_hello
    if hello is not None:
        got = hello.selected_version
        if got == version:
            return VersionResult(version, True, f"{result.outcome.value} for it", result)
        return VersionResult(version, False, f"server answered {version_name(got)}", result)
    if result.outcome in (ProbeOutcome.REJECTED, ProbeOutcome.ALERT) and result.alert:
        return VersionResult(version, False, f"alert {result.alert.name}", result)
    if result.outcome in (ProbeOutcome.RESET, ProbeOutcome.CLOSED) and version < 0x0303:
        # Servers without legacy versions commonly just drop the connection.
        return VersionResult(version, False, f"connection {result.outcome.value}", result)
    return VersionResult(version, None, f"probe {result.outcome.value}", result)


def reconcile_tls13(
    versions: tuple[VersionResult, ...], groups: tuple[GroupResult, ...]
) -> tuple[VersionResult, ...]:
    """Let a group probe's TLS 1.3 answer overrule a failed TLS 1.3 version probe.

    The version probe needs a group in common with the server; a server that only speaks,
    say, SecP384r1MLKEM1024 refuses it yet answers that group's probe with an HRR.
    """
    witness = next((g for g in groups if g.support is GroupSupport.SUPPORTED), None)
    if witness is None:
        return versions
    return tuple(
        VersionResult(v.version, True, f"group probe {witness.group.name} answered", v.probe)
        if v.version == 0x0304 and not v.supported
        else v
        for v in versions
    )


# --- preference, browser view, large hello ---------------------------------------------------


class PreferenceBasis(StrEnum):
    """Whose order decided the group when the client offered many without shares."""

    SERVER = "server"
    CLIENT = "client"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PreferenceResult:
    """The group a server picks when offered everything, with PQ listed first and last."""

    pq_first: ProbeResult
    classical_first: ProbeResult

    @property
    def preferred_group(self) -> int | None:
        """The group chosen for a PQ-first client (what modern browsers send)."""
        return self.pq_first.selected_group

    @property
    def basis(self) -> PreferenceBasis:
        """SERVER when both orders give the same group, CLIENT when the choice follows order."""
        a, b = self.pq_first.selected_group, self.classical_first.selected_group
        if a is None or b is None:
            return PreferenceBasis.UNKNOWN
        return PreferenceBasis.SERVER if a == b else PreferenceBasis.CLIENT


def ordered_for_preference(pq_first: bool) -> tuple[int, ...]:
    """All probe groups with PQ/hybrid groups first or last, keeping the table order."""
    pq = tuple(g for g in PROBE_GROUPS if group_info(g).quantum_safe)
    rest = tuple(g for g in PROBE_GROUPS if not group_info(g).quantum_safe)
    return pq + rest if pq_first else rest + pq


class LargeHelloStatus(StrEnum):
    """Outcome of sending a ClientHello with a full-size hybrid key share."""

    TOLERANT = "tolerant"
    INTOLERANT = "intolerant"  # dropped the large hello although a small one was answered
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True)
class LargeHelloResult:
    """Large-ClientHello tolerance, kept apart from "no PQ" (a reset is not a refusal)."""

    status: LargeHelloStatus
    pq_negotiated: bool
    probe: ProbeResult
    control: ProbeResult | None


def classify_large_hello(
    group: int, probe: ProbeResult, control: ProbeResult | None
) -> LargeHelloResult:
    """Interpret the real-share probe against a small control probe to the same server."""
    if probe.answered:
        pq = (
            probe.outcome is ProbeOutcome.SUPPORTED
            and probe.selected_group == group
            and probe.server_hello is not None
            and probe.server_hello.key_share_len > 0
        )
        return LargeHelloResult(LargeHelloStatus.TOLERANT, pq, probe, control)
    dropped = probe.outcome in (
        ProbeOutcome.RESET,
        ProbeOutcome.TIMEOUT,
        ProbeOutcome.CLOSED,
    )
    if dropped and control is not None and control.answered:
        return LargeHelloResult(LargeHelloStatus.INTOLERANT, False, probe, control)
    return LargeHelloResult(LargeHelloStatus.INCONCLUSIVE, False, probe, control)


@dataclass(frozen=True, slots=True)
class TLSScanResult:
    """Everything the raw TLS probes learned about one endpoint."""

    host: str
    port: int
    server_name: str | None
    versions: tuple[VersionResult, ...]
    groups: tuple[GroupResult, ...]
    preference: PreferenceResult | None
    browser_like: ProbeResult | None
    large_hello: LargeHelloResult | None

    @property
    def supported_versions(self) -> tuple[int, ...]:
        """Versions confirmed supported."""
        return tuple(v.version for v in self.versions if v.supported)

    @property
    def supported_groups(self) -> tuple[NamedGroup, ...]:
        """Groups confirmed supported in TLS 1.3."""
        return tuple(g.group for g in self.groups if g.support is GroupSupport.SUPPORTED)

    @property
    def pq_groups(self) -> tuple[NamedGroup, ...]:
        """Supported groups that protect against harvest-now-decrypt-later."""
        return tuple(g for g in self.supported_groups if g.quantum_safe)

    @property
    def obsolete_pq_groups(self) -> tuple[NamedGroup, ...]:
        """Supported pre-standard Kyber drafts, which should be retired."""
        return tuple(g for g in self.supported_groups if g.kind is GroupKind.OBSOLETE_DRAFT)
