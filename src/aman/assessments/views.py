"""Web pages of assessments: the list, an assessment's scores and gaps, filling it in (tree
navigation, autosave, evidence, inferred answers, submit), review and the roadmap board.

Thin: every read and write goes through the assessment services with the page principal, so
another tenant's assessment is a 404 page exactly as it is a 404 in the API. Autosave is htmx
posting the answer form to the same endpoint a browser without JavaScript submits to.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from aman.assessments import files, roadmap, service
from aman.assessments.domain import Node, Scheme, Tree
from aman.assessments.models import Evidence
from aman.assessments.packs import pack_tree
from aman.assessments.schemas import AnswerIn, ReviewIn, RoadmapItemIn, RoadmapItemPatch
from aman.auth.deps import DbSession
from aman.auth.permissions import Node as TreeNode
from aman.auth.permissions import Principal
from aman.auth.roles import ASSESSMENTS_READ, ASSESSMENTS_REVIEW, ASSESSMENTS_WRITE
from aman.db import utcnow
from aman.errors import Conflict, InvalidInput, PayloadTooLarge
from aman.frameworks.models import RequirementRow
from aman.reports import figures, organisation, sources, tabulate
from aman.reports.labels import EFFORT_LABELS, ROADMAP_LABELS, STATUS_LABELS
from aman.web import nav
from aman.web.auth import PageUser
from aman.web.dashboards import export_table, k_of
from aman.web.forms import CsrfForm, form_values, parse
from aman.web.i18n import N_, Translator, translator
from aman.web.render import is_htmx, page_router, redirect, render, render_fragment
from aman.web.tables import Column, Table, export_response

router = page_router()
nav.register(
    nav.NavItem(
        "assessments",
        N_("Assessments"),
        "/assessments",
        40,
        nav.having(ASSESSMENTS_READ),
        N_("Fill in assessments, attach evidence, follow gaps and roadmaps."),
    )
)
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")
RESULT_LABELS = {
    "yes": N_("Yes"),
    "partial": N_("Partly"),
    "no": N_("No"),
    "met": N_("Met"),
    "not_met": N_("Not met"),
}


# --- page models (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    ref_id: str
    title: str
    fallback: bool
    answered: int
    applicable: int


@dataclass(frozen=True)
class Item:
    node: Node
    title: str
    fallback: bool
    description: str | None
    guidance: str | None
    typical_evidence: str | None
    heading: bool  # a grouping node inside the group: shown as a sub-heading


def dom_id(ref: str) -> str:
    """A requirement reference as an HTML id usable in CSS selectors (no dots)."""
    return "r-" + _NOT_ID.sub("_", ref)


def top_of(tree: Tree, ref: str) -> str:
    """The top-level ancestor of a requirement."""
    node = tree.by_ref[ref]
    while node.parent is not None:
        node = tree.by_ref[node.parent]
    return node.ref_id


def descendants(tree: Tree, ref: str) -> list[Node]:
    """A node's subtree in file order (the node itself excluded)."""
    out: list[Node] = []
    for child in tree.children.get(ref, ()):
        out.append(tree.by_ref[child])
        out.extend(descendants(tree, child))
    return out


def groups(
    tree: Tree, level: str | None, answered: set[str], titles: dict[str, tuple[str, bool]]
) -> list[Group]:
    """Top-level areas with how many of their applicable requirements are answered."""
    counts: dict[str, list[int]] = {}
    for node in tree.assessable(level):
        top = counts.setdefault(top_of(tree, node.ref_id), [0, 0])
        top[1] += 1
        top[0] += node.ref_id in answered
    out = []
    for node in tree.nodes:
        if node.parent is None and node.ref_id in counts:
            title, fallback = titles.get(node.ref_id, (node.title, False))
            done, total = counts[node.ref_id]
            out.append(Group(node.ref_id, title, fallback, done, total))
    return out


def result_options(scheme: Scheme, scoring: dict[str, Any], t: Translator) -> list[tuple[str, str]]:
    """(result, label) choices of a scheme, levels named in the reader's language."""
    if scheme.kind == "maturity":
        names = {}
        for level in scoring.get("levels") or []:
            entry = (level.get("translations") or {}).get(t.locale) or {}
            names[str(level["value"])] = str(entry.get("title") or level["title"])
        return [(r, f"{r} — {names[r]}" if r in names else r) for r in scheme.allowed_results()]
    labels = dict(
        RESULT_LABELS, partial=N_("Partly met") if scheme.kind == "points" else N_("Partly")
    )
    return [(r, t.label(labels, r)) for r in scheme.allowed_results()]


def _texts(
    session: Session, pack_uuid: uuid.UUID, refs: list[str], lang: str
) -> dict[str, dict[str, Any]]:
    """Title, description, guidance and typical evidence of requirements in `lang`."""
    r = RequirementRow
    stmt = select(
        r.ref_id, r.title, r.description, r.guidance, r.typical_evidence, r.translations
    ).where(r.pack_uuid == pack_uuid, r.ref_id.in_(refs))
    out = {}
    for ref, title, description, guidance, evidence, translations in session.execute(stmt):
        entry = (translations or {}).get(lang) or {} if lang != "en" else {}
        out[ref] = {
            "title": entry.get("title") or title,
            "fallback": lang != "en" and not entry.get("title"),
            "description": entry.get("description") or description,
            "guidance": entry.get("guidance") or guidance,
            "typical_evidence": entry.get("typical_evidence") or evidence,
        }
    return out


# --- reading pages ----------------------------------------------------------------------


def _assessment_table(rows: list[Any], names: dict[uuid.UUID, str | None], t: Translator) -> Table:
    table = Table(
        t(N_("Assessments")),
        [
            Column("subject", t(N_("Organisation or member state"))),
            Column("pack", t(N_("Framework")), ltr=True),
            Column("status", t(N_("Status"))),
            Column("score", t(N_("Score")), numeric=True),
            Column("coverage", t(N_("Answered")), numeric=True),
            Column("updated", t(N_("Updated"))),
        ],
    )
    for a, pack in rows:
        table.add(
            [
                names.get(a.id) or "",
                pack,
                t.label(STATUS_LABELS, a.status),
                None if a.score is None else round(a.score, 1),
                round(a.coverage, 3),
                a.updated_at,
            ],
            links={"subject": f"/assessments/{a.id}"},
            display={"coverage": t.fmt.percent(a.coverage), "updated": t.fmt.date(a.updated_at)},
        )
    return table


@router.get("/assessments")
def assessment_list(
    request: Request, web_user: PageUser, session: DbSession, status: str | None = None
) -> Response:
    t = translator(request)
    found = sources.assessments(session, web_user.principal, status=status or None)
    found.sort(key=lambda a: (a.status not in service.EDITABLE, -a.updated_at.timestamp()))
    packs = service.pack_ids(session, found)
    table = _assessment_table(
        [(a, packs[a.pack_uuid]) for a in found], service.subject_names(session, found), t
    )
    fmt = request.query_params.get("format")
    if fmt:
        return export_response(table, fmt, "assessments", t.rtl)
    statuses = [(s, t(label)) for s, label in STATUS_LABELS.items()]
    context = {"table": table, "status": status or "", "statuses": statuses}
    return render(request, "assessments/list.html", context)


def _permissions(principal: Principal, a: Any) -> dict[str, bool]:
    node = service.node_of(a)
    review_node = (
        TreeNode.federation() if a.organisation_id is None else TreeNode.member(a.member_id)
    )
    return {
        "can_write": principal.can(ASSESSMENTS_WRITE, node) and a.status in service.EDITABLE,
        "can_review": principal.can(ASSESSMENTS_REVIEW, review_node) and a.status == "submitted",
        "can_plan": principal.can(ASSESSMENTS_WRITE, node),
    }


def _overview(
    request: Request, web_user: Any, session: Session, assessment_id: uuid.UUID, **extra: Any
) -> Response:
    t = translator(request)
    r = organisation.assessment_report(
        session, web_user.principal, assessment_id, t.locale, k_of(request)
    )
    exported = export_table(request, tabulate.ASSESSMENT, r, t, f"assessment-{assessment_id}")
    if exported is not None:
        return exported
    context = {
        "r": r,
        "a": r.assessment,
        "status_label": t.label(STATUS_LABELS, r.assessment.status),
        "tables": {key: build(r, t) for key, build in tabulate.ASSESSMENT.items()},
        "specs": figures.assessment(r, t),
        **_permissions(web_user.principal, r.assessment),
        **extra,
    }
    return render(request, "assessments/overview.html", context, status_code=422 if extra else 200)


@router.get("/assessments/{assessment_id}")
def assessment_page(
    request: Request, assessment_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    return _overview(request, web_user, session, assessment_id)


def _fill_context(
    request: Request,
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    group: str | None,
) -> dict[str, Any]:
    t = translator(request)
    v = service.view(session, principal, assessment_id)
    a = v.assessment
    titles = sources.requirement_titles(session, a.pack_uuid, t.locale)
    counted = set(service.answer_values(v.answers))
    nav_groups = groups(v.tree, a.level, counted, titles)
    current = group if group in {g.ref_id for g in nav_groups} else None
    current = current or next((g.ref_id for g in nav_groups if g.answered < g.applicable), None)
    current = current or (nav_groups[0].ref_id if nav_groups else None)
    applicable = {n.ref_id for n in v.tree.assessable(a.level)}
    nodes = [
        n
        for n in (descendants(v.tree, current) if current else [])
        if n.ref_id in applicable or not n.assessable
    ]
    texts = _texts(session, a.pack_uuid, [n.ref_id for n in nodes], t.locale)
    evidence: dict[str, list[Evidence]] = {}
    for e in files.list_evidence(session, principal, a.id):
        evidence.setdefault(e.ref_id, []).append(e)
    pack = pack_tree(session, a.pack_uuid)[2]
    items = [
        Item(
            node=n,
            title=texts.get(n.ref_id, {}).get("title") or n.title,
            fallback=bool(texts.get(n.ref_id, {}).get("fallback")),
            description=texts.get(n.ref_id, {}).get("description"),
            guidance=texts.get(n.ref_id, {}).get("guidance"),
            typical_evidence=texts.get(n.ref_id, {}).get("typical_evidence"),
            heading=not n.assessable,
        )
        for n in nodes
    ]
    return {
        "v": v,
        "a": a,
        "groups": nav_groups,
        "group": current,
        "group_title": titles.get(current, (current, False))[0] if current else "",
        "items": items,
        "answers": v.answers,
        "evidence": evidence,
        "options": result_options(v.scheme, pack.scoring, t),
        "na_allowed": v.scheme.na_allowed,
        "subject": service.subject_names(session, [a])[a.id] or "",
        "status_label": t.label(STATUS_LABELS, a.status),
        "applicable": len(applicable),
        "answered": len(counted & applicable),
        "errors": {},
        "dom_id": dom_id,
        **_permissions(principal, a),
    }


@router.get("/assessments/{assessment_id}/answer")
def fill_page(
    request: Request,
    assessment_id: uuid.UUID,
    web_user: PageUser,
    session: DbSession,
    group: str | None = None,
) -> Response:
    context = _fill_context(request, session, web_user.principal, assessment_id, group)
    return render(request, "assessments/fill.html", context)


# --- answering --------------------------------------------------------------------------


def _answer_in(form: CsrfForm) -> AnswerIn:
    values = form_values(form, booleans=["na"], keep_empty=["comment"])
    values = {
        k: v for k, v in values.items() if k in {"result", "na", "comment", "override_reason"}
    }
    values["comment"] = values.get("comment") or ""
    return parse(AnswerIn, values)


def _after_write(
    request: Request,
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    ref_id: str,
    error: str | None = None,
) -> Response:
    """htmx: the card's save state, the score and the area's count (out of band); without
    JavaScript: back to the area, at the requirement (or the page with the error)."""
    v = service.view(session, principal, assessment_id)
    group = top_of(v.tree, ref_id) if ref_id in v.tree.by_ref else None
    if not is_htmx(request):
        if error is not None:
            context = _fill_context(request, session, principal, assessment_id, group)
            context["errors"] = {ref_id: error}
            return render(request, "assessments/fill.html", context, status_code=422)
        return redirect(f"/assessments/{assessment_id}/answer?group={group or ''}#req-{ref_id}")
    titles = sources.requirement_titles(session, v.assessment.pack_uuid, translator(request).locale)
    counted = set(service.answer_values(v.answers))
    applicable = {n.ref_id for n in v.tree.assessable(v.assessment.level)}
    context = {
        "v": v,
        "a": v.assessment,
        "ref": ref_id,
        "answer": v.answers.get(ref_id),
        "error": error,
        "group_row": next(
            (g for g in groups(v.tree, v.assessment.level, counted, titles) if g.ref_id == group),
            None,
        ),
        "applicable": len(applicable),
        "answered": len(counted & applicable),
        "status_label": translator(request).label(STATUS_LABELS, v.assessment.status),
        "dom_id": dom_id,
    }
    return Response(
        render_fragment(request, "assessments/_saved.html", context), media_type="text/html"
    )


@router.post("/assessments/{assessment_id}/answers/{ref_id}")
def save_answer(
    request: Request,
    assessment_id: uuid.UUID,
    ref_id: str,
    form: CsrfForm,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    principal = web_user.principal
    try:
        service.answer(session, principal, assessment_id, ref_id, _answer_in(form))
        session.flush()
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        detail = "; ".join([exc.detail, *(e.message for e in exc.errors)])
        return _after_write(request, session, principal, assessment_id, ref_id, detail)
    return _after_write(request, session, principal, assessment_id, ref_id)


@router.post("/assessments/{assessment_id}/answers/{ref_id}/confirm")
def confirm_answer(
    assessment_id: uuid.UUID, ref_id: str, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    v = service.view(session, web_user.principal, assessment_id)
    service.confirm_inferred(session, web_user.principal, assessment_id, ref_id)
    group = top_of(v.tree, ref_id)
    return redirect(
        f"/assessments/{assessment_id}/answer?group={group}#req-{ref_id}",
        N_("Inferred answer confirmed."),
    )


@router.post("/assessments/{assessment_id}/evidence")
def upload_evidence(
    request: Request,
    assessment_id: uuid.UUID,
    form: CsrfForm,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    principal = web_user.principal
    ref_id, upload, title = form.get("ref_id"), form.get("file"), form.get("title")
    ref = ref_id if isinstance(ref_id, str) else ""
    error = None
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = translator(request)(N_("Choose a file to upload."))
    else:
        try:
            files.add_file(
                session,
                principal,
                request.app.state.settings.data_dir / "evidence",
                assessment_id,
                ref,
                upload.filename,
                upload.file.read(),  # a sync route: database work must not block the event loop
                title if isinstance(title, str) else "",
            )
        except (InvalidInput, Conflict, PayloadTooLarge) as exc:
            session.rollback()
            error = "; ".join([exc.detail, *(e.message for e in exc.errors)])
    if not is_htmx(request):
        return _after_write(request, session, principal, assessment_id, ref, error)
    rows = [e for e in files.list_evidence(session, principal, assessment_id) if e.ref_id == ref]
    context = {
        "a_id": assessment_id,
        "ref": ref,
        "rows": rows,
        "can_write": True,
        "upload_error": error,
    }
    html = render_fragment(request, "assessments/_evidence.html", context)
    return Response(html, media_type="text/html")


@router.get("/assessments/{assessment_id}/evidence/{evidence_id}")
def download_evidence(
    request: Request,
    assessment_id: uuid.UUID,
    evidence_id: uuid.UUID,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    row, path = files.open_file(
        session,
        web_user.principal,
        request.app.state.settings.data_dir / "evidence",
        assessment_id,
        evidence_id,
    )
    return FileResponse(
        path,
        media_type=row.media_type or "application/octet-stream",
        filename=row.title,
        content_disposition_type="attachment",
    )


# --- workflow ---------------------------------------------------------------------------


@router.post("/assessments/{assessment_id}/submit")
def submit(
    request: Request,
    assessment_id: uuid.UUID,
    form: CsrfForm,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    try:
        service.submit(session, web_user.principal, assessment_id)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _overview(request, web_user, session, assessment_id, submit_error=exc.detail)
    return redirect(f"/assessments/{assessment_id}", N_("Assessment submitted for review."))


@router.post("/assessments/{assessment_id}/review")
def review(
    request: Request,
    assessment_id: uuid.UUID,
    form: CsrfForm,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    values = form_values(form, keep_empty=["comment"])
    data = parse(
        ReviewIn, {"decision": values.get("decision"), "comment": values.get("comment") or ""}
    )
    try:
        service.review(session, web_user.principal, assessment_id, data)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _overview(request, web_user, session, assessment_id, review_error=exc.detail)
    message = (
        N_("Assessment accepted.") if data.decision == "accept" else N_("Assessment returned.")
    )
    return redirect(f"/assessments/{assessment_id}", message)


# --- roadmap board ----------------------------------------------------------------------


def _board(
    request: Request, assessment_id: uuid.UUID, web_user: Any, session: Session, **extra: Any
) -> Response:
    t = translator(request)
    a = service.get_assessment(session, web_user.principal, assessment_id)
    items = roadmap.items(session, web_user.principal, a.id)
    columns = [
        (s, t(label), [i for i in items if i.status == s]) for s, label in ROADMAP_LABELS.items()
    ]
    context = {
        "a": a,
        "subject": service.subject_names(session, [a])[a.id] or "",
        "columns": columns,
        "statuses": [(s, t(label)) for s, label in ROADMAP_LABELS.items()],
        "efforts": [(e, t(label)) for e, label in EFFORT_LABELS.items()],
        "today": utcnow().date(),
        **_permissions(web_user.principal, a),
        **extra,
    }
    return render(request, "assessments/roadmap.html", context, status_code=422 if extra else 200)


@router.get("/assessments/{assessment_id}/roadmap")
def roadmap_board(
    request: Request, assessment_id: uuid.UUID, web_user: PageUser, session: DbSession
) -> Response:
    return _board(request, assessment_id, web_user, session)


@router.post("/assessments/{assessment_id}/roadmap")
def add_roadmap_item(
    request: Request,
    assessment_id: uuid.UUID,
    form: CsrfForm,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    values = form_values(form, lists=["ref_ids"])
    if isinstance(values.get("ref_ids"), list):
        values["ref_ids"] = [
            r.strip() for v in values["ref_ids"] for r in v.split(",") if r.strip()
        ]
    try:
        roadmap.add_item(session, web_user.principal, assessment_id, parse(RoadmapItemIn, values))
    except InvalidInput as exc:
        session.rollback()
        errors = "; ".join(f"{e.field}: {e.message}" for e in exc.errors) or exc.detail
        return _board(request, assessment_id, web_user, session, add_error=errors)
    return redirect(f"/assessments/{assessment_id}/roadmap", N_("Roadmap item added."))


@router.post("/assessments/{assessment_id}/roadmap/suggest")
def suggest_roadmap(
    assessment_id: uuid.UUID, form: CsrfForm, web_user: PageUser, session: DbSession
) -> Response:
    roadmap.suggest(session, web_user.principal, assessment_id)
    return redirect(f"/assessments/{assessment_id}/roadmap", N_("Roadmap suggested from the gaps."))


@router.post("/assessments/{assessment_id}/roadmap/{item_id}")
def move_roadmap_item(
    assessment_id: uuid.UUID,
    item_id: uuid.UUID,
    form: CsrfForm,
    web_user: PageUser,
    session: DbSession,
) -> Response:
    values = form_values(form)
    data = parse(RoadmapItemPatch, {k: v for k, v in values.items() if k in {"status", "owner"}})
    roadmap.update_item(session, web_user.principal, assessment_id, item_id, data)
    return redirect(f"/assessments/{assessment_id}/roadmap#item-{item_id}")
