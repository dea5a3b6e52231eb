"""The packs' `checks:` lists (the source of truth) agree with what each check declares."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aman.evidence.registry import get_registry

PACKS = Path(__file__).resolve().parents[3] / "src/aman/frameworks/packs"
DOMAINS = ("5g", "cloud", "ai")


def _pack(pack_id: str) -> dict[str, object]:
    return yaml.load((PACKS / f"{pack_id}.yaml").read_text("utf-8"), Loader=yaml.CSafeLoader)


@pytest.mark.parametrize("pack_id", ["aman-5g-baseline", "aman-cloud-baseline", "aman-ai-baseline"])
def test_pack_lists_equal_check_declarations(pack_id: str) -> None:
    pack = _pack(pack_id)
    rows = [r for r in pack["requirements"] if r.get("assessable", True)]  # type: ignore[union-attr,index]
    mapped = {(c, r["ref_id"]) for r in rows for c in r.get("checks") or []}
    registry = get_registry()
    declared = {
        (c.id, req.split(":")[1])
        for c in registry.checks()
        if c.domain in DOMAINS
        for req in c.requirements
        if req.startswith(f"{pack_id}:")
    }
    assert mapped == declared
    assert all(check in registry for check, _ in mapped)


def test_every_check_has_metadata_and_a_requirement() -> None:
    checks = [c for c in get_registry().checks() if c.domain in DOMAINS]
    assert len([c for c in checks if c.domain == "5g"]) >= 16
    assert len([c for c in checks if c.domain == "cloud"]) >= 20
    assert len([c for c in checks if c.domain == "ai"]) >= 7
    for check in checks:
        assert check.requirements, check.id
        assert check.id.split(".")[0] == check.domain


def test_5g_checks_cite_ts_33_501_where_the_rule_comes_from_it() -> None:
    cited = {
        c.id
        for c in get_registry().checks("5g")
        if any(r.framework == "3gpp-ts-33.501" for r in c.references)
    }
    assert {
        "5g.nas.nia0", "5g.nas.nea0", "5g.sbi.tls", "5g.sbi.mtls", "5g.oauth.enabled",
        "5g.oauth.transport", "5g.suci.hnet", "5g.suci.sample-key", "5g.n32.tls", "5g.n32f.tls",
    } <= cited  # fmt: skip
