"""Web pages of the frameworks browser: packs, requirement trees, search, mappings, diffs.

Framework content is shown in the page's language where the pack translates it, and in
English with a visible marker where it does not (`Localised.fallback`).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

from fastapi import Request, Response

from aman.auth.deps import DbSession
from aman.errors import FieldError, InvalidInput, NotFound
from aman.frameworks import service
from aman.frameworks.compiler import version_key
from aman.frameworks.models import PackVersion, RequirementRow
from aman.frameworks.view_support import (
    DOMAIN_LABELS,
    RELATIONSHIP_LABELS,
    Localised,
    diff_view,
    localised,
    mapping_rows,
    packs_table,
    requirements_table,
    search_table,
)
from aman.web import nav
from aman.web.auth import PageUser
from aman.web.i18n import N_, translator
from aman.web.render import is_htmx, page_router, render
from aman.web.tables import export_response, query_string

router = page_router(prefix="/frameworks")
TREE_DEPTH = 2

nav.register(
    nav.NavItem(
        "frameworks",
        N_("Frameworks"),
        "/frameworks",
        10,
        nav.community,
        N_("Framework packs for 5G, cloud, AI and post-quantum cryptography, and their mappings."),
    )
)


def _newest(packs: list[PackVersion]) -> list[PackVersion]:
    newest: dict[str, PackVersion] = {}
    for row in packs:
        if row.pack_id not in newest or version_key(row.version) > version_key(
            newest[row.pack_id].version
        ):
            newest[row.pack_id] = row
    return sorted(newest.values(), key=lambda r: r.title.lower())


@router.get("")
def packs_page(
    request: Request, user: PageUser, session: DbSession, format: str | None = None
) -> Response:
    t = translator(request)
    rows = service.list_packs(session, user.principal)
    newest = _newest(rows)
    table = packs_table(t, newest, Counter(r.pack_id for r in rows))
    if format:
        return export_response(table, format, "framework-packs", rtl=t.rtl)
    context = {"table": table, "pack_options": [(r.pack_id, r.title) for r in newest]}
    return render(request, "frameworks/packs.html", context)


@router.get("/search")
def search_page(
    request: Request,
    user: PageUser,
    session: DbSession,
    q: str = "",
    pack: str = "",
    format: str | None = None,
) -> Response:
    t = translator(request)
    packs = _newest(service.list_packs(session, user.principal))
    hits: list[tuple[RequirementRow, PackVersion, float]] = []
    error = None
    if q.strip():
        try:
            hits = service.search(session, user.principal, q[:200], pack_id=pack or None, limit=200)
        except InvalidInput:
            error = N_("Give at least one word that is not a common word.")
    table = search_table(t, hits)
    if format:
        return export_response(table, format, "framework-search", rtl=t.rtl)
    context = {
        "q": q,
        "pack": pack,
        "table": table,
        "count": len(hits),
        "error": error,
        "query": query_string(q=q, pack=pack),
        "pack_options": [(r.pack_id, r.title) for r in packs],
    }
    return render(request, "frameworks/search.html", context)


@router.get("/diff")
def diff_page(
    request: Request,
    user: PageUser,
    session: DbSession,
    pack: str = "",
    old: str = "",
    new: str = "",
) -> Response:
    """Compare two versions of one pack (`pack`, versions `old` and `new`)."""
    t = translator(request)
    packs = _newest(service.list_packs(session, user.principal))
    versions = [v.version for v in service.all_versions(session, pack)] if pack else []
    context: dict[str, Any] = {
        "pack": pack,
        "old": old,
        "new": new,
        "versions": versions,
        "version_options": [(v, v) for v in versions],
        "pack_options": [(r.pack_id, r.title) for r in packs],
        "diff": None,
    }
    if pack and old and new:
        result = service.diff(session, user.principal, f"{pack}@{old}", f"{pack}@{new}")
        old_row = service.get_pack(session, user.principal, pack, old)
        new_row = service.get_pack(session, user.principal, pack, new)
        context["diff"] = diff_view(t, result, old_row, new_row)
    return render(request, "frameworks/diff.html", context)


def _pack(session: DbSession, user: PageUser, pack_id: str, version: str) -> PackVersion:
    return service.get_pack(
        session, user.principal, pack_id, None if version == "latest" else version
    )


@router.get("/{pack_id}/{version}")
def pack_page(
    request: Request,
    pack_id: str,
    version: str,
    user: PageUser,
    session: DbSession,
    format: str | None = None,
) -> Response:
    t = translator(request)
    pack = _pack(session, user, pack_id, version)
    if format:
        nodes = service.subtree(session, pack, None, 50, t.locale)
        table = requirements_table(t, pack, nodes)
        return export_response(table, format, f"{pack.pack_id}-{pack.version}", rtl=t.rtl)
    nodes = service.subtree(session, pack, None, TREE_DEPTH, t.locale)
    translation = pack.translations.get(t.locale) or {} if t.locale != "en" else {}
    context = {
        "pack": pack,
        "title": localised(pack.title, translation.get("title"), t.locale),
        "description": localised(pack.description, translation.get("description"), t.locale),
        "domains": [t.label(DOMAIN_LABELS, d) for d in pack.domains],
        "versions": [v.version for v in service.all_versions(session, pack.pack_id)],
        "tree": _nest(nodes),
        "depth_shown": TREE_DEPTH,
        "mapping_targets": [ms.target for ms in service.pack_model(pack).mapping_sets],
        "counts": service.requirement_counts(session, pack),
    }
    return render(request, "frameworks/pack.html", context)


def _nest(nodes: list[service.TreeNode]) -> list[dict[str, Any]]:
    """The flat, path-ordered rows of `subtree` as nested dicts for a recursive template."""
    by_ref: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for node in nodes:
        item = {"node": node, "children": []}
        by_ref[node.ref_id] = item
        parent = by_ref.get(node.parent) if node.parent else None
        (parent["children"] if parent else roots).append(item)
    return roots


@router.get("/{pack_id}/{version}/tree")
def tree_fragment(
    request: Request,
    pack_id: str,
    version: str,
    user: PageUser,
    session: DbSession,
    parent: str,
) -> Response:
    """The children of `parent` (htmx loads them into the tree; without JS: a page)."""
    t = translator(request)
    pack = _pack(session, user, pack_id, version)
    nodes = service.subtree(session, pack, parent, 1, t.locale)
    context = {"pack": pack, "items": _nest(nodes), "parent": parent}
    template = "frameworks/tree_fragment.html" if is_htmx(request) else "frameworks/tree_page.html"
    return render(request, template, context)


@router.get("/{pack_id}/{version}/requirements/{ref_id}")
def requirement_page(
    request: Request,
    pack_id: str,
    version: str,
    ref_id: str,
    user: PageUser,
    session: DbSession,
) -> Response:
    t = translator(request)
    pack = _pack(session, user, pack_id, version)
    row = service.get_requirement(session, pack, ref_id)
    chain = service.ancestors(session, row)
    related = service.mappings_of(session, user.principal, pack.pack_id, row.ref_id, 3)
    context = {
        "pack": pack,
        "row": row,
        "ancestors": [(a.ref_id, localised_row(a, "title", t.locale)) for a in chain],
        "title": localised_row(row, "title", t.locale),
        "description": localised_row(row, "description", t.locale),
        "guidance": localised_row(row, "guidance", t.locale),
        "typical_evidence": localised_row(row, "typical_evidence", t.locale),
        "children": service.children(session, pack, row.ref_id),
        "child_title": lambda r: localised_row(r, "title", t.locale),
        "mapped": _mapped(session, user, related, t.locale),
        "relationship_labels": {k: t(v) for k, v in RELATIONSHIP_LABELS.items()},
    }
    return render(request, "frameworks/requirement.html", context)


def localised_row(row: RequirementRow, field: str, locale: str) -> Localised:
    english = getattr(row, field)
    entry = row.translations.get(locale) or {} if locale != "en" else {}
    return localised(english, entry.get(field), locale)


def _mapped(
    session: DbSession, user: PageUser, related: list[Any], locale: str
) -> list[dict[str, Any]]:
    """Mapped requirements with their pack and title, for the side-by-side list."""
    packs: dict[str, PackVersion] = {}
    out = []
    for r in related:
        pack_id, ref = r.node
        if pack_id not in packs:
            with contextlib.suppress(NotFound):
                packs[pack_id] = service.get_pack(session, user.principal, pack_id)
        pack = packs.get(pack_id)
        title = None
        if pack is not None:
            with contextlib.suppress(NotFound):
                title = localised_row(service.get_requirement(session, pack, ref), "title", locale)
        out.append(
            {
                "pack": pack,
                "pack_id": pack_id,
                "ref_id": ref,
                "title": title,
                "relationship": r.relationship.value,
                "inferred": r.inferred,
                "via": [s.node for s in r.path[:-1]],
            }
        )
    return out


@router.get("/{pack_id}/{version}/mappings")
def mappings_page(
    request: Request,
    pack_id: str,
    version: str,
    user: PageUser,
    session: DbSession,
    target: str = "",
    format: str | None = None,
) -> Response:
    """One mapping set of the pack side by side: source requirement, relationship, target."""
    t = translator(request)
    pack = _pack(session, user, pack_id, version)
    model = service.pack_model(pack)
    sets = model.mapping_sets
    if not sets:
        raise NotFound(f"{pack.pack_id}@{pack.version} has no mapping sets")
    chosen = next((ms for ms in sets if ms.target == target), sets[0])
    target_model = None
    with contextlib.suppress(NotFound):
        target_row = service.get_pack(session, user.principal, chosen.target, chosen.target_version)
        target_model = service.pack_model(target_row)
    if target and target != chosen.target:
        raise InvalidInput("unknown mapping target", [FieldError("target", "not mapped")])
    table, rows = mapping_rows(t, model, chosen, target_model)
    if format:
        return export_response(
            table, format, f"{pack.pack_id}-to-{chosen.target}-mappings", rtl=t.rtl
        )
    context = {
        "pack": pack,
        "targets": [ms.target for ms in sets],
        "chosen": chosen,
        "target_pack": target_model,
        "rows": rows,
        "query": query_string(target=chosen.target),
    }
    return render(request, "frameworks/mappings.html", context)
