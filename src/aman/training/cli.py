"""`aman training`: catalogue, recommendations, programmes, cohorts, results, certificates,
capacity metrics and the CTFd bridge. Thin: every command calls the training services."""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import typer
import yaml
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aman.cli_support import JsonOption, console, db, emit, emit_one, handle_errors, operator
from aman.errors import FieldError, InvalidInput, NotFound
from aman.registry.models import Member
from aman.training import capacity, catalogue, certificates, delivery, service
from aman.training.programme import Plan
from aman.training.schemas import (
    AttemptIn,
    AttendanceIn,
    CertificateIn,
    CohortIn,
    ParticipantIn,
    RecommendIn,
    ResultIn,
)

app = typer.Typer(
    help="Training: competencies, programmes, cohorts, certificates", no_args_is_help=True
)
ctfd_app = typer.Typer(
    help="Push challenge sets to CTFd and read solves back", no_args_is_help=True
)
app.add_typer(ctfd_app, name="ctfd")


def _member(session: Session, ref: str) -> Member:
    """A member by id, ISO country code, name or short name."""
    try:
        row = session.get(Member, uuid.UUID(ref))
    except ValueError:
        row = session.scalar(
            select(Member).where(
                or_(
                    Member.name == ref, Member.short_name == ref, Member.country_code == ref.upper()
                )
            )
        )
    if row is None:
        raise NotFound(f"no member {ref!r} (give an id, a country code or a name)")
    return row


def _print_plan(plan: Plan, explain: bool) -> None:
    rows = [
        {
            "#": i.position,
            "module": i.module_id,
            "kind": i.kind,
            "level": i.level,
            "hours": f"{i.hours:g}",
            "covers": f"{i.demand_covered:.1f}",
            "cohort": f"{i.cohorts}x{i.cohort_size}",
            "roles": ", ".join(i.target_roles[:3]),
            "prerequisite of": i.required_by or "",
        }
        for i in plan.items
    ]
    emit(
        rows,
        list(rows[0]) if rows else ["module"],
        False,
        title=f"Programme for {plan.scope['name']}",
    )
    console.print(
        f"{len(plan.items)} modules, {plan.total_hours:g} hours, demand covered "
        f"{plan.demand_covered:.1f} of {plan.demand_total:.1f} ({plan.coverage:.0%}), "
        f"{plan.entities} entities, {plan.sources} gap sources",
        highlight=False,
    )
    roles = ", ".join(f"{r['id']} {r['title']}" for r in plan.target_roles[:5])
    console.print(f"target roles: {roles}", highlight=False)
    if explain:
        for item in plan.items:
            for cover in item.covers:
                for reason in cover.reasons[:2]:
                    console.print(f"  {reason.chain}", highlight=False, soft_wrap=True)


@app.command("validate")
@handle_errors
def validate(directory: Path = typer.Argument(catalogue.DATA_DIR, help="Data directory")) -> None:
    """Check the catalogue data files (structure and cross-references)."""
    try:
        cat = catalogue.load(directory)
    except catalogue.CatalogueError as exc:
        raise InvalidInput(
            "the training catalogue is invalid", [FieldError("data", p) for p in exc.problems]
        ) from None
    console.print(
        f"ok: {len(cat.competencies)} competencies, {len(cat.modules)} modules, "
        f"{len(cat.module_file.tracks)} tracks, {len(cat.checks)} knowledge checks, "
        f"{len(cat.challenges)} CTF challenges"
    )


@app.command("sync")
@handle_errors
def sync() -> None:
    """Load the shipped catalogue into the database (done on first use anyway)."""
    with db() as session:
        n = service.ensure_catalogue(session)
    console.print(f"{n} modules written" if n else "catalogue up to date")


@app.command("competencies")
@handle_errors
def competencies(as_json: bool = JsonOption) -> None:
    rows = [
        {
            "id": c.id,
            "domain": c.domain,
            "title": c.title,
            "nice": " ".join(c.nice.competency_areas + c.nice.work_roles),
            "ecsf": "; ".join(c.ecsf),
        }
        for c in catalogue.shipped().competency_file.competencies
    ]
    emit(rows, ["id", "domain", "title", "nice", "ecsf"], as_json)


@app.command("modules")
@handle_errors
def modules(
    kind: str | None = None, language: str | None = None, as_json: bool = JsonOption
) -> None:
    with db() as session:
        rows = [
            {
                "id": m.id,
                "kind": m.kind,
                "level": m.level,
                "hours": m.hours,
                "languages": ",".join(m.languages),
                "prerequisites": ",".join(m.prerequisites),
                "competencies": ",".join(m.competencies),
                "title": m.title,
            }
            for m in service.list_modules(session, operator(), kind=kind, language=language)
        ]
    emit(rows, ["id", "kind", "level", "hours", "languages", "prerequisites", "title"], as_json)


def _options(
    language: str | None, budget: float | None, max_level: str, campaign: str | None, **extra: Any
) -> RecommendIn:
    return RecommendIn.model_validate(
        {
            "language": language,
            "budget_hours": budget,
            "max_level": max_level,
            "campaign_id": campaign,
        }
        | extra
    )


@app.command("recommend")
@handle_errors
def recommend(
    member: str | None = typer.Option(None, help="member id, country code or name"),
    federation: bool = typer.Option(False, help="aggregate over the whole federation"),
    language: str | None = None,
    budget: float | None = typer.Option(None, help="hours budget"),
    max_level: str = "advanced",
    campaign: str | None = None,
    explain: bool = typer.Option(False, help="print the requirement -> module chains"),
    as_json: bool = JsonOption,
) -> None:
    """An explained training programme for a member state (or the federation); not stored."""
    if (member is None) == (not federation):
        raise InvalidInput("give --member or --federation", [FieldError("member", "required")])
    with db() as session:
        member_id = _member(session, member).id if member else None
        plan = service.recommend(
            session,
            operator(),
            _options(language, budget, max_level, campaign, member_id=member_id),
        )
    if as_json:
        emit_one(plan.document(), True)
    else:
        _print_plan(plan, explain)


@app.command("generate")
@handle_errors
def generate(
    member: list[str] = typer.Option([], help="members (default: every member with demand)"),
    language: str | None = None,
    budget: float | None = typer.Option(None, help="hours budget per member"),
    max_level: str = "advanced",
    campaign: str | None = None,
    as_json: bool = JsonOption,
) -> None:
    """Generate (or keep, when unchanged) the tailored programme of each member state."""
    with db() as session:
        ids = [_member(session, m).id for m in member] or None
        rows = service.generate_programmes(
            session, operator(), _options(language, budget, max_level, campaign), ids
        )
        names = {m.id: m.name for m in session.scalars(select(Member))}
        out = [
            {
                "id": str(r.id),
                "member": names.get(r.member_id, "") if r.member_id else "",
                "version": r.version,
                "status": r.status,
                "modules": len(r.plan.get("items", [])),
                "hours": r.total_hours,
            }
            for r in rows
        ]
    emit(
        out, ["id", "member", "version", "status", "modules", "hours"], as_json, title="Programmes"
    )


@app.command("programmes")
@handle_errors
def programmes(member: str | None = None, as_json: bool = JsonOption) -> None:
    with db() as session:
        member_id = _member(session, member).id if member else None
        rows = [
            {
                "id": str(p.id),
                "kind": p.kind,
                "slug": p.slug or "",
                "title": p.title,
                "status": p.status,
                "hours": p.total_hours,
            }
            for p in service.list_programmes(session, operator(), member_id=member_id)
        ]
    emit(rows, ["id", "kind", "slug", "title", "status", "hours"], as_json)


@app.command("approve")
@handle_errors
def approve(programme_id: uuid.UUID) -> None:
    with db() as session:
        row = service.set_programme_status(session, operator(), programme_id, "approved")
    console.print(f"{row.title}: approved")


@app.command("participant-add")
@handle_errors
def participant_add(
    member: str = typer.Option(...),
    name: str = typer.Option(...),
    email: str | None = None,
    role: str | None = typer.Option(None, help="NICE work role id, e.g. PD-WRL-003"),
    organisation: uuid.UUID | None = None,
) -> None:
    with db() as session:
        p = delivery.create_participant(
            session,
            operator(),
            ParticipantIn(
                member_id=_member(session, member).id,
                organisation_id=organisation,
                name=name,
                email=email,
                work_role=role,
            ),
        )
    console.print(f"participant {p.id}")


@app.command("cohort-create")
@handle_errors
def cohort_create(
    programme: uuid.UUID = typer.Option(...),
    member: str = typer.Option(...),
    name: str = typer.Option(...),
    language: str = "en",
    start: str | None = None,
    end: str | None = None,
    capacity_: int | None = typer.Option(None, "--capacity"),
) -> None:
    with db() as session:
        c = delivery.create_cohort(
            session,
            operator(),
            CohortIn(
                programme_id=programme,
                member_id=_member(session, member).id,
                name=name,
                language=language,
                starts_on=date.fromisoformat(start) if start else None,
                ends_on=date.fromisoformat(end) if end else None,
                capacity=capacity_,
            ),
        )
    console.print(f"cohort {c.id} ({c.name})")


@app.command("cohorts")
@handle_errors
def cohorts(member: str | None = None, as_json: bool = JsonOption) -> None:
    with db() as session:
        member_id = _member(session, member).id if member else None
        rows = [
            {
                "id": str(c.id),
                "name": c.name,
                "language": c.language,
                "status": c.status,
                "starts_on": c.starts_on,
                "enrolled": len(delivery.enrolments(session, operator(), c.id)),
            }
            for c in delivery.list_cohorts(session, operator(), member_id=member_id)
        ]
    emit(rows, ["id", "name", "language", "status", "starts_on", "enrolled"], as_json)


@app.command("enrol")
@handle_errors
def enrol(cohort: uuid.UUID, participants: list[uuid.UUID]) -> None:
    with db() as session:
        rows = delivery.enrol(session, operator(), cohort, participants)
    for e in rows:
        console.print(f"enrolment {e.id} participant {e.participant_id} {e.status}")


@app.command("attend")
@handle_errors
def attend(
    enrolment: uuid.UUID,
    module: str = typer.Option(...),
    on: str = typer.Option(...),
    hours: float = 6.0,
) -> None:
    with db() as session:
        delivery.record_attendance(
            session,
            operator(),
            enrolment,
            AttendanceIn(module_id=module, session_date=date.fromisoformat(on), hours=hours),
        )
    console.print("attendance recorded")


@app.command("result")
@handle_errors
def result(
    enrolment: uuid.UUID,
    module: str = typer.Option(...),
    status: str = "completed",
    score: float | None = None,
    at: str | None = typer.Option(None, help="ISO date-time of completion"),
) -> None:
    with db() as session:
        r = delivery.record_result(
            session,
            operator(),
            enrolment,
            ResultIn.model_validate(
                {
                    "module_id": module,
                    "status": status,
                    "score": score,
                    "completed_at": datetime.fromisoformat(at) if at else None,
                }
            ),
        )
    console.print(f"{r.module_id}: {r.status}")


@app.command("check-submit")
@handle_errors
def check_submit(
    enrolment: uuid.UUID,
    module: str = typer.Option(...),
    answers: str = typer.Option(..., help='JSON: {"q1": ["b"]}'),
) -> None:
    """Record a knowledge-check attempt (answers as JSON)."""
    with db() as session:
        a = delivery.submit_attempt(
            session,
            operator(),
            enrolment,
            AttemptIn(module_id=module, answers=orjson.loads(answers)),
        )
    console.print(
        f"attempt {a.attempt_no}: score {a.score:.0%}, {'passed' if a.passed else 'not passed'}"
    )


@app.command("certificate")
@handle_errors
def certificate(
    enrolment: uuid.UUID,
    module: str | None = typer.Option(None, help="default: the whole programme"),
    out: Path | None = typer.Option(None, help="write the PDF here"),
    base_url: str = typer.Option("http://127.0.0.1:8000", help="public address of this Aman"),
) -> None:
    """Issue a certificate of completion; prints the verification code once."""
    with db() as session:
        issued = certificates.issue(
            session, operator(), enrolment, CertificateIn(module_id=module), base_url
        )
        pdf = issued.certificate.pdf or b""
    if out:
        out.write_bytes(pdf)
    console.print(
        f"certificate {issued.certificate.id}\ncode {issued.code}\nverify at {issued.verify_url}",
        highlight=False,
    )


@app.command("verify")
@handle_errors
def verify(code: str, as_json: bool = JsonOption) -> None:
    with db() as session:
        emit_one(certificates.verify(session, code), as_json)


@app.command("capacity")
@handle_errors
def capacity_cmd(
    member: str | None = None, period: str = "quarter", as_json: bool = JsonOption
) -> None:
    """People trained per role and domain over time, and national-pack indicator evidence."""
    with db() as session:
        member_id = _member(session, member).id if member else None
        report = capacity.capacity(session, operator(), member_id, period)  # type: ignore[arg-type]
    if as_json:
        emit_one(orjson.loads(orjson.dumps(report)), True)
        return
    emit(report["rows"], ["period", "domain", "work_role", "people"], False, title="People trained")
    console.print(
        f"people trained: {report['totals']['people']}; evidence: {report['totals']['evidence']}"
    )
    for ind in report["indicators"]:
        console.print(f"{ind['ref_id']}: {ind['status']} {ind['figures']}", highlight=False)


def _platform(url: str, token: str | None) -> Any:
    from aman.training.ctfd import CtfdClient

    token = token or os.environ.get("AMAN_CTFD_TOKEN")
    if not token:
        raise InvalidInput(
            "no CTFd token", [FieldError("token", "give --token or set AMAN_CTFD_TOKEN")]
        )
    return CtfdClient(url, token)


@ctfd_app.command("push")
@handle_errors
def ctfd_push(
    module: str = typer.Option(...),
    url: str = typer.Option(..., help="CTFd base URL"),
    token: str | None = typer.Option(None, help="admin token (or AMAN_CTFD_TOKEN)"),
    flags: Path | None = typer.Option(None, help="YAML file: challenge key -> flag"),
) -> None:
    """Create or update a module's challenge set on a CTFd instance."""
    from aman.training.ctfd import push_module

    flag_map = yaml.load(flags.read_text("utf-8"), Loader=yaml.CSafeLoader) if flags else None
    platform = _platform(url, token)
    with db() as session:
        for p in push_module(session, operator(), platform, module, flag_map):
            state = "created" if p.created else "updated"
            missing = " (no flag)" if p.created and not p.flag_set else ""
            console.print(f"{p.key}: CTFd #{p.ctfd_id} {state}{missing}")


@ctfd_app.command("pull")
@handle_errors
def ctfd_pull(url: str = typer.Option(...), token: str | None = typer.Option(None)) -> None:
    """Read correct submissions back as competency evidence."""
    from aman.training.ctfd import pull_solves

    with db() as session:
        r = pull_solves(session, operator(), _platform(url, token))
    console.print(
        f"{r.solves} solves, {r.evidence_added} evidence rows added, {r.unmatched} unmatched"
    )
