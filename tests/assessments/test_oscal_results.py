"""OSCAL assessment-results and POA&M exports: structure (trestle), rules and identifiers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.assessments.domain import Node, Scheme, Tree
from aman.assessments.oscal_results import (
    AnswerDoc,
    AssessmentDoc,
    EvidenceDoc,
    RoadmapItemDoc,
    assessment_results,
    poam,
)
from aman.frameworks.loader import load_pack
from aman.frameworks.oscal_export import control_ids, pack_to_catalog
from aman.frameworks.schemas import Pack

try:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.poam import PlanOfActionAndMilestones
except ImportError:  # optional: compliance-trestle>=5 validates exports when present
    AssessmentResults = PlanOfActionAndMilestones = None  # type: ignore[assignment,misc]

needs_trestle = pytest.mark.skipif(
    AssessmentResults is None,
    reason="compliance-trestle>=5 is not installed, so OSCAL exports cannot be validated",
)

REPO = Path(__file__).resolve().parents[2]
PQC_PACK = REPO / "src" / "aman" / "frameworks" / "packs" / "aman-pqc-readiness.yaml"
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
T0 = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
AID = uuid.UUID("3f1c2a9e-7b6d-4e8f-9a0b-1c2d3e4f5a6b")
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def small_pack(**scoring: Any) -> Pack:
    """Groups, nested controls, a ref_id with parentheses and two ref_ids whose tokens clash."""
    requirements = [
        {"ref_id": "GOV", "title": "Governance", "assessable": False},
        {"ref_id": "GOV-1", "parent": "GOV", "title": "Owner", "description": "A named owner."},
        {"ref_id": "GOV-2", "parent": "GOV", "title": "Policy"},
        {"ref_id": "AC-2(1)", "parent": "GOV", "title": "Account management"},
        {"ref_id": "TEC", "title": "Technology", "assessable": False},
        {"ref_id": "A.1", "parent": "TEC", "title": "Inventory", "levels": ["basic"]},
        {"ref_id": "a.1", "parent": "TEC", "title": "Inventory again", "levels": ["advanced"]},
        {"ref_id": "TEC-3", "parent": "TEC", "title": "Hybrid key exchange"},
        {"ref_id": "TEC-4", "parent": "TEC", "title": "Unanswered"},
    ]
    return Pack.model_validate(
        {
            "schema_version": 1,
            "pack": {
                "id": "test-pack",
                "version": "2.0.0",
                "title": "Test pack",
                "publisher": "Aman tests",
                "licence_class": "full_text",
                "licence": "CC0-1.0",
                "domains": ["pqc"],
            },
            "scoring": scoring or {"kind": "maturity", "min": 0, "max": 5, "target": 3},
            "implementation_levels": [
                {"id": "basic", "title": "Basic"},
                {"id": "advanced", "title": "Advanced"},
            ],
            "requirements": requirements,
        }
    )


def tree_of(pack: Pack) -> Tree:
    return Tree.of(
        [
            Node(
                ref_id=r.ref_id,
                parent=r.parent,
                assessable=r.assessable,
                title=r.title,
                weight=r.weight,
                importance=r.importance.numeric,
                points=r.points,
                stage=r.stage,
                domains=tuple(d.value for d in r.domains or []),
                levels=tuple(r.levels),
            )
            for r in pack.requirements
        ]
    )


def scheme_of(pack: Pack) -> Scheme:
    return Scheme.from_pack_scoring(pack.scoring.model_dump(mode="json"))


def answer(ref: str, result: str | None, **extra: Any) -> AnswerDoc:
    extra.setdefault("updated_by", "amina@example.org")
    extra.setdefault("updated_at", T0)
    return AnswerDoc(ref, result, **extra)


ANSWERS = (
    answer(
        "GOV-1",
        "4",
        comment="Board minute 2026-03.",
        evidence=(
            EvidenceDoc("file", "Mandate letter", sha256=SHA, media_type="application/pdf"),
            EvidenceDoc("url", "Intranet page", url="https://intranet.example.org/pqc"),
        ),
    ),
    answer("GOV-2", "3"),
    answer("AC-2(1)", None, na=True, comment="No local accounts."),
    answer("A.1", "2", inferred=True),
    answer(
        "TEC-3",
        "1",
        automated=True,
        updated_by="scanner",
        evidence=(EvidenceDoc("finding", "X25519MLKEM768 not offered on mail.example.org"),),
    ),
)


def make_doc(pack: Pack | None = None, **changes: Any) -> AssessmentDoc:
    pack = pack or small_pack()
    doc = AssessmentDoc(
        id=AID,
        title="Example Bank 2026",
        pack_id=pack.pack.id,
        pack_version=pack.pack.version,
        pack_title=pack.pack.title,
        subject="Example Bank",
        member="CERT Example",
        status="submitted",
        scheme=scheme_of(pack),
        tree=tree_of(pack),
        answers=ANSWERS,
        created_at=T0,
        submitted_at=T0 + dt.timedelta(days=3),
        score=47.5,
        tier="developing",
        reviewer="Rania Reviewer",
    )
    return dataclasses.replace(doc, **changes)


ITEMS = (
    RoadmapItemDoc(
        id=uuid.UUID("0b7e9f5c-3f5e-7a1b-8c2d-4e5f6a7b8c9d"),  # a UUIDv7-like id
        action="Offer hybrid ML-KEM key exchange on every public TLS endpoint",
        owner="Network team",
        due=dt.date(2027, 3, 31),
        status="doing",
        effort="L",
        ref_ids=("TEC-3", "A.1"),
        created_at=T0,
    ),
    RoadmapItemDoc(
        id=uuid.UUID("6f1d1a3e-2222-4b4b-8c8c-123456789abc"),
        action="Write the cryptography policy",
        owner=None,
        due=None,
        status="done",
        effort="S",
        ref_ids=("GOV-2", "TEC-4"),
        created_at=T0,
    ),
)


def ar_result(document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = document["assessment-results"]["results"][0]
    return result


def prop(obj: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in obj.get("props", []) if p["name"] == name]


def by_ref(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {prop(o, "ref-id")[0]: o for o in objects}


def all_uuid_refs(node: Any) -> Iterator[tuple[str, str]]:
    """Every (key, uuid) reference in a document (…-uuid keys and '#uuid' hrefs)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("-uuid") and isinstance(value, str):
                yield key, value
            elif key == "href" and isinstance(value, str) and value.startswith("#"):
                yield key, value[1:]
            else:
                yield from all_uuid_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_uuid_refs(item)


def defined_uuids(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["uuid"]} if isinstance(node.get("uuid"), str) else set()
        return own.union(*(defined_uuids(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(defined_uuids(v) for v in node))
    return set()


# ---------------------------------------------------------------- assessment-results


@needs_trestle
def test_assessment_results_validate_with_trestle() -> None:
    document = assessment_results(make_doc(), now=NOW)
    model = AssessmentResults.model_validate(document["assessment-results"])
    assert str(model.metadata.oscal_version.root.root) == "1.1.2"
    assert model.import_ap.href == f"urn:aman:assessment-plan:{AID}"
    assert len(model.results) == 1


def test_one_finding_per_answered_requirement_by_the_target_rule() -> None:
    result = ar_result(assessment_results(make_doc(), now=NOW))
    findings = by_ref(result["findings"])
    # answered with a result: GOV-1 (4), GOV-2 (3), A.1 (2), TEC-3 (1); AC-2(1) is n/a
    assert set(findings) == {"GOV-1", "GOV-2", "A.1", "TEC-3"}
    states = {ref: f["target"]["status"]["state"] for ref, f in findings.items()}
    # target 3 on 0..5 = 0.6: a result equal to the target is satisfied
    assert states == {
        "GOV-1": "satisfied",
        "GOV-2": "satisfied",
        "A.1": "not-satisfied",
        "TEC-3": "not-satisfied",
    }
    assert prop(findings["A.1"], "value") == ["0.4"]
    assert prop(findings["A.1"], "target") == ["0.6"]
    assert prop(result, "score") == ["47.5"]
    assert prop(result, "tier") == ["developing"]


def test_campaign_target_overrides_the_scheme_default() -> None:
    result = ar_result(assessment_results(make_doc(target=0.2), now=NOW))
    states = {ref: f["target"]["status"]["state"] for ref, f in by_ref(result["findings"]).items()}
    assert set(states.values()) == {"satisfied"}


def test_yes_partial_no_default_target_is_full() -> None:
    pack = small_pack(kind="yes_partial_no")
    answers = (answer("GOV-1", "yes"), answer("GOV-2", "partial"), answer("TEC-3", "no"))
    doc = make_doc(pack, answers=answers)
    states = {
        ref: f["target"]["status"]["state"]
        for ref, f in by_ref(ar_result(assessment_results(doc, now=NOW))["findings"]).items()
    }
    assert states == {"GOV-1": "satisfied", "GOV-2": "not-satisfied", "TEC-3": "not-satisfied"}
    half = ar_result(assessment_results(dataclasses.replace(doc, target=0.5), now=NOW))
    assert by_ref(half["findings"])["GOV-2"]["target"]["status"]["state"] == "satisfied"


def test_not_applicable_gets_an_observation_and_no_finding() -> None:
    result = ar_result(assessment_results(make_doc(), now=NOW))
    observations = by_ref(result["observations"])
    na = observations["AC-2(1)"]
    assert na["remarks"].startswith("not applicable")
    assert "No local accounts." in na["remarks"]
    assert prop(na, "not-applicable") == ["true"]
    assert "AC-2(1)" not in by_ref(result["findings"])
    assert "TEC-4" not in observations  # unanswered: nothing observed


def test_observation_methods_and_evidence_hrefs() -> None:
    document = assessment_results(make_doc(), now=NOW)
    observations = by_ref(ar_result(document)["observations"])
    assert observations["GOV-1"]["methods"] == ["EXAMINE"]
    assert observations["GOV-2"]["methods"] == ["INTERVIEW"]
    assert observations["TEC-3"]["methods"] == ["TEST"]
    assert prop(observations["A.1"], "inferred") == ["true"]
    evidence = observations["GOV-1"]["relevant-evidence"]
    assert evidence[1]["href"] == "https://intranet.example.org/pqc"
    assert evidence[0]["href"].startswith("#")
    resources = {r["uuid"]: r for r in document["assessment-results"]["back-matter"]["resources"]}
    stored = resources[evidence[0]["href"][1:]]
    assert stored["rlinks"][0]["href"] == f"urn:aman:evidence:sha256:{SHA}"
    assert stored["rlinks"][0]["hashes"] == [{"algorithm": "SHA-256", "value": SHA}]
    assert stored["rlinks"][0]["media-type"] == "application/pdf"
    assert observations["TEC-3"]["relevant-evidence"][0]["description"].startswith("X25519MLKEM768")
    assert observations["GOV-1"]["collected"] == T0.isoformat()


def test_findings_point_at_their_observation_and_every_reference_resolves() -> None:
    document = assessment_results(make_doc(), now=NOW)["assessment-results"]
    result = document["results"][0]
    observations = by_ref(result["observations"])
    for ref, finding in by_ref(result["findings"]).items():
        assert finding["related-observations"] == [{"observation-uuid": observations[ref]["uuid"]}]
    defined = defined_uuids(document)
    unresolved = [(key, value) for key, value in all_uuid_refs(document) if value not in defined]
    assert unresolved == []


def test_control_ids_match_the_exported_catalog() -> None:
    pack = small_pack()
    result = ar_result(assessment_results(make_doc(pack), now=NOW))
    ids = control_ids(pack)
    assert ids["A.1"] != ids["a.1"]  # clashing tokens are made unique, as in the catalog
    selected = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assessable = [r.ref_id for r in pack.requirements if r.assessable]
    assert [c["control-id"] for c in selected] == [ids[ref] for ref in assessable]
    catalog_ids = {
        control["id"]
        for group in pack_to_catalog(pack)["catalog"]["groups"]
        for control in group["controls"]
    }
    for ref, finding in by_ref(result["findings"]).items():
        assert finding["target"]["type"] == "objective-id"
        assert finding["target"]["target-id"] == ids[ref]
        assert finding["target"]["target-id"] in catalog_ids


def test_imported_oscal_ids_are_used_when_given() -> None:
    base = small_pack()
    requirements = [
        r.model_copy(update={"source_id": "ac-2.1"}) if r.ref_id == "AC-2(1)" else r
        for r in base.requirements
    ]
    pack = base.model_copy(update={"requirements": requirements})
    doc = make_doc(pack, control_ids=control_ids(pack), answers=(answer("AC-2(1)", "5"),))
    result = ar_result(assessment_results(doc, now=NOW))
    assert result["findings"][0]["target"]["target-id"] == "ac-2.1"


def test_level_restricts_the_scope() -> None:
    result = ar_result(assessment_results(make_doc(level="advanced"), now=NOW))
    selected = [
        c["control-id"]
        for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]
    ]
    ids = control_ids(small_pack())
    assert ids["a.1"] in selected and ids["A.1"] not in selected  # A.1 is basic only
    assert "A.1" not in by_ref(result["findings"])
    assert prop(result, "implementation-level") == ["advanced"]


def test_export_is_deterministic_and_ids_are_stable() -> None:
    first = orjson.dumps(assessment_results(make_doc(), now=NOW))
    assert first == orjson.dumps(assessment_results(make_doc(), now=NOW))
    changed_answers = (*ANSWERS[:1], answer("GOV-2", "1"), *ANSWERS[2:])
    changed = assessment_results(make_doc(answers=changed_answers), now=NOW)
    original = orjson.loads(first)
    # a revision is a new document, but its findings and observations keep their identity
    assert changed["assessment-results"]["uuid"] != original["assessment-results"]["uuid"]
    old = {f["uuid"] for f in ar_result(original)["findings"]}
    assert {f["uuid"] for f in ar_result(changed)["findings"]} == old
    later = assessment_results(make_doc(), now=NOW + dt.timedelta(days=1))
    assert later["assessment-results"]["uuid"] == original["assessment-results"]["uuid"]
    assert (
        later["assessment-results"]["metadata"]["last-modified"]
        != (original["assessment-results"]["metadata"]["last-modified"])
    )


def test_metadata_parties_and_pack_props() -> None:
    metadata = assessment_results(make_doc(), now=NOW)["assessment-results"]["metadata"]
    assert metadata["oscal-version"] == "1.1.2"
    assert metadata["last-modified"] == NOW.isoformat()
    assert prop(metadata, "pack-id") == ["test-pack"]
    assert prop(metadata, "pack-version") == ["2.0.0"]
    parties = {p["name"]: p for p in metadata["parties"]}
    assert parties["Example Bank"]["type"] == "organization"
    assert parties["CERT Example"]["type"] == "organization"
    roles = {r["role-id"]: r["party-uuids"] for r in metadata["responsible-parties"]}
    assert roles["assessor"] == [parties[name]["uuid"] for name in ("amina@example.org", "scanner")]
    assert parties["scanner"]["member-of-organizations"] == [parties["Example Bank"]["uuid"]]
    assert roles["reviewer"] == [parties["Rania Reviewer"]["uuid"]]
    assert roles["assessed-organization"] == [parties["Example Bank"]["uuid"]]


def test_invalid_stored_answer_and_bad_file_evidence_are_refused() -> None:
    with pytest.raises(ValueError, match="GOV-1"):
        assessment_results(make_doc(answers=(answer("GOV-1", "7"),)), now=NOW)
    bad = EvidenceDoc("file", "no digest", sha256=None)
    with pytest.raises(ValueError, match="SHA-256"):
        assessment_results(make_doc(answers=(answer("GOV-1", "3", evidence=(bad,)),)), now=NOW)


@settings(max_examples=60, deadline=None)
@given(
    results=st.dictionaries(
        st.sampled_from(["GOV-1", "GOV-2", "AC-2(1)", "A.1", "a.1", "TEC-3", "TEC-4"]),
        st.sampled_from(["0", "1", "2", "3", "4", "5", "n/a"]),
    ),
    target=st.integers(0, 5),
)
def test_finding_states_follow_the_rule(results: dict[str, str], target: int) -> None:
    pack = small_pack(kind="maturity", min=0, max=5, target=target)
    answers = tuple(
        answer(ref, None, na=True) if value == "n/a" else answer(ref, value)
        for ref, value in results.items()
    )
    findings = by_ref(
        ar_result(assessment_results(make_doc(pack, answers=answers), now=NOW)).get("findings", [])
    )
    expected = {
        ref: "satisfied" if int(value) >= target else "not-satisfied"
        for ref, value in results.items()
        if value != "n/a"
    }
    assert {ref: f["target"]["status"]["state"] for ref, f in findings.items()} == expected


# ---------------------------------------------------------------- POA&M


@needs_trestle
def test_poam_validates_with_trestle() -> None:
    document = poam(make_doc(), ITEMS, now=NOW)
    model = PlanOfActionAndMilestones.model_validate(document["plan-of-action-and-milestones"])
    assert len(model.poam_items) == 2
    assert model.import_ssp is not None
    assert model.import_ssp.href == "urn:aman:ssp:Example%20Bank"


def test_poam_items_reference_the_assessment_results_objects() -> None:
    doc = make_doc()
    result = ar_result(assessment_results(doc, now=NOW))
    ar_findings = {ref: f["uuid"] for ref, f in by_ref(result["findings"]).items()}
    ar_observations = {ref: o["uuid"] for ref, o in by_ref(result["observations"]).items()}
    plan = poam(doc, ITEMS, now=NOW)["plan-of-action-and-milestones"]
    first, second = plan["poam-items"]
    assert [r["finding-uuid"] for r in first["related-findings"]] == [
        ar_findings["TEC-3"],
        ar_findings["A.1"],
    ]
    assert [r["observation-uuid"] for r in first["related-observations"]] == [
        ar_observations["TEC-3"],
        ar_observations["A.1"],
    ]
    # TEC-4 is unanswered: only GOV-2 has a finding to point at
    assert [r["finding-uuid"] for r in second["related-findings"]] == [ar_findings["GOV-2"]]
    # the POA&M carries those findings and observations itself, with the same UUIDs
    assert {f["uuid"] for f in plan["findings"]} == {
        ar_findings[ref] for ref in ("TEC-3", "A.1", "GOV-2")
    }
    defined = defined_uuids(plan)
    assert [(k, v) for k, v in all_uuid_refs(plan) if v not in defined] == []


def test_poam_props_milestones_and_risk_status() -> None:
    plan = poam(make_doc(), ITEMS, now=NOW)["plan-of-action-and-milestones"]
    first, second = plan["poam-items"]
    assert prop(first, "status") == ["doing"]
    assert prop(first, "owner") == ["Network team"]
    assert prop(first, "effort") == ["L"]
    assert prop(first, "due") == ["2027-03-31"]
    assert prop(first, "ref-id") == ["TEC-3", "A.1"]
    assert prop(second, "owner") == []
    risks = {r["uuid"]: r for r in plan["risks"]}
    risk = risks[first["related-risks"][0]["risk-uuid"]]
    assert risk["status"] == "remediating"
    assert risk["deadline"] == "2027-03-31T00:00:00+00:00"
    (remediation,) = risk["remediations"]
    assert remediation["lifecycle"] == "planned"
    (milestone,) = remediation["tasks"]
    assert milestone["type"] == "milestone"
    assert milestone["timing"] == {"on-date": {"date": "2027-03-31T00:00:00+00:00"}}
    assert "TEC-3 is not satisfied" in risk["statement"]
    done = risks[second["related-risks"][0]["risk-uuid"]]
    assert done["status"] == "closed"
    assert done["remediations"][0]["lifecycle"] == "completed"
    assert "tasks" not in done["remediations"][0] and "deadline" not in done


def test_poam_is_deterministic_and_needs_items() -> None:
    doc = make_doc()
    assert orjson.dumps(poam(doc, ITEMS, now=NOW)) == orjson.dumps(poam(doc, ITEMS, now=NOW))
    assert (
        poam(doc, ITEMS[:1], now=NOW)["plan-of-action-and-milestones"]["uuid"]
        != (poam(doc, ITEMS, now=NOW)["plan-of-action-and-milestones"]["uuid"])
    )
    with pytest.raises(ValueError, match="at least one"):
        poam(doc, [], now=NOW)


# ---------------------------------------------------------------- the shipped PQC pack


@needs_trestle
def test_pqc_readiness_pack_exports_valid_oscal() -> None:
    loaded = load_pack(PQC_PACK)
    assert loaded.pack is not None, loaded.errors
    pack = loaded.pack
    tree = tree_of(pack)
    assessable = [n.ref_id for n in tree.assessable()]
    answers = tuple(
        answer(ref, None, na=True) if i % 7 == 6 else answer(ref, str(i % 6))
        for i, ref in enumerate(assessable)
    )
    doc = make_doc(pack, answers=answers, control_ids=control_ids(pack))
    document = assessment_results(doc, now=NOW)
    AssessmentResults.model_validate(document["assessment-results"])
    result = ar_result(document)
    ids = control_ids(pack)
    selected = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assert [c["control-id"] for c in selected] == [ids[ref] for ref in assessable]
    answered = [a for a in answers if not a.na]
    assert len(result["findings"]) == len(answered)
    assert len(result["observations"]) == len(answers)
    satisfied = {
        prop(f, "ref-id")[0]
        for f in result["findings"]
        if f["target"]["status"]["state"] == "satisfied"
    }
    assert satisfied == {a.ref_id for a in answered if int(a.result or 0) >= 3}  # target 3
    item = dataclasses.replace(ITEMS[0], ref_ids=tuple(assessable[:3]))
    plan = poam(doc, [item], now=NOW)
    PlanOfActionAndMilestones.model_validate(plan["plan-of-action-and-milestones"])


def test_evidence_without_result_and_missing_update_time() -> None:
    link = EvidenceDoc("url", "Draft plan", url="https://intranet.example.org/draft")
    answers = (AnswerDoc("GOV-1", None, evidence=(link,), updated_by="amina"),)
    result = ar_result(assessment_results(make_doc(answers=answers), now=NOW))
    (observation,) = result["observations"]
    assert observation["description"] == "Answer to GOV-1: no result yet."
    assert observation["collected"] == NOW.isoformat()  # no update time: observed at export
    assert "findings" not in result
