"""A whole PQC scan, from targets to findings, inventory, CBOM, risk and readiness.

``scan_network`` (a scope of TLS/SSH endpoints), ``scan_files`` (certificates and keys on
disk) and ``scan_code`` (source trees) share one finish: evaluate every check, build the
inventory, write and validate the CBOM, judge the run as a whole, rank the migration list.
No database here: ``service.py`` stores what this returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from aman.evidence.model import Finding
from aman.scanners.pqc.cbom import cbom_json, reference_errors, validation_error
from aman.scanners.pqc.checks._base import EvalContext
from aman.scanners.pqc.code_scan import scan_source_tree
from aman.scanners.pqc.engine import (
    EngineOptions,
    Profile,
    Progress,
    observe_in_process,
    observe_on_cluster,
)
from aman.scanners.pqc.evaluate import evaluate, subjects_of
from aman.scanners.pqc.files import scan_key_material
from aman.scanners.pqc.inventory import Inventory, ProtocolRecord
from aman.scanners.pqc.inventory_build import InventoryBuilder
from aman.scanners.pqc.migration import (
    MigrationItem,
    migration_items,
    organisation_readiness,
    readiness_by_target,
)
from aman.scanners.pqc.observations import (
    CertificateSubject,
    KeySubject,
    Observation,
    RunSummary,
    Subject,
    TLSObservation,
)
from aman.scanners.pqc.risk import RiskProfile
from aman.scanners.pqc.scope import Endpoint, Scope
from aman.scanners.pqc.ssh_messages import KexKind, classify_kex

RunKind = Literal["network", "files", "code"]
# "schema": full CycloneDX 1.6 schema validation; "references": the fast integrity check.
CbomCheck = Literal["schema", "references"]
RUN_TARGETS = ("network-scope:", "files-scope:", "code-scope:")


@dataclass(frozen=True, slots=True)
class EndpointStatus:
    """Post-quantum status of one endpoint, as the CLI table and the API show it."""

    target: str
    protocol: str
    pq_status: str
    reachable: bool
    pq_methods: tuple[str, ...]
    preferred: str | None
    versions: tuple[str, ...]
    readiness: float | None
    groups: tuple[str, ...] = ()


@dataclass
class ScanResult:
    """Everything one scan produced."""

    kind: RunKind
    scope: str
    started_at: datetime
    finished_at: datetime
    findings: list[Finding]
    inventory: Inventory
    cbom: str
    cbom_error: str | None
    migration: list[MigrationItem]
    readiness: dict[str, float]
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def organisation_readiness(self) -> float | None:
        return organisation_readiness(
            {
                p.target: self.readiness[p.target]
                for p in self.inventory.protocols
                if p.target in self.readiness
            }
            or self.readiness
        )

    def endpoints(self) -> list[EndpointStatus]:
        return [endpoint_status(p, self.readiness.get(p.target)) for p in self.inventory.protocols]


def endpoint_status(proto: ProtocolRecord, readiness: float | None) -> EndpointStatus:
    """Classify an endpoint: PQ preferred / PQ supported / classical only / unreachable."""
    methods: tuple[str, ...] = ()
    preferred: str | None = None
    if not proto.reachable:
        status = "unreachable"
    elif proto.protocol == "tls":
        methods, preferred = proto.pq_groups, proto.preferred_group
        if not methods:
            status = "classical only"
        elif preferred in methods:
            status = "PQ preferred"
        else:
            status = "PQ supported"
    else:
        safe = (KexKind.HYBRID_PQ, KexKind.PURE_PQ)
        methods = tuple(k for k in proto.kex if classify_kex(k) in safe)
        preferred = proto.kex[0] if proto.kex else None
        if not methods:
            status = "classical only"
        elif preferred in methods:
            status = "PQ preferred"
        else:
            status = "PQ supported"
    return EndpointStatus(
        proto.target,
        proto.protocol,
        status,
        proto.reachable,
        methods,
        preferred,
        proto.versions,
        readiness,
        proto.groups if proto.protocol == "tls" else proto.kex,
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _finish(
    kind: RunKind,
    scope: str,
    started_at: datetime,
    subjects: Sequence[Subject],
    builder: InventoryBuilder,
    summary: RunSummary,
    ctx: EvalContext,
    cbom_check: CbomCheck = "schema",
) -> ScanResult:
    findings = evaluate(subjects, ctx)
    finished_at = _now()
    inventory = builder.build(finished_at)
    document = cbom_json(inventory)
    error = validation_error(document) if cbom_check == "schema" else reference_errors(document)
    summary = replace(
        summary, cbom_valid=error is None, cbom_error=error, cbom_validation=cbom_check
    )
    findings += evaluate([summary], ctx)
    return ScanResult(
        kind=kind,
        scope=scope,
        started_at=started_at,
        finished_at=finished_at,
        findings=findings,
        inventory=inventory,
        cbom=document,
        cbom_error=error,
        migration=migration_items(inventory, ctx.risk, ctx.on),
        readiness=readiness_by_target(
            [f for f in findings if not f.target.startswith(RUN_TARGETS)]
        ),
    )


def scan_network(
    scope: Scope,
    *,
    cluster: Any = None,
    progress: Progress | None = None,
    on: date | None = None,
    endpoints: Sequence[Endpoint] | None = None,
    inventory_handshake: bool = True,
    cbom_check: CbomCheck = "schema",
    profile: Profile = "full",
) -> ScanResult:
    """Probe every endpoint of ``scope`` (or the given subset of it) and finish the scan."""
    started = _now()
    chosen = list(scope.endpoints()) if endpoints is None else list(endpoints)
    options = EngineOptions(scope.config, inventory=inventory_handshake, profile=profile)
    observations: list[Observation]
    if cluster is None:
        observations = observe_in_process(scope, chosen, options, progress)
    else:
        observations = observe_on_cluster(scope, chosen, options, cluster, progress=progress)
    return finish_network(scope, observations, started, on, cbom_check)


def finish_network(
    scope: Scope,
    observations: Sequence[Observation],
    started: datetime,
    on: date | None = None,
    cbom_check: CbomCheck = "schema",
) -> ScanResult:
    """Findings, inventory and CBOM from observations already made."""
    builder = InventoryBuilder(scope.name)
    builder.observations(observations)
    summary = RunSummary(
        scope=scope.name,
        run_kind="network",
        observed_at=started,
        endpoints=len(observations),
        reachable=sum(1 for o in observations if o.reachable),
        tls=tuple(o for o in observations if isinstance(o, TLSObservation)),
    )
    ctx = EvalContext(on or started.date(), scope.profiles, scope.risk)
    subjects = subjects_of(observations)
    return _finish("network", scope.name, started, subjects, builder, summary, ctx, cbom_check)


def scan_files(
    root: Path,
    *,
    risk: RiskProfile | None = None,
    on: date | None = None,
    cbom_check: CbomCheck = "schema",
) -> ScanResult:
    """Certificates and keys under ``root``."""
    started = _now()
    found = scan_key_material(root, started)
    builder = InventoryBuilder(str(root))
    for subject in found.subjects:
        if isinstance(subject, CertificateSubject):
            builder.certificate_file(subject)
        elif isinstance(subject, KeySubject):
            builder.key_file(subject)
    builder.files_scanned = found.files_scanned
    builder.files_skipped = found.stats.skipped
    summary = RunSummary(
        scope=str(root), run_kind="files", observed_at=started, files_scanned=found.files_scanned
    )
    ctx = EvalContext(on or started.date(), frozenset(), risk or RiskProfile())
    result = _finish("files", str(root), started, found.subjects, builder, summary, ctx, cbom_check)
    result.problems = found.problems
    return result


def scan_code(
    root: Path,
    *,
    risk: RiskProfile | None = None,
    on: date | None = None,
    cbom_check: CbomCheck = "schema",
) -> ScanResult:
    """Cryptographic API use in the source files under ``root``."""
    started = _now()
    found = scan_source_tree(root, started)
    builder = InventoryBuilder(str(root))
    for use in found.uses:
        builder.code_use(use)
    builder.files_scanned = found.files_scanned
    builder.files_skipped = found.files_skipped + found.stats.skipped
    summary = RunSummary(
        scope=str(root),
        run_kind="code",
        observed_at=started,
        files_scanned=found.files_scanned,
        code_uses=len(found.uses),
    )
    ctx = EvalContext(on or started.date(), frozenset(), risk or RiskProfile())
    return _finish("code", str(root), started, found.uses, builder, summary, ctx, cbom_check)
