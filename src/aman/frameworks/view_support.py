"""Pure helpers of the frameworks pages: localised text with its fallback flag, the tables
(shown and exported), mapping rows side by side, and a diff shaped for reading."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from aman.frameworks.diff import PackDiff
from aman.frameworks.models import PackVersion, RequirementRow
from aman.frameworks.schemas import MappingSet, Pack, Requirement
from aman.frameworks.service import TreeNode
from aman.web.i18n import N_, Translator
from aman.web.tables import Column, Table

DOMAIN_LABELS = {
    "5g": N_("5G"),
    "cloud": N_("Cloud computing"),
    "ai": N_("Artificial intelligence"),
    "pqc": N_("Post-quantum cryptography"),
    "national": N_("National capacity"),
    "general": N_("General"),
}
RELATIONSHIP_LABELS = {
    "equal": N_("equal to"),
    "subset_of": N_("subset of"),
    "superset_of": N_("superset of"),
    "intersects_with": N_("intersects with"),
    "not_related": N_("not related to"),
}
IMPORTANCE_LABELS = {1: N_("Low"), 2: N_("Medium"), 3: N_("High"), 4: N_("Critical")}


@dataclass(frozen=True)
class Localised:
    """Text in the page's language, or English with `fallback` set (shown with a marker)."""

    text: str | None
    fallback: bool

    @property
    def lang(self) -> str | None:
        """`en` when the text fell back to English (for the element's lang attribute)."""
        return "en" if self.fallback else None


def localised(english: str | None, translated: str | None, locale: str) -> Localised:
    if locale == "en" or not english:
        return Localised(english, False)
    if translated:
        return Localised(translated, False)
    return Localised(english, True)


def requirement_text(req: Requirement, field: str, locale: str) -> Localised:
    entry = req.translations.get(locale) if locale != "en" else None
    return localised(getattr(req, field), getattr(entry, field, None) if entry else None, locale)


def marked_html(text: Localised, t: Translator) -> Markup:
    """Screen form: the English text tagged lang="en" and followed by the fallback badge."""
    if not text.fallback:
        return Markup("{}").format(text.text or "")
    return Markup('<span lang="en">{}</span> <span class="fallback">{}</span>').format(
        text.text or "", t(N_("in English"))
    )


def _marked(text: Localised, t: Translator) -> str:
    """Plain-text form for exports: the fallback marker becomes a suffix."""
    if text.fallback:
        return f"{text.text} [{t(N_('in English'))}]"
    return text.text or ""


def packs_table(t: Translator, packs: Iterable[PackVersion], versions: Mapping[str, int]) -> Table:
    table = Table(
        t(N_("Framework packs")),
        [
            Column("title", t(N_("Title"))),
            Column("pack_id", t(N_("Identifier")), ltr=True),
            Column("version", t(N_("Version")), ltr=True),
            Column("publisher", t(N_("Publisher"))),
            Column("domains", t(N_("Domains"))),
            Column("requirements", t(N_("Requirements")), numeric=True),
            Column("assessable", t(N_("Assessable")), numeric=True),
            Column("versions", t(N_("Versions")), numeric=True),
        ],
    )
    for p in packs:
        entry = p.translations.get(t.locale) or {} if t.locale != "en" else {}
        title = localised(p.title, entry.get("title"), t.locale)
        table.add(
            [
                _marked(title, t),
                p.pack_id,
                p.version,
                p.publisher,
                ", ".join(t.label(DOMAIN_LABELS, d) for d in p.domains),
                p.requirement_count,
                p.assessable_count,
                versions.get(p.pack_id, 1),
            ],
            links={"title": f"/frameworks/{p.pack_id}/{p.version}"},
            display={"title": marked_html(title, t)},
        )
    return table


def search_table(t: Translator, hits: Iterable[tuple[RequirementRow, PackVersion, float]]) -> Table:
    table = Table(
        t(N_("Search results")),
        [
            Column("ref_id", t(N_("Reference")), ltr=True),
            Column("title", t(N_("Title"))),
            Column("pack", t(N_("Pack"))),
            Column("version", t(N_("Version")), ltr=True),
        ],
    )
    for row, pack, _score in hits:
        entry = row.translations.get(t.locale) or {} if t.locale != "en" else {}
        title = localised(row.title, entry.get("title"), t.locale)
        table.add(
            [row.ref_id, _marked(title, t), pack.title, pack.version],
            links={"ref_id": _requirement_href(pack, row.ref_id)},
            display={"title": marked_html(title, t)},
        )
    return table


def requirements_table(t: Translator, pack: PackVersion, nodes: Iterable[TreeNode]) -> Table:
    """Every requirement of a pack version as rows (the tree's export)."""
    table = Table(
        f"{pack.title} {pack.version}",
        [
            Column("ref_id", t(N_("Reference")), ltr=True),
            Column("parent", t(N_("Parent")), ltr=True),
            Column("depth", t(N_("Level")), numeric=True),
            Column("title", t(N_("Title"))),
            Column("title_en", t(N_("Title in English"))),
            Column("assessable", t(N_("Assessable"))),
            Column("importance", t(N_("Importance"))),
        ],
    )
    for n in nodes:
        text = Localised(n.title_translated, n.fallback and t.locale != "en")
        table.add(
            [
                n.ref_id,
                n.parent,
                n.depth + 1,
                _marked(text, t),
                n.title,
                t(N_("Yes")) if n.assessable else t(N_("No")),
                t(IMPORTANCE_LABELS.get(n.importance, N_("Medium"))),
            ]
        )
    return table


def mapping_rows(
    t: Translator, source: Pack, mapping_set: MappingSet, target: Pack | None
) -> tuple[Table, list[dict[str, Any]]]:
    """A mapping set side by side: (export table, rows for the page)."""
    sources = {r.ref_id: r for r in source.requirements}
    targets = {r.ref_id: r for r in target.requirements} if target else {}
    table = Table(
        f"{source.pack.id} → {mapping_set.target}",
        [
            Column("source", t(N_("Requirement")), ltr=True),
            Column("source_title", t(N_("Title"))),
            Column("relationship", t(N_("Relationship"))),
            Column("target", t(N_("Mapped requirement")), ltr=True),
            Column("target_title", t(N_("Title"))),
            Column("strength", t(N_("Strength")), numeric=True),
            Column("rationale", t(N_("Rationale"))),
        ],
    )
    rows = []
    for m in mapping_set.mappings:
        src, dst = sources.get(m.source), targets.get(m.target)
        src_title = requirement_text(src, "title", t.locale) if src else Localised(None, False)
        dst_title = requirement_text(dst, "title", t.locale) if dst else Localised(None, False)
        relationship = t.label(RELATIONSHIP_LABELS, m.relationship.value)
        table.add(
            [
                m.source,
                _marked(src_title, t),
                relationship,
                m.target,
                _marked(dst_title, t),
                m.strength,
                m.rationale,
            ]
        )
        rows.append(
            {
                "source": m.source,
                "source_title": src_title,
                "relationship": relationship,
                "target": m.target,
                "target_title": dst_title,
                "target_known": dst is not None,
                "strength": m.strength,
                "rationale": m.rationale,
            }
        )
    return table, rows


def diff_view(
    t: Translator, result: PackDiff, old: PackVersion, new: PackVersion
) -> dict[str, Any]:
    """The diff with requirement titles, ready for the template."""
    from aman.frameworks.service import pack_model

    old_reqs = {r.ref_id: r for r in pack_model(old).requirements}
    new_reqs = {r.ref_id: r for r in pack_model(new).requirements}

    def title(reqs: dict[str, Requirement], ref: str) -> Localised:
        req = reqs.get(ref)
        return requirement_text(req, "title", t.locale) if req else Localised(None, False)

    return {
        "result": result,
        "added": [(ref, title(new_reqs, ref)) for ref in result.added],
        "removed": [(ref, title(old_reqs, ref)) for ref in result.removed],
        "changed": [(c, title(new_reqs, c.ref_id)) for c in result.changed],
        "old": old,
        "new": new,
    }


def _requirement_href(pack: PackVersion, ref_id: str) -> str:
    return f"/frameworks/{pack.pack_id}/{pack.version}/requirements/{ref_id}"
