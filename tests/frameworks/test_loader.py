"""Loader: a good pack loads; every kind of problem is reported with file, line and ref_id."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import orjson
import pytest

from aman.frameworks.loader import LoadOptions, LoadResult, PackIssue, load_pack, load_pack_bytes
from aman.frameworks.schemas import Domain, Importance, MaturityScheme
from aman.frameworks.yaml_safe import YamlLimits

YES_NO = "scoring:\n  kind: yes_partial_no\n"
NO_LANGS = LoadOptions(required_languages=())

WritePack = Callable[..., Path]
FindLine = Callable[..., int]


def only(issues: list[PackIssue], code: str) -> PackIssue:
    matching = [issue for issue in issues if issue.code == code]
    assert len(matching) == 1, f"expected one {code}, got {issues}"
    return matching[0]


def load(path: Path, options: LoadOptions = NO_LANGS) -> LoadResult:
    return load_pack(path, options)


def test_good_pack_loads_without_issues(fixtures: Path) -> None:
    result = load_pack(fixtures / "good_pack.yaml")
    assert result.errors == [] and result.warnings == []
    assert result.ok and result.pack is not None
    pack = result.pack
    assert pack.key == ("test-5g-core", "1.0.0")
    assert isinstance(pack.scoring, MaturityScheme) and pack.scoring.target == 3
    refs = [requirement.ref_id for requirement in pack.requirements]
    assert refs == ["SBA", "SBA-01", "SBA-02", "SUCI", "SUCI-01"]
    sba01 = pack.requirement_map()["SBA-01"]
    assert sba01.importance is Importance.HIGH and sba01.importance.numeric == 3
    assert sba01.weight == 2.0 and sba01.levels == ["basic", "advanced"]
    assert pack.effective_domains(sba01) == [Domain.FIVE_G]
    assert sba01.translations["fr"].title == "TLS mutuel entre les fonctions réseau"
    assert len(result.source_sha256) == 64
    assert result.lines["requirements[1]"] == 46


def test_json_pack_loads_the_same(fixtures: Path, tmp_path: Path) -> None:
    pack = load_pack(fixtures / "good_pack.yaml").pack
    assert pack is not None
    path = tmp_path / "good.json"
    path.write_bytes(orjson.dumps(pack.model_dump(mode="json")))
    result = load_pack(path)
    assert result.ok and result.pack == pack


def test_json_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "schema_version": 1,\n  "pack": {,\n}\n')
    result = load_pack(path)
    issue = only(result.errors, "json.syntax")
    assert issue.line == 3 and result.pack is None


def test_schema_errors_are_located(
    write_pack: WritePack, find_line: FindLine, mini_header: str
) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        requirements:
          - ref_id: A-1
            title: "First"
            weight: heavy
          - ref_id: A-2
            description: "no title here"
          - ref_id: A-3
            title: "Third"
            titel: "typo"
            importance: urgent
        """)
    )
    result = load(path)
    assert result.pack is None
    weight = only(result.errors, "schema.float_parsing")
    assert (weight.line, weight.ref_id, weight.field) == (
        find_line(path, "weight: heavy"),
        "A-1",
        "requirements[0].weight",
    )
    assert weight.file == str(path)
    missing = only(result.errors, "schema.missing")
    assert (missing.line, missing.ref_id) == (find_line(path, "ref_id: A-2"), "A-2")
    assert missing.field == "requirements[1].title"
    extra = only(result.errors, "schema.extra_forbidden")
    assert (extra.line, extra.ref_id) == (find_line(path, "titel:"), "A-3")
    enum = only(result.errors, "schema.enum")
    assert (enum.line, enum.ref_id) == (find_line(path, "importance: urgent"), "A-3")


def test_scoring_union_errors_point_inside_scoring(
    write_pack: WritePack, find_line: FindLine, mini_header: str
) -> None:
    path = write_pack(
        mini_header
        + dedent("""\
        scoring:
          kind: points
          tiers:
            - {id: T1, title: "Top", min_score: 120}
        requirements:
          - {ref_id: A, title: "A", points: 1}
        """)
    )
    issue = only(load(path).errors, "schema.less_than_equal")
    assert issue.line == find_line(path, "min_score: 120")
    assert issue.field == "scoring.tiers[0].min_score"


def test_tree_errors(write_pack: WritePack, find_line: FindLine, mini_header: str) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        requirements:
          - {ref_id: G, title: "Group", assessable: false}
          - {ref_id: A, parent: G, title: "A"}
          - {ref_id: A, parent: G, title: "A again"}
          - {ref_id: B, parent: NOPE, title: "Dangling"}
          - {ref_id: C1, parent: C2, title: "Cycle one"}
          - {ref_id: C2, parent: C1, title: "Cycle two"}
          - {ref_id: S, parent: S, title: "Self"}
        """)
    )
    result = load(path)
    assert result.pack is None
    duplicate = only(result.errors, "requirement.duplicate_ref_id")
    assert (duplicate.line, duplicate.ref_id) == (find_line(path, "A again"), "A")
    dangling = only(result.errors, "requirement.unknown_parent")
    assert (dangling.line, dangling.ref_id) == (find_line(path, "parent: NOPE"), "B")
    cycles = [issue for issue in result.errors if issue.code == "requirement.parent_cycle"]
    assert {(issue.ref_id, issue.line) for issue in cycles} == {
        ("C1", find_line(path, "Cycle one")),
        ("S", find_line(path, "Self")),
    }


def test_empty_group_is_a_warning(write_pack: WritePack, mini_header: str) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        requirements:
          - {ref_id: G, title: "Lonely group", assessable: false}
          - {ref_id: A, title: "A"}
        """)
    )
    result = load(path)
    assert result.ok
    assert only(result.warnings, "requirement.empty_group").ref_id == "G"


def test_mapping_errors(write_pack: WritePack, find_line: FindLine, mini_header: str) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        requirements:
          - {ref_id: A, title: "A"}
        mapping_sets:
          - id: mini-to-other
            target: other
            mappings:
              - {source: A, target: X-1, relationship: equal}
              - {source: GHOST, target: X-1, relationship: subset_of}
              - {source: A, target: X-404, relationship: intersects_with}
          - id: mini-to-other
            target: ext
            target_kind: external
            mappings:
              - {source: A, target: anything, relationship: superset_of}
        """)
    )
    known = {"other": frozenset({"X-1"})}
    result = load(path, LoadOptions(known_packs=known, required_languages=()))
    source = only(result.errors, "mapping.unknown_source")
    assert (source.line, source.ref_id) == (find_line(path, "source: GHOST"), "GHOST")
    target = only(result.errors, "mapping.unknown_target")
    assert (target.line, target.ref_id) == (find_line(path, "target: X-404"), "A")
    assert target.field == "mapping_sets[0].mappings[2].target"
    duplicate = only(result.errors, "mapping_set.duplicate_id")
    assert duplicate.line == find_line(path, "id: mini-to-other", 2)
    # Without the target pack, unknown targets cannot be checked: no error for X-404.
    unchecked = load(path)
    assert not [e for e in unchecked.errors if e.code == "mapping.unknown_target"]


def test_mapping_target_version_is_preferred(write_pack: WritePack, mini_header: str) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        requirements:
          - {ref_id: A, title: "A"}
        mapping_sets:
          - id: mini-to-other
            target: other
            target_version: "2"
            mappings:
              - {source: A, target: NEW-1, relationship: equal}
        """)
    )
    known = {"other": frozenset({"OLD-1"}), "other/2": frozenset({"NEW-1"})}
    assert load(path, LoadOptions(known_packs=known, required_languages=())).ok
    missing = load(path, LoadOptions(known_packs={"third": frozenset()}, required_languages=()))
    assert missing.ok
    assert only(missing.warnings, "mapping_set.target_not_loaded").line is not None


@pytest.mark.parametrize(
    ("scoring", "code", "needle"),
    [
        ("kind: maturity\n  min: 3\n  max: 3\n", "scoring.invalid_range", "max: 3"),
        (
            "kind: maturity\n  levels:\n    - {value: 9, title: Nine}\n",
            "scoring.level_out_of_range",
            "value: 9",
        ),
        (
            "kind: maturity\n  levels:\n    - {value: 1, title: One}\n"
            "    - {value: 1, title: Uno}\n",
            "scoring.duplicate_level",
            "title: Uno",
        ),
        ("kind: maturity\n  target: 7\n", "scoring.target_out_of_range", "target: 7"),
        (
            "kind: yes_partial_no\n  tiers:\n    - {id: T2, title: Low, min_score: 10}\n"
            "    - {id: T1, title: High, min_score: 90}\n",
            "scoring.tier_order",
            "min_score: 90",
        ),
        (
            "kind: yes_partial_no\n  tiers:\n    - {id: T1, title: High, min_score: 90}\n"
            "    - {id: T1, title: Low, min_score: 10}\n",
            "scoring.duplicate_tier",
            "title: Low",
        ),
    ],
)
def test_invalid_scoring_schemes(
    write_pack: WritePack,
    find_line: FindLine,
    mini_header: str,
    scoring: str,
    code: str,
    needle: str,
) -> None:
    path = write_pack(
        mini_header + "scoring:\n  " + scoring + "requirements:\n  - {ref_id: A, title: A}\n"
    )
    result = load(path)
    issue = only(result.errors, code)
    assert issue.line == find_line(path, needle)
    assert result.pack is None


def test_duplicate_stage_values(
    write_pack: WritePack, find_line: FindLine, mini_header: str
) -> None:
    path = write_pack(
        mini_header
        + dedent("""\
        scoring:
          kind: stages
          stages:
            - {value: 1, title: "Start-up"}
            - {value: 1, title: "Formative"}
        requirements:
          - {ref_id: A, title: "A", stage: 1}
        """)
    )
    issue = only(load(path).errors, "scoring.duplicate_stage")
    assert issue.line == find_line(path, "Formative")


def test_points_rules(write_pack: WritePack, find_line: FindLine, mini_header: str) -> None:
    path = write_pack(
        mini_header
        + dedent("""\
        scoring:
          kind: points
        requirements:
          - {ref_id: G, title: "Group", assessable: false, points: 2}
          - {ref_id: A, parent: G, title: "No points"}
          - {ref_id: B, parent: G, title: "Zero", points: 0}
          - {ref_id: C, parent: G, title: "Fine", points: 1.5, stage: 2}
        """)
    )
    result = load(path)
    assert only(result.errors, "requirement.points_missing").ref_id == "A"
    invalid = only(result.errors, "requirement.points_invalid")
    assert (invalid.ref_id, invalid.line) == ("B", find_line(path, "Zero"))
    assert only(result.errors, "requirement.points_not_allowed").ref_id == "G"
    assert only(result.errors, "requirement.stage_not_allowed").ref_id == "C"


def test_stage_rules(write_pack: WritePack, mini_header: str) -> None:
    path = write_pack(
        mini_header
        + dedent("""\
        scoring:
          kind: stages
          stages:
            - {value: 1, title: "Start-up"}
            - {value: 2, title: "Formative"}
        requirements:
          - {ref_id: A, title: "No stage"}
          - {ref_id: B, title: "Unknown stage", stage: 5}
          - {ref_id: C, title: "Points here", stage: 1, points: 3}
        """)
    )
    result = load(path)
    assert only(result.errors, "requirement.stage_missing").ref_id == "A"
    assert only(result.errors, "requirement.stage_unknown").ref_id == "B"
    assert only(result.errors, "requirement.points_not_allowed").ref_id == "C"


def test_implementation_levels(
    write_pack: WritePack, find_line: FindLine, mini_header: str
) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        implementation_levels:
          - {id: basic, title: "Basic"}
          - {id: basic, title: "Basic again"}
        requirements:
          - ref_id: A
            title: "A"
            levels: [basic, expert]
        """)
    )
    result = load(path)
    undeclared = only(result.errors, "requirement.unknown_level")
    assert (undeclared.ref_id, undeclared.line) == ("A", find_line(path, "levels: [basic"))
    duplicate = only(result.errors, "implementation_level.duplicate_id")
    assert duplicate.line == find_line(path, "Basic again")


def test_missing_translations_are_warnings(
    write_pack: WritePack, find_line: FindLine, mini_header: str
) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        requirements:
          - ref_id: A
            title: "A"
            translations:
              fr: {title: "A en français"}
            references:
              - {framework: made-up-framework, id: "1"}
              - {framework: 3gpp-ts-33.512, id: "4.2.2"}
        """)
    )
    result = load_pack(path)
    assert result.ok, result.errors
    missing = [w for w in result.warnings if w.code == "translation.missing"]
    assert {(w.ref_id, w.field) for w in missing} == {
        (None, "pack.translations.ar"),
        (None, "pack.translations.fr"),
        ("A", "requirements[0].translations.ar"),
    }
    reference = only(result.warnings, "reference.unknown_framework")
    assert (reference.ref_id, reference.line) == ("A", find_line(path, "made-up-framework"))


def test_duplicate_yaml_key(write_pack: WritePack, find_line: FindLine, mini_header: str) -> None:
    path = write_pack(
        mini_header
        + YES_NO
        + dedent("""\
        requirements:
          - ref_id: A
            title: "First title"
            title: "Second title"
        """)
    )
    result = load(path)
    issue = only(result.errors, "yaml.duplicate_key")
    assert issue.line == find_line(path, "Second title")
    assert str(find_line(path, "First title")) in issue.message
    assert result.pack is None


def test_unsupported_schema_version(write_pack: WritePack) -> None:
    result = load(write_pack("schema_version: 2\npack: {}\n"))
    issue = only(result.errors, "schema.version")
    assert issue.line == 1 and "not supported" in issue.message


def test_yaml_syntax_error_line(write_pack: WritePack) -> None:
    result = load(write_pack("schema_version: 1\npack:\n  id: [unclosed\n  title: x\n"))
    issue = result.errors[0]
    assert issue.code == "yaml.syntax" and issue.line == 4


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused(write_pack: WritePack) -> None:
    result = load(write_pack(BILLION_LAUGHS))
    assert result.pack is None
    assert [issue.code for issue in result.errors] == ["yaml.too_many_nodes"]
    assert result.errors[0].line is not None


def test_alias_count_limit(write_pack: WritePack) -> None:
    many = "x: &x 1\ny: [" + ", ".join(["*x"] * 50) + "]\n"
    options = LoadOptions(limits=YamlLimits(max_aliases=10))
    assert [i.code for i in load_pack(write_pack(many), options).errors] == [
        "yaml.too_many_aliases"
    ]


def test_recursive_alias_is_refused(write_pack: WritePack) -> None:
    result = load(write_pack("a: &a [1, *a]\n"))
    assert [issue.code for issue in result.errors] == ["yaml.recursive_alias"]


def test_deep_nesting_is_refused(write_pack: WritePack) -> None:
    result = load(write_pack("a: " + "[" * 200 + "]" * 200 + "\n"))
    assert [issue.code for issue in result.errors] == ["yaml.too_deep"]


def test_oversized_file_is_refused(fixtures: Path) -> None:
    size = (fixtures / "good_pack.yaml").stat().st_size
    result = load_pack(fixtures / "good_pack.yaml", LoadOptions(max_bytes=size - 1))
    assert [issue.code for issue in result.errors] == ["file.too_large"]
    assert load_pack(fixtures / "good_pack.yaml", LoadOptions(max_bytes=size)).ok


def test_oversized_bytes_are_refused() -> None:
    result = load_pack_bytes(b"x" * 100, source="mem", options=LoadOptions(max_bytes=10))
    assert [issue.code for issue in result.errors] == ["file.too_large"]


def test_default_size_limit_is_8_mib(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(8 * 1024 * 1024 + 1)
    assert [issue.code for issue in load_pack(path).errors] == ["file.too_large"]


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        "!!python/object:builtins.dict {{}}",
        '!!python/name:os.system ""',
        "!custom {{a: 1}}",
    ],
)
def test_python_tags_are_refused(write_pack: WritePack, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    path = write_pack("schema_version: 1\npack: " + tag.format(marker=marker) + "\n")
    result = load(path)
    assert [issue.code for issue in result.errors] == ["yaml.tag"]
    assert result.errors[0].line == 2
    assert not marker.exists()


def test_non_utf8_and_empty_files(write_pack: WritePack, tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: é".encode("latin-1"))
    assert [issue.code for issue in load(latin).errors] == ["file.encoding"]
    assert [issue.code for issue in load(write_pack("# nothing\n")).errors] == ["yaml.empty"]
    assert [i.code for i in load(write_pack("- a\n- b\n")).errors] == ["schema.not_a_mapping"]


def test_unreadable_file(tmp_path: Path) -> None:
    result = load_pack(tmp_path / "missing.yaml")
    assert [issue.code for issue in result.errors] == ["file.unreadable"]
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        locked = tmp_path / "locked.yaml"
        locked.write_text("a: 1\n")
        locked.chmod(0)
        assert [issue.code for issue in load_pack(locked).errors] == ["file.unreadable"]


def test_issue_string_names_file_line_and_ref() -> None:
    issue = PackIssue(file="p.yaml", line=3, ref_id="A-1", code="x.y", message="bad")
    assert str(issue) == "p.yaml:3 [A-1]: x.y: bad"
