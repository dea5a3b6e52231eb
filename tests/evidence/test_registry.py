"""Check discovery: every scanner check module registers; malformed plugins are refused."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
import yaml

from aman.evidence.model import Check, Severity
from aman.evidence.registry import CheckRegistry, RegisteredCheck, RegistryError, get_registry

PACK = Path(__file__).resolve().parents[2] / "src/aman/frameworks/packs/aman-pqc-readiness.yaml"


def _module(name: str) -> ModuleType:
    return ModuleType(name)


def test_pqc_checks_are_discovered_with_metadata() -> None:
    registry = get_registry()
    checks = registry.checks("pqc")
    assert len(checks) >= 25
    ids = {c.id for c in checks}
    assert {
        "pqc.tls.hybrid-kex",
        "pqc.ssh.hybrid-kex",
        "pqc.cert.ir8547",
        "pqc.code.weak-hash",
    } <= ids
    for check in checks:
        assert check.rationale and check.title and check.references
        assert hasattr(registry.module(check.id), "CHECK")


def test_declared_requirements_exist_in_the_pack() -> None:
    pack = yaml.load(PACK.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    refs = {r["ref_id"] for r in pack["requirements"] if r.get("assessable", True)}
    for check in get_registry().checks("pqc"):
        assert check.requirements, check.id
        for requirement in check.requirements:
            pack_id, ref = requirement.split(":")
            assert pack_id == "aman-pqc-readiness" and ref in refs, (check.id, ref)


def test_pack_mapping_agrees_with_check_declarations() -> None:
    """The pack's checks: lists (the source of truth) and the checks' own claims agree."""
    pack = yaml.load(PACK.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    mapped = {(c, r["ref_id"]) for r in pack["requirements"] for c in r.get("checks") or []}
    if not mapped:
        pytest.skip("the pack's checks: lists are not filled in yet")
    declared = {
        (c.id, req.split(":")[1]) for c in get_registry().checks("pqc") for req in c.requirements
    }
    assert mapped == declared


def test_duplicate_ids_are_refused() -> None:
    check = Check("x.one", "pqc", "One", Severity.LOW, "because")
    with pytest.raises(RegistryError, match=r"x\.one"):
        CheckRegistry([RegisteredCheck(check, _module("a")), RegisteredCheck(check, _module("b"))])


def test_a_module_without_check_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fakechecks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "good.py").write_text(
        "from aman.evidence.model import Check, Severity\n"
        "CHECK = Check('fake.good', 'general', 'Good', Severity.LOW, 'why')\n"
    )
    (package / "_private.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = CheckRegistry.from_packages(["fakechecks"])
    assert [c.id for c in registry.checks()] == ["fake.good"]
    (package / "bad.py").write_text("X = 1\n")
    with pytest.raises(RegistryError, match="does not declare CHECK"):
        CheckRegistry.from_packages(["fakechecks"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"id": "Bad Id"}, "must match"),
        ({"domain": "space"}, "unknown domain"),
        ({"rationale": ""}, "required"),
    ],
)
def test_check_metadata_is_validated(kwargs: dict[str, str], message: str) -> None:
    base = {
        "id": "ok.id",
        "domain": "pqc",
        "title": "T",
        "severity": Severity.LOW,
        "rationale": "r",
    }
    with pytest.raises(ValueError, match=message):
        Check(**{**base, **kwargs})  # type: ignore[arg-type]
