"""Framework packs in the database, on SQLite and PostgreSQL: import, versions, tree, search,
mappings, coverage, exports, and the guarantees (set-based, all-or-nothing, immutable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from sqlalchemy import event, func, select

from aman.auth.permissions import Principal
from aman.db import transaction
from aman.errors import Conflict, InvalidInput, PermissionDenied
from aman.frameworks import service
from aman.frameworks.importers import ImportRequest
from aman.frameworks.models import PackVersion, RequirementRow
from aman.frameworks.schemas import Pack

OP = Principal.local_operator("test")
OSCAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "oscal"
MODERATE = OSCAL / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"


@pytest.fixture(scope="session")
def pack_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pack-cache")


@pytest.fixture
def shipped(factory: Any, pack_cache: Path) -> list[service.ImportOutcome]:
    with transaction(factory) as s:
        return service.sync_shipped(s, OP, pack_cache)


def _count(factory: Any, model: Any) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


class StatementCounter:
    def __init__(self, engine: Any) -> None:
        self.count = 0
        self.engine = engine

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, *args: object) -> None:
        self.count += 1


def test_shipped_packs_load_with_checked_counts(
    shipped: Any, factory: Any, pack_cache: Path
) -> None:
    loaded = {o.pack.pack_id: o.pack for o in shipped}
    assert {
        "nist-csf-2.0",
        "nist-ai-rmf-1.0",
        "aman-5g-baseline",
        "aman-cloud-baseline",
        "aman-ai-baseline",
        "aman-pqc-readiness",
    } <= set(loaded)
    assert loaded["nist-csf-2.0"].assessable_count == 106
    assert loaded["nist-ai-rmf-1.0"].assessable_count == 72
    with factory() as s:
        csf = service.get_pack(s, OP, "nist-csf-2.0")
        assert service.requirement_counts(s, csf) == {0: 6, 1: 22, 2: 106}
        rmf = service.get_pack(s, OP, "nist-ai-rmf-1.0")
        assert service.requirement_counts(s, rmf) == {0: 4, 1: 19, 2: 72}
    # Idempotent: a second sync imports nothing.
    with transaction(factory) as s:
        assert service.sync_shipped(s, OP, pack_cache) == []


def test_import_is_set_based(factory: Any, shipped: Any) -> None:
    """The statement count of an import does not grow with the number of requirements."""
    request = ImportRequest(
        fmt="oscal-catalog",
        pack_id="nist-sp-800-53-r5-moderate",
        publisher="NIST",
        licence="public domain",
    )
    engine = factory.kw["bind"]
    with StatementCounter(engine) as counter, transaction(factory) as s:
        outcomes, _ = service.import_file(s, OP, MODERATE, request)
    rows = outcomes[0].pack.requirement_count
    assert rows > 280
    assert counter.count < 20, f"{counter.count} statements for {rows} requirements"


def test_same_version_different_content_is_refused(factory: Any, shipped: Any) -> None:
    with factory() as s:
        pack = service.pack_model(service.get_pack(s, OP, "aman-5g-baseline"))
    changed = pack.model_copy(update={"pack": pack.pack.model_copy(update={"title": "Forged"})})
    before = _count(factory, RequirementRow)
    with pytest.raises(Conflict), transaction(factory) as s:
        service.import_pack(s, OP, changed, "test")
    assert _count(factory, RequirementRow) == before
    with transaction(factory) as s:  # the identical pack is a no-op
        assert not service.import_pack(s, OP, pack, "test").created


def test_invalid_pack_writes_nothing(factory: Any, shipped: Any) -> None:
    with factory() as s:
        data = orjson.loads(service.get_pack(s, OP, "aman-ai-baseline").document)
    data["pack"]["version"] = "9.9.9"
    data["requirements"][5]["parent"] = "NOWHERE"
    data["mapping_sets"][0]["mappings"][0]["target"] = "GOVERN-99.9"
    pack = Pack.model_validate(data)
    before = (_count(factory, PackVersion), _count(factory, RequirementRow))
    with pytest.raises(InvalidInput) as info, transaction(factory) as s:
        service.import_pack(s, OP, pack, "test")
    messages = " ".join(e.message for e in info.value.errors)
    assert "NOWHERE" in messages and "GOVERN-99.9" in messages
    assert (_count(factory, PackVersion), _count(factory, RequirementRow)) == before


def test_versions_side_by_side_and_diff(factory: Any, shipped: Any) -> None:
    with factory() as s:
        data = orjson.loads(service.get_pack(s, OP, "aman-pqc-readiness").document)
    data["pack"]["version"] = "1.1.0"
    removed = data["requirements"].pop()["ref_id"]
    data["requirements"][3]["title"] = "Retitled requirement"
    changed = data["requirements"][3]["ref_id"]
    parent = data["requirements"][3]["parent"]
    data["requirements"].append(
        {
            **data["requirements"][3],
            "ref_id": "PQC-NEW-01",
            "title": "A new requirement",
            "parent": parent,
        }
    )
    for ms in data["mapping_sets"]:
        ms["mappings"] = [m for m in ms["mappings"] if m["source"] != removed]
    with transaction(factory) as s:
        service.import_pack(s, OP, Pack.model_validate(data), "test")
    with factory() as s:
        assert service.get_pack(s, OP, "aman-pqc-readiness").version == "1.1.0"
        assert service.get_pack(s, OP, "aman-pqc-readiness", "1.0.0").version == "1.0.0"
        d = service.diff(s, OP, "aman-pqc-readiness@1.0.0", "aman-pqc-readiness@1.1.0")
    assert d.added == ["PQC-NEW-01"] and d.removed == [removed]
    assert [c.ref_id for c in d.changed] == [changed]
    assert "title" in d.changed[0].fields


def test_only_the_federation_publishes(factory: Any, world: Any, shipped: Any) -> None:
    from aman.auth import service as auth

    with factory() as s:
        from aman.auth.models import User

        user = s.get(User, world.users["a_admin"])
        principal = auth.principal_for(s, user)
        assert service.list_packs(s, principal)  # every member reads the frameworks
        pack = service.pack_model(service.get_pack(s, OP, "nist-csf-2.0"))
    bumped = pack.model_copy(update={"pack": pack.pack.model_copy(update={"version": "2.1"})})
    with pytest.raises(PermissionDenied), transaction(factory) as s:
        service.import_pack(s, principal, bumped, "test")


def test_search_in_three_languages(factory: Any, shipped: Any) -> None:
    with factory() as s:
        en = service.search(s, OP, "subscriber privacy", pack_id="aman-5g-baseline")
        fr = service.search(s, OP, "chiffrement", pack_id="aman-cloud-baseline")
        ar = service.search(s, OP, "التشفير")
        ref = service.search(s, OP, "GV.OC-01")
    assert en and en[0][0].ref_id.startswith("5G-")
    assert fr and all(p.pack_id == "aman-cloud-baseline" for _, p, _ in fr)
    assert ar
    assert ref[0][0].ref_id == "GV.OC-01"
    with pytest.raises(InvalidInput), factory() as s:
        service.search(s, OP, "the of and")


def test_mappings_and_coverage(factory: Any, shipped: Any) -> None:
    with factory() as s:
        related = service.mappings_of(s, OP, "aman-5g-baseline", "5G-SBA-02")
        cov = service.pack_coverage(s, OP, "aman-cloud-baseline", "nist-csf-2.0")
    direct = [r for r in related if r.path_length == 1]
    assert direct and all(r.node[0] == "nist-csf-2.0" for r in direct)
    assert any(r.path_length == 2 for r in related)
    assert cov.total == len(cov.full) + len(cov.partial) + len(cov.uncovered)
    assert cov.full_ratio + cov.partial_ratio > 0.9


def test_exports_round_trip(factory: Any, shipped: Any, tmp_path: Path) -> None:
    with factory() as s:
        row = service.get_pack(s, OP, "aman-5g-baseline")
        yaml_bytes, _ = service.export(s, OP, "aman-5g-baseline", "pack-yaml")
        xlsx, media = service.export(s, OP, "aman-5g-baseline@1.0.0", "xlsx")
        catalog, _ = service.export(s, OP, "aman-5g-baseline", "oscal-catalog")
        mapping, _ = service.export(s, OP, "aman-5g-baseline", "oscal-mapping")
    reparsed = Pack.model_validate(yaml.safe_load(yaml_bytes))
    from aman.frameworks.compiler import compile_pack

    assert compile_pack(reparsed).sha256 == row.sha256
    assert media.endswith("spreadsheetml.sheet") and xlsx[:2] == b"PK"
    trestle = pytest.importorskip(
        "trestle.oscal.catalog", reason="compliance-trestle not installed"
    )
    parsed = trestle.Catalog.model_validate(orjson.loads(catalog)["catalog"])
    assert len(parsed.groups or []) == 13
    from trestle.oscal.mapping import MappingCollection

    collection = MappingCollection.model_validate(orjson.loads(mapping)["mapping-collection"])
    assert sum(len(m.maps or []) for m in collection.mappings) > 100
    path = tmp_path / "pack.xlsx"
    path.write_bytes(xlsx)
    with transaction(factory) as s:  # the XLSX carries its metadata: re-import is a no-op
        outcomes, _ = service.import_file(s, OP, path, ImportRequest(fmt="xlsx"))
    assert outcomes[0].pack.pack_id == "aman-5g-baseline" and not outcomes[0].created
