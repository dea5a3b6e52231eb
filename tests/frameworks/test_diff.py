"""Diff of two pack versions: added, removed, changed requirements (with fields), moves, sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aman.frameworks.diff import FieldChange, diff_packs, flatten
from aman.frameworks.loader import load_pack
from aman.frameworks.schemas import Pack


def v1(fixtures: Path) -> Pack:
    pack = load_pack(fixtures / "good_pack.yaml").pack
    assert pack is not None
    return pack


def v2_data(pack: Pack) -> dict[str, Any]:
    data = pack.model_dump(mode="json")
    data["pack"]["version"] = "1.1.0"
    data["pack"]["title"] = "Test 5G Core Baseline (revised)"
    requirements = {r["ref_id"]: r for r in data["requirements"]}
    requirements["SBA-01"]["title"] = "Mutual TLS 1.3 between network functions"
    requirements["SBA-01"]["translations"]["fr"]["title"] = "TLS 1.3 mutuel"
    requirements["SUCI-01"]["parent"] = "SBA"
    requirements["SUCI-01"]["importance"] = "high"
    del requirements["SBA-02"]
    requirements["SBA-03"] = {"ref_id": "SBA-03", "parent": "SBA", "title": "Token lifetime"}
    data["requirements"] = list(requirements.values())
    data["scoring"]["target"] = 4
    data["implementation_levels"][1]["title"] = "Expert"
    csf_set = data["mapping_sets"][0]
    csf_set["mappings"][0]["relationship"] = "equal"
    csf_set["mappings"].append({"source": "SBA-03", "target": "PR.DS-01", "relationship": "equal"})
    data["mapping_sets"][1] = {"id": "test-5g-core-to-toolbox", "target": "eu-5g-toolbox"}
    return data


def test_diff_of_two_versions(fixtures: Path) -> None:
    old = v1(fixtures)
    new = Pack.model_validate(v2_data(old))
    diff = diff_packs(old, new)
    assert (diff.old_version, diff.new_version) == ("1.0.0", "1.1.0")
    assert diff.added == ["SBA-03"]
    assert diff.removed == ["SBA-02"]
    changed = {change.ref_id: change for change in diff.changed}
    assert set(changed) == {"SBA-01", "SUCI-01"}
    assert changed["SBA-01"].fields == ["title", "translations.fr.title"]
    assert not changed["SBA-01"].moved
    assert changed["SUCI-01"].moved
    assert FieldChange(field="parent", old="SUCI", new="SBA") in changed["SUCI-01"].changes
    assert FieldChange(field="importance", old="critical", new="high") in changed["SUCI-01"].changes
    assert diff.metadata == [
        FieldChange(
            field="title",
            old="Test 5G Core Baseline",
            new="Test 5G Core Baseline (revised)",
        )
    ]
    assert diff.scoring == [FieldChange(field="target", old=3, new=4)]
    assert diff.implementation_levels == [
        FieldChange(field="advanced.title", old="Advanced", new="Expert")
    ]
    assert diff.mapping_sets_added == ["test-5g-core-to-toolbox"]
    assert diff.mapping_sets_removed == ["test-5g-core-to-3gpp"]
    [set_change] = diff.mapping_sets_changed
    assert set_change.added == [("SBA-03", "PR.DS-01")]
    assert set_change.removed == []
    [mapping_change] = set_change.changed
    assert (mapping_change.source, mapping_change.target) == ("SBA-01", "PR.DS-02")
    assert mapping_change.changes == [
        FieldChange(field="relationship", old="subset_of", new="equal")
    ]
    assert not diff.is_empty


def test_identical_packs_have_an_empty_diff(fixtures: Path) -> None:
    assert diff_packs(v1(fixtures), v1(fixtures)).is_empty


def test_flatten_keeps_lists_as_leaves() -> None:
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": {}}) == {"a.b": 1, "a.c": [1, 2], "d": {}}


def _pack_with(titles: dict[str, str]) -> Pack:
    return Pack.model_validate(
        {
            "schema_version": 1,
            "pack": {
                "id": "p",
                "version": "1",
                "title": "P",
                "publisher": "T",
                "licence_class": "full_text",
                "licence": "CC0",
                "domains": ["general"],
            },
            "scoring": {"kind": "yes_partial_no"},
            "requirements": [{"ref_id": ref, "title": title} for ref, title in titles.items()],
        }
    )


_titles = st.dictionaries(
    st.from_regex(r"[A-C]-[0-9]", fullmatch=True),
    st.sampled_from(["one", "two", "three"]),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(_titles, _titles)
def test_diff_is_antisymmetric(old_titles: dict[str, str], new_titles: dict[str, str]) -> None:
    old, new = _pack_with(old_titles), _pack_with(new_titles)
    forward, backward = diff_packs(old, new), diff_packs(new, old)
    assert set(forward.added) == set(backward.removed) == new_titles.keys() - old_titles.keys()
    assert set(forward.removed) == set(backward.added) == old_titles.keys() - new_titles.keys()
    changed = {
        ref for ref in old_titles.keys() & new_titles.keys() if old_titles[ref] != new_titles[ref]
    }
    assert {c.ref_id for c in forward.changed} == changed == {c.ref_id for c in backward.changed}
    for change in forward.changed:
        assert change.changes == [
            FieldChange(field="title", old=old_titles[change.ref_id], new=new_titles[change.ref_id])
        ]
