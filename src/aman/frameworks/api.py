"""Frameworks API: packs, requirement trees (lazy by subtree), search, mappings, coverage."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.frameworks import service
from aman.frameworks.diff import PackDiff
from aman.frameworks.importers import Format as ImportFormat
from aman.frameworks.importers import ImportRequest
from aman.frameworks.models import PackVersion, RequirementRow
from aman.frameworks.responses import (
    CoverageOut,
    ImportOut,
    MappedOut,
    PackOut,
    RequirementOut,
    SearchHitOut,
    StepOut,
    TreeNodeOut,
)
from aman.frameworks.schemas import Domain, LicenceClass
from aman.frameworks.service import ExportFormat

router = APIRouter(prefix="/frameworks", tags=["frameworks"])
Lang = Annotated[Literal["en", "ar", "fr"], Query(description="Language of translated titles")]


def _pack(
    session: DbSession, principal: CurrentPrincipal, pack_id: str, version: str
) -> PackVersion:
    return service.get_pack(session, principal, pack_id, None if version == "latest" else version)


def _rows_out(
    rows: list[RequirementRow], parents: dict[uuid.UUID, str], lang: str
) -> list[RequirementOut]:
    refs = parents | {r.id: r.ref_id for r in rows}
    return [RequirementOut.of(r, refs, lang) for r in rows]


@router.get("", response_model=list[PackOut], summary="Every pack version")
def list_packs(principal: CurrentPrincipal, session: DbSession, lang: Lang = "en") -> list[PackOut]:
    return [PackOut.of(p, lang) for p in service.list_packs(session, principal)]


@router.get(
    "/search",
    response_model=list[SearchHitOut],
    summary="Search requirement titles and descriptions in every language",
)
def search(
    principal: CurrentPrincipal,
    session: DbSession,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    pack: str | None = None,
    lang: Lang = "en",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SearchHitOut]:
    hits = service.search(session, principal, q, pack_id=pack, limit=limit)
    out = []
    for row, pack_row, score in hits:
        translated, fallback = service.titles(row, lang)
        out.append(
            SearchHitOut(
                pack_id=pack_row.pack_id,
                version=pack_row.version,
                ref_id=row.ref_id,
                title=row.title,
                title_translated=translated,
                fallback=fallback,
                score=score,
            )
        )
    return out


@router.get(
    "/coverage",
    response_model=CoverageOut,
    summary="How much of `pack` the requirements of `by` cover (through mappings)",
)
def coverage(
    principal: CurrentPrincipal,
    session: DbSession,
    pack: str,
    by: str,
    depth: Annotated[int, Query(ge=1, le=6)] = 3,
) -> CoverageOut:
    c = service.pack_coverage(session, principal, pack, by, depth)
    return CoverageOut(
        pack=c.pack,
        by_pack=c.by_pack,
        total=c.total,
        full_ratio=c.full_ratio,
        partial_ratio=c.partial_ratio,
        full=c.full,
        partial=c.partial,
        uncovered=c.uncovered,
    )


@router.get("/diff", response_model=PackDiff, summary="Added, removed and changed requirements")
def diff(
    principal: CurrentPrincipal,
    session: DbSession,
    old: Annotated[str, Query(alias="from", description="pack@version")],
    new: Annotated[str, Query(alias="to", description="pack@version")],
) -> PackDiff:
    return service.diff(session, principal, old, new)


@router.post(
    "/import",
    response_model=ImportOut,
    status_code=201,
    summary="Import a pack, an OSCAL catalog or profile, a CISO Assistant library, CSV/XLSX",
)
def import_file(
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    format: Annotated[ImportFormat, Form()] = "pack",
    pack_id: Annotated[str | None, Form()] = None,
    version: Annotated[str | None, Form()] = None,
    title: Annotated[str | None, Form()] = None,
    publisher: Annotated[str, Form()] = "imported",
    licence: Annotated[str, Form()] = "see source",
    licence_class: Annotated[LicenceClass, Form()] = LicenceClass.FULL_TEXT,
    domain: Annotated[Domain, Form()] = Domain.GENERAL,
    catalog: Annotated[str | None, Form(description="pack@version, for oscal-profile")] = None,
) -> ImportOut:
    base = None
    if catalog:
        base = service.pack_model(
            service.get_pack(session, principal, *service.parse_spec(catalog))
        )
    request = ImportRequest(
        fmt=format,
        pack_id=pack_id,
        version=version,
        title=title,
        publisher=publisher,
        licence=licence,
        licence_class=licence_class,
        domains=(domain,),
        base_catalog=base,
    )
    suffix = Path(file.filename or "upload").suffix[:10]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        outcomes, warnings = service.import_file(session, principal, path, request)
    return ImportOut(
        packs=[PackOut.of(o.pack) for o in outcomes],
        created=[o.created for o in outcomes],
        warnings=warnings[:200],
    )


@router.get("/{pack_id}", response_model=list[PackOut], summary="The versions of one pack")
def versions(pack_id: str, principal: CurrentPrincipal, session: DbSession) -> list[PackOut]:
    service.get_pack(session, principal, pack_id)
    return [PackOut.of(p) for p in service.all_versions(session, pack_id)]


@router.get(
    "/{pack_id}/{version}",
    response_model=PackOut,
    summary="One pack version (`latest` for the newest)",
)
def get_pack(
    pack_id: str, version: str, principal: CurrentPrincipal, session: DbSession, lang: Lang = "en"
) -> PackOut:
    return PackOut.of(_pack(session, principal, pack_id, version), lang)


@router.get(
    "/{pack_id}/{version}/requirements",
    response_model=list[TreeNodeOut],
    summary="The requirement tree below `parent` (the top without it), `depth` levels",
)
def requirements(
    pack_id: str,
    version: str,
    principal: CurrentPrincipal,
    session: DbSession,
    parent: str | None = None,
    depth: Annotated[int, Query(ge=1, le=20)] = 1,
    lang: Lang = "en",
) -> Response:
    pack = _pack(session, principal, pack_id, version)
    nodes = service.subtree(session, pack, parent, depth, lang)
    # Serialised straight from the light rows, so that big trees stay fast (see benchmarks).
    return Response(orjson.dumps(nodes), media_type="application/json")


@router.get(
    "/{pack_id}/{version}/requirements/{ref_id}",
    response_model=list[RequirementOut],
    summary="A requirement with its ancestors (root first, the requirement last)",
)
def requirement(
    pack_id: str,
    version: str,
    ref_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    lang: Lang = "en",
) -> list[RequirementOut]:
    pack = _pack(session, principal, pack_id, version)
    row = service.get_requirement(session, pack, ref_id)
    chain = [*service.ancestors(session, row), row]
    return _rows_out(chain, {}, lang)


@router.get(
    "/{pack_id}/{version}/requirements/{ref_id}/mappings",
    response_model=list[MappedOut],
    summary="Requirements mapped to this one, transitively, weakest link on the path",
)
def mappings(
    pack_id: str,
    version: str,
    ref_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    depth: Annotated[int, Query(ge=1, le=6)] = 3,
) -> list[MappedOut]:
    _pack(session, principal, pack_id, version)
    found = service.mappings_of(session, principal, pack_id, ref_id, depth)
    return [
        MappedOut(
            pack_id=r.node[0],
            ref_id=r.node[1],
            relationship=r.relationship.value,
            path_length=r.path_length,
            inferred=r.inferred,
            path=[
                StepOut(
                    pack_id=s.node[0],
                    ref_id=s.node[1],
                    relationship=s.relationship.value,
                    mapping_set=s.mapping_set,
                )
                for s in r.path
            ],
        )
        for r in found
    ]


@router.get("/{pack_id}/{version}/export", summary="Export as pack JSON/YAML, OSCAL or XLSX")
def export(
    pack_id: str,
    version: str,
    principal: CurrentPrincipal,
    session: DbSession,
    format: ExportFormat = "pack-json",
) -> Response:
    pack = _pack(session, principal, pack_id, version)
    content, media = service.export(session, principal, f"{pack.pack_id}@{pack.version}", format)
    ext = {"pack-yaml": "yaml", "xlsx": "xlsx"}.get(format, "json")
    name = f"{pack.pack_id}-{pack.version}-{format}.{ext}"
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
