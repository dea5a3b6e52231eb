"""Differences between two versions of a pack, for upgrade review and assessment migration.

Requirements are matched by ref_id. A change lists every field that differs, as dotted paths
into the JSON form (`parent` for a move in the tree, `translations.fr.title` for one
translation), so the UI can show exactly what an assessor must re-check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from aman.frameworks.schemas import MappingSet, Pack, Requirement


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class FieldChange(_Result):
    field: str
    old: Any = None
    new: Any = None


class RequirementChange(_Result):
    ref_id: str
    changes: list[FieldChange]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def moved(self) -> bool:
        """True when the requirement has a new parent."""
        return any(change.field == "parent" for change in self.changes)

    @property
    def fields(self) -> list[str]:
        return [change.field for change in self.changes]


class MappingChange(_Result):
    source: str
    target: str
    changes: list[FieldChange]


class MappingSetChange(_Result):
    id: str
    added: list[tuple[str, str]] = Field(default_factory=list)
    removed: list[tuple[str, str]] = Field(default_factory=list)
    changed: list[MappingChange] = Field(default_factory=list)
    settings: list[FieldChange] = Field(default_factory=list)


class PackDiff(_Result):
    pack_id: str
    old_version: str
    new_version: str
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    changed: list[RequirementChange] = Field(default_factory=list)
    metadata: list[FieldChange] = Field(default_factory=list)
    scoring: list[FieldChange] = Field(default_factory=list)
    implementation_levels: list[FieldChange] = Field(default_factory=list)
    mapping_sets_added: list[str] = Field(default_factory=list)
    mapping_sets_removed: list[str] = Field(default_factory=list)
    mapping_sets_changed: list[MappingSetChange] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.changed,
                self.metadata,
                self.scoring,
                self.implementation_levels,
                self.mapping_sets_added,
                self.mapping_sets_removed,
                self.mapping_sets_changed,
            )
        )


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts to dotted keys; lists and scalars are leaves."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, Mapping) and item:
            flat.update(flatten(item, path))
        else:
            flat[path] = item
    return flat


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """Changed dotted fields between two JSON-like mappings, in sorted order."""
    flat_old, flat_new = flatten(old), flatten(new)
    return [
        FieldChange(field=key, old=flat_old.get(key), new=flat_new.get(key))
        for key in sorted(flat_old.keys() | flat_new.keys())
        if flat_old.get(key) != flat_new.get(key)
    ]


def _dump(model: BaseModel, exclude: set[str] | None = None) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude=exclude)


def diff_requirements(
    old: Iterable[Requirement], new: Iterable[Requirement]
) -> tuple[list[str], list[str], list[RequirementChange]]:
    """(added, removed, changed) ref_ids; added/changed in new order, removed in old order."""
    old_map = {requirement.ref_id: requirement for requirement in old}
    new_map = {requirement.ref_id: requirement for requirement in new}
    added = [ref for ref in new_map if ref not in old_map]
    removed = [ref for ref in old_map if ref not in new_map]
    changed: list[RequirementChange] = []
    for ref, requirement in new_map.items():
        before = old_map.get(ref)
        if before is None:
            continue
        changes = field_changes(_dump(before), _dump(requirement))
        if changes:
            changed.append(RequirementChange(ref_id=ref, changes=changes))
    return added, removed, changed


def _diff_levels(old: Pack, new: Pack) -> list[FieldChange]:
    before = {level.id: _dump(level, {"id"}) for level in old.implementation_levels}
    after = {level.id: _dump(level, {"id"}) for level in new.implementation_levels}
    changes = field_changes(before, after)
    old_order = [level.id for level in old.implementation_levels]
    new_order = [level.id for level in new.implementation_levels]
    if old_order != new_order and set(old_order) == set(new_order):
        changes.append(FieldChange(field="order", old=old_order, new=new_order))
    return changes


def diff_mapping_set(old: MappingSet, new: MappingSet) -> MappingSetChange | None:
    before = {(m.source, m.target): m for m in old.mappings}
    after = {(m.source, m.target): m for m in new.mappings}
    changed = []
    for key, mapping in after.items():
        previous = before.get(key)
        if previous is None:
            continue
        changes = field_changes(_dump(previous), _dump(mapping))
        if changes:
            changed.append(MappingChange(source=key[0], target=key[1], changes=changes))
    settings = field_changes(_dump(old, {"mappings"}), _dump(new, {"mappings"}))
    result = MappingSetChange(
        id=new.id,
        added=[key for key in after if key not in before],
        removed=[key for key in before if key not in after],
        changed=changed,
        settings=settings,
    )
    if result.added or result.removed or result.changed or result.settings:
        return result
    return None


def diff_packs(old: Pack, new: Pack) -> PackDiff:
    """Everything that differs between `old` and `new` (normally two versions of one pack)."""
    added, removed, changed = diff_requirements(old.requirements, new.requirements)
    meta = field_changes(_dump(old.pack, {"version"}), _dump(new.pack, {"version"}))
    old_sets = {mapping_set.id: mapping_set for mapping_set in old.mapping_sets}
    new_sets = {mapping_set.id: mapping_set for mapping_set in new.mapping_sets}
    sets_changed = []
    for set_id, mapping_set in new_sets.items():
        if set_id in old_sets:
            change = diff_mapping_set(old_sets[set_id], mapping_set)
            if change is not None:
                sets_changed.append(change)
    return PackDiff(
        pack_id=new.pack.id,
        old_version=old.pack.version,
        new_version=new.pack.version,
        added=added,
        removed=removed,
        changed=changed,
        metadata=meta,
        scoring=field_changes(_dump_scoring(old), _dump_scoring(new)),
        implementation_levels=_diff_levels(old, new),
        mapping_sets_added=[set_id for set_id in new_sets if set_id not in old_sets],
        mapping_sets_removed=[set_id for set_id in old_sets if set_id not in new_sets],
        mapping_sets_changed=sets_changed,
    )


def _dump_scoring(pack: Pack) -> dict[str, Any]:
    return pack.scoring.model_dump(mode="json")
