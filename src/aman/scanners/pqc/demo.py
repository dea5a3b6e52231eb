"""Demo PQC evidence: scans of loopback lab servers stored for two demo organisations.

A fresh install has no servers to scan, so the demo starts short-lived servers on
127.0.0.1 that look like a telecom operator's and a central bank's estates, scans them
through the normal pipeline (scope, guard, checks, CBOM, risk), stores the runs and shuts
the servers down. Idempotent: an organisation that already has a demo run is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.evidence.models import ScanRun
from aman.registry.models import Member, Organisation
from aman.scanners.pqc import lab, service
from aman.scanners.pqc.pipeline import scan_network
from aman.scanners.pqc.scope import parse_scope
from aman.settings import Settings

DEMO_COUNTRY = "MY"
DEMO_COUNTRY_NAME = "Malaysia"


@dataclass(frozen=True)
class DemoEstate:
    """One organisation's demo servers and its risk assumptions."""

    sector: str
    names: tuple[str, ...]
    scope_name: str
    tls: tuple[str, ...]
    ssh: tuple[tuple[str, ...], ...]
    risk: dict[str, Any]
    profiles: tuple[str, ...] = ()


ESTATES = (
    DemoEstate(
        sector="telecom",
        names=(f"{DEMO_COUNTRY_NAME} Mobile Telecom", f"{DEMO_COUNTRY_NAME} Fibre Networks"),
        scope_name="demo-telecom-edge",
        tls=("hybrid", "classical_rsa", "tls12_only", "openssl_default"),
        ssh=(
            ("mlkem768x25519-sha256", "curve25519-sha256", "ext-info-s"),
            ("curve25519-sha256", "diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"),
        ),
        risk={"years_to_crqc": 10, "migration_years": 4, "data_classes": {"subscriber-data": 7}},
    ),
    DemoEstate(
        sector="finance",
        names=(f"Central Bank of {DEMO_COUNTRY_NAME}", f"{DEMO_COUNTRY_NAME} National Bank"),
        scope_name="demo-payments",
        tls=("pq_only", "p384_mlkem1024", "classical_ecdsa"),
        ssh=(("sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "ecdh-sha2-nistp256"),),
        risk={
            "years_to_crqc": 10,
            "migration_years": 5,
            "data_classes": {"payment-records": 25, "session-tokens": 1},
        },
        profiles=("cnsa2",),
    ),
)


def _organisation(session: Session, estate: DemoEstate) -> Organisation | None:
    member = session.scalar(select(Member).where(Member.country_code == DEMO_COUNTRY))
    if member is None:
        return None
    return session.scalar(
        select(Organisation).where(
            Organisation.member_id == member.id, Organisation.name.in_(estate.names)
        )
    )


def _already_scanned(session: Session, org: Organisation, scope_name: str) -> bool:
    runs = session.scalars(select(ScanRun).where(ScanRun.organisation_id == org.id))
    return any((r.scope or {}).get("name") == scope_name for r in runs)


def _scan_estate(
    session: Session, principal: Principal, org: Organisation, estate: DemoEstate
) -> ScanRun:
    credentials: dict[str, lab.Credentials] = {}
    with lab.lab() as servers:
        tls_ports = [
            servers.serve(lab.tls_handler(lab.profile_context(p, credentials))) for p in estate.tls
        ]
        ssh_ports = [servers.serve(lab.ssh_handler(kex)) for kex in estate.ssh]
        scope = parse_scope(
            {
                "name": estate.scope_name,
                "organisation": str(org.id),
                "profiles": list(estate.profiles),
                "risk": estate.risk,
                "limits": {"timeout": 3, "retries": 0},
                "targets": [
                    {
                        "host": lab.HOST,
                        "tls": tls_ports,
                        "data_class": next(iter(estate.risk["data_classes"])),
                    },
                    {"host": lab.HOST, "ssh": ssh_ports},
                ],
            }
        )
        result = scan_network(scope)
    return service.store_result(
        session,
        principal,
        org.id,
        result,
        scope=service.scope_document(scope),
        options=service.options_of(scope, {"demo": True}),
    )


def load_scan_demo(session: Session, settings: Settings) -> list[ScanRun]:
    """Scan the lab estates of the two demo organisations and store the runs."""
    del settings  # the lab needs no configuration; kept for the demo loader's signature
    principal = Principal.local_operator("demo")
    runs = []
    for estate in ESTATES:
        org = _organisation(session, estate)
        if org is None or _already_scanned(session, org, estate.scope_name):
            continue
        runs.append(_scan_estate(session, principal, org, estate))
    return runs
