"""Training catalogue, recommendations and programmes.

The shipped catalogue (modules, tracks, knowledge checks) is synchronised into the database
on first use and whenever the shipped data changes; modules the federation edited locally
are left alone. Recommendations are computed on the fly from the latest completed
assessments; a *programme* is a recommendation stored for a member state, explained, with
its parameters, and versioned: regenerating on unchanged data returns the same programme.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Mapping
from typing import Any, cast

import orjson
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import ASSESSMENTS_READ, TRAINING_MANAGE, TRAINING_READ
from aman.errors import FieldError, InvalidInput, NotFound
from aman.registry.models import Member
from aman.training import catalogue as data
from aman.training.access import community, member_filter, member_node, readable_or_missing, require
from aman.training.catalogue import Level
from aman.training.models import (
    Enrolment,
    ModuleResult,
    Participant,
    ProgrammeModule,
    TrainingModule,
    TrainingProgramme,
    TrainingQuestion,
)
from aman.training.programme import CompetencyInfo, ModuleInfo, Plan, build_plan
from aman.training.recommend import (
    ModuleSpec,
    SelectOptions,
    competency_demand,
    elements_of,
    select_modules,
)
from aman.training.schemas import ModulePatch, RecommendIn
from aman.training.sources import gather

# --- catalogue ----------------------------------------------------------------------------


def _module_row(m: data.Module, check: data.KnowledgeCheck | None, sha: str) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind,
        "level": m.level,
        "hours": m.hours,
        "title": m.title,
        "description": m.description,
        "languages": list(m.languages),
        "prerequisites": list(m.prerequisites),
        "competencies": list(m.competencies),
        "work_roles": list(m.work_roles),
        "delivery": m.delivery.model_dump(exclude_none=True),
        "translations": {k: v.model_dump(exclude_none=True) for k, v in m.translations.items()},
        "pass_mark": check.pass_mark if check else None,
        "max_attempts": check.max_attempts if check else None,
        "active": True,
        "origin": "shipped",
        "source_sha": sha,
    }


def ensure_catalogue(session: Session) -> int:
    """Load the shipped catalogue if the database lacks it or holds an older one; returns
    how many modules were written. Locally edited modules are kept."""
    cat = data.shipped()
    current = session.scalar(
        select(func.count()).where(
            TrainingModule.origin == "shipped", TrainingModule.source_sha == cat.sha256
        )
    )
    local = set(session.scalars(select(TrainingModule.id).where(TrainingModule.origin == "local")))
    wanted = [m for m in cat.module_file.modules if m.id not in local]
    if current == len(wanted) and _tracks_loaded(session, cat):
        return 0
    checks = cat.checks
    existing = {m.id: m for m in session.scalars(select(TrainingModule))}
    for m in wanted:
        row = _module_row(m, checks.get(m.id), cat.sha256)
        if m.id in existing:
            for key, value in row.items():
                setattr(existing[m.id], key, value)
        else:
            session.add(TrainingModule(**row))
    session.flush()
    _sync_questions(session, cat, {m.id for m in wanted})
    _sync_tracks(session, cat)
    return len(wanted)


def _tracks_loaded(session: Session, cat: data.Catalogue) -> bool:
    slugs = set(
        session.scalars(select(TrainingProgramme.slug).where(TrainingProgramme.kind == "track"))
    )
    return {t.id for t in cat.module_file.tracks} <= slugs


def _sync_questions(session: Session, cat: data.Catalogue, module_ids: set[str]) -> None:
    session.execute(delete(TrainingQuestion).where(TrainingQuestion.module_id.in_(module_ids)))
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "module_id": check.module,
            "key": q.key,
            "position": i,
            "kind": q.kind,
            "text": q.text,
            "points": q.points,
            "choices": [c.model_dump() for c in q.choices],
            "translations": {},
        }
        for check in cat.question_file.checks
        if check.module in module_ids
        for i, q in enumerate(check.questions)
    ]
    if rows:
        session.execute(insert(TrainingQuestion), rows)


def _sync_tracks(session: Session, cat: data.Catalogue) -> None:
    existing = {
        p.slug: p
        for p in session.scalars(select(TrainingProgramme).where(TrainingProgramme.kind == "track"))
    }
    modules = cat.modules
    for track in cat.module_file.tracks:
        row = existing.get(track.id)
        if row is None:
            row = TrainingProgramme(
                kind="track", slug=track.id, status="approved", title=track.title
            )
            session.add(row)
        row.title, row.description = track.title, track.description
        row.translations = {
            k: v.model_dump(exclude_none=True) for k, v in track.translations.items()
        }
        row.total_hours = sum(modules[m].hours for m in track.modules)
        session.flush()
        session.execute(delete(ProgrammeModule).where(ProgrammeModule.programme_id == row.id))
        session.execute(
            insert(ProgrammeModule),
            [
                {
                    "programme_id": row.id,
                    "position": i,
                    "module_id": m,
                    "target_roles": list(modules[m].work_roles),
                }
                for i, m in enumerate(track.modules, start=1)
            ],
        )


def list_modules(
    session: Session,
    principal: Principal,
    *,
    kind: str | None = None,
    level: str | None = None,
    language: str | None = None,
    competency: str | None = None,
    domain: str | None = None,
) -> list[TrainingModule]:
    """Catalogue modules, filtered; `domain` keeps modules that develop at least one
    competency of that competency domain (5g, cloud, incident-response, ...)."""
    community(principal)
    ensure_catalogue(session)
    stmt = select(TrainingModule).order_by(TrainingModule.id)
    if kind:
        stmt = stmt.where(TrainingModule.kind == kind)
    if level:
        stmt = stmt.where(TrainingModule.level == level)
    rows = list(session.scalars(stmt))
    if language:
        rows = [r for r in rows if language in r.languages]
    if competency:
        rows = [r for r in rows if competency in r.competencies]
    if domain:
        in_domain = {
            c.id for c in data.shipped().competency_file.competencies if c.domain == domain
        }
        rows = [r for r in rows if in_domain.intersection(r.competencies)]
    return rows


def get_module(session: Session, principal: Principal, module_id: str) -> TrainingModule:
    community(principal)
    ensure_catalogue(session)
    row = session.get(TrainingModule, module_id)
    if row is None:
        raise NotFound(f"no training module {module_id!r}")
    return row


def update_module(
    session: Session, principal: Principal, module_id: str, patch: ModulePatch
) -> TrainingModule:
    """Edit a module; it becomes local and is no longer overwritten by the shipped data."""
    require(principal, TRAINING_MANAGE, None)
    row = get_module(session, principal, module_id)
    changes = patch.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(row, key, value)
    row.origin = "local"
    audit.record(
        session, principal, "training.module.update", "training_module", module_id, details=changes
    )
    return row


def module_specs(session: Session) -> tuple[dict[str, ModuleSpec], dict[str, ModuleInfo]]:
    """Active modules as selection inputs and as display information."""
    ensure_catalogue(session)
    specs, infos = {}, {}
    for m in session.scalars(select(TrainingModule).where(TrainingModule.active.is_(True))):
        specs[m.id] = ModuleSpec(
            m.id,
            m.hours,
            cast(Level, m.level),
            frozenset(m.languages),
            tuple(m.prerequisites),
            tuple(m.competencies),
        )
        infos[m.id] = ModuleInfo(
            m.id, m.title, m.kind, m.level, m.hours, tuple(m.languages), tuple(m.work_roles)
        )
    return specs, infos


def competency_infos() -> dict[str, CompetencyInfo]:
    return {
        c.id: CompetencyInfo(
            c.id,
            c.title,
            c.domain,
            tuple(c.nice.competency_areas),
            tuple(c.nice.work_roles),
            tuple(c.ecsf),
        )
        for c in data.shipped().competency_file.competencies
    }


# --- recommendations ----------------------------------------------------------------------


def delivered_modules(
    session: Session, member_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, frozenset[str]]:
    """Modules that at least one of each member's people completed."""
    stmt = (
        select(Participant.member_id, ModuleResult.module_id)
        .join(Enrolment, Enrolment.participant_id == Participant.id)
        .join(ModuleResult, ModuleResult.enrolment_id == Enrolment.id)
        .where(ModuleResult.status == "completed", Participant.member_id.in_(list(member_ids)))
        .distinct()
    )
    out: dict[uuid.UUID, set[str]] = {}
    for member_id, module_id in session.execute(stmt):
        out.setdefault(member_id, set()).add(module_id)
    return {m: frozenset(v) for m, v in out.items()}


def _plan(
    sources: list[Any],
    options: RecommendIn,
    completed: frozenset[str],
    scope: Mapping[str, str | None],
    specs: dict[str, ModuleSpec],
    infos: dict[str, ModuleInfo],
) -> Plan:
    demands = competency_demand(sources, options.max_level)
    selection = select_modules(
        elements_of(demands),
        specs,
        SelectOptions(options.language, options.max_level, options.budget_hours, completed),
    )
    return build_plan(
        selection,
        demands,
        infos,
        competency_infos(),
        scope=dict(scope),
        parameters=options.parameters(),
        role_titles=dict(data.shipped().frameworks.nice.work_roles),
    )


def recommend(session: Session, principal: Principal, options: RecommendIn) -> Plan:
    """An explained programme for one member state (or the whole federation), not stored."""
    require(principal, TRAINING_READ, options.member_id)
    require(principal, ASSESSMENTS_READ, options.member_id)
    specs, infos = module_specs(session)
    if options.member_id is None:
        gathered = gather(session, None, options.campaign_id)
        sources = [s for rows in gathered.by_member.values() for s in rows]
        return _plan(
            sources,
            options,
            frozenset(),
            {"kind": "federation", "id": None, "name": "Federation"},
            specs,
            infos,
        )
    member = session.get(Member, options.member_id)
    if member is None:
        raise NotFound("no such member")
    gathered = gather(session, [member.id], options.campaign_id)
    done = (
        delivered_modules(session, [member.id]).get(member.id, frozenset())
        if options.exclude_delivered
        else frozenset()
    )
    scope = {"kind": "member", "id": str(member.id), "name": member.name}
    return _plan(gathered.by_member.get(member.id, []), options, done, scope, specs, infos)


def recommend_members(
    session: Session,
    principal: Principal,
    options: RecommendIn,
    member_ids: Collection[uuid.UUID] | None = None,
) -> dict[uuid.UUID, Plan]:
    """Programmes for many member states from one set-based gathering (the benchmark path)."""
    require(principal, TRAINING_READ, None)
    require(principal, ASSESSMENTS_READ, None)
    specs, infos = module_specs(session)
    gathered = gather(session, member_ids, options.campaign_id)
    members = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.id.in_(list(gathered.by_member))))
    }
    done = delivered_modules(session, list(members)) if options.exclude_delivered else {}
    return {
        member_id: _plan(
            gathered.by_member[member_id],
            options,
            done.get(member_id, frozenset()),
            {"kind": "member", "id": str(member_id), "name": members[member_id].name},
            specs,
            infos,
        )
        for member_id in sorted(members, key=lambda i: members[i].name)
    }


# --- programmes ---------------------------------------------------------------------------


def plan_sha256(document: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


def store_plan(
    session: Session, principal: Principal, member: Member, plan: Plan
) -> TrainingProgramme:
    """Store a member's plan as a draft programme, unless the newest one is identical."""
    document = plan.document()
    sha = plan_sha256(document)
    latest = session.scalar(
        select(TrainingProgramme)
        .where(TrainingProgramme.member_id == member.id, TrainingProgramme.kind == "tailored")
        .order_by(TrainingProgramme.version.desc())
        .limit(1)
    )
    if latest is not None and latest.plan_sha256 == sha:
        return latest
    version = 1 if latest is None else latest.version + 1
    row = TrainingProgramme(
        kind="tailored",
        member_id=member.id,
        title=f"Training programme for {member.name} (v{version})",
        description=f"{len(plan.items)} modules, {plan.total_hours:g} hours, "
        f"covering {plan.coverage:.0%} of the measured competency demand.",
        status="draft",
        version=version,
        language=plan.parameters.get("language"),
        parameters=plan.parameters,
        plan=document,
        plan_sha256=sha,
        total_hours=plan.total_hours,
        generated_by=principal.label,
    )
    session.add(row)
    session.flush()
    if plan.items:
        session.execute(
            insert(ProgrammeModule),
            [
                {
                    "programme_id": row.id,
                    "position": item.position,
                    "module_id": item.module_id,
                    "cohort_size": item.cohort_size,
                    "cohorts": item.cohorts,
                    "target_roles": list(item.target_roles),
                }
                for item in plan.items
            ],
        )
    audit.record(
        session,
        principal,
        "training.programme.generate",
        "training_programme",
        row.id,
        member_id=member.id,
        details={"version": version, "modules": len(plan.items), "hours": plan.total_hours},
    )
    return row


def generate_programmes(
    session: Session,
    principal: Principal,
    options: RecommendIn,
    member_ids: Collection[uuid.UUID] | None = None,
) -> list[TrainingProgramme]:
    """Generate (or keep, when unchanged) the tailored programme of each member state with
    measured demand. Federation-level programme management: training.manage."""
    require(principal, TRAINING_MANAGE, None)
    plans = recommend_members(session, principal, options, member_ids)
    members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(list(plans))))}
    return [
        store_plan(session, principal, members[m], plan) for m, plan in plans.items() if plan.items
    ]


def list_programmes(
    session: Session,
    principal: Principal,
    *,
    member_id: uuid.UUID | None = None,
    kind: str | None = None,
) -> list[TrainingProgramme]:
    """Tracks (federation content) and the tailored programmes of visible members."""
    community(principal)
    ensure_catalogue(session)
    tracks = select(TrainingProgramme).where(TrainingProgramme.kind == "track")
    tailored = member_filter(
        principal,
        TRAINING_READ,
        select(TrainingProgramme).where(TrainingProgramme.kind == "tailored"),
        TrainingProgramme.member_id,
    )
    rows: list[TrainingProgramme] = []
    if kind in (None, "track") and member_id is None:
        rows += list(session.scalars(tracks.order_by(TrainingProgramme.slug)))
    if kind in (None, "tailored"):
        if member_id is not None:
            tailored = tailored.where(TrainingProgramme.member_id == member_id)
        rows += list(
            session.scalars(
                tailored.order_by(TrainingProgramme.member_id, TrainingProgramme.version)
            )
        )
    return rows


def get_programme(
    session: Session, principal: Principal, programme_id: uuid.UUID
) -> TrainingProgramme:
    community(principal)
    row = session.get(TrainingProgramme, programme_id)
    if row is None:
        raise NotFound("no such programme")
    if row.kind == "tailored":
        readable_or_missing(principal, TRAINING_READ, member_node(row.member_id), "programme")
    return row


def programme_modules(session: Session, programme_id: uuid.UUID) -> list[ProgrammeModule]:
    stmt = select(ProgrammeModule).where(ProgrammeModule.programme_id == programme_id)
    return list(session.scalars(stmt.order_by(ProgrammeModule.position)))


def set_programme_status(
    session: Session, principal: Principal, programme_id: uuid.UUID, status: str
) -> TrainingProgramme:
    row = get_programme(session, principal, programme_id)
    require(principal, TRAINING_MANAGE, None)
    if row.kind == "track" and status != "approved":
        raise InvalidInput("tracks are always approved", [FieldError("status", status)])
    row.status = status
    audit.record(
        session,
        principal,
        f"training.programme.{status}",
        "training_programme",
        row.id,
        member_id=row.member_id,
    )
    return row
