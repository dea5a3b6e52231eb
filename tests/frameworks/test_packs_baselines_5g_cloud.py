"""The federation's own 5G and cloud baseline packs: structure, references and CSF 2.0 mappings.

The YAML files are read with the C safe loader so that these tests stand on their own; when the
pack loader (`aman.frameworks.loader`) is importable the packs are also loaded through it, with the
NIST CSF 2.0 pack as the known mapping target. The structural rules are pure functions over the
parsed pack, and property tests corrupt a pack to show that each rule actually catches its fault.
"""

from __future__ import annotations

import copy
import importlib.util
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
PACKS = REPO / "src" / "aman" / "frameworks" / "packs"
CSF_PACK = PACKS / "nist-csf-2.0.yaml"

CSF_ID_RE = re.compile(r"^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-\d{2}$")
# The 106 subcategories of CSF 2.0; used only when the CSF pack itself is not in the tree.
CSF_FALLBACK_IDS = frozenset(
    [f"GV.OC-{n:02d}" for n in range(1, 6)]
    + [f"GV.RM-{n:02d}" for n in range(1, 8)]
    + [f"GV.RR-{n:02d}" for n in range(1, 5)]
    + ["GV.PO-01", "GV.PO-02"]
    + [f"GV.OV-{n:02d}" for n in range(1, 4)]
    + [f"GV.SC-{n:02d}" for n in range(1, 11)]
    + [f"ID.AM-{n:02d}" for n in (1, 2, 3, 4, 5, 7, 8)]
    + [f"ID.RA-{n:02d}" for n in range(1, 11)]
    + [f"ID.IM-{n:02d}" for n in range(1, 5)]
    + [f"PR.AA-{n:02d}" for n in range(1, 7)]
    + ["PR.AT-01", "PR.AT-02"]
    + [f"PR.DS-{n:02d}" for n in (1, 2, 10, 11)]
    + [f"PR.PS-{n:02d}" for n in range(1, 7)]
    + [f"PR.IR-{n:02d}" for n in range(1, 5)]
    + [f"DE.CM-{n:02d}" for n in (1, 2, 3, 6, 9)]
    + [f"DE.AE-{n:02d}" for n in (2, 3, 4, 6, 7, 8)]
    + [f"RS.MA-{n:02d}" for n in range(1, 6)]
    + [f"RS.AN-{n:02d}" for n in (3, 6, 7, 8)]
    + ["RS.CO-02", "RS.CO-03", "RS.MI-01", "RS.MI-02"]
    + [f"RC.RP-{n:02d}" for n in range(1, 7)]
    + ["RC.CO-03", "RC.CO-04"]
)
RELATIONSHIPS = frozenset({"equal", "subset_of", "superset_of", "intersects_with", "not_related"})
LEVEL_IDS = ("basic", "intermediate", "advanced")
MATURITY_LABELS = {
    0: "Not implemented",
    1: "Initial",
    2: "Developing",
    3: "Defined",
    4: "Managed",
    5: "Optimised",
}
ARABIC = re.compile(r"[\u0600-\u06FF]")
# Anything that looks like a French sentence: Latin letters, no Arabic script.
LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")

SPECS: dict[str, dict[str, Any]] = {
    "aman-5g-baseline": {
        "domain": "5g",
        "ref_re": r"^5G-[A-Z]{2,3}-\d{2}$",
        "group_re": r"^5G-[A-Z]{2,3}$",
        "groups": {
            "5G-GOV", "5G-SCM", "5G-RAN", "5G-NAS", "5G-PRV", "5G-SBA", "5G-ROA",
            "5G-SLC", "5G-MEC", "5G-LI", "5G-OAM", "5G-MON", "5G-CRY",
        },
        "count": (60, 80),
    },
    "aman-cloud-baseline": {
        "domain": "cloud",
        "ref_re": r"^CL-[A-Z0-9]{2,3}-\d{2}$",
        "group_re": r"^CL-[A-Z0-9]{2,3}$",
        "groups": {
            "CL-SRM", "CL-IAM", "CL-DP", "CL-SOV", "CL-NET", "CL-LOG", "CL-K8S",
            "CL-IAC", "CL-BCR", "CL-IR", "CL-EXT",
        },
        "count": (60, 80),
    },
}  # fmt: skip
PACK_IDS = list(SPECS)

# Identifier spaces of the frameworks referenced by id.
ISO_27001_ANNEX_A = {"5": 37, "6": 8, "7": 14, "8": 34}
ISO_27017_CLOUD_IDS = frozenset(
    {"CLD.6.3.1", "CLD.8.1.5", "CLD.9.5.1", "CLD.9.5.2", "CLD.12.1.5", "CLD.12.4.5", "CLD.13.1.4"}
)
CCM_V4_DOMAIN_SIZES = {
    "A&A": 6, "AIS": 7, "BCR": 11, "CCC": 9, "CEK": 21, "DCS": 15, "DSP": 19, "GRC": 8,
    "HRS": 13, "IAM": 16, "IPY": 4, "IVS": 9, "LOG": 13, "SEF": 8, "STA": 14, "TVM": 10,
    "UEM": 14,
}  # fmt: skip
EU_TOOLBOX_SIZES = {"SM": 8, "TM": 11, "SA": 10}
NESAS_DOCS = frozenset({"FS.13", "FS.14", "FS.15", "FS.16", "FS.46", "FS.47", "FS.50", "FS.62"})
TS_CLAUSE_RE = re.compile(r"^(\d+(\.\d+)*|Annex [A-Z](\.\d+)*)$")
KNOWN_FRAMEWORKS_FALLBACK = frozenset(
    {
        "3gpp-ts-33.501", "3gpp-ts-33.117", "gsma-nesas", "eu-5g-toolbox", "enisa-5g-scm-1.3",
        "iso-27001-2022", "iso-27017-2015", "csa-ccm-4", "nist-csf-2.0", "nist-ir-8547",
        "fips-203", "fips-204", "fips-205",
    }
)  # fmt: skip

# 5G requirements that TS 33.501 governs directly, with a clause each must cite.
TS_33501_REQUIRED = {
    "5G-NAS-01": "5.5.2", "5G-NAS-02": "5.5.1", "5G-NAS-03": "6.7.1", "5G-NAS-04": "6.1",
    "5G-NAS-05": "5.5.2", "5G-NAS-06": "6.2", "5G-PRV-01": "Annex C", "5G-PRV-02": "Annex C.4",
    "5G-PRV-03": "6.12.2", "5G-PRV-04": "6.12", "5G-PRV-05": "6.12", "5G-SBA-01": "13.1.0",
    "5G-SBA-02": "13.1.0", "5G-SBA-03": "13.1.0", "5G-SBA-04": "13.4.1", "5G-SBA-05": "13.3.2.1",
    "5G-SBA-06": "13.4", "5G-ROA-01": "5.9.3", "5G-ROA-02": "13.1.2", "5G-ROA-03": "13.2",
    "5G-ROA-04": "5.9.3", "5G-RAN-04": "6.6", "5G-SLC-01": "16", "5G-SLC-02": "16",
}  # fmt: skip
# Requirements the 5G configuration audit evidences: the guidance must name the config fact.
FIVEG_CONFIG_FACTS = {
    "5G-NAS-01": ["integrity_order", "integrityOrder", "NIA0"],
    "5G-NAS-02": ["ciphering_order", "cipheringOrder", "NEA0"],
    "5G-NAS-03": ["Automated evidence"],
    "5G-PRV-01": ["udm.hnet[].scheme", "ProtectionScheme"],
    "5G-PRV-02": ["fingerprint", "Annex C.4"],
    "5G-PRV-03": ["inline"],
    "5G-SBA-01": ["sbi.scheme", "nrfUri", "http"],
    "5G-SBA-02": ["verify_client"],
    "5G-SBA-03": ["sslkeylogfile"],
    "5G-SBA-04": ["oauth: true"],
    "5G-SBA-05": ["OAuth", "http"],
    "5G-ROA-02": ["sepp.n32.server[].scheme", "verify_client"],
    "5G-ROA-03": ["n32f.scheme"],
    "5G-CRY-03": ["inline", "fingerprint"],
}
# Kubernetes requirements must name the manifest field an automated check reads.
K8S_FIELDS = {
    "CL-K8S-01": ["privileged: true"],
    "CL-K8S-02": ["hostNetwork", "hostPID", "hostIPC"],
    "CL-K8S-03": ["runAsNonRoot", "runAsUser"],
    "CL-K8S-04": ["allowPrivilegeEscalation", "capabilities", "seccomp"],
    "CL-K8S-05": ["readOnlyRootFilesystem"],
    "CL-K8S-06": ["latest", "digest"],
    "CL-K8S-08": ["requests", "limits", "quota"],
    "CL-K8S-09": ["environment variable", "env[].value"],
    "CL-K8S-10": ["`default`"],
    "CL-K8S-11": ["default-deny"],
    "CL-K8S-12": ["automountServiceAccountToken"],
}


@cache
def load(pack_id: str) -> dict[str, Any]:
    with (PACKS / f"{pack_id}.yaml").open("rb") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    assert isinstance(data, dict)
    return data


@cache
def csf_ids() -> frozenset[str]:
    """Subcategory ids of the CSF 2.0 pack when present, else the built-in list."""
    if not CSF_PACK.exists():
        return CSF_FALLBACK_IDS
    with CSF_PACK.open("rb") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    return frozenset(r["ref_id"] for r in data["requirements"] if CSF_ID_RE.match(r["ref_id"]))


def assessable(pack: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in pack["requirements"] if r.get("assessable", True)]


def refs_of(requirement: dict[str, Any], framework: str) -> list[str]:
    return [ref["id"] for ref in requirement.get("references", []) if ref["framework"] == framework]


def loader_module() -> Any | None:
    if importlib.util.find_spec("aman.frameworks.loader") is None:
        return None
    import aman.frameworks.loader as module

    return module if hasattr(module, "load_pack") else None


# ------------------------------------------------------------------ pure structural rules


def tree_problems(pack: dict[str, Any], spec: dict[str, Any]) -> Iterator[str]:
    """Unique ref_ids, existing parents, groups at the top, requirements under their group."""
    reqs = pack["requirements"]
    ids = [r["ref_id"] for r in reqs]
    for ref in {ref for ref in ids if ids.count(ref) > 1}:
        yield f"duplicate ref_id {ref}"
    known = set(ids)
    groups = {r["ref_id"] for r in reqs if not r.get("assessable", True)}
    for r in reqs:
        ref, parent = r["ref_id"], r.get("parent")
        if parent is not None and parent not in known:
            yield f"{ref}: parent {parent} does not exist"
        if not r.get("assessable", True):
            if parent is not None or not re.match(spec["group_re"], ref):
                yield f"{ref}: group must be top-level and match {spec['group_re']}"
            continue
        if not re.match(spec["ref_re"], ref):
            yield f"{ref}: ref_id does not match {spec['ref_re']}"
        if parent not in groups or not ref.startswith(f"{parent}-"):
            yield f"{ref}: must sit under its own group, not {parent}"
    if groups != spec["groups"]:
        yield f"groups differ: {sorted(groups ^ spec['groups'])}"
    low, high = spec["count"]
    if not low <= len(assessable(pack)) <= high:
        yield f"{len(assessable(pack))} assessable requirements, expected {low}..{high}"


def content_problems(pack: dict[str, Any]) -> Iterator[str]:
    """Each assessable requirement is complete, referenced and translated."""
    declared = {level["id"] for level in pack.get("implementation_levels", [])}
    for r in assessable(pack):
        ref = r["ref_id"]
        description = (r.get("description") or "").strip()
        if not description or len(SENTENCE_SPLIT.split(description)) > 3:
            yield f"{ref}: description must be 1-3 sentences"
        for key in ("guidance", "typical_evidence"):
            if not (r.get(key) or "").strip():
                yield f"{ref}: {key} is empty"
        if r.get("importance") not in {"low", "medium", "high", "critical"}:
            yield f"{ref}: importance missing"
        if not 1.0 <= float(r.get("weight", 1.0)) <= 2.0:
            yield f"{ref}: weight outside 1..2"
        if r.get("importance") == "critical" and float(r.get("weight", 1.0)) < 1.5:
            yield f"{ref}: critical requirement should weigh at least 1.5"
        levels = r.get("levels") or []
        if not levels or not set(levels) <= declared or levels[-1] != "advanced":
            yield f"{ref}: levels {levels} not a valid suffix of {LEVEL_IDS}"
        if not r.get("references"):
            yield f"{ref}: no references"
        if not isinstance(r.get("checks"), list):
            yield f"{ref}: checks must be a list (the scanners' test checks the ids)"
        yield from translation_problems(r, with_description=True)


def translation_problems(r: dict[str, Any], *, with_description: bool) -> Iterator[str]:
    fields = ("title", "description") if with_description else ("title",)
    translations = r.get("translations") or {}
    for lang, script in (("ar", ARABIC), ("fr", LATIN)):
        entry = translations.get(lang) or {}
        if entry.get("status") != "draft":
            yield f"{r['ref_id']}: {lang} translation must be marked draft"
        for key in fields:
            text = (entry.get(key) or "").strip()
            if not text or not script.search(text) or text == r.get(key):
                yield f"{r['ref_id']}: {lang} {key} missing or untranslated"
            if lang == "fr" and ARABIC.search(text):
                yield f"{r['ref_id']}: fr {key} contains Arabic script"


def mapping_problems(pack: dict[str, Any], targets: frozenset[str]) -> Iterator[str]:
    """One CSF 2.0 set; every assessable requirement mapped; targets real; refs agree."""
    sets = pack.get("mapping_sets") or []
    csf_sets = [s for s in sets if s.get("target") == "nist-csf-2.0"]
    if len(csf_sets) != 1:
        yield f"expected one mapping set to nist-csf-2.0, found {len(csf_sets)}"
        return
    mapping_set = csf_sets[0]
    if mapping_set.get("target_version") != "2.0" or mapping_set.get("target_kind") != "pack":
        yield "CSF mapping set must target version 2.0 as a pack"
    by_id = {r["ref_id"]: r for r in assessable(pack)}
    mapped: dict[str, set[str]] = {}
    for m in mapping_set["mappings"]:
        source, target = m["source"], m["target"]
        if source not in by_id:
            yield f"mapping source {source} is not an assessable requirement"
        if not CSF_ID_RE.match(target) or target not in targets:
            yield f"{source}: {target} is not a CSF 2.0 subcategory"
        if target in mapped.get(source, set()):
            yield f"{source} -> {target} mapped twice"
        mapped.setdefault(source, set()).add(target)
        if m.get("relationship") not in RELATIONSHIPS:
            yield f"{source} -> {target}: bad relationship {m.get('relationship')}"
        strength = m.get("strength")
        if not isinstance(strength, int) or not 0 <= strength <= 10:
            yield f"{source} -> {target}: strength must be an integer 0..10"
        if not (m.get("rationale") or "").strip():
            yield f"{source} -> {target}: rationale missing"
    for ref, requirement in by_id.items():
        referenced = set(refs_of(requirement, "nist-csf-2.0"))
        if not mapped.get(ref):
            yield f"{ref}: not mapped to CSF 2.0"
        elif referenced != mapped[ref]:
            yield f"{ref}: CSF references {sorted(referenced)} != mappings {sorted(mapped[ref])}"


def all_problems(pack_id: str, pack: dict[str, Any]) -> list[str]:
    return [
        *tree_problems(pack, SPECS[pack_id]),
        *content_problems(pack),
        *mapping_problems(pack, csf_ids()),
    ]


# ------------------------------------------------------------------ the shipped packs


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_has_no_structural_problems(pack_id: str) -> None:
    assert all_problems(pack_id, load(pack_id)) == []


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_metadata_and_scoring(pack_id: str) -> None:
    pack = load(pack_id)
    meta = pack["pack"]
    assert pack["schema_version"] == 1
    assert meta["id"] == pack_id
    assert meta["version"] == "1.0.0"
    assert meta["publisher"] == "Aman federation"
    assert (meta["licence_class"], meta["licence"]) == ("full_text", "CC-BY-4.0")
    assert meta["domains"] == [SPECS[pack_id]["domain"]]
    for lang in ("ar", "fr"):
        assert meta["translations"][lang]["title"] and meta["translations"][lang]["description"]
    scoring = pack["scoring"]
    assert (scoring["kind"], scoring["min"], scoring["max"]) == ("maturity", 0, 5)
    assert scoring["target"] == 3 and scoring["na_allowed"] is True
    assert {lvl["value"]: lvl["title"] for lvl in scoring["levels"]} == MATURITY_LABELS
    levels = pack["implementation_levels"]
    assert tuple(level["id"] for level in levels) == LEVEL_IDS
    for level in levels:
        assert ARABIC.search(level["translations"]["ar"]["title"])
        assert level["translations"]["fr"]["title"]


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_groups_are_translated(pack_id: str) -> None:
    groups = [r for r in load(pack_id)["requirements"] if not r.get("assessable", True)]
    problems = [p for g in groups for p in translation_problems(g, with_description=False)]
    assert problems == []


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_group_has_assessable_children(pack_id: str) -> None:
    pack = load(pack_id)
    parents = {r.get("parent") for r in assessable(pack)}
    assert SPECS[pack_id]["groups"] <= parents


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_reference_frameworks_are_known(pack_id: str) -> None:
    known: frozenset[str] = KNOWN_FRAMEWORKS_FALLBACK
    if importlib.util.find_spec("aman.frameworks.validation") is not None:
        from aman.frameworks import validation

        known = frozenset(getattr(validation, "KNOWN_REFERENCE_FRAMEWORKS", known))
    frameworks = {
        ref["framework"] for r in load(pack_id)["requirements"] for ref in r.get("references", [])
    }
    unknown = {f for f in frameworks if f not in known and not f.startswith("3gpp-ts-33.5")}
    assert unknown == set()


def test_csf_fallback_list_matches_the_csf_pack() -> None:
    assert len(CSF_FALLBACK_IDS) == 106
    if CSF_PACK.exists():
        assert csf_ids() == CSF_FALLBACK_IDS


def test_mappings_use_a_spread_of_csf_functions() -> None:
    for pack_id in PACK_IDS:
        targets = {m["target"] for m in load(pack_id)["mapping_sets"][0]["mappings"]}
        assert {t[:2] for t in targets} == {"GV", "ID", "PR", "DE", "RS", "RC"}, pack_id


# ------------------------------------------------------------------ 5G-specific content


def test_ts_33501_clauses_on_nas_suci_sba_and_sepp_requirements() -> None:
    by_id = {r["ref_id"]: r for r in assessable(load("aman-5g-baseline"))}
    for ref, clause in TS_33501_REQUIRED.items():
        assert clause in refs_of(by_id[ref], "3gpp-ts-33.501"), ref
    for group in ("5G-NAS", "5G-SBA", "5G-ROA"):
        members = [r for r in by_id.values() if r["parent"] == group]
        assert sum(bool(refs_of(r, "3gpp-ts-33.501")) for r in members) >= len(members) - 2


def test_ts_33501_clause_ids_are_well_formed() -> None:
    for r in load("aman-5g-baseline")["requirements"]:
        for clause in refs_of(r, "3gpp-ts-33.501"):
            assert TS_CLAUSE_RE.match(clause), (r["ref_id"], clause)
        for framework in ("3gpp-ts-33.117", "3gpp-ts-33.511", "3gpp-ts-33.512", "3gpp-ts-33.513"):
            for clause in refs_of(r, framework):
                assert TS_CLAUSE_RE.match(clause), (r["ref_id"], clause)


def test_scas_and_nesas_cover_the_critical_network_functions() -> None:
    by_id = {r["ref_id"]: r for r in load("aman-5g-baseline")["requirements"]}
    scas = {ref["framework"] for ref in by_id["5G-SCM-04"]["references"]}
    for spec in ("33.117", "33.512", "33.513", "33.514", "33.517", "33.518"):
        assert f"3gpp-ts-{spec}" in scas
    assert {"FS.13", "FS.15", "FS.16"} <= set(refs_of(by_id["5G-SCM-03"], "gsma-nesas"))
    for r in by_id.values():
        assert set(refs_of(r, "gsma-nesas")) <= NESAS_DOCS, r["ref_id"]


def test_eu_toolbox_measure_ids_exist() -> None:
    for r in load("aman-5g-baseline")["requirements"]:
        for measure in refs_of(r, "eu-5g-toolbox"):
            match = re.fullmatch(r"(SM|TM|SA)(\d{2})", measure)
            assert match, (r["ref_id"], measure)
            assert 1 <= int(match.group(2)) <= EU_TOOLBOX_SIZES[match.group(1)], measure


def test_config_audit_requirements_name_the_config_fact() -> None:
    by_id = {r["ref_id"]: r for r in load("aman-5g-baseline")["requirements"]}
    for ref, needles in FIVEG_CONFIG_FACTS.items():
        guidance = by_id[ref]["guidance"]
        assert "Automated evidence" in guidance, ref
        missing = [needle for needle in needles if needle not in guidance]
        assert missing == [], (ref, missing)


def test_null_algorithms_and_suci_keys_are_the_heaviest_controls() -> None:
    by_id = {r["ref_id"]: r for r in load("aman-5g-baseline")["requirements"]}
    for ref in ("5G-NAS-01", "5G-NAS-02", "5G-PRV-01", "5G-PRV-02", "5G-SBA-01", "5G-SBA-02"):
        assert by_id[ref]["importance"] == "critical", ref
        assert by_id[ref]["weight"] == 2.0, ref
        assert "basic" in by_id[ref]["levels"], ref


# ------------------------------------------------------------------ cloud-specific content


def test_iso_27001_ids_are_real_annex_a_controls() -> None:
    for r in load("aman-cloud-baseline")["requirements"]:
        for control in refs_of(r, "iso-27001-2022"):
            match = re.fullmatch(r"A\.([5-8])\.(\d{1,2})", control)
            assert match, (r["ref_id"], control)
            assert 1 <= int(match.group(2)) <= ISO_27001_ANNEX_A[match.group(1)], control


def test_iso_27017_ids_are_the_cloud_specific_controls() -> None:
    used: set[str] = set()
    for r in load("aman-cloud-baseline")["requirements"]:
        used.update(refs_of(r, "iso-27017-2015"))
    assert used <= ISO_27017_CLOUD_IDS
    assert {"CLD.6.3.1", "CLD.8.1.5", "CLD.9.5.1", "CLD.9.5.2", "CLD.12.4.5"} <= used


def test_ccm_ids_are_within_their_domains() -> None:
    for r in load("aman-cloud-baseline")["requirements"]:
        for control in refs_of(r, "csa-ccm-4"):
            match = re.fullmatch(r"([A-Z&]{3})-(\d{2})", control)
            assert match, (r["ref_id"], control)
            domain, number = match.group(1), int(match.group(2))
            assert domain in CCM_V4_DOMAIN_SIZES, control
            assert 1 <= number <= CCM_V4_DOMAIN_SIZES[domain], control


def test_kubernetes_requirements_name_the_manifest_fields() -> None:
    by_id = {r["ref_id"]: r for r in load("aman-cloud-baseline")["requirements"]}
    for ref, needles in K8S_FIELDS.items():
        text = f"{by_id[ref]['description']} {by_id[ref]['guidance']}"
        missing = [needle for needle in needles if needle not in text]
        assert missing == [], (ref, missing)


def test_sovereignty_and_exit_are_covered() -> None:
    pack = load("aman-cloud-baseline")
    by_group: dict[str, int] = {}
    for r in assessable(pack):
        by_group[r["parent"]] = by_group.get(r["parent"], 0) + 1
    assert by_group["CL-SOV"] >= 5 and by_group["CL-EXT"] >= 3 and by_group["CL-K8S"] >= 10


# ------------------------------------------------------------------ through the pack loader


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_loads_cleanly_through_the_pack_loader(pack_id: str) -> None:
    module = loader_module()
    if module is None:
        pytest.skip("aman.frameworks.loader is not available")
    ids = set(csf_ids())
    options = module.LoadOptions(known_packs={"nist-csf-2.0": ids, "nist-csf-2.0/2.0": ids})
    result = module.load_pack(PACKS / f"{pack_id}.yaml", options)
    assert [str(issue) for issue in result.errors] == []
    assert [str(issue) for issue in result.warnings] == []
    assert result.ok
    assert result.pack is not None and result.pack.key == (pack_id, "1.0.0")


def test_loader_rejects_a_mapping_to_a_non_csf_target(tmp_path: Path) -> None:
    module = loader_module()
    if module is None:
        pytest.skip("aman.frameworks.loader is not available")
    pack = copy.deepcopy(load("aman-5g-baseline"))
    pack["mapping_sets"][0]["mappings"][0]["target"] = "PR.AC-01"  # a CSF 1.1 id
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ids = set(csf_ids())
    result = module.load_pack(path, module.LoadOptions(known_packs={"nist-csf-2.0": ids}))
    assert not result.ok
    assert any(issue.code == "mapping.unknown_target" for issue in result.errors)


# ------------------------------------------------------------------ the rules catch faults

Mutation = Callable[[dict[str, Any], int], str]


def _pick(pack: dict[str, Any], index: int) -> dict[str, Any]:
    reqs = assessable(pack)
    return reqs[index % len(reqs)]


def _duplicate_ref(pack: dict[str, Any], index: int) -> str:
    pack["requirements"].append(copy.deepcopy(_pick(pack, index)))
    return "duplicate ref_id"


def _orphan(pack: dict[str, Any], index: int) -> str:
    _pick(pack, index)["parent"] = "NO-SUCH-GROUP"
    return "does not exist"


def _drop_description(pack: dict[str, Any], index: int) -> str:
    _pick(pack, index)["description"] = ""
    return "description"


def _drop_importance(pack: dict[str, Any], index: int) -> str:
    _pick(pack, index).pop("importance")
    return "importance missing"


def _drop_references(pack: dict[str, Any], index: int) -> str:
    _pick(pack, index)["references"] = []
    return "no references"


def _drop_arabic(pack: dict[str, Any], index: int) -> str:
    _pick(pack, index)["translations"].pop("ar")
    return "ar "


def _english_as_french(pack: dict[str, Any], index: int) -> str:
    r = _pick(pack, index)
    r["translations"]["fr"]["title"] = r["title"]
    return "fr title"


def _bad_target(pack: dict[str, Any], index: int) -> str:
    mappings = pack["mapping_sets"][0]["mappings"]
    mappings[index % len(mappings)]["target"] = "PR.DS-05"  # existed in CSF 1.1 only
    return "not a CSF 2.0 subcategory"


def _unknown_source(pack: dict[str, Any], index: int) -> str:
    mappings = pack["mapping_sets"][0]["mappings"]
    mappings[index % len(mappings)]["source"] = "XX-NONE-01"
    return "mapping source"


def _unmapped(pack: dict[str, Any], index: int) -> str:
    ref = _pick(pack, index)["ref_id"]
    mapping_set = pack["mapping_sets"][0]
    mapping_set["mappings"] = [m for m in mapping_set["mappings"] if m["source"] != ref]
    return "not mapped"


def _csf_ref_drift(pack: dict[str, Any], index: int) -> str:
    r = _pick(pack, index)
    r["references"] = [ref for ref in r["references"] if ref["framework"] != "nist-csf-2.0"]
    r["references"].append({"framework": "nist-csf-2.0", "id": "RC.CO-04"})
    return "!= mappings"


def _strength_out_of_range(pack: dict[str, Any], index: int) -> str:
    mappings = pack["mapping_sets"][0]["mappings"]
    mappings[index % len(mappings)]["strength"] = 11
    return "strength"


MUTATIONS: list[Mutation] = [
    _duplicate_ref,
    _orphan,
    _drop_description,
    _drop_importance,
    _drop_references,
    _drop_arabic,
    _english_as_french,
    _bad_target,
    _unknown_source,
    _unmapped,
    _csf_ref_drift,
    _strength_out_of_range,
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pack_id=st.sampled_from(PACK_IDS),
    mutation=st.sampled_from(MUTATIONS),
    index=st.integers(min_value=0, max_value=10_000),
)
def test_each_rule_detects_its_fault(pack_id: str, mutation: Mutation, index: int) -> None:
    pack = copy.deepcopy(load(pack_id))
    expected = mutation(pack, index)
    problems = all_problems(pack_id, pack)
    assert any(expected in problem for problem in problems), (mutation.__name__, problems[:5])


@settings(max_examples=30, deadline=None)
@given(pack_id=st.sampled_from(PACK_IDS), data=st.data())
def test_removing_requirements_below_the_range_is_caught(pack_id: str, data: st.DataObject) -> None:
    pack = copy.deepcopy(load(pack_id))
    low = SPECS[pack_id]["count"][0]
    keep = data.draw(st.integers(min_value=1, max_value=low - 1))
    reqs = assessable(pack)
    dropped = {r["ref_id"] for r in reqs[keep:]}
    pack["requirements"] = [r for r in pack["requirements"] if r["ref_id"] not in dropped]
    assert any("assessable requirements" in p for p in tree_problems(pack, SPECS[pack_id]))
