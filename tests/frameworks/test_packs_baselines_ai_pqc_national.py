"""The AI baseline, PQC readiness and national-capacity packs: structure, references, mappings.

The YAML is read with the C safe loader so these checks stand on their own; the packs are also
loaded through `aman.frameworks.loader` (with the NIST packs as known mapping targets) when it is
importable. Reference ids are checked against explicit lists of the real identifiers of each
framework, so an invented id (a GOVERN-7.1, an LLM11, an unverified ATLAS technique) fails here.
Numbers quoted in the PQC pack (key and signature sizes, codepoints, OIDs) are checked against
the `cryptography` implementation of ML-KEM and ML-DSA rather than against our own text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
PACKS = REPO / "src" / "aman" / "frameworks" / "packs"
MODERATE_CATALOG = (
    REPO.parent
    / "shared"
    / "data"
    / "oscal"
    / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"
)
AI, PQC, NATIONAL = "aman-ai-baseline", "aman-pqc-readiness", "aman-national-capacity"
PACK_IDS = [AI, PQC, NATIONAL]
DOMAIN = {AI: "ai", PQC: "pqc", NATIONAL: "national"}
ASSESSABLE_RANGE = {AI: (50, 70), PQC: (40, 60), NATIONAL: (40, 60)}
LEVEL_IDS = ["basic", "intermediate", "advanced"]
MATURITY_LABELS = ["Not implemented", "Initial", "Developing", "Defined", "Managed", "Optimised"]
IMPORTANCE = {"low", "medium", "high", "critical"}
RELATIONSHIPS = {"equal", "subset_of", "superset_of", "intersects_with", "not_related"}
ARABIC = re.compile(r"[\u0600-\u06FF]")
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# --- the real identifiers of the referenced frameworks ------------------------------------


def _numbered(prefix: str, counts: Mapping[int, int], sep: str = "-", width: int = 1) -> set[str]:
    return {
        f"{prefix}{sep}{major}.{minor:0{width}d}"
        for major, count in counts.items()
        for minor in range(1, count + 1)
    }


AI_RMF_IDS = (
    _numbered("GOVERN", {1: 7, 2: 3, 3: 2, 4: 3, 5: 2, 6: 2})
    | _numbered("MAP", {1: 6, 2: 3, 3: 5, 4: 2, 5: 2})
    | _numbered("MEASURE", {1: 3, 2: 13, 3: 3, 4: 3})
    | _numbered("MANAGE", {1: 4, 2: 4, 3: 2, 4: 3})
)
# CSF 2.0 subcategory numbers per category; the gaps are CSF 1.1 items withdrawn in 2.0.
_CSF_NUMBERS: dict[str, list[int]] = {
    "GV.OC": [1, 2, 3, 4, 5], "GV.RM": [1, 2, 3, 4, 5, 6, 7], "GV.RR": [1, 2, 3, 4],
    "GV.PO": [1, 2], "GV.OV": [1, 2, 3], "GV.SC": list(range(1, 11)),
    "ID.AM": [1, 2, 3, 4, 5, 7, 8], "ID.RA": list(range(1, 11)), "ID.IM": [1, 2, 3, 4],
    "PR.AA": [1, 2, 3, 4, 5, 6], "PR.AT": [1, 2], "PR.DS": [1, 2, 10, 11],
    "PR.PS": [1, 2, 3, 4, 5, 6], "PR.IR": [1, 2, 3, 4], "DE.CM": [1, 2, 3, 6, 9],
    "DE.AE": [2, 3, 4, 6, 7, 8], "RS.MA": [1, 2, 3, 4, 5], "RS.AN": [3, 6, 7, 8],
    "RS.CO": [2, 3], "RS.MI": [1, 2], "RC.RP": [1, 2, 3, 4, 5, 6], "RC.CO": [3, 4],
}  # fmt: skip
CSF_IDS = {f"{cat}-{n:02d}" for cat, numbers in _CSF_NUMBERS.items() for n in numbers}
ISO_42001_IDS = (
    {f"A.2.{n}" for n in (2, 3, 4)}
    | {"A.3.2", "A.3.3"}
    | {f"A.4.{n}" for n in range(2, 7)}
    | {f"A.5.{n}" for n in range(2, 6)}
    | {"A.6.1.2", "A.6.1.3"}
    | {f"A.6.2.{n}" for n in range(2, 9)}
    | {f"A.7.{n}" for n in range(2, 7)}
    | {f"A.8.{n}" for n in range(2, 6)}
    | {f"A.9.{n}" for n in range(2, 5)}
    | {f"A.10.{n}" for n in range(2, 5)}
)
OWASP_LLM_IDS = {f"LLM{n:02d}" for n in range(1, 11)}
# ATLAS techniques whose id and meaning were checked against mitre-atlas data before use.
ATLAS_VERIFIED = {
    "AML.T0010", "AML.T0010.002", "AML.T0010.003", "AML.T0011.000", "AML.T0015",
    "AML.T0018", "AML.T0018.000", "AML.T0018.002", "AML.T0020", "AML.T0024",
    "AML.T0024.000", "AML.T0024.002", "AML.T0029", "AML.T0031", "AML.T0034", "AML.T0043",
    "AML.T0051", "AML.T0051.001", "AML.T0053", "AML.T0054", "AML.T0056", "AML.T0057",
    "AML.T0058", "AML.T0070",
}  # fmt: skip
CNSA_IDS = {"ML-KEM-1024", "ML-DSA-87", "LMS", "XMSS", "AES-256", "SHA-384", "SHA-512"} | {
    f"timeline-{category}"
    for category in (
        "software-firmware-signing",
        "web-cloud",
        "networking-equipment",
        "operating-systems",
        "niche-equipment",
        "custom-legacy",
    )
}
SLH_DSA_IDS = {
    f"SLH-DSA-{hash_}-{bits}{variant}"
    for hash_ in ("SHA2", "SHAKE")
    for bits in (128, 192, 256)
    for variant in "sf"
}
GCI_PILLARS = ["legal", "technical", "organizational", "capacity-development", "cooperation"]
CMM_FACTORS = {1: 4, 2: 5, 3: 4, 4: 4, 5: 6}  # 23 factors in the CMM 2021 edition
CMM_IDS = {f"D{d}" for d in CMM_FACTORS} | _numbered("D", CMM_FACTORS, sep="")
# NCSI capacities 1-12 with their numbered indicators (1-9 per Aman's reference material).
NCSI_COUNTS = {1: 4, 2: 3, 3: 5, 4: 4, 5: 3, 6: 4, 7: 7, 8: 2, 9: 3, 10: 4, 11: 4, 12: 3}
NCSI_IDS = {f"{cap}.{n}" for cap, count in NCSI_COUNTS.items() for n in range(1, count + 1)}
SP800_53 = re.compile(r"^[A-Z]{2}-\d{1,2}(\(\d{1,2}\))?$")


def _valid_800_53(ref: str) -> bool:
    return bool(SP800_53.match(ref))


REFERENCE_IDS: dict[str, Any] = {
    "nist-ai-rmf-1.0": AI_RMF_IDS,
    "nist-csf-2.0": CSF_IDS,
    "iso-42001-2023": ISO_42001_IDS,
    "owasp-llm-2025": OWASP_LLM_IDS,
    "mitre-atlas": ATLAS_VERIFIED,
    "nist-sp-800-53-r5": _valid_800_53,
    "nist-ir-8547": {f"Table {n}" for n in range(1, 8)},
    "cnsa-2.0": CNSA_IDS,
    "fips-203": {"ML-KEM-512", "ML-KEM-768", "ML-KEM-1024"},
    "fips-204": {"ML-DSA-44", "ML-DSA-65", "ML-DSA-87"},
    "fips-205": SLH_DSA_IDS,
    "itu-gci-2024": set(GCI_PILLARS),
    "oxford-cmm-2021": CMM_IDS,
    "ncsi": NCSI_IDS,
}
FRAMEWORKS_USED = {
    AI: {"nist-ai-rmf-1.0", "iso-42001-2023", "owasp-llm-2025", "mitre-atlas", "nist-csf-2.0"},
    PQC: {"nist-ir-8547", "cnsa-2.0", "fips-203", "fips-204", "fips-205", "nist-csf-2.0"}
    | {"nist-sp-800-53-r5"},
    NATIONAL: {"itu-gci-2024", "oxford-cmm-2021", "ncsi"},
}

# --- helpers -------------------------------------------------------------------------------


@cache
def load(pack_id: str) -> dict[str, Any]:
    with (PACKS / f"{pack_id}.yaml").open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    assert isinstance(data, dict)
    return data


def rows(pack_id: str) -> list[dict[str, Any]]:
    return list(load(pack_id)["requirements"])


def assessable(pack_id: str) -> list[dict[str, Any]]:
    return [row for row in rows(pack_id) if row.get("assessable", True)]


def groups(pack_id: str) -> list[dict[str, Any]]:
    return [row for row in rows(pack_id) if not row.get("assessable", True)]


def by_ref(pack_id: str) -> dict[str, dict[str, Any]]:
    return {row["ref_id"]: row for row in rows(pack_id)}


def refs_to(row: Mapping[str, Any], framework: str) -> list[str]:
    return [ref["id"] for ref in row.get("references", []) if ref["framework"] == framework]


def mapping_set(pack_id: str, target: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [
        ms for ms in load(pack_id).get("mapping_sets", []) if ms["target"] == target
    ]
    assert len(matches) == 1, f"{pack_id}: expected one mapping set to {target}"
    return matches[0]


def texts(pack_id: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every human-readable string of a pack, translations included."""
    data = load(pack_id)
    for key in ("title", "description"):
        yield f"pack.{key}", data["pack"][key]
    for row in data["requirements"]:
        for key in ("title", "description", "guidance", "typical_evidence"):
            if key in row:
                yield f"{row['ref_id']}.{key}", row[key]
        for lang, entry in row.get("translations", {}).items():
            for key in ("title", "description"):
                if key in entry:
                    yield f"{row['ref_id']}.{lang}.{key}", entry[key]
    for mset in data.get("mapping_sets", []):
        for mapping in mset["mappings"]:
            yield f"{mset['id']}:{mapping['source']}", mapping["rationale"]


def known_targets(pack_id: str) -> set[str] | None:
    """ref_ids of a shipped target pack, or None when that pack is not in the tree."""
    path = PACKS / f"{pack_id}.yaml"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    return {row["ref_id"] for row in data["requirements"]}


# --- all three packs -------------------------------------------------------------------------


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_metadata(pack_id: str) -> None:
    data = load(pack_id)
    meta = data["pack"]
    assert data["schema_version"] == 1
    assert meta["id"] == pack_id and meta["version"] == "1.0.0"
    assert meta["publisher"] == "Aman federation"
    assert (meta["licence_class"], meta["licence"]) == ("full_text", "CC-BY-4.0")
    assert meta["publication_date"] == dt.date(2026, 11, 1)
    assert meta["domains"] == [DOMAIN[pack_id]]
    for lang in ("ar", "fr"):
        entry = meta["translations"][lang]
        assert entry["title"].strip() and entry["description"].strip()
        assert entry["status"] == "draft"
    assert ARABIC.search(meta["translations"]["ar"]["title"])


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_ref_ids_are_unique_and_well_formed(pack_id: str) -> None:
    counts = Counter(row["ref_id"] for row in rows(pack_id))
    assert [ref for ref, n in counts.items() if n > 1] == []
    prefix = {AI: "AI", PQC: "PQC", NATIONAL: "NC"}[pack_id]
    for ref_id in counts:
        assert re.fullmatch(rf"{prefix}-[A-Z]{{2,3}}(-\d{{2}})?", ref_id), ref_id


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_tree_is_groups_of_assessable_leaves(pack_id: str) -> None:
    index = by_ref(pack_id)
    for row in groups(pack_id):
        assert "parent" not in row, f"{row['ref_id']}: groups are top level"
    for row in assessable(pack_id):
        parent = index.get(row.get("parent", ""))
        assert parent is not None, f"{row['ref_id']}: parent {row.get('parent')!r} missing"
        assert parent.get("assessable", True) is False, row["ref_id"]
        assert row["ref_id"].startswith(parent["ref_id"] + "-"), row["ref_id"]
    parents = Counter(row["parent"] for row in assessable(pack_id))
    assert set(parents) == {row["ref_id"] for row in groups(pack_id)}, "a group has no children"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_assessable_count_is_within_the_intended_range(pack_id: str) -> None:
    low, high = ASSESSABLE_RANGE[pack_id]
    assert low <= len(assessable(pack_id)) <= high


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_assessable_requirement_is_complete(pack_id: str) -> None:
    for row in assessable(pack_id):
        ref = row["ref_id"]
        assert len(row["description"]) >= 80, f"{ref}: description too thin"
        assert row["typical_evidence"].strip(), ref
        assert row["importance"] in IMPORTANCE, ref
        assert row.get("references"), f"{ref}: needs at least one reference"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_node_has_draft_arabic_and_french_title_and_description(pack_id: str) -> None:
    for row in rows(pack_id):
        ref = row["ref_id"]
        ar, fr = row["translations"]["ar"], row["translations"]["fr"]
        assert ar["status"] == fr["status"] == "draft", ref
        assert ARABIC.search(ar["title"]) and ARABIC.search(ar["description"]), ref
        assert not ARABIC.search(fr["title"] + fr["description"]), ref
        assert fr["title"] != row["title"], f"{ref}: French title left in English"
        assert fr["description"] != row["description"], ref


@pytest.mark.parametrize("pack_id", PACK_IDS)
@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_titles_are_distinct_in_each_language(pack_id: str, lang: str) -> None:
    titles = [
        row["title"] if lang == "en" else row["translations"][lang]["title"]
        for row in rows(pack_id)
    ]
    duplicates = [title for title, n in Counter(titles).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_text_is_clean(pack_id: str) -> None:
    for where, text in texts(pack_id):
        assert text == text.strip() and text, where
        assert "  " not in text and "\n" not in text, where
        assert not INVISIBLE.search(text), f"{where}: invisible or bidi control character"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_references_use_known_frameworks_and_real_ids(pack_id: str) -> None:
    for row in rows(pack_id):
        seen: set[tuple[str, str]] = set()
        for ref in row.get("references", []):
            framework, ref_id = ref["framework"], ref["id"]
            assert framework in FRAMEWORKS_USED[pack_id], f"{row['ref_id']}: {framework}"
            valid = REFERENCE_IDS[framework]
            ok = valid(ref_id) if callable(valid) else ref_id in valid
            assert ok, f"{row['ref_id']}: {framework} has no id {ref_id!r}"
            assert (framework, ref_id) not in seen, f"{row['ref_id']}: repeated reference"
            seen.add((framework, ref_id))


def test_sp_800_53_references_are_moderate_baseline_controls() -> None:
    if not MODERATE_CATALOG.exists():
        pytest.skip(f"shared OSCAL data not found at {MODERATE_CATALOG}")
    catalog = json.loads(MODERATE_CATALOG.read_text(encoding="utf-8"))["catalog"]
    ids: set[str] = set()
    stack: list[dict[str, Any]] = [catalog]
    while stack:
        node = stack.pop()
        for child in node.get("groups", []) + node.get("controls", []):
            if "id" in child and "class" in child:
                ids.add(child["id"])
            stack.append(child)
    used = {ref for row in rows(PQC) for ref in refs_to(row, "nist-sp-800-53-r5")}
    oscal = {re.sub(r"\((\d+)\)", r".\1", ref).lower() for ref in used}
    assert used and oscal <= ids, sorted(oscal - ids)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_mapping_sets_are_well_formed(pack_id: str) -> None:
    own = {row["ref_id"] for row in assessable(pack_id)}
    msets = load(pack_id)["mapping_sets"]
    assert len({ms["id"] for ms in msets}) == len(msets)
    for mset in msets:
        assert mset["id"].startswith(pack_id + "-to-"), mset["id"]
        pairs = [(m["source"], m["target"]) for m in mset["mappings"]]
        assert len(set(pairs)) == len(pairs), f"{mset['id']}: duplicate pair"
        valid = REFERENCE_IDS[mset["target"]]
        for mapping in mset["mappings"]:
            assert mapping["source"] in own, mapping
            assert mapping["target"] in valid, mapping
            assert mapping["relationship"] in RELATIONSHIPS, mapping
            assert isinstance(mapping["strength"], int) and 0 <= mapping["strength"] <= 10
            assert len(mapping["rationale"]) >= 20, mapping


@pytest.mark.parametrize(
    ("pack_id", "target"),
    [
        (AI, "nist-ai-rmf-1.0"),
        (AI, "nist-csf-2.0"),
        (PQC, "nist-csf-2.0"),
        (NATIONAL, "itu-gci-2024"),
    ],
)
def test_mappings_agree_with_the_references(pack_id: str, target: str) -> None:
    """A mapping set restates the requirement's references to that framework, with a reason."""
    mapped = {(m["source"], m["target"]) for m in mapping_set(pack_id, target)["mappings"]}
    referenced = {(row["ref_id"], ref) for row in rows(pack_id) for ref in refs_to(row, target)}
    assert mapped == referenced


@pytest.mark.parametrize(
    ("pack_id", "target"), [(AI, "nist-ai-rmf-1.0"), (AI, "nist-csf-2.0"), (PQC, "nist-csf-2.0")]
)
def test_pack_mapping_targets_exist_in_the_shipped_target_pack(pack_id: str, target: str) -> None:
    mset = mapping_set(pack_id, target)
    assert mset["target_kind"] == "pack"
    assert mset["target_version"] == {"nist-ai-rmf-1.0": "1.0", "nist-csf-2.0": "2.0"}[target]
    shipped = known_targets(target)
    if shipped is None:
        pytest.skip(f"{target}.yaml is not in the packs directory")
    missing = {m["target"] for m in mset["mappings"]} - shipped
    assert missing == set()


# --- maturity packs (AI, PQC) ---------------------------------------------------------------


@pytest.mark.parametrize("pack_id", [AI, PQC])
def test_maturity_scoring_zero_to_five_with_target_three(pack_id: str) -> None:
    scoring = load(pack_id)["scoring"]
    assert (scoring["kind"], scoring["min"], scoring["max"], scoring["target"]) == (
        "maturity",
        0,
        5,
        3,
    )
    assert scoring["na_allowed"] is True
    assert [(lvl["value"], lvl["title"]) for lvl in scoring["levels"]] == list(
        enumerate(MATURITY_LABELS)
    )


@pytest.mark.parametrize("pack_id", [AI, PQC])
def test_implementation_levels_are_declared_and_upward_closed(pack_id: str) -> None:
    declared = load(pack_id)["implementation_levels"]
    assert [level["id"] for level in declared] == LEVEL_IDS
    for level in declared:
        assert ARABIC.search(level["translations"]["ar"]["title"])
        assert level["translations"]["fr"]["title"].strip()
    entry_levels: Counter[str] = Counter()
    for row in assessable(pack_id):
        levels = row["levels"]
        # A requirement that applies at one level applies at every higher level too.
        assert levels in (LEVEL_IDS, LEVEL_IDS[1:], LEVEL_IDS[2:]), row["ref_id"]
        entry_levels[levels[0]] += 1
    assert all(entry_levels[level] > 0 for level in LEVEL_IDS), entry_levels


# --- AI baseline --------------------------------------------------------------------------------


def test_ai_rmf_mapping_covers_every_assessable_requirement() -> None:
    mapped = {m["source"] for m in mapping_set(AI, "nist-ai-rmf-1.0")["mappings"]}
    assert mapped == {row["ref_id"] for row in assessable(AI)}
    functions = {
        target.split("-")[0] for row in assessable(AI) for target in refs_to(row, "nist-ai-rmf-1.0")
    }
    assert functions == {"GOVERN", "MAP", "MEASURE", "MANAGE"}


def test_every_owasp_llm_2025_risk_is_addressed() -> None:
    used = {ref for row in assessable(AI) for ref in refs_to(row, "owasp-llm-2025")}
    assert used == OWASP_LLM_IDS


@pytest.mark.parametrize(
    ("topic", "pattern"),
    [
        ("pickle formats refused", r"pickle"),
        ("safetensors or ONNX preferred", r"safetensors.*ONNX|ONNX.*safetensors"),
        ("model files scanned", r"scanned"),
        ("Keras Lambda layers", r"Lambda layers"),
        ("hashed and signed artefacts", r"SHA-256.*signature"),
        ("AI bill of materials", r"bill of materials"),
        ("data poisoning", r"poisoning"),
        ("adversarial examples", r"adversarial examples"),
        ("system prompt leakage", r"system prompt can be disclosed"),
        ("vector stores", r"vector stores"),
        ("drift", r"drift"),
        ("human oversight", r"human oversight"),
        ("national CERT in incident response", r"national CERT"),
    ],
)
def test_ai_baseline_covers_topic(topic: str, pattern: str) -> None:
    hits = [row["ref_id"] for row in assessable(AI) if re.search(pattern, row["description"])]
    assert hits, f"no AI requirement covers {topic}"


def test_ai_model_file_requirements_await_scanner_checks() -> None:
    for ref in ("AI-SC-02", "AI-SC-03", "AI-SC-04", "AI-SC-06"):
        assert isinstance(by_ref(AI)[ref]["checks"], list), ref


# --- PQC readiness ------------------------------------------------------------------------------

SCANNER_EVIDENCED = {
    "PQC-INV-02", "PQC-INV-03", "PQC-INV-04", "PQC-TLS-01", "PQC-TLS-02", "PQC-TLS-03",
    "PQC-TLS-04", "PQC-TLS-05", "PQC-TLS-07", "PQC-SSH-01", "PQC-SSH-02", "PQC-PKI-03",
    "PQC-PKI-04", "PQC-PKI-05", "PQC-TST-01", "PQC-TST-05", "PQC-WKC-01", "PQC-WKC-02",
    "PQC-WKC-03", "PQC-WKC-04", "PQC-WKC-06",
}  # fmt: skip
TLS_GROUPS = {
    "X25519MLKEM768": "0x11EC",
    "SecP256r1MLKEM768": "0x11EB",
    "SecP384r1MLKEM1024": "0x11ED",
    "X25519Kyber768Draft00": "0x6399",
}


def test_scanner_evidenced_requirements_carry_a_checks_list() -> None:
    with_checks = {row["ref_id"] for row in assessable(PQC) if "checks" in row}
    assert with_checks == SCANNER_EVIDENCED
    for ref in SCANNER_EVIDENCED:
        checks = by_ref(PQC)[ref]["checks"]
        assert isinstance(checks, list), ref
        assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*", check) for check in checks)


def test_tls_group_codepoints_quoted_in_the_pack_are_right() -> None:
    quoted = [
        (name, code)
        for _, text in texts(PQC)
        for name, code in re.findall(r"(\w+(?:MLKEM|Kyber)\w*) \((0x[0-9A-F]{4})\)", text)
    ]
    assert len(quoted) >= 4
    for name, code in quoted:
        assert TLS_GROUPS[name] == code, name


@pytest.mark.parametrize(
    ("ref", "needles"),
    [
        ("PQC-TLS-01", ["X25519MLKEM768", "HelloRetryRequest", "empty key share"]),
        ("PQC-SSH-01", ["mlkem768x25519-sha256", "sntrup761x25519-sha512", "KEXINIT"]),
        ("PQC-VPN-01", ["RFC 9370"]),
        ("PQC-INV-02", ["CycloneDX 1.6", "cryptographic-asset"]),
        ("PQC-RSK-02", ["shelf-life", "migration time"]),
        ("PQC-TIM-01", ["2030", "2035", "RSA-2048"]),
        ("PQC-TIM-02", ["2035"]),
        ("PQC-WKC-02", ["2048", "224"]),
    ],
)
def test_pqc_requirements_are_specific_enough_to_evidence(ref: str, needles: list[str]) -> None:
    description = by_ref(PQC)[ref]["description"]
    for needle in needles:
        assert needle in description, f"{ref}: missing {needle!r}"


def test_cnsa_timeline_tracks_all_six_categories() -> None:
    used = set(refs_to(by_ref(PQC)["PQC-TIM-04"], "cnsa-2.0"))
    assert used == {ref for ref in CNSA_IDS if ref.startswith("timeline-")}


def test_sizes_quoted_for_ml_kem_and_ml_dsa_match_the_algorithms() -> None:
    mlkem = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.mlkem")
    mldsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.mldsa")
    kem = mlkem.MLKEM768PrivateKey.generate().public_key()
    _, ciphertext = kem.encapsulate()
    signer = mldsa.MLDSA65PrivateKey.generate()
    sizes = {
        "ML-KEM-768 encapsulation key": len(kem.public_bytes_raw()),
        "ciphertext": len(ciphertext),
        "ML-DSA-65 public key": len(signer.public_key().public_bytes_raw()),
        "signature": len(signer.sign(b"aman")),
    }
    text = by_ref(PQC)["PQC-AGI-03"]["description"]
    for what, size in sizes.items():
        assert re.search(rf"{re.escape(what)} of {size} bytes", text), (what, size)
    # The full X25519MLKEM768 client share is the ML-KEM-768 key plus a 32-byte X25519 key.
    share = sizes["ML-KEM-768 encapsulation key"] + 32
    assert f"({share} bytes" in by_ref(PQC)["PQC-TST-01"]["description"]


def test_ml_dsa_oids_quoted_match_the_registered_ones() -> None:
    oid = pytest.importorskip("cryptography.x509.oid")
    text = by_ref(PQC)["PQC-PKI-02"]["description"]
    first = oid.PublicKeyAlgorithmOID.ML_DSA_44.dotted_string
    last = oid.PublicKeyAlgorithmOID.ML_DSA_87.dotted_string
    assert f"{first} to {last}" in text


# --- national capacity ----------------------------------------------------------------------

PILLAR_GCI = {
    "NC-LEG": "legal",
    "NC-TEC": "technical",
    "NC-ORG": "organizational",
    "NC-CAP": "capacity-development",
    "NC-COO": "cooperation",
}
TIERS = [
    ("T1", "Role-modelling", 95),
    ("T2", "Advancing", 85),
    ("T3", "Establishing", 55),
    ("T4", "Evolving", 20),
    ("T5", "Building", 0),
]


def test_national_pack_has_the_five_pillars_in_order() -> None:
    assert [row["ref_id"] for row in groups(NATIONAL)] == list(PILLAR_GCI)
    per_pillar = Counter(row["parent"] for row in assessable(NATIONAL))
    assert all(count >= 8 for count in per_pillar.values()), per_pillar


def test_every_indicator_has_points_evidence_rule_and_its_pillar_reference() -> None:
    for row in assessable(NATIONAL):
        ref = row["ref_id"]
        assert row["points"] in (1, 2, 3), ref
        assert row["typical_evidence"].startswith("Evidence rule: "), ref
        assert refs_to(row, "itu-gci-2024") == [PILLAR_GCI[row["parent"]]], ref
        assert "levels" not in row, ref
    for row in groups(NATIONAL):
        assert "points" not in row


def test_national_scoring_is_points_with_partial_credit_and_gci_tiers() -> None:
    scoring = load(NATIONAL)["scoring"]
    assert scoring["kind"] == "points" and scoring["partial_allowed"] is True
    assert [(t["id"], t["title"], t["min_score"]) for t in scoring["tiers"]] == TIERS
    for tier in scoring["tiers"]:
        assert ARABIC.search(tier["translations"]["ar"]["title"])
        assert tier["translations"]["fr"]["title"].strip()


NATIONAL_TOPICS = [
    ("cybercrime law", r"cybercrime law"), ("incident reporting", r"incident reporting"),
    ("critical infrastructure", r"critical information infrastructure protection"),
    ("data protection law", r"data protection law"), ("24/7 CIRT", r"24/7"),
    ("national CIRT", r"^National CIRT established"), ("sectoral CERTs", r"Sectoral CIRTs"),
    ("strategy", r"^National cybersecurity strategy$"), ("plan", r"implementation plan"),
    ("responsible agency", r"Responsible national"), ("risk assessment", r"risk assessment"),
    ("standards", r"standards framework"), ("5G baseline", r"5G network security baseline"),
    ("cloud baseline", r"Cloud security baseline"), ("AI baseline", r"AI security baseline"),
    ("PQC plan", r"post-quantum migration plan"), ("COP", r"Child online protection"),
    ("awareness", r"awareness campaigns"), ("curricula", r"school curricula"),
    ("university", r"programmes in cybersecurity"), ("R&D", r"research and development"),
    ("training", r"Professional training and certification"), ("drill", r"cyber drill"),
    ("industry", r"Domestic cybersecurity industry"), ("bilateral", r"^Bilateral"),
    ("multilateral", r"^Multilateral"), ("OIC-CERT membership", r"^OIC-CERT membership$"),
    ("OIC-CERT sharing", r"Information sharing through OIC-CERT"),
    ("public-private partnerships", r"Public-private partnerships"),
]  # fmt: skip


@pytest.mark.parametrize(("topic", "pattern"), NATIONAL_TOPICS)
def test_national_pack_covers_indicator(topic: str, pattern: str) -> None:
    hits = [row for row in assessable(NATIONAL) if re.search(pattern, row["title"], re.I)]
    assert hits, f"no indicator covers {topic}"


def test_gci_mapping_is_external_and_one_pillar_per_indicator() -> None:
    mset = mapping_set(NATIONAL, "itu-gci-2024")
    assert mset["target_kind"] == "external"
    sources = Counter(m["source"] for m in mset["mappings"])
    assert set(sources) == {row["ref_id"] for row in assessable(NATIONAL)}
    assert set(sources.values()) == {1}


def _score(points: list[int], answers: list[str]) -> float:
    """NCSI-style fulfilment: met = all points, partial = half, not met = none."""
    value = {"met": 1.0, "partial": 0.5, "not_met": 0.0}
    return 100 * sum(p * value[a] for p, a in zip(points, answers, strict=True)) / sum(points)


def _tier(score: float) -> str:
    tiers = load(NATIONAL)["scoring"]["tiers"]
    return str(next(t["id"] for t in tiers if score >= t["min_score"]))


ANSWERS = st.lists(st.sampled_from(["met", "partial", "not_met"]), min_size=58, max_size=58)


@given(answers=ANSWERS, upgrade=st.integers(min_value=0, max_value=57))
def test_upgrading_an_answer_never_lowers_score_or_tier(answers: list[str], upgrade: int) -> None:
    points = [row["points"] for row in assessable(NATIONAL)]
    answers = (answers * 2)[: len(points)]
    index = upgrade % len(points)
    better = list(answers)
    better[index] = {"not_met": "partial", "partial": "met", "met": "met"}[answers[index]]
    before, after = _score(points, answers), _score(points, better)
    assert 0 <= before <= after <= 100
    order = [tier[0] for tier in TIERS]
    assert order.index(_tier(after)) <= order.index(_tier(before))


def test_extreme_answers_reach_the_extreme_tiers() -> None:
    points = [row["points"] for row in assessable(NATIONAL)]
    assert _tier(_score(points, ["met"] * len(points))) == "T1"
    assert _tier(_score(points, ["partial"] * len(points))) == "T4"
    assert _tier(_score(points, ["not_met"] * len(points))) == "T5"


# --- through the pack loader ------------------------------------------------------------------


def _known_packs() -> dict[str, frozenset[str]]:
    known: dict[str, frozenset[str]] = {}
    for pack_id, version in (("nist-ai-rmf-1.0", "1.0"), ("nist-csf-2.0", "2.0")):
        targets = known_targets(pack_id)
        if targets is not None:
            known[pack_id] = known[f"{pack_id}/{version}"] = frozenset(targets)
    return known


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_loads_cleanly_through_the_pack_loader(pack_id: str) -> None:
    loader = pytest.importorskip("aman.frameworks.loader")
    options = loader.LoadOptions(known_packs=_known_packs())
    result = loader.load_pack(PACKS / f"{pack_id}.yaml", options)
    assert [str(issue) for issue in result.errors] == []
    assert [str(issue) for issue in result.warnings] == []
    assert result.ok and result.pack is not None
    assert len([r for r in result.pack.requirements if r.assessable]) == len(assessable(pack_id))


def test_loader_catches_a_mapping_to_a_subcategory_that_does_not_exist() -> None:
    loader = pytest.importorskip("aman.frameworks.loader")
    if known_targets("nist-ai-rmf-1.0") is None:
        pytest.skip("nist-ai-rmf-1.0.yaml is not in the packs directory")
    text = (PACKS / f"{AI}.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        "{source: AI-GOV-09, target: GOVERN-1.7,", "{source: AI-GOV-09, target: GOVERN-1.9,"
    )
    assert broken != text
    options = loader.LoadOptions(known_packs=_known_packs())
    result = loader.load_pack_bytes(broken.encode("utf-8"), source="broken.yaml", options=options)
    assert not result.ok
    assert [(issue.code, issue.ref_id) for issue in result.errors] == [
        ("mapping.unknown_target", "AI-GOV-09")
    ]
