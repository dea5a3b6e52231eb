"""Pack models: enums' numeric/inverse helpers, and the committed JSON Schema is current."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError

from aman.frameworks.schemas import (
    Importance,
    Pack,
    Relationship,
    Requirement,
    pack_json_schema,
    write_json_schema,
)

SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "pack.schema.json"


def test_importance_numeric_values() -> None:
    assert [i.numeric for i in Importance] == [1, 2, 3, 4]
    assert Importance.from_numeric(4) is Importance.CRITICAL
    with pytest.raises(ValueError):
        Importance.from_numeric(5)


def test_relationship_inverse_and_strength() -> None:
    assert Relationship.SUBSET_OF.inverse() is Relationship.SUPERSET_OF
    assert Relationship.SUPERSET_OF.inverse() is Relationship.SUBSET_OF
    for symmetric in (Relationship.EQUAL, Relationship.INTERSECTS_WITH, Relationship.NOT_RELATED):
        assert symmetric.inverse() is symmetric
    order = sorted(Relationship, key=lambda r: r.strength, reverse=True)
    assert order == [
        Relationship.EQUAL,
        Relationship.SUPERSET_OF,
        Relationship.SUBSET_OF,
        Relationship.INTERSECTS_WITH,
        Relationship.NOT_RELATED,
    ]


@pytest.mark.parametrize("ref_id", ["bad id", "A/B", "", "x" * 101])
def test_ref_id_pattern(ref_id: str) -> None:
    with pytest.raises(ValidationError):
        Requirement(ref_id=ref_id, title="t")


def test_models_are_frozen() -> None:
    requirement = Requirement(ref_id="A", title="t")
    with pytest.raises(ValidationError):
        requirement.title = "changed"  # type: ignore[misc]


def test_committed_json_schema_is_current(tmp_path: Path) -> None:
    """docs/pack.schema.json must be regenerated when the models change."""
    fresh = write_json_schema(tmp_path / "pack.schema.json")
    assert SCHEMA_DOC.read_bytes() == fresh.read_bytes()
    schema = pack_json_schema()
    assert schema["properties"]["schema_version"] == {
        "const": 1,
        "title": "Schema Version",
        "type": "integer",
    }
    assert set(schema["properties"]["scoring"]["discriminator"]["mapping"]) == {
        "maturity",
        "yes_partial_no",
        "points",
        "stages",
    }
    assert orjson.loads(fresh.read_bytes())["$id"] == "urn:aman:schema:pack:1"
    assert set(schema["required"]) == {"schema_version", "pack", "scoring", "requirements"}
    assert Pack.model_json_schema()["title"] == "Pack"
