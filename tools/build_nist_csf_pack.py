"""Build the NIST CSF 2.0 framework pack from NIST's official OSCAL catalog.

Why: `src/aman/frameworks/packs/nist-csf-2.0.yaml` must carry NIST's text verbatim. Generating it
from NIST's own machine-readable catalog (usnistgov/oscal-content,
`nist.gov/CSF/v2.0/json/NIST_CSF_v2.0_catalog.json`, public domain / CC0) rather than retyping it
keeps it faithful, drops the withdrawn CSF 1.1 items the catalog still lists, and lets a NIST
errata release be picked up by re-running this script. Only the Arabic/French titles, the scoring
scale and the pack metadata are Aman's own and live here. Not used at runtime.

Usage:
    python tools/build_nist_csf_pack.py NIST_CSF_v2.0_catalog.json \
        [-o src/aman/frameworks/packs/nist-csf-2.0.yaml]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import yaml

DEFAULT_OUTPUT: Final = (
    Path(__file__).resolve().parents[1] / "src/aman/frameworks/packs/nist-csf-2.0.yaml"
)
EXAMPLES_HEADING: Final = "NIST CSF 2.0 implementation examples:"
_SUBCATEGORY_ID: Final = re.compile(r"^([A-Z]{2}\.[A-Z]{2})-(\d{2})$")

# Display order of the CSF 2.0 Core (NIST CSWP 29, Appendix A) with Aman's draft translations
# (Arabic, French). The catalog's sort-ids put DE.AE before DE.CM, unlike the published Core.
FUNCTIONS: Final[Mapping[str, tuple[str, str]]] = {
    "GV": ("الحوكمة", "GOUVERNER"),
    "ID": ("التحديد", "IDENTIFIER"),
    "PR": ("الحماية", "PROTÉGER"),
    "DE": ("الاكتشاف", "DÉTECTER"),
    "RS": ("الاستجابة", "RÉPONDRE"),
    "RC": ("التعافي", "RÉTABLIR"),
}
CATEGORIES: Final[Mapping[str, tuple[str, str]]] = {
    "GV.OC": ("السياق المؤسسي", "Contexte organisationnel"),
    "GV.RM": ("استراتيجية إدارة المخاطر", "Stratégie de gestion des risques"),
    "GV.RR": ("الأدوار والمسؤوليات والصلاحيات", "Rôles, responsabilités et pouvoirs"),
    "GV.PO": ("السياسة", "Politique"),
    "GV.OV": ("الإشراف", "Supervision"),
    "GV.SC": (
        "إدارة مخاطر الأمن السيبراني في سلسلة الإمداد",
        "Gestion des risques de cybersécurité liés à la chaîne d'approvisionnement",
    ),
    "ID.AM": ("إدارة الأصول", "Gestion des actifs"),
    "ID.RA": ("تقييم المخاطر", "Appréciation des risques"),
    "ID.IM": ("التحسين", "Amélioration"),
    "PR.AA": (
        "إدارة الهوية والمصادقة والتحكم في الوصول",
        "Gestion des identités, authentification et contrôle d'accès",
    ),
    "PR.AT": ("التوعية والتدريب", "Sensibilisation et formation"),
    "PR.DS": ("أمن البيانات", "Sécurité des données"),
    "PR.PS": ("أمن المنصات", "Sécurité des plateformes"),
    "PR.IR": ("مرونة البنية التحتية التقنية", "Résilience de l'infrastructure technologique"),
    "DE.CM": ("المراقبة المستمرة", "Surveillance continue"),
    "DE.AE": ("تحليل الأحداث الضارة", "Analyse des événements indésirables"),
    "RS.MA": ("إدارة الحوادث", "Gestion des incidents"),
    "RS.AN": ("تحليل الحوادث", "Analyse des incidents"),
    "RS.CO": (
        "الإبلاغ والتواصل في الاستجابة للحوادث",
        "Signalement et communication de la réponse aux incidents",
    ),
    "RS.MI": ("احتواء الحوادث والتخفيف من آثارها", "Atténuation des incidents"),
    "RC.RP": ("تنفيذ خطة التعافي من الحوادث", "Exécution du plan de rétablissement après incident"),
    "RC.CO": (
        "التواصل بشأن التعافي من الحوادث",
        "Communication sur le rétablissement après incident",
    ),
}

# Aman's own 0-5 maturity scale (not part of the CSF, whose Tiers describe governance rigour
# rather than per-outcome maturity). Shared with the AI RMF pack. (value, en, ar, fr) titles and
# descriptions.
MATURITY_LEVELS: Final[Sequence[tuple[int, tuple[str, str, str], tuple[str, str, str]]]] = (
    (
        0,
        ("Not implemented", "غير مطبق", "Non mis en œuvre"),
        (
            "The outcome is not achieved; no practice is in place.",
            "النتيجة غير متحققة؛ لا توجد ممارسة قائمة.",
            "Le résultat n'est pas atteint ; aucune pratique n'est en place.",
        ),
    ),
    (
        1,
        ("Initial", "أولي", "Initial"),
        (
            "Practices are ad hoc, reactive and depend on individuals; results are inconsistent.",
            "الممارسات عشوائية وتفاعلية وتعتمد على الأفراد؛ والنتائج غير متسقة.",
            "Les pratiques sont ponctuelles, réactives et dépendent des individus ; "
            "les résultats sont irréguliers.",
        ),
    ),
    (
        2,
        ("Repeatable", "قابل للتكرار", "Reproductible"),
        (
            "Practices are carried out regularly but are not fully documented or applied "
            "consistently across the organisation.",
            "تُنفَّذ الممارسات بانتظام لكنها غير موثقة بالكامل أو غير مطبقة باتساق على مستوى المؤسسة.",
            "Les pratiques sont appliquées régulièrement mais ne sont ni entièrement documentées "
            "ni appliquées de façon homogène dans l'organisation.",
        ),
    ),
    (
        3,
        ("Defined", "محدد", "Défini"),
        (
            "Practices are documented, approved and applied consistently across the scope, with "
            "assigned responsibilities.",
            "الممارسات موثقة ومعتمدة ومطبقة باتساق ضمن النطاق، مع مسؤوليات محددة.",
            "Les pratiques sont documentées, approuvées et appliquées de façon homogène dans le "
            "périmètre, avec des responsabilités attribuées.",
        ),
    ),
    (
        4,
        ("Managed", "مُدار", "Géré"),
        (
            "Practices are measured and monitored; performance data is used to correct deviations.",
            "تُقاس الممارسات وتُراقَب، وتُستخدم بيانات الأداء لتصحيح الانحرافات.",
            "Les pratiques sont mesurées et surveillées ; les données de performance servent à "
            "corriger les écarts.",
        ),
    ),
    (
        5,
        ("Optimised", "مُحسَّن", "Optimisé"),
        (
            "Practices are continuously improved from measurement, lessons learned and changes "
            "in threats and technology.",
            "تُحسَّن الممارسات باستمرار بناءً على القياس والدروس المستفادة والتغيرات في التهديدات "
            "والتقنيات.",
            "Les pratiques sont améliorées en continu à partir des mesures, des retours "
            "d'expérience et de l'évolution des menaces et des technologies.",
        ),
    ),
)

PACK_META: Final[Mapping[str, Any]] = {
    "id": "nist-csf-2.0",
    "version": "2.0",
    "title": "NIST Cybersecurity Framework (CSF) 2.0",
    "description": (
        "NIST Cybersecurity Framework 2.0 (NIST CSWP 29, 26 February 2024): the CSF Core of "
        "6 Functions, 22 Categories and 106 Subcategories of cybersecurity outcomes. "
        "Subcategories are assessed on Aman's 0-5 maturity scale; NIST's implementation "
        "examples are given as guidance. Text is NIST's, taken verbatim from NIST's OSCAL "
        "catalog of CSF 2.0."
    ),
    "publisher": "NIST",
    "licence_class": "full_text",
    "licence": "Public domain (US Government work)",
    "source_url": "https://doi.org/10.6028/NIST.CSWP.29",
    "publication_date": dt.date(2024, 2, 26),
    "domains": ["general"],
    "translations": {
        "ar": {
            "title": "إطار الأمن السيبراني (CSF) 2.0 الصادر عن NIST",
            "description": (
                "الإصدار 2.0 من إطار الأمن السيبراني الصادر عن المعهد الوطني الأمريكي للمعايير "
                "والتقنية (NIST CSWP 29، 26 فبراير 2024): نواة الإطار المكونة من 6 وظائف و22 "
                "فئة و106 فئات فرعية من نتائج الأمن السيبراني. تُقيَّم الفئات الفرعية على مقياس "
                "النضج من 0 إلى 5 في أمان، وتُعرض أمثلة التطبيق الصادرة عن NIST كإرشادات."
            ),
            "status": "draft",
        },
        "fr": {
            "title": "Cadre de cybersécurité du NIST (CSF) 2.0",
            "description": (
                "Cadre de cybersécurité 2.0 du NIST (NIST CSWP 29, 26 février 2024) : le noyau du "
                "CSF, composé de 6 fonctions, 22 catégories et 106 sous-catégories de résultats "
                "de cybersécurité. Les sous-catégories sont évaluées sur l'échelle de maturité "
                "0-5 d'Aman ; les exemples de mise en œuvre du NIST sont fournis comme "
                "recommandations."
            ),
            "status": "draft",
        },
    },
}


def maturity_scoring() -> dict[str, Any]:
    """The 0-5 maturity scheme (target 3, n/a allowed) shared by Aman's NIST packs."""
    levels = [
        {
            "value": value,
            "title": titles[0],
            "description": texts[0],
            "translations": {
                "ar": {"title": titles[1], "description": texts[1], "status": "draft"},
                "fr": {"title": titles[2], "description": texts[2], "status": "draft"},
            },
        }
        for value, titles, texts in MATURITY_LEVELS
    ]
    return {
        "kind": "maturity",
        "min": 0,
        "max": 5,
        "target": 3,
        "levels": levels,
        "na_allowed": True,
    }


def _props(node: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for prop in node.get("props", []):
        yield str(prop.get("name")), str(prop.get("value"))


def is_withdrawn(node: Mapping[str, Any]) -> bool:
    """OSCAL marks CSF 1.1 items kept for traceability with a `status: withdrawn` prop."""
    return ("status", "withdrawn") in set(_props(node))


def part_prose(node: Mapping[str, Any], name: str) -> str:
    """The prose of the node's first part called `name` (statement, overview)."""
    for part in node.get("parts", []):
        if part.get("name") == name and part.get("prose"):
            return str(part["prose"]).strip()
    raise ValueError(f"{node.get('id')}: no {name!r} part with prose")


def examples(node: Mapping[str, Any]) -> list[str]:
    return [str(p["prose"]).strip() for p in node.get("parts", []) if p.get("name") == "example"]


def examples_guidance(texts: Sequence[str]) -> str | None:
    """NIST numbers a subcategory's implementation examples Ex1, Ex2, ... in the CSF 2.0 tables."""
    if not texts:
        return None
    lines = [f"Ex{number}: {text}" for number, text in enumerate(texts, start=1)]
    return "\n".join([EXAMPLES_HEADING, *lines])


def _translations(ar: str, fr: str) -> dict[str, dict[str, str]]:
    return {"ar": {"title": ar, "status": "draft"}, "fr": {"title": fr, "status": "draft"}}


def _current(nodes: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(node["id"]): node for node in nodes if not is_withdrawn(node)}


def _check_same_ids(kind: str, found: Sequence[str], expected: Sequence[str]) -> None:
    if sorted(found) != sorted(expected):
        missing = sorted(set(expected) - set(found))
        extra = sorted(set(found) - set(expected))
        raise ValueError(f"{kind} in catalog differ from CSF 2.0: missing {missing}, extra {extra}")


def _subcategory_key(ref_id: str) -> int:
    match = _SUBCATEGORY_ID.match(ref_id)
    if match is None:
        raise ValueError(f"unexpected subcategory id {ref_id!r}")
    return int(match.group(2))


def _subcategories(category: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    current = _current(category.get("controls", []))
    for ref_id in sorted(current, key=_subcategory_key):
        if not ref_id.startswith(f"{category['id']}-"):
            raise ValueError(f"subcategory {ref_id} is not under category {category['id']}")
        statement = part_prose(current[ref_id], "statement")
        row: dict[str, Any] = {
            "ref_id": ref_id,
            "parent": str(category["id"]),
            "title": statement,
            "description": statement,
        }
        guidance = examples_guidance(examples(current[ref_id]))
        if guidance is not None:
            row["guidance"] = guidance
        row["assessable"] = True
        rows.append(row)
    return rows


def requirements_from_catalog(catalog: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Functions, categories and current subcategories as pack requirements, in Core order."""
    functions = _current(catalog["catalog"]["groups"])
    _check_same_ids("functions", list(functions), list(FUNCTIONS))
    categories: dict[str, Mapping[str, Any]] = {}
    for function in functions.values():
        categories.update(_current(function.get("controls", [])))
    _check_same_ids("categories", list(categories), list(CATEGORIES))
    rows: list[dict[str, Any]] = []
    for function_id, (ar, fr) in FUNCTIONS.items():
        function = functions[function_id]
        rows.append(
            {
                "ref_id": function_id,
                "title": str(function["title"]),
                "description": part_prose(function, "overview"),
                "assessable": False,
                "translations": _translations(ar, fr),
            }
        )
        for category_id, (cat_ar, cat_fr) in CATEGORIES.items():
            if category_id.split(".")[0] != function_id:
                continue
            category = categories[category_id]
            rows.append(
                {
                    "ref_id": category_id,
                    "parent": function_id,
                    "title": str(category["title"]),
                    "description": part_prose(category, "statement"),
                    "assessable": False,
                    "translations": _translations(cat_ar, cat_fr),
                }
            )
            rows.extend(_subcategories(category))
    return rows


def build_pack(catalog: Mapping[str, Any]) -> dict[str, Any]:
    """The whole pack document (schema_version 1) for a CSF 2.0 OSCAL catalog."""
    return {
        "schema_version": 1,
        "pack": dict(PACK_META),
        "scoring": maturity_scoring(),
        "requirements": requirements_from_catalog(catalog),
    }


class _PackDumper(yaml.SafeDumper):
    """Safe dumper writing multi-line strings as literal blocks, so guidance stays readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_PackDumper.add_representer(str, _represent_str)


def dump_pack(pack: Mapping[str, Any], header: str) -> str:
    """YAML text of a pack, preceded by a comment header."""
    body = yaml.dump(
        dict(pack),
        Dumper=_PackDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body


HEADER: Final = """\
NIST Cybersecurity Framework 2.0 (NIST CSWP 29, February 2024) - Aman framework pack.
Generated by tools/build_nist_csf_pack.py from NIST's OSCAL catalog of CSF 2.0
(usnistgov/oscal-content, nist.gov/CSF/v2.0/json/NIST_CSF_v2.0_catalog.json).
NIST text is a US Government work (public domain); translations and the maturity scale are Aman's.
Edit the generator, not this file."""


def load_catalog(path: Path) -> dict[str, Any]:
    """An OSCAL catalog from its JSON or YAML serialisation."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
    else:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    if not isinstance(data, dict) or "catalog" not in data:
        raise ValueError(f"{path}: not an OSCAL catalog")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("catalog", type=Path, help="NIST CSF 2.0 OSCAL catalog (JSON or YAML)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    pack = build_pack(load_catalog(args.catalog))
    args.output.write_text(dump_pack(pack, HEADER), encoding="utf-8")
    assessable = sum(1 for row in pack["requirements"] if row["assessable"])
    print(f"wrote {args.output}: {len(pack['requirements'])} nodes, {assessable} assessable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
