"""OSCAL import (real NIST SP 800-53 rev5 data), profile selection, catalog/mapping export."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from aman.frameworks.loader import load_pack
from aman.frameworks.oscal import (
    OscalImportError,
    PackInfo,
    catalog_to_pack,
    load_oscal_catalog,
    load_oscal_profile,
    profile_to_pack,
    ref_id_from_oscal_id,
)
from aman.frameworks.oscal_export import (
    mapping_sets_to_oscal,
    pack_to_catalog,
    token_from_ref,
)
from aman.frameworks.schemas import Importance, Mapping, MappingSet, Pack

MODERATE = "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"
LOW = "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json"
PROFILE = "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"
NIST = PackInfo(pack_id="nist-sp-800-53-r5", publisher="NIST", licence="Public domain (CC0 1.0)")
FIXED_TIME = dt.datetime(2026, 1, 15, 8, 30, tzinfo=dt.UTC)


def count_json(path: Path) -> tuple[int, int, int]:
    """(groups, base controls, enhancements) counted straight from the OSCAL JSON."""
    catalog = orjson.loads(path.read_bytes())["catalog"]
    depth: Counter[int] = Counter()

    def walk(controls: list[dict[str, Any]], level: int) -> None:
        for control in controls:
            depth[level] += 1
            walk(control.get("controls", []), level + 1)

    groups = 0
    stack = list(catalog.get("groups", []))
    while stack:
        group = stack.pop()
        groups += 1
        stack.extend(group.get("groups", []))
        walk(group.get("controls", []), 0)
    return groups, depth[0], sum(count for level, count in depth.items() if level > 0)


@pytest.fixture(scope="module")
def moderate(oscal_data_module: Path) -> Pack:
    return load_oscal_catalog(oscal_data_module / MODERATE, NIST).pack


@pytest.fixture(scope="module")
def oscal_data_module() -> Path:
    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "oscal"
    if not path.is_dir():
        pytest.skip(f"shared OSCAL test data not found at {path}")
    return path.resolve()


@pytest.mark.parametrize(
    ("name", "groups", "base", "enhancements"),
    [(MODERATE, 18, 177, 110), (LOW, 18, 131, 18), ("basic-catalog.json", 4, 4, 0)],
)
def test_catalog_counts(
    oscal_data_module: Path, name: str, groups: int, base: int, enhancements: int
) -> None:
    path = oscal_data_module / name
    assert count_json(path) == (groups, base, enhancements)
    imported = load_oscal_catalog(path, NIST)
    pack = imported.pack
    assessable = [r for r in pack.requirements if r.assessable]
    assert len(assessable) == base + enhancements
    assert len(pack.requirements) == groups + base + enhancements
    by_ref = pack.requirement_map()
    nested = [r for r in assessable if r.parent and by_ref[r.parent].assessable]
    assert len(nested) == enhancements
    assert imported.skipped_withdrawn == [] and imported.warnings == []


def test_moderate_content(moderate: Pack) -> None:
    assert moderate.pack.version == "5.1.1+u4"
    assert (
        moderate.pack.title
        == "NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT BASELINE"
    )
    assert moderate.pack.publication_date == dt.date(2024, 2, 13)
    by_ref = moderate.requirement_map()
    families = Counter(
        r.parent for r in moderate.requirements if r.parent and not by_ref[r.parent].assessable
    )
    assert len(families) == 18  # base controls per family, as counted in the JSON
    assert (families["AC"], families["SC"], families["PE"], families["AT"]) == (17, 18, 16, 4)
    ac = by_ref["AC"]
    assert (ac.title, ac.assessable, ac.source_id) == ("Access Control", False, "ac")
    ac2 = by_ref["AC-2"]
    assert ac2.title == "Account Management" and ac2.parent == "AC" and ac2.source_id == "ac-2"
    assert ac2.description is not None
    lines = ac2.description.splitlines()
    assert lines[0] == (
        "a. Define and document the types of accounts allowed and specifically prohibited for "
        "use within the system;"
    )
    assert lines[2] == (
        "c. Require [Assignment: prerequisites and criteria] for group and role membership;"
    )
    assert lines[3:6] == [
        "d. Specify:",
        "  1. Authorized users of the system;",
        "  2. Group and role membership; and",
    ]
    assert lines[-1].startswith("l. Align account management processes")
    assert "{{" not in ac2.description
    assert ac2.guidance is not None and ac2.guidance.startswith("Examples of system account types")
    enhancement = by_ref["AC-2(2)"]
    assert enhancement.parent == "AC-2" and enhancement.source_id == "ac-2.2"
    assert enhancement.description == (
        "Automatically [Selection: remove; disable] temporary and emergency accounts after "
        "[Assignment: time period]."
    )
    assert "[Selection (one or more): initiating a device lock after [Assignment: time period]" in (
        by_ref["AC-11"].description or ""
    )


def test_basic_catalog_nested_groups(oscal_data_module: Path) -> None:
    pack = load_oscal_catalog(oscal_data_module / "basic-catalog.json", NIST).pack
    tree = [(r.ref_id, r.parent, r.assessable) for r in pack.requirements]
    assert tree == [
        ("1", None, False),
        ("S1.1", "1", False),
        ("1.1.1", "S1.1", True),
        ("1.1.2", "S1.1", True),
        ("2", None, False),
        ("2.1", "2", False),
        ("2.1.1", "2.1", True),
        ("2.1.2", "2.1", True),
    ]
    first = pack.requirement_map()["1.1.1"]
    assert "[Selection (one or more): initiating a device lock after [Assignment: a duration]" in (
        first.description or ""
    )
    assert first.guidance is not None and first.guidance.count("\n\n") >= 2
    assert pack.requirement_map()["2.1"].description == (
        "To limit access to information and information processing facilities."
    )


def test_small_catalog_withdrawn_params_and_labels(fixtures: Path) -> None:
    imported = load_oscal_catalog(fixtures / "oscal_small_catalog.json", NIST)
    pack = imported.pack
    assert sorted(imported.skipped_withdrawn) == ["net-1.2", "net-2"]
    assert [r.ref_id for r in pack.requirements] == [
        "NET",
        "NET-1",
        "NET-1(1)",
        "NET-1(1)(1)",
        "TOP-1",
    ]
    by_ref = pack.requirement_map()
    assert by_ref["NET"].description == "Controls for the network edge."
    assert by_ref["NET-1"].description == (
        "Filter traffic at the edge:\n"
        "  a. Allow only [Assignment: list of permitted protocols];\n"
        "  b. For everything else, [Selection: deny; log and deny]; and\n"
        "  c. Review the rules every 30 days."
    )
    assert by_ref["NET-1(1)"].description == (
        "Filter outbound traffic as well, using [Assignment: unknown-param]."
    )
    assert by_ref["NET-1(1)(1)"].parent == "NET-1(1)"
    assert by_ref["TOP-1"].parent is None
    assert pack.pack.version == "0.3"


def test_ref_ids_from_oscal_ids() -> None:
    assert ref_id_from_oscal_id("ac-2") == "AC-2"
    assert ref_id_from_oscal_id("ac-2.13") == "AC-2(13)"
    assert ref_id_from_oscal_id("si-4.4.1") == "SI-4(4)(1)"
    assert ref_id_from_oscal_id("s1.1.1") == "S1.1.1"
    assert token_from_ref("AC-2(1)") == "ac-2.1"
    assert token_from_ref("1.1.1") == "r-1.1.1"


def test_unsupported_documents(fixtures: Path) -> None:
    with pytest.raises(OscalImportError, match="not supported"):
        catalog_to_pack(
            {"catalog": {"uuid": "x", "metadata": {"oscal-version": "2.0.0"}, "groups": []}}, NIST
        )
    with pytest.raises(OscalImportError, match="not an OSCAL catalog"):
        catalog_to_pack({"profile": {}}, NIST)
    with pytest.raises(OscalImportError, match="no groups or controls"):
        catalog_to_pack({"catalog": {"uuid": "x", "metadata": {"oscal-version": "1.1.2"}}}, NIST)


def test_moderate_profile_selects_every_control(oscal_data_module: Path, moderate: Pack) -> None:
    info = PackInfo(pack_id="nist-moderate", publisher="NIST", licence="CC0")
    imported = load_oscal_profile(oscal_data_module / PROFILE, moderate, info)
    assert imported.warnings == []
    assert [r.ref_id for r in imported.pack.requirements] == [
        r.ref_id for r in moderate.requirements
    ]
    assert imported.pack.pack.title.endswith("MODERATE IMPACT BASELINE")


def test_moderate_profile_on_low_catalog(oscal_data_module: Path) -> None:
    low = load_oscal_catalog(oscal_data_module / LOW, NIST).pack
    imported = load_oscal_profile(oscal_data_module / PROFILE, low, NIST)
    assert sum(r.assessable for r in imported.pack.requirements) == 149
    [warning] = imported.warnings
    assert warning.startswith("selected ids not in the catalog:") and warning.count(",") == 137


def test_profile_selection_rules(fixtures: Path) -> None:
    catalog = load_oscal_catalog(fixtures / "oscal_small_catalog.json", NIST).pack

    def select(imports: list[dict[str, Any]]) -> list[tuple[str, bool]]:
        doc = {"profile": {"uuid": "p", "metadata": {"title": "T", "oscal-version": "1.1.2"},
                           "imports": imports}}  # fmt: skip
        pack = profile_to_pack(doc, catalog, NIST).pack
        return [(r.ref_id, r.assessable) for r in pack.requirements]

    only_child = [{"href": "#x", "include-controls": [{"with-ids": ["net-1.1.1"]}]}]
    assert select(only_child) == [
        ("NET", False),
        ("NET-1", False),
        ("NET-1(1)", False),
        ("NET-1(1)(1)", True),
    ]
    with_children = [
        {
            "href": "#x",
            "include-controls": [{"with-ids": ["net-1"], "with-child-controls": "yes"}],
            "exclude-controls": [{"with-ids": ["net-1.1.1"]}],
        }
    ]
    assert select(with_children) == [("NET", False), ("NET-1", True), ("NET-1(1)", True)]
    everything = [{"href": "#x", "include-all": {}}]
    assert [ref for ref, _ in select(everything)] == [r.ref_id for r in catalog.requirements]
    pattern = [{"href": "#x", "include-controls": [{"matching": [{"pattern": "top-*"}]}]}]
    assert select(pattern) == [("TOP-1", True)]
    with pytest.raises(OscalImportError, match="selects no control"):
        select([{"href": "#x", "include-controls": [{"with-ids": ["nope"]}]}])


try:
    from trestle.oscal import catalog as trestle_catalog
    from trestle.oscal import mapping as trestle_mapping
except ImportError:  # optional: compliance-trestle>=5 validates exports when present
    trestle_catalog = trestle_mapping = None  # type: ignore[assignment]

needs_trestle = pytest.mark.skipif(
    trestle_catalog is None,
    reason="compliance-trestle>=5 is not installed, so OSCAL exports cannot be validated",
)


@needs_trestle
def test_moderate_export_validates_with_trestle(moderate: Pack) -> None:
    document = pack_to_catalog(moderate, last_modified=FIXED_TIME)
    model = trestle_catalog.Catalog.model_validate(document["catalog"])
    assert model.metadata.oscal_version.root.root == "1.1.2"
    assert document["catalog"]["metadata"]["last-modified"] == "2026-01-15T08:30:00+00:00"
    assert [g["id"] for g in document["catalog"]["groups"]][:3] == ["ac", "at", "au"]
    assert pack_to_catalog(moderate, last_modified=FIXED_TIME) == document  # deterministic
    again = catalog_to_pack(document, NIST).pack
    assert [(r.ref_id, r.parent, r.description) for r in again.requirements] == [
        (r.ref_id, r.parent, r.description) for r in moderate.requirements
    ]


@needs_trestle
def test_aman_pack_round_trips_through_an_oscal_catalog(fixtures: Path) -> None:
    pack = load_pack(fixtures / "good_pack.yaml").pack
    assert pack is not None
    document = pack_to_catalog(pack, last_modified=FIXED_TIME)
    trestle_catalog.Catalog.model_validate(document["catalog"])
    back = catalog_to_pack(document, NIST).pack
    keep = {"translations", "levels", "source_id"}
    assert [r.model_dump(exclude=keep) for r in back.requirements] == [
        r.model_dump(exclude=keep) for r in pack.requirements
    ]
    assert back.requirement_map()["SBA-02"].importance is Importance.CRITICAL
    assert back.pack.title == pack.pack.title and back.pack.version == pack.pack.version


@needs_trestle
def test_mapping_collection_export(fixtures: Path, moderate: Pack) -> None:
    pack = load_pack(fixtures / "good_pack.yaml").pack
    assert pack is not None
    to_nist = MappingSet(
        id="test-5g-core-to-nist",
        target="nist-sp-800-53-r5",
        target_version="5.1.1+u4",
        mappings=[Mapping(source="SBA-02", target="AC-2(1)", relationship="intersects_with")],
    )
    pack = pack.model_copy(update={"mapping_sets": [*pack.mapping_sets, to_nist]})
    document = mapping_sets_to_oscal(
        pack, target_packs={"nist-sp-800-53-r5": moderate}, last_modified=FIXED_TIME
    )
    trestle_mapping.MappingCollection.model_validate(document["mapping-collection"])
    collection = document["mapping-collection"]
    assert collection["metadata"]["oscal-version"].startswith("1.2")
    first, external, nist = collection["mappings"]
    assert first["target-resource"]["href"] == "urn:aman:pack:test-csf:2.0"
    assert [m["relationship"] for m in first["maps"]] == ["subset-of", "intersects-with"]
    assert first["maps"][0]["confidence-score"] == {"percentage": 0.7}
    assert first["maps"][0]["sources"] == [{"type": "control", "id-ref": "sba-01"}]
    assert external["maps"][0]["relationship"] == "equal-to"
    assert nist["maps"][0]["targets"] == [{"type": "control", "id-ref": "ac-2.1"}]


def test_malformed_catalog_is_a_clear_error() -> None:
    doc = {
        "catalog": {
            "uuid": "x",
            "metadata": {"oscal-version": "1.1.2"},
            "groups": [{"id": "g", "title": "G", "controls": ["not-a-control"]}],
        }
    }
    with pytest.raises(OscalImportError, match="malformed catalog after G"):
        catalog_to_pack(doc, NIST)
