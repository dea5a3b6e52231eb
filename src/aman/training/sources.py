"""Where training demand comes from: completed assessments and failed automated checks.

For every subject (an organisation, or a member state for national-capacity packs) and pack,
the latest submitted or accepted assessment counts. Its gaps (`assessments.gaps.gaps`) on
requirements that the pack links to competencies become gap sources; so do the failed
checks behind a requirement's automated evidence. Set-based: a fixed number of queries per
call, whatever the number of assessments, so a federation-wide run stays fast.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from aman.assessments.domain import AnswerValue, Scheme, Tree
from aman.assessments.gaps import Gap
from aman.assessments.models import Answer, Assessment
from aman.assessments.packs import pack_tree
from aman.db import pairs
from aman.evidence.model import EvidenceStatus, Status
from aman.evidence.models import FindingRow
from aman.evidence.service import evidence_for_pack
from aman.frameworks.models import PackVersion, RequirementRow
from aman.registry.models import Member, Organisation
from aman.training.recommend import SEVERITY_FACTOR, GapSource

COMPLETED = ("submitted", "accepted")
CHUNK = 500


@dataclass(frozen=True)
class Gathered:
    """Gap sources per member, and how much gap had no competency link (a data gap)."""

    by_member: dict[uuid.UUID, list[GapSource]]
    unlinked: dict[uuid.UUID, float]
    assessments: int


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def latest_assessments(
    session: Session,
    member_ids: Collection[uuid.UUID] | None = None,
    campaign_id: uuid.UUID | None = None,
) -> list[Assessment]:
    """The newest completed assessment per (subject, pack id)."""
    stmt = (
        select(Assessment, PackVersion.pack_id)
        .join(PackVersion, PackVersion.id == Assessment.pack_uuid)
        .where(Assessment.status.in_(COMPLETED))
    )
    if member_ids is not None:
        stmt = stmt.where(Assessment.member_id.in_(list(member_ids)))
    if campaign_id is not None:
        stmt = stmt.where(Assessment.campaign_id == campaign_id)
    newest: dict[tuple[Any, ...], tuple[datetime, Assessment]] = {}
    for a, pack_id in session.execute(stmt):
        when = a.accepted_at or a.submitted_at or a.updated_at
        key = (a.member_id, a.organisation_id, pack_id)
        if key not in newest or (when, str(a.id)) > (newest[key][0], str(newest[key][1].id)):
            newest[key] = (when, a)
    return sorted((a for _, a in newest.values()), key=lambda a: str(a.id))


def _answers(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, AnswerValue]]:
    """Answers of many assessments in a few queries. The id column is read raw (a hex string
    on SQLite, a UUID on PostgreSQL): building a UUID per answer row would dominate."""
    out: dict[uuid.UUID, dict[str, AnswerValue]] = {i: {} for i in ids}
    raw_ids: dict[Any, uuid.UUID] = {}
    for i in ids:
        raw_ids[i] = raw_ids[i.hex] = raw_ids[str(i)] = i
    raw = type_coerce(Answer.assessment_id, String)
    for chunk in _chunks(ids):
        rows = session.execute(
            select(raw, Answer.ref_id, Answer.result, Answer.na).where(
                Answer.assessment_id.in_(chunk), Answer.inferred_from.is_(None)
            )
        )
        for assessment_id, ref_id, result, na in rows:
            if result is not None or na:
                out[raw_ids[assessment_id]][ref_id] = AnswerValue(ref_id, result, na)
    return out


def _links(
    session: Session, pack_uuids: set[uuid.UUID]
) -> dict[uuid.UUID, dict[str, tuple[str, ...]]]:
    out: dict[uuid.UUID, dict[str, tuple[str, ...]]] = {p: {} for p in pack_uuids}
    rows = session.execute(
        select(RequirementRow.pack_uuid, RequirementRow.ref_id, RequirementRow.competencies).where(
            RequirementRow.pack_uuid.in_(list(pack_uuids))
        )
    )
    for pack_uuid, ref_id, competencies in rows:
        out[pack_uuid][ref_id] = tuple(competencies or ())
    return out


def _names(session: Session, assessments: list[Assessment]) -> dict[uuid.UUID, str]:
    org_ids = {a.organisation_id for a in assessments if a.organisation_id}
    member_ids = {a.member_id for a in assessments}
    names: dict[uuid.UUID, str] = {}
    for chunk in _chunks(sorted(org_ids)):
        names |= pairs(
            session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(chunk))
            )
        )
    for chunk in _chunks(sorted(member_ids)):
        names |= pairs(session.execute(select(Member.id, Member.name).where(Member.id.in_(chunk))))
    return names


def fast_gaps(
    tree: Tree,
    scheme: Scheme,
    answers: Mapping[str, AnswerValue],
    target: float | None = None,
    level: str | None = None,
) -> list[Gap]:
    """`assessments.gaps.gaps` for stored, valid answers, without exact-fraction arithmetic
    (it dominates a federation-wide run). Invalid results count as unanswered instead of
    raising. Tested equal to `gaps` on valid answers."""
    goal = float(scheme.default_target() if target is None else target)
    normal = _normaliser(scheme)
    rows = []
    for node in tree.assessable(level):
        answer = answers.get(node.ref_id)
        if answer is not None and answer.na:
            continue
        value = normal.get(answer.result.strip().lower()) if answer and answer.result else None
        current = 0.0 if value is None else value
        rows.append(
            Gap(
                node.ref_id,
                node.title,
                current,
                goal,
                node.weight,
                node.importance,
                max(0.0, goal - current) * node.weight * node.importance,
                value is None,
            )
        )
    rows.sort(key=lambda row: (-row.gap, row.ref_id))
    return rows


@lru_cache(maxsize=64)
def _normaliser(scheme: Scheme) -> dict[str, float]:
    return {r: scheme.normalise(r) for r in scheme.allowed_results()}


def _gap_sources(
    a: Assessment,
    answers: dict[str, AnswerValue],
    links: dict[str, tuple[str, ...]],
    entity: tuple[str, str, Any],
    pack_id: str,
    session: Session,
) -> tuple[list[GapSource], float]:
    tree, scheme, _ = pack_tree(session, a.pack_uuid)
    entity_id, name, kind = entity
    out, unlinked = [], 0.0
    for row in fast_gaps(tree, scheme, answers, a.target, a.level):
        if row.gap <= 0:
            continue
        competencies = links.get(row.ref_id, ())
        if not competencies:
            unlinked += row.gap
            continue
        out.append(
            GapSource(
                entity_id,
                name,
                kind,
                pack_id,
                row.ref_id,
                row.title,
                "gap",
                row.gap,
                row.current,
                row.target,
                competencies,
            )
        )
    return out, unlinked


def _check_sources(
    session: Session,
    a: Assessment,
    pack_row: PackVersion,
    links: dict[str, tuple[str, ...]],
    entity: tuple[str, str, Any],
) -> list[GapSource]:
    """Failed checks behind the organisation's automated evidence for this pack."""
    assert a.organisation_id is not None
    tree, _, _ = pack_tree(session, a.pack_uuid)
    entity_id, name, kind = entity
    out = []
    verdicts = evidence_for_pack(session, a.organisation_id, pack_row)
    for ref_id, verdict in sorted(verdicts.items()):
        competencies = links.get(ref_id, ())
        if verdict.status is not EvidenceStatus.NOT_MET or not competencies:
            continue
        node = tree.by_ref[ref_id]
        worst: dict[str, str] = {}
        for f in verdict.findings:
            if f.status is Status.FAIL:
                seen = worst.get(f.check_id)
                if seen is None or SEVERITY_FACTOR[f.severity.value] > SEVERITY_FACTOR[seen]:
                    worst[f.check_id] = f.severity.value
        for check_id, severity in sorted(worst.items()):
            amount = SEVERITY_FACTOR[severity] * node.weight * node.importance
            if amount > 0:
                out.append(
                    GapSource(
                        entity_id,
                        name,
                        kind,
                        pack_row.pack_id,
                        ref_id,
                        node.title,
                        "check",
                        amount,
                        0.0,
                        1.0,
                        competencies,
                        check_id,
                        severity,
                    )
                )
    return out


def gather(
    session: Session,
    member_ids: Collection[uuid.UUID] | None = None,
    campaign_id: uuid.UUID | None = None,
) -> Gathered:
    """Gap sources of the given members (all members when None). No permission check:
    callers authorise first."""
    chosen = latest_assessments(session, member_ids, campaign_id)
    answers = _answers(session, [a.id for a in chosen])
    links = _links(session, {a.pack_uuid for a in chosen})
    names = _names(session, chosen)
    packs = {
        p.id: p
        for p in session.scalars(
            select(PackVersion).where(PackVersion.id.in_({a.pack_uuid for a in chosen}))
        )
    }
    checked_packs = {p for p, refs in _checks_of(session, set(packs)).items() if refs}
    with_findings = _organisations_with_findings(
        session, {a.organisation_id for a in chosen if a.organisation_id}
    )
    by_member: dict[uuid.UUID, list[GapSource]] = {}
    unlinked: dict[uuid.UUID, float] = {}
    for a in chosen:
        subject = a.organisation_id or a.member_id
        entity = (
            str(subject),
            names.get(subject, str(subject)),
            "organisation" if a.organisation_id else "member",
        )
        pack = packs[a.pack_uuid]
        rows, lost = _gap_sources(
            a, answers[a.id], links[a.pack_uuid], entity, pack.pack_id, session
        )
        if a.organisation_id in with_findings and a.pack_uuid in checked_packs:
            rows += _check_sources(session, a, pack, links[a.pack_uuid], entity)
        by_member.setdefault(a.member_id, []).extend(rows)
        unlinked[a.member_id] = unlinked.get(a.member_id, 0.0) + lost
    return Gathered(by_member, unlinked, len(chosen))


def _checks_of(session: Session, pack_uuids: set[uuid.UUID]) -> dict[uuid.UUID, bool]:
    out = dict.fromkeys(pack_uuids, False)
    rows = session.execute(
        select(RequirementRow.pack_uuid, RequirementRow.checks).where(
            RequirementRow.pack_uuid.in_(list(pack_uuids))
        )
    )
    for pack_uuid, checks in rows:
        if checks:
            out[pack_uuid] = True
    return out


def _organisations_with_findings(
    session: Session, org_ids: set[uuid.UUID | None]
) -> set[uuid.UUID]:
    wanted = sorted(o for o in org_ids if o is not None)
    found: set[uuid.UUID] = set()
    for chunk in _chunks(wanted):
        found |= set(
            session.scalars(
                select(FindingRow.organisation_id)
                .where(
                    FindingRow.organisation_id.in_(chunk), FindingRow.status == Status.FAIL.value
                )
                .distinct()
            )
        )
    return found
