"""Framework packs in the database: set-based import, versions, tree, search, mappings, export.

Pack versions are immutable: importing the same content again is a no-op, importing different
content under an existing (id, version) is refused. Assessments pin the row of the version they
started on.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import orjson
import yaml
from sqlalchemy import func, insert, null, select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import FRAMEWORKS_PUBLISH
from aman.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from aman.frameworks import search as fts
from aman.frameworks.compiler import compile_pack, load_all, version_key
from aman.frameworks.diff import PackDiff, diff_packs
from aman.frameworks.importers import ImportRequest, read_file
from aman.frameworks.mapping_graph import Coverage, MappingGraph, RelatedRequirement, coverage
from aman.frameworks.mapping_graph import related as related_nodes
from aman.frameworks.models import MappingRow, MappingSetRow, PackVersion, RequirementRow
from aman.frameworks.oscal_export import mapping_sets_to_oscal, pack_to_catalog
from aman.frameworks.schemas import Pack, Requirement
from aman.frameworks.tabular import export_xlsx
from aman.frameworks.validation import validate_pack

SHIPPED_PACKS = Path(__file__).parent / "packs"
log = logging.getLogger("aman.frameworks")
SEARCH_CANDIDATES = 2000


@dataclass(frozen=True)
class ImportOutcome:
    pack: PackVersion
    created: bool


def _community(principal: Principal) -> None:
    if not (principal.system or principal.is_federation_member):
        raise PermissionDenied("frameworks are open to federation users only")


# --- import -----------------------------------------------------------------------------


def _tree_paths(pack: Pack) -> dict[str, tuple[int, str]]:
    """ref_id → (depth, path); the path joins zero-padded file positions from the root, so a
    subtree is a prefix and sorting by path gives the tree in file order."""
    parents = {r.ref_id: r.parent for r in pack.requirements}
    positions = {r.ref_id: i for i, r in enumerate(pack.requirements)}
    found: dict[str, tuple[int, str]] = {}
    for ref in parents:
        chain: list[str] = []
        node: str | None = ref
        while node is not None and node not in found:
            chain.append(node)
            node = parents.get(node)
        depth, path = (found[node][0] + 1, found[node][1] + ".") if node is not None else (0, "")
        for item in reversed(chain):
            found[item] = (depth, f"{path}{positions[item]:05d}")
            depth, path = depth + 1, found[item][1] + "."
    return found


def _search_text(requirement: Requirement) -> str:
    words: dict[str, None] = {}
    for lang in fts.LANGUAGES:
        for word in fts.search_document(requirement, lang).text.split():
            words.setdefault(word, None)
    return " " + " ".join(words) + " "


def _requirement_rows(pack: Pack, pack_uuid: uuid.UUID) -> list[dict[str, Any]]:
    ids = {r.ref_id: uuid.uuid4() for r in pack.requirements}
    paths = _tree_paths(pack)
    children: dict[str, int] = {}
    for r in pack.requirements:
        if r.parent:
            children[r.parent] = children.get(r.parent, 0) + 1
    rows = [
        {
            "id": ids[r.ref_id],
            "pack_uuid": pack_uuid,
            "ref_id": r.ref_id,
            "parent_id": ids[r.parent] if r.parent else None,
            "position": position,
            "depth": paths[r.ref_id][0],
            "path": paths[r.ref_id][1],
            "child_count": children.get(r.ref_id, 0),
            "title": r.title,
            "description": r.description,
            "guidance": r.guidance,
            "typical_evidence": r.typical_evidence,
            "assessable": r.assessable,
            "weight": r.weight,
            "importance": r.importance.numeric,
            "domains": [d.value for d in pack.effective_domains(r)],
            "levels": list(r.levels),
            "points": r.points,
            "stage": r.stage,
            "references": [ref.model_dump() for ref in r.references],
            "checks": list(r.checks),
            "competencies": list(r.competencies),
            "translations": {
                k: v.model_dump(mode="json", exclude_none=True) for k, v in r.translations.items()
            },
            "search_text": _search_text(r),
        }
        for position, r in enumerate(pack.requirements)
    ]
    # Parents before children, so that the self-referencing foreign key holds row by row.
    return sorted(rows, key=lambda row: (row["depth"], row["position"]))


def known_packs(session: Session) -> dict[str, frozenset[str]]:
    """ "id" and "id/version" → ref_ids, for validating mapping targets against the database."""
    index: dict[str, set[str]] = {}
    stmt = select(PackVersion.pack_id, PackVersion.version, RequirementRow.ref_id).join(
        RequirementRow, RequirementRow.pack_uuid == PackVersion.id
    )
    for pack_id, version, ref in session.execute(stmt):
        index.setdefault(pack_id, set()).add(ref)
        index.setdefault(f"{pack_id}/{version}", set()).add(ref)
    return {k: frozenset(v) for k, v in index.items()}


def import_pack(
    session: Session,
    principal: Principal,
    pack: Pack,
    origin: str,
    extra_known: dict[str, frozenset[str]] | None = None,
) -> ImportOutcome:
    """Validate and store one pack version in a handful of set-based statements."""
    authorize(principal, FRAMEWORKS_PUBLISH, Node.federation())
    compiled = compile_pack(pack)
    existing = session.scalar(
        select(PackVersion).where(
            PackVersion.pack_id == pack.pack.id, PackVersion.version == pack.pack.version
        )
    )
    if existing is not None:
        if existing.sha256 == compiled.sha256:
            return ImportOutcome(existing, False)
        raise Conflict(
            f"{pack.pack.id}@{pack.pack.version} exists with different content; "
            "publish a new version instead",
            [FieldError("pack.version", "in use")],
        )
    known = known_packs(session) | (extra_known or {})
    errors = [f for f in validate_pack(pack, known_packs=known) if f.severity == "error"]
    if errors:
        raise InvalidInput(
            f"{pack.pack.id}@{pack.pack.version} is not a valid pack",
            [
                FieldError(
                    ".".join(map(str, f.loc)) or "pack",
                    f"{f.ref_id + ': ' if f.ref_id else ''}{f.message}",
                )
                for f in errors
            ],
        )
    row = PackVersion(
        pack_id=pack.pack.id,
        version=pack.pack.version,
        title=pack.pack.title,
        description=pack.pack.description,
        publisher=pack.pack.publisher,
        licence_class=pack.pack.licence_class.value,
        licence=pack.pack.licence,
        source_url=pack.pack.source_url,
        publication_date=pack.pack.publication_date,
        domains=[d.value for d in pack.pack.domains],
        scoring=pack.scoring.model_dump(mode="json"),
        translations={
            k: v.model_dump(mode="json", exclude_none=True)
            for k, v in pack.pack.translations.items()
        },
        requirement_count=len(pack.requirements),
        assessable_count=sum(1 for r in pack.requirements if r.assessable),
        sha256=compiled.sha256,
        origin=origin,
        document=compiled.json_bytes,
    )
    session.add(row)
    session.flush()
    session.execute(insert(RequirementRow), _requirement_rows(pack, row.id))
    _insert_mapping_sets(session, pack, row.id)
    audit.record(
        session,
        principal,
        "pack.import",
        "pack",
        row.id,
        details={
            "pack": pack.pack.id,
            "version": pack.pack.version,
            "origin": origin,
            "requirements": len(pack.requirements),
        },
    )
    _graph_for.cache_clear()
    return ImportOutcome(row, True)


def _insert_mapping_sets(session: Session, pack: Pack, pack_uuid: uuid.UUID) -> None:
    if not pack.mapping_sets:
        return
    set_rows, mapping_rows = [], []
    for ms in pack.mapping_sets:
        set_uuid = uuid.uuid4()
        set_rows.append(
            {
                "id": set_uuid,
                "set_id": ms.id,
                "source_pack_uuid": pack_uuid,
                "target_pack_id": ms.target,
                "target_version": ms.target_version,
                "target_kind": ms.target_kind.value,
                "description": ms.description,
            }
        )
        mapping_rows += [
            {
                "set_uuid": set_uuid,
                "source_ref": m.source,
                "target_ref": m.target,
                "relationship": m.relationship.value,
                "strength": m.strength,
                "rationale": m.rationale,
            }
            for m in ms.mappings
        ]
    session.execute(insert(MappingSetRow), set_rows)
    if mapping_rows:
        session.execute(insert(MappingRow), mapping_rows)


def sync_shipped(
    session: Session, principal: Principal, cache_dir: Path, directory: Path = SHIPPED_PACKS
) -> list[ImportOutcome]:
    """Import every shipped pack version the database lacks (compiled JSON cache: no YAML parse
    on a warm start)."""
    loaded = load_all(directory, cache_dir)
    if loaded.errors:
        raise InvalidInput(
            "shipped packs do not validate",
            [FieldError(e.file, e.message, e.line) for e in loaded.errors],
        )
    have = {
        (p, v): sha
        for p, v, sha in session.execute(
            select(PackVersion.pack_id, PackVersion.version, PackVersion.sha256)
        )
    }
    packs = sorted(loaded.packs.values(), key=_import_order)
    outcomes = []
    for pack in packs:
        if pack.key in have:
            if have[pack.key] != compile_pack(pack).sha256:
                # Installed versions are immutable: an edited shipped file needs a new version.
                log.warning(
                    "shipped pack %s@%s differs from the installed copy; publish it "
                    "under a new version to use the changes",
                    *pack.key,
                )
            continue
        outcomes.append(import_pack(session, principal, pack, "shipped"))
    return outcomes


def _import_order(pack: Pack) -> tuple[int, str]:
    """Packs that others map to first, so that mapping targets exist when validated."""
    return (1 if pack.mapping_sets else 0, pack.pack.id)


# --- reading ----------------------------------------------------------------------------


def list_packs(session: Session, principal: Principal) -> list[PackVersion]:
    _community(principal)
    rows = list(session.scalars(select(PackVersion).order_by(PackVersion.pack_id)))
    return sorted(rows, key=lambda r: (r.pack_id, version_key(r.version)))


def get_pack(
    session: Session, principal: Principal, pack_id: str, version: str | None = None
) -> PackVersion:
    """A pack version; the newest when `version` is None."""
    _community(principal)
    rows = list(session.scalars(select(PackVersion).where(PackVersion.pack_id == pack_id)))
    if version is not None:
        rows = [r for r in rows if r.version == version]
    if not rows:
        raise NotFound(f"no pack {pack_id}{'@' + version if version else ''}")
    return max(rows, key=lambda r: version_key(r.version))


def parse_spec(spec: str) -> tuple[str, str | None]:
    """ "pack@version" or "pack" (newest)."""
    pack_id, _, version = spec.partition("@")
    return pack_id, version or None


def pack_model(row: PackVersion) -> Pack:
    return Pack.model_validate(orjson.loads(row.document))


def children(session: Session, pack: PackVersion, parent_ref: str | None) -> list[RequirementRow]:
    """One level of the tree (lazy loading for big packs)."""
    stmt = select(RequirementRow).where(RequirementRow.pack_uuid == pack.id)
    if parent_ref is None:
        stmt = stmt.where(RequirementRow.parent_id.is_(None))
    else:
        parent = get_requirement(session, pack, parent_ref)
        stmt = stmt.where(RequirementRow.parent_id == parent.id)
    return list(session.scalars(stmt.order_by(RequirementRow.position)))


@dataclass(frozen=True, slots=True)
class TreeNode:
    """A light row of the requirement tree: what a tree view needs, nothing more."""

    ref_id: str
    parent: str | None
    depth: int
    child_count: int
    assessable: bool
    importance: int
    title: str
    title_translated: str
    fallback: bool


def subtree(
    session: Session, pack: PackVersion, root_ref: str | None, max_depth: int, lang: str = "en"
) -> list[TreeNode]:
    """The nodes down to `max_depth` levels below `root_ref` (or the top), one indexed query."""
    r = RequirementRow
    # English needs no translations: skip reading and decoding that JSON column.
    translations = r.translations if lang != "en" else null().label("translations")
    stmt = select(
        r.id,
        r.parent_id,
        r.ref_id,
        r.depth,
        r.child_count,
        r.assessable,
        r.importance,
        r.title,
        translations,
    ).where(r.pack_uuid == pack.id)
    refs: dict[uuid.UUID, str] = {}
    base_depth = -1
    if root_ref is not None:
        root = get_requirement(session, pack, root_ref)
        base_depth, refs[root.id] = root.depth, root.ref_id
        stmt = stmt.where(r.path.startswith(root.path + "."))
    rows = session.execute(stmt.where(r.depth <= base_depth + max_depth).order_by(r.path)).all()
    refs.update((row.id, row.ref_id) for row in rows)
    nodes = []
    for row in rows:
        translated = row.title if lang == "en" else (row.translations.get(lang) or {}).get("title")
        nodes.append(
            TreeNode(
                ref_id=row.ref_id,
                parent=refs.get(row.parent_id) if row.parent_id else None,
                depth=row.depth,
                child_count=row.child_count,
                assessable=row.assessable,
                importance=row.importance,
                title=row.title,
                title_translated=translated or row.title,
                fallback=not translated,
            )
        )
    return nodes


def get_requirement(session: Session, pack: PackVersion, ref_id: str) -> RequirementRow:
    row = session.scalar(
        select(RequirementRow).where(
            RequirementRow.pack_uuid == pack.id, RequirementRow.ref_id == ref_id
        )
    )
    if row is None:
        raise NotFound(f"{pack.pack_id}@{pack.version} has no requirement {ref_id!r}")
    return row


def ancestors(session: Session, row: RequirementRow) -> list[RequirementRow]:
    chain: list[RequirementRow] = []
    node = row
    while node.parent_id is not None:
        parent = session.get(RequirementRow, node.parent_id)
        if parent is None:
            break
        chain.append(parent)
        node = parent
    return list(reversed(chain))


def search(
    session: Session,
    principal: Principal,
    query: str,
    *,
    pack_id: str | None = None,
    limit: int = 50,
) -> list[tuple[RequirementRow, PackVersion, float]]:
    """Requirements matching every word of `query` in any language, best first."""
    _community(principal)
    words = fts.tokens(query)
    if not words:
        raise InvalidInput("empty search", [FieldError("q", "give at least one word")])
    stmt = select(RequirementRow, PackVersion).join(
        PackVersion, PackVersion.id == RequirementRow.pack_uuid
    )
    for word in words:
        stmt = stmt.where(RequirementRow.search_text.contains(" " + word, autoescape=True))
    if pack_id:
        stmt = stmt.where(PackVersion.pack_id == pack_id)
    hits = []
    for row, pack in session.execute(stmt.limit(SEARCH_CANDIDATES)):
        requirement = Requirement.model_validate(
            {
                "ref_id": row.ref_id,
                "title": row.title,
                "description": row.description,
                "translations": row.translations,
            }
        )
        best = max(
            fts.score(query, fts.search_document(requirement, lang)) for lang in fts.LANGUAGES
        )
        if best > 0:
            hits.append((row, pack, best))
    hits.sort(key=lambda h: (-h[2], h[1].pack_id, h[0].position))
    return hits[:limit]


def diff(session: Session, principal: Principal, old: str, new: str) -> PackDiff:
    a = get_pack(session, principal, *parse_spec(old))
    b = get_pack(session, principal, *parse_spec(new))
    return diff_packs(pack_model(a), pack_model(b))


# --- mappings ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _graph_for(
    signature: tuple[tuple[str, str], ...], documents: tuple[bytes, ...]
) -> MappingGraph:
    packs = [Pack.model_validate(orjson.loads(doc)) for doc in documents]
    return MappingGraph.from_packs(packs)


def mapping_graph(session: Session) -> MappingGraph:
    """The graph over the newest version of every pack (cached until the packs change)."""
    newest: dict[str, PackVersion] = {}
    for row in session.scalars(select(PackVersion)):
        current = newest.get(row.pack_id)
        if current is None or version_key(row.version) > version_key(current.version):
            newest[row.pack_id] = row
    rows = sorted(newest.values(), key=lambda r: r.pack_id)
    signature = tuple((r.pack_id, r.sha256) for r in rows)
    return _graph_for(signature, tuple(r.document for r in rows))


def mappings_of(
    session: Session, principal: Principal, pack_id: str, ref_id: str, max_depth: int | None = 3
) -> list[RelatedRequirement]:
    """Every requirement mapped to (pack_id, ref_id), transitively, weakest link on the path."""
    pack = get_pack(session, principal, pack_id)
    get_requirement(session, pack, ref_id)
    found = related_nodes(mapping_graph(session), (pack_id, ref_id), max_depth)
    return sorted(found.values(), key=lambda r: (-r.relationship.strength, r.path_length, r.node))


def pack_coverage(
    session: Session, principal: Principal, pack_spec: str, by_pack: str, max_depth: int | None = 3
) -> Coverage:
    pack = get_pack(session, principal, *parse_spec(pack_spec))
    get_pack(session, principal, by_pack)
    return coverage(pack_model(pack), by_pack, mapping_graph(session), max_depth)


def requirement_counts(session: Session, pack: PackVersion) -> dict[int, int]:
    stmt = (
        select(RequirementRow.depth, func.count())
        .where(RequirementRow.pack_uuid == pack.id)
        .group_by(RequirementRow.depth)
    )
    return {int(d): int(n) for d, n in session.execute(stmt)}


def titles(row: RequirementRow, lang: str) -> tuple[str, bool]:
    """The title in `lang`, and whether it fell back to English."""
    if lang == "en":
        return row.title, False
    entry = row.translations.get(lang) or {}
    title = entry.get("title")
    return (title, False) if title else (row.title, True)


def all_versions(session: Session, pack_id: str) -> Sequence[PackVersion]:
    rows = list(session.scalars(select(PackVersion).where(PackVersion.pack_id == pack_id)))
    return sorted(rows, key=lambda r: version_key(r.version))


# --- files in and out -------------------------------------------------------------------


def import_file(
    session: Session, principal: Principal, path: Path, request: ImportRequest
) -> tuple[list[ImportOutcome], list[str]]:
    """Read any supported format and import every pack it holds, all or nothing."""
    authorize(principal, FRAMEWORKS_PUBLISH, Node.federation())
    imported = read_file(path, request)
    origin = f"import:{request.fmt}:{path.name}"
    extra = {p.pack.id: frozenset(p.requirement_map()) for p in imported.packs}
    outcomes = [import_pack(session, principal, pack, origin, extra) for pack in imported.packs]
    return outcomes, imported.warnings


ExportFormat = Literal["pack-json", "pack-yaml", "oscal-catalog", "oscal-mapping", "xlsx"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)


def export(session: Session, principal: Principal, spec: str, fmt: str) -> tuple[bytes, str]:
    """The pack version in `fmt`: (content, media type)."""
    row = get_pack(session, principal, *parse_spec(spec))
    pack = pack_model(row)
    if fmt == "pack-json":
        return row.document, "application/json"
    if fmt == "pack-yaml":
        data = pack.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        data["schema_version"] = pack.schema_version
        return yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False
        ).encode(), "application/yaml"
    if fmt == "oscal-catalog":
        return orjson.dumps(pack_to_catalog(pack), option=orjson.OPT_INDENT_2), "application/json"
    if fmt == "oscal-mapping":
        targets = {}
        for ms in pack.mapping_sets:
            if ms.target_kind.value == "pack":
                with contextlib.suppress(NotFound):
                    targets[ms.target] = pack_model(
                        get_pack(session, principal, ms.target, ms.target_version)
                    )
        doc = mapping_sets_to_oscal(pack, target_packs=targets)
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2), "application/json"
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as tmp:
            out = export_xlsx(pack, Path(tmp) / "pack.xlsx")
            return out.read_bytes(), XLSX_MEDIA_TYPE
    raise InvalidInput(
        f"unknown export format {fmt!r}",
        [FieldError("format", f"one of {', '.join(EXPORT_FORMATS)}")],
    )


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
