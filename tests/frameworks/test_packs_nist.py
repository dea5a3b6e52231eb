"""The NIST CSF 2.0 and AI RMF 1.0 packs: shape, counts and verbatim NIST text.

The YAML files are read with the C safe loader directly, so these tests do not depend on the pack
loader; where the pack models and rules are importable they are also checked through them.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
PACKS = REPO / "src" / "aman" / "frameworks" / "packs"
GENERATOR = REPO / "tools" / "build_nist_csf_pack.py"

CSF_CATEGORIES = {
    "GV": ["GV.OC", "GV.RM", "GV.RR", "GV.PO", "GV.OV", "GV.SC"],
    "ID": ["ID.AM", "ID.RA", "ID.IM"],
    "PR": ["PR.AA", "PR.AT", "PR.DS", "PR.PS", "PR.IR"],
    "DE": ["DE.CM", "DE.AE"],
    "RS": ["RS.MA", "RS.AN", "RS.CO", "RS.MI"],
    "RC": ["RC.RP", "RC.CO"],
}
CSF_SUBCATEGORIES_PER_FUNCTION = {"GV": 31, "ID": 21, "PR": 22, "DE": 11, "RS": 13, "RC": 8}
AI_RMF_CATEGORIES_PER_FUNCTION = {"GOVERN": 6, "MAP": 5, "MEASURE": 4, "MANAGE": 4}
AI_RMF_SUBCATEGORIES_PER_FUNCTION = {"GOVERN": 19, "MAP": 18, "MEASURE": 22, "MANAGE": 13}

SPECS: dict[str, dict[str, Any]] = {
    "nist-csf-2.0": {
        "counts": (6, 22, 106),
        "function_re": r"^(GV|ID|PR|DE|RS|RC)$",
        "category_re": r"^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}$",
        "subcategory_re": r"^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-\d{2}$",
        "separators": (".", "-"),  # GV -> GV.OC -> GV.OC-01
        "meta": {
            "publisher": "NIST",
            "licence_class": "full_text",
            "licence": "Public domain (US Government work)",
            "source_url": "https://doi.org/10.6028/NIST.CSWP.29",
            "publication_date": dt.date(2024, 2, 26),
            "domains": ["general"],
            "version": "2.0",
        },
    },
    "nist-ai-rmf-1.0": {
        "counts": (4, 19, 72),
        "function_re": r"^(GOVERN|MAP|MEASURE|MANAGE)$",
        "category_re": r"^(GOVERN|MAP|MEASURE|MANAGE)-\d$",
        "subcategory_re": r"^(GOVERN|MAP|MEASURE|MANAGE)-\d\.\d{1,2}$",
        "separators": ("-", "."),  # GOVERN -> GOVERN-1 -> GOVERN-1.1
        "meta": {
            "publisher": "NIST",
            "licence_class": "full_text",
            "licence": "Public domain (US Government work)",
            "source_url": "https://doi.org/10.6028/NIST.AI.100-1",
            "publication_date": dt.date(2023, 1, 26),
            "domains": ["ai"],
            "version": "1.0",
        },
    },
}
PACK_IDS = list(SPECS)
ARABIC = re.compile(r"[\u0600-\u06FF]")


@cache
def load(pack_id: str) -> dict[str, Any]:
    with (PACKS / f"{pack_id}.yaml").open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    assert isinstance(data, dict)
    return data


def requirements(pack_id: str) -> list[dict[str, Any]]:
    return list(load(pack_id)["requirements"])


def by_ref(pack_id: str) -> dict[str, dict[str, Any]]:
    return {row["ref_id"]: row for row in requirements(pack_id)}


def levels(pack_id: str) -> dict[str, int]:
    """Depth of every node: 1 function, 2 category, 3 subcategory (follows parent links)."""
    index = by_ref(pack_id)
    depth: dict[str, int] = {}
    for ref_id in index:
        node, count = index[ref_id], 1
        while "parent" in node:
            node, count = index[node["parent"]], count + 1
            assert count <= 3, f"{ref_id} is nested deeper than function/category/subcategory"
        depth[ref_id] = count
    return depth


def children(pack_id: str, parent: str) -> list[str]:
    return [row["ref_id"] for row in requirements(pack_id) if row.get("parent") == parent]


def is_assessable(row: Mapping[str, Any]) -> bool:
    return bool(row.get("assessable", True))


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_metadata(pack_id: str) -> None:
    data = load(pack_id)
    assert data["schema_version"] == 1
    meta = data["pack"]
    assert meta["id"] == pack_id
    for key, value in SPECS[pack_id]["meta"].items():
        assert meta[key] == value, key
    for lang in ("ar", "fr"):
        assert meta["translations"][lang]["title"].strip()
        assert meta["translations"][lang]["status"] == "draft"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_counts_of_functions_categories_and_subcategories(pack_id: str) -> None:
    depth = levels(pack_id)
    index = by_ref(pack_id)
    per_level = Counter(depth.values())
    assert (per_level[1], per_level[2], per_level[3]) == SPECS[pack_id]["counts"]
    assessable = [ref for ref, row in index.items() if is_assessable(row)]
    grouping = [ref for ref, row in index.items() if not is_assessable(row)]
    assert len(assessable) == SPECS[pack_id]["counts"][2]
    assert len(grouping) == sum(SPECS[pack_id]["counts"][:2])


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_tree_is_subcategory_category_function(pack_id: str) -> None:
    depth = levels(pack_id)
    index = by_ref(pack_id)
    for ref_id, row in index.items():
        if depth[ref_id] == 1:
            assert "parent" not in row
            assert row["assessable"] is False
        elif depth[ref_id] == 2:
            assert depth[row["parent"]] == 1
            assert row["assessable"] is False
        else:
            category = index[row["parent"]]
            assert depth[category["ref_id"]] == 2
            assert depth[category["parent"]] == 1
            assert row["assessable"] is True
            assert not children(pack_id, ref_id), f"{ref_id} should be a leaf"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_ref_id_formats_follow_the_level(pack_id: str) -> None:
    spec = SPECS[pack_id]
    patterns = {1: spec["function_re"], 2: spec["category_re"], 3: spec["subcategory_re"]}
    index = by_ref(pack_id)
    for ref_id, depth in levels(pack_id).items():
        assert re.fullmatch(patterns[depth], ref_id), ref_id
        assert re.fullmatch(r"[A-Za-z0-9._()-]+", ref_id)
        if depth > 1:
            separator = spec["separators"][depth - 2]
            assert ref_id.startswith(index[ref_id]["parent"] + separator), ref_id


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_ref_ids_are_unique(pack_id: str) -> None:
    counts = Counter(row["ref_id"] for row in requirements(pack_id))
    assert [ref for ref, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_title_and_description_is_non_empty(pack_id: str) -> None:
    for row in requirements(pack_id):
        assert isinstance(row["title"], str)
        assert row["title"].strip(), row["ref_id"]
        assert row["title"] == row["title"].strip()
        assert isinstance(row["description"], str)
        assert row["description"].strip(), row["ref_id"]


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_subcategory_title_is_the_nist_outcome(pack_id: str) -> None:
    for ref_id, depth in levels(pack_id).items():
        if depth == 3:
            row = by_ref(pack_id)[ref_id]
            assert row["title"] == row["description"]


def test_csf_categories_per_function_in_core_order() -> None:
    functions = [row["ref_id"] for row in requirements("nist-csf-2.0") if "parent" not in row]
    assert functions == list(CSF_CATEGORIES)
    for function, categories in CSF_CATEGORIES.items():
        assert children("nist-csf-2.0", function) == categories


def test_csf_subcategories_per_function_and_numbering() -> None:
    depth = levels("nist-csf-2.0")
    index = by_ref("nist-csf-2.0")
    per_function = Counter(ref.split(".")[0] for ref, level in depth.items() if level == 3)
    assert dict(per_function) == CSF_SUBCATEGORIES_PER_FUNCTION
    for categories in CSF_CATEGORIES.values():
        for category in categories:
            numbers = [int(ref.rsplit("-", 1)[1]) for ref in children("nist-csf-2.0", category)]
            assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), category
            assert all(index[f"{category}-{n:02d}"] for n in numbers)


@pytest.mark.parametrize(
    "withdrawn",
    [
        "ID.AM-06",
        "ID.BE-01",
        "ID.GV-01",
        "PR.AC-01",
        "PR.DS-03",
        "PR.IP-01",
        "PR.PT-01",
        "DE.AE-01",
        "DE.CM-04",
        "DE.DP-01",
        "RS.AN-01",
        "RS.CO-01",
        "RS.RP-01",
        "RC.CO-01",
        "RC.IM-01",
        "ID.BE",
        "ID.SC",
        "PR.IP",
        "RS.IM",
    ],
)
def test_csf_leaves_out_withdrawn_items(withdrawn: str) -> None:
    assert withdrawn not in by_ref("nist-csf-2.0")


def test_csf_known_numbering_gaps() -> None:
    csf = by_ref("nist-csf-2.0")
    present = ["ID.AM-05", "ID.AM-07", "PR.DS-02", "PR.DS-10", "DE.CM-03", "DE.CM-06", "DE.CM-09"]
    assert all(ref in csf for ref in present)
    assert [ref for ref in csf if ref.startswith("RS.AN-")] == [
        "RS.AN-03",
        "RS.AN-06",
        "RS.AN-07",
        "RS.AN-08",
    ]
    assert [ref for ref in csf if ref.startswith("DE.AE-")] == [
        "DE.AE-02",
        "DE.AE-03",
        "DE.AE-04",
        "DE.AE-06",
        "DE.AE-07",
        "DE.AE-08",
    ]


@pytest.mark.parametrize(
    ("ref_id", "field", "text"),
    [
        ("GV", "title", "GOVERN"),
        (
            "GV",
            "description",
            "The organization's cybersecurity risk management strategy, expectations, and policy "
            "are established, communicated, and monitored",
        ),
        ("GV.OC", "title", "Organizational Context"),
        (
            "GV.OC-01",
            "description",
            "The organizational mission is understood and informs cybersecurity risk management",
        ),
        ("PR.AA", "title", "Identity Management, Authentication, and Access Control"),
        (
            "PR.AA-01",
            "description",
            "Identities and credentials for authorized users, services, and hardware are managed "
            "by the organization",
        ),
        ("DE.AE", "title", "Adverse Event Analysis"),
        (
            "RC.RP-06",
            "description",
            "The end of incident recovery is declared based on criteria, and incident-related "
            "documentation is completed",
        ),
        (
            "RC",
            "description",
            "Assets and operations affected by a cybersecurity incident are restored",
        ),
    ],
)
def test_csf_verbatim_nist_text(ref_id: str, field: str, text: str) -> None:
    assert by_ref("nist-csf-2.0")[ref_id][field] == text


def test_csf_implementation_examples_are_numbered_guidance() -> None:
    total = 0
    for row in requirements("nist-csf-2.0"):
        if not is_assessable(row):
            assert "guidance" not in row
            continue
        lines = row["guidance"].splitlines()
        assert lines[0] == "NIST CSF 2.0 implementation examples:"
        for number, line in enumerate(lines[1:], start=1):
            assert line.startswith(f"Ex{number}: ") and len(line) > len(f"Ex{number}: ")
        total += len(lines) - 1
    assert total == 363  # NIST numbers the CSF 2.0 implementation examples 001..363
    gv_oc_04 = by_ref("nist-csf-2.0")["GV.OC-04"]["guidance"].splitlines()
    assert gv_oc_04[3] == (
        "Ex3: Establish and communicate resilience objectives (e.g., recovery time objectives) "
        "for delivering critical capabilities and services in various operating states (e.g., "
        "under attack, during recovery, normal operation)"
    )


def test_ai_rmf_categories_and_subcategories_per_function() -> None:
    functions = [row["ref_id"] for row in requirements("nist-ai-rmf-1.0") if "parent" not in row]
    assert functions == list(AI_RMF_CATEGORIES_PER_FUNCTION)
    for function, count in AI_RMF_CATEGORIES_PER_FUNCTION.items():
        categories = children("nist-ai-rmf-1.0", function)
        assert categories == [f"{function}-{n}" for n in range(1, count + 1)]
        leaves = [leaf for category in categories for leaf in children("nist-ai-rmf-1.0", category)]
        assert len(leaves) == AI_RMF_SUBCATEGORIES_PER_FUNCTION[function]
        for category in categories:
            numbers = [
                int(leaf.rsplit(".", 1)[1]) for leaf in children("nist-ai-rmf-1.0", category)
            ]
            assert numbers == list(range(1, len(numbers) + 1)), category


@pytest.mark.parametrize(
    ("ref_id", "text"),
    [
        ("GOVERN", "A culture of risk management is cultivated and present."),
        (
            "GOVERN-1",
            "Policies, processes, procedures, and practices across the organization related to "
            "the mapping, measuring, and managing of AI risks are in place, transparent, and "
            "implemented effectively.",
        ),
        (
            "GOVERN-1.1",
            "Legal and regulatory requirements involving AI are understood, managed, and "
            "documented.",
        ),
        (
            "GOVERN-5.2",
            "Mechanisms are established to enable the team that developed or deployed AI systems "
            "to regularly incorporate adjudicated feedback from relevant AI actors into system "
            "design and implementation.",
        ),
        (
            "MAP-1.6",
            "System requirements (e.g., \u201cthe system shall respect the privacy of its "
            "users\u201d) are elicited from and understood by relevant AI actors. Design "
            "decisions take socio-technical implications into account to address AI risks.",
        ),
        (
            "MEASURE-2.7",
            "AI system security and resilience \u2013 as identified in the MAP function \u2013 are "
            "evaluated and documented.",
        ),
        (
            "MANAGE-4.3",
            "Incidents and errors are communicated to relevant AI actors, including affected "
            "communities. Processes for tracking, responding to, and recovering from incidents and "
            "errors are followed and documented.",
        ),
    ],
)
def test_ai_rmf_verbatim_nist_text(ref_id: str, text: str) -> None:
    assert by_ref("nist-ai-rmf-1.0")[ref_id]["description"] == text


def test_ai_rmf_text_has_no_pdf_extraction_artefacts() -> None:
    text = " ".join(row["description"] for row in requirements("nist-ai-rmf-1.0"))
    assert "context-specific laws" in by_ref("nist-ai-rmf-1.0")["MAP-1.1"]["description"]
    assert "context-relevant risks" in by_ref("nist-ai-rmf-1.0")["MEASURE-4.3"]["description"]
    assert "contextspecific" not in text and "contextrelevant" not in text
    assert "  " not in text and "\n" not in text


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_scoring_is_a_titled_zero_to_five_maturity_scale(pack_id: str) -> None:
    scoring = load(pack_id)["scoring"]
    assert (scoring["kind"], scoring["min"], scoring["max"]) == ("maturity", 0, 5)
    assert scoring["target"] == 3 and scoring["na_allowed"] is True
    assert [level["value"] for level in scoring["levels"]] == [0, 1, 2, 3, 4, 5]
    assert scoring["levels"][0]["title"] == "Not implemented"
    assert scoring["levels"][5]["title"] == "Optimised"
    for level in scoring["levels"]:
        assert level["title"].strip() and level["description"].strip()
        assert ARABIC.search(level["translations"]["ar"]["title"])
        assert level["translations"]["fr"]["title"].strip()


def test_both_packs_share_one_scoring_scheme() -> None:
    assert load("nist-csf-2.0")["scoring"] == load("nist-ai-rmf-1.0")["scoring"]


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_functions_and_categories_have_draft_arabic_and_french_titles(pack_id: str) -> None:
    depth = levels(pack_id)
    for ref_id, level in depth.items():
        if level == 3:
            continue
        row = by_ref(pack_id)[ref_id]
        ar, fr = row["translations"]["ar"], row["translations"]["fr"]
        assert ARABIC.search(ar["title"]), ref_id
        assert fr["title"].strip() and not ARABIC.search(fr["title"]), ref_id
        assert ar["status"] == fr["status"] == "draft"
        if level == 2:
            assert fr["title"] != row["title"], ref_id


def test_csf_translated_category_titles_are_distinct() -> None:
    rows = [
        row for row in requirements("nist-csf-2.0") if levels("nist-csf-2.0")[row["ref_id"]] < 3
    ]
    for lang in ("ar", "fr"):
        titles = [row["translations"][lang]["title"] for row in rows]
        assert len(set(titles)) == len(titles), lang


# --- through the pack models and rules, when they are importable ---------------------------


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_passes_the_pack_models_and_rules(pack_id: str) -> None:
    schemas = pytest.importorskip("aman.frameworks.schemas")
    validation = pytest.importorskip("aman.frameworks.validation")
    pack = schemas.Pack.model_validate(load(pack_id))
    findings = validation.validate_pack(pack)
    errors = [f for f in findings if f.severity == validation.Severity.ERROR]
    assert errors == []
    # Only subcategory titles may lack a translation (optional for these packs).
    untranslated = {f.ref_id for f in findings if f.code == "translation.missing"}
    assert untranslated <= {ref for ref, level in levels(pack_id).items() if level == 3}


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_loads_through_the_pack_loader(pack_id: str) -> None:
    loader = pytest.importorskip("aman.frameworks.loader")
    result = loader.load_pack(PACKS / f"{pack_id}.yaml")
    assert [str(issue) for issue in result.errors] == []
    assert result.ok and result.pack is not None
    assert result.pack.pack.id == pack_id
    leaves = [r for r in result.pack.requirements if r.assessable]
    assert len(leaves) == SPECS[pack_id]["counts"][2]
    subcategories = {ref for ref, level in levels(pack_id).items() if level == 3}
    for warning in result.warnings:
        assert warning.code == "translation.missing", str(warning)
        assert warning.ref_id in subcategories, str(warning)


# --- the generator (tools/build_nist_csf_pack.py) ------------------------------------------


@cache
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_nist_csf_pack", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _oscal_from_pack(pack_id: str = "nist-csf-2.0") -> dict[str, Any]:
    """An OSCAL catalog (as NIST structures CSF 2.0) rebuilt from the shipped pack."""
    groups: list[dict[str, Any]] = []
    rows = requirements(pack_id)
    depth = levels(pack_id)
    for row in rows:
        if depth[row["ref_id"]] == 1:
            overview = {"name": "overview", "prose": row["description"]}
            groups.append({"id": row["ref_id"], "title": row["title"], "parts": [overview]})
    by_id = {group["id"]: group for group in groups}
    for row in rows:
        if depth[row["ref_id"]] == 2:
            statement = {"name": "statement", "prose": row["description"]}
            node = {"id": row["ref_id"], "title": row["title"], "parts": [statement]}
            by_id[row["parent"]].setdefault("controls", []).append(node)
            by_id[row["ref_id"]] = node
    for row in rows:
        if depth[row["ref_id"]] == 3:
            parts = [{"name": "statement", "prose": row["description"]}]
            for line in row["guidance"].splitlines()[1:]:
                parts.append({"name": "example", "prose": line.split(": ", 1)[1]})
            node = {"id": row["ref_id"], "title": row["ref_id"], "parts": parts}
            by_id[row["parent"]].setdefault("controls", []).append(node)
    return {"catalog": {"groups": groups}}


def _withdrawn(ref_id: str, prose: str) -> dict[str, Any]:
    return {
        "id": ref_id,
        "props": [{"name": "status", "value": "withdrawn"}],
        "parts": [{"name": "statement", "prose": prose}],
    }


def test_shipped_csf_pack_is_what_the_generator_produces() -> None:
    built = generator().build_pack(_oscal_from_pack())
    shipped = load("nist-csf-2.0")
    assert built["requirements"] == shipped["requirements"]
    assert built["scoring"] == shipped["scoring"]
    assert built["pack"] == shipped["pack"]


def test_generator_drops_withdrawn_categories_and_subcategories() -> None:
    catalog = _oscal_from_pack()
    identify = next(g for g in catalog["catalog"]["groups"] if g["id"] == "ID")
    asset_management = next(c for c in identify["controls"] if c["id"] == "ID.AM")
    asset_management["controls"].insert(5, _withdrawn("ID.AM-06", "Cybersecurity roles ..."))
    business = _withdrawn("ID.BE", "")
    business["controls"] = [_withdrawn("ID.BE-01", "The organization's role ...")]
    identify["controls"].insert(1, business)
    built = generator().build_pack(catalog)
    refs = [row["ref_id"] for row in built["requirements"]]
    assert "ID.AM-06" not in refs and "ID.BE" not in refs and "ID.BE-01" not in refs
    assert refs == [row["ref_id"] for row in requirements("nist-csf-2.0")]


def test_generator_rejects_a_catalog_with_an_unknown_category() -> None:
    catalog = _oscal_from_pack()
    extra = {"id": "GV.XX", "title": "New", "parts": [{"name": "statement", "prose": "x"}]}
    catalog["catalog"]["groups"][0]["controls"].append(extra)
    with pytest.raises(ValueError, match=r"GV\.XX"):
        generator().build_pack(catalog)


def test_generator_rejects_a_category_without_statement() -> None:
    catalog = _oscal_from_pack()
    catalog["catalog"]["groups"][0]["controls"][0]["parts"] = []
    with pytest.raises(ValueError, match=r"GV\.OC: no 'statement' part"):
        generator().build_pack(catalog)


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_generator_output_does_not_depend_on_catalog_order(rng: Any) -> None:
    catalog = copy.deepcopy(_oscal_from_pack())
    rng.shuffle(catalog["catalog"]["groups"])
    for group in catalog["catalog"]["groups"]:
        rng.shuffle(group["controls"])
        for category in group["controls"]:
            rng.shuffle(category["controls"])
    built = generator().build_pack(catalog)
    assert built["requirements"] == requirements("nist-csf-2.0")


@given(st.lists(st.text(st.characters(exclude_characters="\n\r"), min_size=1), max_size=12))
def test_examples_guidance_round_trips(texts: list[str]) -> None:
    texts = [text.strip() for text in texts if text.strip()]
    guidance = generator().examples_guidance(texts)
    if not texts:
        assert guidance is None
        return
    lines = guidance.split("\n")
    assert lines[0] == generator().EXAMPLES_HEADING
    assert [line.split(": ", 1)[1] for line in lines[1:]] == texts


def test_generator_writes_yaml_that_loads_back(tmp_path: Path) -> None:
    catalog_path = tmp_path / "catalog.yaml"
    catalog_path.write_text(yaml.safe_dump(_oscal_from_pack(), allow_unicode=True), "utf-8")
    output = tmp_path / "pack.yaml"
    assert generator().main([str(catalog_path), "-o", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# NIST Cybersecurity Framework 2.0")
    assert yaml.load(text, Loader=yaml.CSafeLoader) == load("nist-csf-2.0")
