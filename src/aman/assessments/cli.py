"""`aman campaigns`, `aman assessments`, `aman rollup`, `aman bundles`."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import cast

import orjson
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from rich.progress import track

from aman.assessments import bundles, exports, insights, roadmap, rollups, service
from aman.assessments.schemas import AnswerIn, AssessmentOut, CampaignIn, CampaignOut, ReviewIn
from aman.cli_support import JsonOption, console, db, emit, emit_one, handle_errors, operator
from aman.errors import FieldError, InvalidInput

campaigns_app = typer.Typer(help="Assessment campaigns", no_args_is_help=True)
assessments_app = typer.Typer(help="Assessments: answers, workflow, exports", no_args_is_help=True)
rollup_app = typer.Typer(help="Roll-ups and benchmarks", no_args_is_help=True)
bundles_app = typer.Typer(
    help="Signed submission bundles (member → federation)", no_args_is_help=True
)


@campaigns_app.command("launch")
@handle_errors
def launch(
    name: str,
    pack: str = typer.Option(..., help="pack or pack@version"),
    member_states: bool = typer.Option(False, help="assess member states, not orgs"),
    sector: list[str] = typer.Option([], help="only these sectors"),
    level: str | None = None,
    due: str | None = None,
) -> None:
    """Launch a federation campaign: one assessment per organisation (or member state)."""
    data = CampaignIn.model_validate(
        {
            "name": name,
            "pack": pack,
            "level": level,
            "subject_kind": "member" if member_states else "organisation",
            "sectors": sector or None,
            "due_date": due,
        }
    )
    with db() as session:
        c = service.launch_campaign(session, operator(), data)
        counts = service.campaign_progress(session, operator(), c.id)
    console.print(
        f"campaign {c.id} ({c.name}, cycle {c.cycle}): {sum(counts.values())} assessments"
    )


@campaigns_app.command("list")
@handle_errors
def list_campaigns(as_json: bool = JsonOption) -> None:
    with db() as session:
        rows = []
        for c in service.list_campaigns(session, operator()):
            counts = service.campaign_progress(session, operator(), c.id)
            rows.append(
                CampaignOut.model_validate(c).model_dump(mode="json")
                | {
                    "assessments": sum(counts.values()),
                    "accepted": counts["accepted"],
                    "submitted": counts["submitted"],
                }
            )
    emit(
        rows,
        ["name", "cycle", "subject_kind", "assessments", "submitted", "accepted", "id"],
        as_json,
        "Campaigns",
    )


@assessments_app.command("list")
@handle_errors
def list_assessments(
    campaign: uuid.UUID | None = None, status: str | None = None, as_json: bool = JsonOption
) -> None:
    with db() as session:
        rows, cursor = [], None
        while True:
            page = service.list_assessments(
                session, operator(), campaign_id=campaign, status=status, cursor=cursor, limit=500
            )
            names = service.subject_names(session, page.items)
            rows += [
                AssessmentOut.model_validate(a).model_dump(mode="json") | {"subject": names[a.id]}
                for a in page.items
            ]
            if not (cursor := page.next_cursor):
                break
    emit(
        rows,
        ["subject", "sector", "status", "score", "tier", "coverage", "id"],
        as_json,
        "Assessments",
    )


@assessments_app.command("show")
@handle_errors
def show(assessment_id: uuid.UUID, as_json: bool = JsonOption) -> None:
    with db() as session:
        v = service.view(session, operator(), assessment_id)
        subject = service.subject_names(session, [v.assessment])[v.assessment.id]
    a = v.assessment
    emit_one(
        {
            "subject": subject,
            "pack": f"{v.pack_id}@{v.pack_version}",
            "status": a.status,
            "score": None if a.score is None else round(a.score, 1),
            "tier": a.tier,
            "coverage": f"{a.coverage:.0%}",
            "answers": len(v.answers),
            "applicable": len(v.tree.assessable(a.level)),
            **{f"domain {d}": None if s is None else round(s, 1) for d, s in v.by_domain.items()},
        },
        as_json,
    )


@assessments_app.command("answer")
@handle_errors
def answer(
    assessment_id: uuid.UUID,
    ref_id: str,
    result: str = typer.Argument(..., help="a result on the pack's scale, or n/a"),
    comment: str = "",
    override_reason: str | None = None,
) -> None:
    data = (
        AnswerIn(na=True, comment=comment)
        if result == "n/a"
        else AnswerIn(result=result, comment=comment, override_reason=override_reason)
    )
    with db() as session:
        row = service.answer(session, operator(), assessment_id, ref_id, data)
    console.print(f"{ref_id}: {row.result or 'n/a'} (version {row.version})")


@assessments_app.command("submit")
@handle_errors
def submit(assessment_id: uuid.UUID) -> None:
    with db() as session:
        a = service.submit(session, operator(), assessment_id)
    console.print(f"submitted; score {a.score:.1f}" if a.score is not None else "submitted")


@assessments_app.command("review")
@handle_errors
def review(
    assessment_id: uuid.UUID,
    decision: str = typer.Argument(..., help="accept|return"),
    comment: str = "",
) -> None:
    with db() as session:
        a = service.review(
            session,
            operator(),
            assessment_id,
            ReviewIn.model_validate({"decision": decision, "comment": comment}),
        )
    console.print(a.status)


@assessments_app.command("gaps")
@handle_errors
def gaps(assessment_id: uuid.UUID, top: int = 15, as_json: bool = JsonOption) -> None:
    with db() as session:
        rows = [g for g in roadmap.assessment_gaps(session, operator(), assessment_id) if g.gap]
    emit(
        [
            {
                "ref_id": g.ref_id,
                "title": g.title[:60],
                "current": round(g.current, 2),
                "target": round(g.target, 2),
                "gap": round(g.gap, 2),
            }
            for g in rows[:top]
        ],
        ["ref_id", "title", "current", "target", "gap"],
        as_json,
        "Largest gaps",
    )


@assessments_app.command("roadmap")
@handle_errors
def show_roadmap(
    assessment_id: uuid.UUID,
    suggest: bool = typer.Option(False, help="suggest items from the gaps first"),
    as_json: bool = JsonOption,
) -> None:
    with db() as session:
        if suggest:
            roadmap.suggest(session, operator(), assessment_id)
        rows = [
            {
                "action": i.action[:70],
                "due": i.due_date,
                "effort": i.effort,
                "status": i.status,
                "refs": ", ".join(i.ref_ids),
            }
            for i in roadmap.items(session, operator(), assessment_id)
        ]
    emit(rows, ["action", "due", "effort", "status", "refs"], as_json, "Roadmap")


@assessments_app.command("export")
@handle_errors
def export(
    assessment_id: uuid.UUID,
    fmt: str = typer.Option("oscal-ar", "--format", "-f", help="oscal-ar, oscal-poam or xlsx"),
    out: Path = typer.Option(..., "--out", "-o"),
    lang: str = "en",
) -> None:
    with db() as session:
        if fmt == "xlsx":
            content = exports.questionnaire(session, operator(), assessment_id, lang)
        elif fmt in ("oscal-ar", "oscal-poam"):
            make = exports.oscal_assessment_results if fmt == "oscal-ar" else exports.oscal_poam
            content = orjson.dumps(
                make(session, operator(), assessment_id), option=orjson.OPT_INDENT_2
            )
        else:
            raise InvalidInput(
                "unknown format", [FieldError("format", "oscal-ar, oscal-poam, xlsx")]
            )
    out.write_bytes(content)
    console.print(f"wrote {out} ({len(content)} bytes)")


@assessments_app.command("import-xlsx")
@handle_errors
def import_xlsx(assessment_id: uuid.UUID, path: Path = typer.Argument(..., exists=True)) -> None:
    """Apply a filled-in questionnaire (every cell validated; nothing written on any error)."""
    with db() as session:
        done = exports.import_answers(session, operator(), assessment_id, path.read_bytes())
    console.print(f"{done['answers']} answers and {done['links']} evidence links written")


@rollup_app.command("recompute")
@handle_errors
def recompute(campaign: list[uuid.UUID] = typer.Option([], help="default: every campaign")) -> None:
    """Rebuild roll-ups from the answers (they are also kept up to date on submit/accept)."""
    with db() as session:
        ids = campaign or [c.id for c in service.list_campaigns(session, operator())]
        for cid in track(ids, description="recomputing"):
            rollups.recompute(session, cid)
    console.print(f"{len(ids)} campaign(s) recomputed")


@rollup_app.command("show")
@handle_errors
def show_rollup(
    campaign: uuid.UUID,
    scope: str = "federation",
    node: list[str] = typer.Option(["total"]),
    as_json: bool = JsonOption,
) -> None:
    """Statistics of a scope: federation, sector:<s>, member:<id>, member:<id>:sector:<s>."""
    with db() as session:
        rows = insights.rollup(session, operator(), campaign, scope, node or None)
    emit(
        rows,
        ["node", "count", "mean", "median", "q1", "q3", "coverage"],
        as_json,
        f"Roll-up of {scope}",
    )


@bundles_app.command("keygen")
def keygen(
    out: Path = typer.Option(..., "--out", "-o", help="private key file (PEM, 0600)"),
) -> None:
    """Make the member's Ed25519 signing key; register the printed public key centrally."""
    key = Ed25519PrivateKey.generate()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    console.print(
        key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
        highlight=False,
    )


@bundles_app.command("export")
@handle_errors
def export_bundle(
    member: uuid.UUID,
    campaign: uuid.UUID,
    key: Path = typer.Option(..., exists=True, help="the member's private key"),
    consent: str = typer.Option("aggregates", help="assessments | aggregates"),
    out: Path = typer.Option(..., "--out", "-o"),
) -> None:
    """Sign this installation's accepted assessments of a campaign for the federation."""
    private = load_pem_private_key(key.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise InvalidInput("not an Ed25519 private key", [FieldError("key", str(key))])
    if consent not in ("assessments", "aggregates"):
        raise InvalidInput("unknown consent", [FieldError("consent", "assessments|aggregates")])
    with db() as session:
        payload = bundles.build_payload(
            session,
            operator(),
            member,
            campaign,
            cast(bundles.Consent, consent),
            hashlib.sha256(b"aman-pseudonym:" + private.private_bytes_raw()).digest(),
        )
    out.write_bytes(orjson.dumps(bundles.sign(payload, private), option=orjson.OPT_INDENT_2))
    console.print(f"wrote {out}: {len(payload['assessments'])} assessment(s), consent {consent}")


@bundles_app.command("import")
@handle_errors
def import_bundle(path: Path = typer.Argument(..., exists=True)) -> None:
    """Verify a member's bundle and import it (a replay changes nothing)."""
    try:
        bundle = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("the bundle is not JSON", [FieldError("file", str(exc))]) from exc
    with db() as session:
        summary = bundles.import_bundle(session, operator(), bundle)
    state = "already imported (no change)" if summary["replay"] else "imported"
    console.print(f"{state}: {summary['assessments']} assessment(s) from {summary['member']}")
