"""API shapes of the PQC scanner."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from aman.scanners.pqc.migration import MigrationItem
from aman.scanners.pqc.pipeline import EndpointStatus
from aman.scanners.pqc.service import Posture


class ScanRequest(BaseModel):
    """Start a network scan of an organisation: the body carries the scope document.

    ``scope`` has the scope file's keys (``targets``, optional ``name``, ``limits``,
    ``profiles``, ``risk``); the organisation is the one named here.
    """

    organisation_id: uuid.UUID
    scope: dict[str, Any] = Field(
        examples=[{"name": "external", "targets": [{"host": "127.0.0.1", "tls": [8443]}]}]
    )


class EndpointOut(BaseModel):
    target: str
    protocol: str
    pq_status: str
    reachable: bool
    pq_methods: list[str]
    preferred: str | None
    versions: list[str]
    readiness: float | None

    @classmethod
    def of(cls, e: EndpointStatus) -> EndpointOut:
        return cls(
            target=e.target,
            protocol=e.protocol,
            pq_status=e.pq_status,
            reachable=e.reachable,
            pq_methods=list(e.pq_methods),
            preferred=e.preferred,
            versions=list(e.versions),
            readiness=e.readiness,
        )


class MigrationItemOut(BaseModel):
    rank: int
    priority: float
    asset: str
    kind: str
    algorithm: str
    classical_bits: int | None
    ir8547_status: str
    deadline: date | None
    cnsa_category: str
    cnsa_exclusive_by: date
    hndl_exposed: bool
    exposure_years: float | None
    crqc_probability: float | None
    data_class: str | None
    action: str

    @classmethod
    def of(cls, m: MigrationItem) -> MigrationItemOut:
        return cls(
            rank=m.rank,
            priority=m.priority,
            asset=m.asset,
            kind=m.kind,
            algorithm=m.algorithm,
            classical_bits=m.classical_bits,
            ir8547_status=m.ir8547_status,
            deadline=m.deadline,
            cnsa_category=m.cnsa_category,
            cnsa_exclusive_by=m.cnsa_exclusive_by,
            hndl_exposed=m.hndl_exposed,
            exposure_years=m.exposure_years,
            crqc_probability=m.crqc_probability,
            data_class=m.data_class,
            action=m.action,
        )


class PostureOut(BaseModel):
    """Per-endpoint PQ status, readiness (0-100) and the risk-ranked migration list."""

    organisation_id: uuid.UUID
    readiness: float | None
    endpoints: list[EndpointOut]
    migration: list[MigrationItemOut]
    runs: list[uuid.UUID]
    risk: dict[str, Any]

    @classmethod
    def of(cls, p: Posture) -> PostureOut:
        return cls(
            organisation_id=p.organisation_id,
            readiness=p.readiness,
            endpoints=[EndpointOut.of(e) for e in p.endpoints],
            migration=[MigrationItemOut.of(m) for m in p.migration],
            runs=p.runs,
            risk=p.risk.as_dict(),
        )
