"""CISO Assistant library import: frameworks, derived ref_ids, mapping sets with IR 8477 names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from aman.frameworks.ciso_assistant import (
    CAImportError,
    CAIndex,
    CAOptions,
    attach_mapping_sets,
    import_library,
    load_library,
)
from aman.frameworks.loader import load_pack_bytes
from aman.frameworks.mapping_graph import MappingGraph, coverage
from aman.frameworks.schemas import Domain, Importance, LicenceClass, MaturityScheme, Relationship
from aman.frameworks.yaml_safe import parse_yaml


def test_framework_library(fixtures: Path) -> None:
    imported = load_library(fixtures / "ca_framework.yaml", CAOptions(domains=(Domain.CLOUD,)))
    [pack] = imported.packs
    assert imported.mapping_sets == []
    meta = pack.pack
    assert (meta.id, meta.version, meta.title) == ("demo-cloud", "2", "Demo cloud controls")
    assert (meta.publisher, meta.licence, meta.licence_class) == (
        "Demo provider",
        "CC0 1.0 (test data)",
        LicenceClass.FULL_TEXT,
    )
    assert meta.publication_date is not None and meta.publication_date.isoformat() == "2025-03-01"
    assert meta.domains == [Domain.CLOUD]
    assert isinstance(pack.scoring, MaturityScheme)
    assert (pack.scoring.min, pack.scoring.max) == (0, 3)
    assert [(level.value, level.title) for level in pack.scoring.levels][:2] == [
        (0, "Absent"),
        (1, "Ad hoc"),
    ]
    assert [(level.id, level.title) for level in pack.implementation_levels] == [
        ("b", "Baseline"),
        ("a", "Advanced"),
    ]
    tree = [(r.ref_id, r.parent, r.assessable) for r in pack.requirements]
    assert tree == [
        ("iam", None, False),  # no ref_id: derived from the URN tail
        ("IAM-01", "iam", True),  # "IAM 01" is not a valid ref_id: sanitised
        ("IAM-02", "iam", True),
        ("LOG", None, False),
        ("LOG-01", "LOG", True),
    ]
    iam01 = pack.requirement_map()["IAM-01"]
    assert iam01.title == "Multi-factor authentication for administrators"
    assert iam01.guidance == "Prefer phishing-resistant authenticators."
    assert iam01.typical_evidence == "Identity provider policy export."
    assert (iam01.importance, iam01.weight, iam01.levels) == (Importance.HIGH, 2.0, ["b", "a"])
    assert iam01.translations["fr"].title == "Authentification multifacteur des administrateurs"
    assert iam01.source_id == "urn:test:risk:req_node:demo-cloud:iam-01"
    iam02 = pack.requirement_map()["IAM-02"]
    assert iam02.title == (
        "Access rights are reviewed every quarter and stale accounts are removed."
    )
    assert iam02.importance is Importance.LOW
    assert pack.requirement_map()["iam"].translations["fr"].title == "Identité et accès"
    assert any("IAM 01" in warning for warning in imported.warnings)
    # URNs are matched lower-cased
    assert imported.index.nodes["urn:test:risk:req_node:demo-cloud:iam-02"] == (
        "demo-cloud",
        "IAM-02",
    )
    assert imported.index.frameworks["urn:test:risk:framework:demo-cloud"] == ("demo-cloud", "2")


def test_imported_pack_passes_the_loader(fixtures: Path) -> None:
    [pack] = load_library(fixtures / "ca_framework.yaml").packs
    data = orjson.dumps(pack.model_dump(mode="json"))
    result = load_pack_bytes(data, source="demo.json", fmt="json")
    assert result.ok, result.errors


def test_mapping_library(fixtures: Path) -> None:
    index = CAIndex()
    cloud = load_library(fixtures / "ca_framework.yaml", index=index)
    five_g = load_library(fixtures / "ca_framework_5g.yaml", index=cloud.index)
    imported = load_library(fixtures / "ca_mapping.yaml", index=five_g.index)
    assert imported.packs == []
    [mapped] = imported.mapping_sets
    assert (mapped.source_pack, mapped.source_version) == ("demo-5g", "1")
    mapping_set = mapped.mapping_set
    assert (mapping_set.id, mapping_set.target, mapping_set.target_version) == (
        "demo-5g-to-demo-cloud",
        "demo-cloud",
        "2",
    )
    rows = [
        (m.source, m.target, m.relationship, m.strength, m.rationale) for m in mapping_set.mappings
    ]
    assert rows == [
        ("G1-1", "IAM-01", Relationship.EQUAL, 9, "semantic"),
        (
            "G1-2",
            "IAM-02",
            Relationship.SUBSET_OF,
            None,
            "Account hygiene is one part of the access review.",
        ),
        ("G1-3", "LOG-01", Relationship.SUPERSET_OF, 6, None),
        ("G1-3", "IAM-02", Relationship.INTERSECTS_WITH, 2, None),
        ("G1-4", "LOG-01", Relationship.NOT_RELATED, None, None),
    ]
    [five_g_pack] = five_g.packs
    attached = attach_mapping_sets(five_g_pack, imported.mapping_sets)
    assert [s.id for s in attached.mapping_sets] == ["demo-5g-to-demo-cloud"]
    graph = MappingGraph.from_packs([attached])
    # demo-cloud covered by demo-5g: IAM-01 equal G1-1 (full); IAM-02 superset of G1-2 and
    # intersects G1-3 (partial); LOG-01 subset of G1-3 (full).
    result = coverage(cloud.packs[0], "demo-5g", graph)
    assert (result.full, result.partial, result.uncovered) == (["IAM-01", "LOG-01"], ["IAM-02"], [])


def test_mapping_without_its_frameworks_is_refused(fixtures: Path) -> None:
    with pytest.raises(CAImportError) as caught:
        load_library(fixtures / "ca_mapping.yaml")
    assert caught.value.errors == [
        "mapping set urn:test:risk:req_mapping_set:demo-5g-to-demo-cloud: "
        "framework urn:test:risk:framework:demo-5g not imported",
        "mapping set urn:test:risk:req_mapping_set:demo-5g-to-demo-cloud: "
        "framework urn:test:risk:framework:demo-cloud not imported",
    ]


def library(fixtures: Path, name: str) -> dict[str, Any]:
    data = parse_yaml((fixtures / name).read_text(encoding="utf-8")).data
    assert isinstance(data, dict)
    return data


def test_bad_mappings_are_listed(fixtures: Path) -> None:
    index = load_library(fixtures / "ca_framework.yaml").index
    index = load_library(fixtures / "ca_framework_5g.yaml", index=index).index
    data = library(fixtures, "ca_mapping.yaml")
    entries = data["objects"]["requirement_mapping_sets"][0]["requirement_mappings"]
    entries[0]["relationship"] = "overlaps"
    entries[1]["target_requirement_urn"] = "urn:test:risk:req_node:demo-cloud:nope"
    with pytest.raises(CAImportError) as caught:
        import_library(data, index=index)
    assert len(caught.value.errors) == 2
    assert "unknown relationship 'overlaps'" in caught.value.errors[0]
    assert "target urn:test:risk:req_node:demo-cloud:nope is not a node" in caught.value.errors[1]


def test_bad_framework_nodes(fixtures: Path) -> None:
    data = library(fixtures, "ca_framework.yaml")
    nodes = data["objects"]["framework"]["requirement_nodes"]
    nodes[1]["implementation_groups"] = ["B", "Z"]
    nodes[4]["parent_urn"] = "urn:test:risk:req_node:demo-cloud:missing"
    with pytest.raises(CAImportError) as caught:
        import_library(data)
    assert sorted(caught.value.errors) == [
        "urn:test:risk:req_node:demo-cloud:iam-01: implementation group 'Z' is not defined",
        "urn:test:risk:req_node:demo-cloud:log-01: parent "
        "urn:test:risk:req_node:demo-cloud:missing is not an earlier node",
    ]


def test_not_a_library(tmp_path: Path) -> None:
    with pytest.raises(CAImportError, match="no 'objects'"):
        import_library({"urn": "x"})
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    bomb.write_text("\n".join(lines) + "\n")
    with pytest.raises(CAImportError, match="nodes"):
        load_library(bomb)
