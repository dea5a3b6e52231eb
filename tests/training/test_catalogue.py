"""The shipped training data: consistent, aligned with NICE/ECSF, linked from every Aman
baseline requirement, and the validator catches broken data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from aman.training import catalogue

PACKS = Path(__file__).resolve().parents[2] / "src" / "aman" / "frameworks" / "packs"
BASELINES = (
    "aman-5g-baseline",
    "aman-cloud-baseline",
    "aman-ai-baseline",
    "aman-national-capacity",
    "aman-pqc-readiness",
)


def test_shipped_catalogue_is_consistent_and_complete() -> None:
    cat = catalogue.shipped()
    assert catalogue.validate(cat) == []
    nice = cat.frameworks.nice
    assert len(nice.work_roles) == 41 and len(nice.competency_areas) == 11
    assert nice.competency_areas["NF-COM-002"].title.startswith("Artificial Intelligence")
    assert len(cat.frameworks.ecsf.role_profiles) == 12
    for provenance in (
        nice.provenance,
        cat.frameworks.ecsf.provenance,
        cat.competency_file.provenance,
    ):
        assert provenance.source and provenance.version and provenance.licence
    for c in cat.competency_file.competencies:
        assert c.nice.competency_areas or c.nice.work_roles, c.id
        assert c.ecsf, c.id
        assert {"ar", "fr"} <= set(c.translations), c.id
    kinds = {m.kind for m in cat.modules.values()}
    assert kinds == {"course", "lab", "ctf", "tabletop"}
    for m in cat.modules.values():
        assert {"ar", "fr"} <= set(m.translations) and all(
            t.status == "draft" for t in m.translations.values()
        )
    # the starter catalogue covers the seven areas the federation asked for
    domains = {cat.competencies[c].domain for m in cat.modules.values() for c in m.competencies}
    assert {
        "5g",
        "cloud",
        "ai",
        "pqc",
        "incident-response",
        "threat-intelligence",
        "secure-operations",
    } <= domains
    for check in cat.question_file.checks:
        assert cat.modules[check.module]


@pytest.mark.parametrize("pack", BASELINES)
def test_every_assessable_baseline_requirement_links_to_known_competencies(pack: str) -> None:
    data = yaml.load((PACKS / f"{pack}.yaml").read_text("utf-8"), Loader=yaml.CSafeLoader)
    known = set(catalogue.shipped().competencies)
    assessable = [r for r in data["requirements"] if r.get("assessable", True)]
    missing = [r["ref_id"] for r in assessable if not r.get("competencies")]
    assert not missing, f"{pack}: requirements without competencies: {missing}"
    unknown = {c for r in assessable for c in r["competencies"] if c not in known}
    assert not unknown


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(catalogue.DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


BASE_MODULE = (
    "    prerequisites: [found-cyber-essentials]\n"
    "    competencies: [gov.policy-governance, gov.risk-management, gov.audit-assessment]"
)
CYCLIC_MODULE = (
    "    prerequisites: [gov-audit-practice]\n"
    "    competencies: [gov.policy-governance, gov.no-such-thing]"
)
CORRECT = 'inventory is not patched, monitored or assessed.", correct: true}'
WRONG = 'inventory is not patched, monitored or assessed."}'


def test_validator_reports_every_broken_reference(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _edit(data / "modules.yaml", BASE_MODULE, CYCLIC_MODULE)
    _edit(
        data / "competencies.yaml",
        "work_roles: [OG-WRL-002, OG-WRL-007, OG-WRL-014]",
        "work_roles: [OG-WRL-099]",
    )
    _edit(data / "questions.yaml", CORRECT, WRONG)
    with pytest.raises(catalogue.CatalogueError) as err:
        catalogue.load(data)
    problems = "\n".join(err.value.problems)
    assert "unknown competency gov.no-such-thing" in problems
    assert "prerequisite cycle" in problems
    assert "unknown NICE work role OG-WRL-099" in problems
    assert "knowledge check found-cyber-essentials q1: no correct choice" in problems


def test_structure_errors_are_rejected(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _edit(
        data / "modules.yaml",
        "    kind: course\n    level: foundation\n    hours: 8",
        "    kind: webinar\n    level: foundation\n    hours: -1",
    )
    with pytest.raises(ValueError, match=r"kind|hours"):
        catalogue.load(data)
