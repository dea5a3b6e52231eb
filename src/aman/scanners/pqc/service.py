"""PQC scans in the database: authorise, store runs with their inventory, read posture.

Permission is checked before any packet is sent: a scan for an organisation needs
``scans.run`` on it. Findings go through the evidence slice; the inventory (which the CBOM
and the migration list are computed from) is kept as an artefact of the run.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aman import __version__
from aman.auth.permissions import Principal
from aman.db import transaction, utcnow
from aman.errors import FieldError, InvalidInput
from aman.evidence import service as evidence
from aman.evidence.models import ScanArtifact, ScanRun
from aman.registry.models import Organisation
from aman.scanners.pqc.cbom import cbom_json
from aman.scanners.pqc.evaluate import TOOL
from aman.scanners.pqc.inventory import Inventory
from aman.scanners.pqc.inventory_build import merge_inventories
from aman.scanners.pqc.migration import (
    MigrationItem,
    migration_items,
    organisation_readiness,
    readiness_by_target,
)
from aman.scanners.pqc.pipeline import EndpointStatus, ScanResult, endpoint_status, scan_network
from aman.scanners.pqc.risk import RiskProfile
from aman.scanners.pqc.scope import Scope

DOMAIN = "pqc"
INVENTORY = "pqc-inventory"
MEDIA_JSON = "application/json"
CBOM_MEDIA_TYPE = "application/vnd.cyclonedx+json; version=1.6"


def options_of(scope: Scope, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The options a run records: limits, profiles and the risk assumptions used."""
    c = scope.config
    return {
        "limits": {
            "timeout": c.timeout,
            "retries": c.retries,
            "concurrency": c.max_concurrency,
            "per_host": c.per_host,
            "rate": c.rate,
        },
        "profiles": sorted(scope.profiles),
        "risk": scope.risk.as_dict(),
        **(extra or {}),
    }


def scope_document(scope: Scope) -> dict[str, Any]:
    """The scope as stored with the run (JSON-safe)."""
    return orjson.loads(orjson.dumps(scope.source, default=str))  # type: ignore[no-any-return]


def authorise_scan(session: Session, principal: Principal, organisation: str) -> Organisation:
    """The organisation (id or exact name) after checking ``scans.run`` on it."""
    org = evidence.resolve_organisation(session, organisation)
    return evidence.organisation_for_scan(session, principal, org.id)


def store_result(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    result: ScanResult,
    *,
    scope: dict[str, Any],
    options: dict[str, Any],
) -> ScanRun:
    """Store a finished scan: its findings set-based, its inventory as an artefact."""
    return evidence.record_run(
        session,
        principal,
        organisation_id,
        result.findings,
        domain=DOMAIN,
        kind=result.kind,
        scope=scope,
        options=options,
        tool=TOOL,
        tool_version=__version__,
        started_at=result.started_at,
        finished_at=result.finished_at,
        artifacts=[inventory_artifact(result.inventory)],
    )


def inventory_artifact(inventory: Inventory) -> evidence.Artifact:
    return evidence.Artifact(INVENTORY, MEDIA_JSON, inventory.model_dump_json().encode())


def start_scan(
    session: Session, principal: Principal, organisation_id: uuid.UUID, scope: Scope
) -> ScanRun:
    """Record a network scan as running (the API finishes it in the background)."""
    return evidence.start_run(
        session,
        principal,
        organisation_id,
        domain=DOMAIN,
        kind="network",
        scope=scope_document(scope),
        options=options_of(scope),
        tool=TOOL,
        tool_version=__version__,
    )


def finish_scan(factory: sessionmaker[Session], run_id: uuid.UUID, scope: Scope) -> None:
    """Probe the scope and complete the run; any failure marks the run failed, with why."""
    try:
        result = scan_network(scope)
    except Exception as exc:  # the run must never stay "running"
        with transaction(factory) as session:
            run = session.get(ScanRun, run_id)
            if run is not None:
                evidence.fail_run(session, run, f"{type(exc).__name__}: {exc}")
        return
    with transaction(factory) as session:
        run = session.get(ScanRun, run_id)
        if run is not None:
            evidence.complete_run(
                session,
                run,
                result.findings,
                [inventory_artifact(result.inventory)],
                result.finished_at,
            )


# --- reading --------------------------------------------------------------------------------


def _pqc_run(session: Session, principal: Principal, run_id: uuid.UUID) -> ScanRun:
    run = evidence.get_run(session, principal, run_id)
    if run.domain != DOMAIN:
        raise InvalidInput(f"run {run_id} is not a PQC scan", [FieldError("run_id", "not pqc")])
    return run


def _inventory(session: Session, run: ScanRun) -> Inventory:
    artifact = evidence.get_artifact(session, run, INVENTORY)
    return Inventory.model_validate_json(artifact.content)


def run_inventory(session: Session, principal: Principal, run_id: uuid.UUID) -> Inventory:
    return _inventory(session, _pqc_run(session, principal, run_id))


def run_cbom(session: Session, principal: Principal, run_id: uuid.UUID) -> str:
    """The run's CBOM (CycloneDX 1.6 JSON), rebuilt from its stored inventory."""
    return cbom_json(run_inventory(session, principal, run_id))


@dataclass(frozen=True)
class Posture:
    """PQ status of endpoints, readiness and the ranked migration list."""

    organisation_id: uuid.UUID
    endpoints: list[EndpointStatus]
    readiness: float | None
    migration: list[MigrationItem]
    runs: list[uuid.UUID]
    risk: RiskProfile


def _risk_of(run: ScanRun) -> RiskProfile:
    raw = (run.options or {}).get("risk") or {}
    return RiskProfile.from_mapping(raw)


def _posture(
    org_id: uuid.UUID,
    runs: Sequence[ScanRun],
    inventories: Sequence[Inventory],
    findings_readiness: dict[str, float],
    on: date,
) -> Posture:
    merged = merge_inventories(inventories)
    network = [r for r in runs if r.kind == "network"]
    risk = _risk_of(network[-1]) if network else RiskProfile()
    endpoints = [endpoint_status(p, findings_readiness.get(p.target)) for p in merged.protocols]
    scores = {e.target: e.readiness for e in endpoints if e.readiness is not None}
    return Posture(
        organisation_id=org_id,
        endpoints=endpoints,
        readiness=organisation_readiness(scores),
        migration=migration_items(merged, risk, on),
        runs=[r.id for r in runs],
        risk=risk,
    )


def run_posture(session: Session, principal: Principal, run_id: uuid.UUID) -> Posture:
    """Posture as one run saw it."""
    run = _pqc_run(session, principal, run_id)
    findings = evidence.run_findings(session, run)
    readiness = readiness_by_target(findings)
    on = (run.finished_at or utcnow()).date()
    return _posture(run.organisation_id, [run], [_inventory(session, run)], readiness, on)


def organisation_posture(
    session: Session, principal: Principal, organisation_id: uuid.UUID
) -> Posture:
    """Posture of an organisation from its latest completed PQC run per scope and kind."""
    org = evidence.organisation_for_reading(session, principal, organisation_id)
    runs = list(
        session.scalars(
            select(ScanRun)
            .where(
                ScanRun.organisation_id == org.id,
                ScanRun.domain == DOMAIN,
                ScanRun.status == "completed",
            )
            .order_by(ScanRun.started_at)
        )
    )
    latest: dict[tuple[str, str], ScanRun] = {}
    for run in runs:
        latest[(run.kind, str((run.scope or {}).get("name", run.scope)))] = run
    chosen = sorted(latest.values(), key=lambda r: r.started_at)
    have = {
        a.run_id
        for a in session.scalars(
            select(ScanArtifact).where(
                ScanArtifact.run_id.in_([r.id for r in chosen]), ScanArtifact.kind == INVENTORY
            )
        )
    }
    chosen = [r for r in chosen if r.id in have]
    inventories = [_inventory(session, r) for r in chosen]
    latest_findings = evidence.latest_findings(session, org.id)
    readiness = readiness_by_target([f for f in latest_findings if f.tool == TOOL])
    return _posture(org.id, chosen, inventories, readiness, utcnow().date())
