"""Findings become automated evidence on the organisation's open assessments.

After a scan run is stored, every assessment of the scanned organisation that is still being
filled in gets, for each requirement whose mapped checks gave a verdict, that verdict as an
answer with its provenance (checks, findings, tool, freshness). People keep the last word: an
answer overridden with a reason is left as it is, with the new evidence shown beside it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments.models import Assessment
from aman.assessments.packs import pack_tree
from aman.assessments.service import EDITABLE, rescore, set_automated_evidence
from aman.auth import audit
from aman.auth.permissions import Principal
from aman.evidence.model import RequirementEvidence
from aman.evidence.models import ScanRun
from aman.evidence.service import evidence_for_pack

VERDICTS = {"met", "not_met"}


def provenance(evidence: RequirementEvidence) -> dict[str, Any]:
    return {
        "checks": list(evidence.checks),
        "findings": [
            {"check": f.check_id, "status": f.status.value, "target": f.target, "tool": f.tool}
            for f in evidence.findings[:20]
        ],
        "observed_at": evidence.observed_at.isoformat() if evidence.observed_at else None,
        "newest_at": evidence.newest_at.isoformat() if evidence.newest_at else None,
    }


def apply_to_assessments(session: Session, principal: Principal, organisation_id: uuid.UUID) -> int:
    """Write automated verdicts into the organisation's open assessments; returns how many."""
    open_assessments = session.scalars(
        select(Assessment).where(
            Assessment.organisation_id == organisation_id, Assessment.status.in_(EDITABLE)
        )
    )
    written = 0
    for a in open_assessments:
        pack_row = pack_tree(session, a.pack_uuid)[2]
        verdicts = evidence_for_pack(session, organisation_id, pack_row)
        for ref_id, ev in verdicts.items():
            status = ev.status.value if hasattr(ev.status, "value") else str(ev.status)
            if (
                status in VERDICTS
                and set_automated_evidence(
                    session, principal, a.id, ref_id, status, provenance(ev), rescore_now=False
                )
                is not None
            ):
                written += 1
        rescore(session, a)
        audit.record(
            session,
            principal,
            "evidence.apply",
            "assessment",
            a.id,
            member_id=a.member_id,
            details={"verdicts": written},
        )
    return written


def apply_run(session: Session, run: ScanRun) -> int:
    """Apply a finished run, acting as the scanner on behalf of whoever started it (the run
    was authorised when it started)."""
    actor = Principal.local_operator(f"scan {run.id} ({run.started_by})")
    return apply_to_assessments(session, actor, run.organisation_id)
