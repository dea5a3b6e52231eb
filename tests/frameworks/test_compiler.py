"""Compiler: canonical JSON, content hash, source-hash cache (warm loads skip YAML), load_all."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

import aman.frameworks.loader as loader_module
import aman.frameworks.yaml_safe as yaml_safe_module
from aman.frameworks.compiler import (
    canonical_json,
    compile_pack,
    known_packs_index,
    load_all,
    load_pack_cached,
    version_key,
)
from aman.frameworks.loader import LoadOptions, load_pack
from aman.frameworks.schemas import Pack

WritePack = Callable[..., Path]
FindLine = Callable[..., int]


def good(fixtures: Path) -> Pack:
    pack = load_pack(fixtures / "good_pack.yaml").pack
    assert pack is not None
    return pack


def forbid_yaml(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any YAML parse fail loudly; return the list of attempted calls."""
    calls: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        calls.append("parse")
        raise AssertionError("YAML parser called on a warm load")

    monkeypatch.setattr(loader_module, "parse_yaml", refuse)
    monkeypatch.setattr(yaml_safe_module, "parse_yaml", refuse)
    monkeypatch.setattr(yaml, "CSafeLoader", refuse)
    return calls


def test_canonical_json_is_sorted_and_stable(fixtures: Path) -> None:
    pack = good(fixtures)
    first, second = compile_pack(pack), compile_pack(good(fixtures))
    assert first.json_bytes == second.json_bytes
    assert first.sha256 == hashlib.sha256(first.json_bytes).hexdigest()
    data = orjson.loads(first.json_bytes)
    assert list(data) == sorted(data)
    assert list(data["pack"]) == sorted(data["pack"])
    assert Pack.model_validate_json(first.json_bytes) == pack
    changed = pack.model_copy(update={"mapping_sets": []})
    assert compile_pack(changed).sha256 != first.sha256
    assert canonical_json(pack) == first.json_bytes


def test_warm_load_skips_yaml(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "good_pack.yaml"
    shutil.copy(fixtures / "good_pack.yaml", source)
    cache = tmp_path / "cache"
    cold = load_pack_cached(source, cache)
    assert cold.result.ok and not cold.from_cache and cold.compiled is not None
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert (cache / f"{digest}.pack.json").read_bytes() == cold.compiled.json_bytes

    calls = forbid_yaml(monkeypatch)
    warm = load_pack_cached(source, cache)
    assert calls == []
    assert warm.from_cache and warm.result.ok
    assert warm.result.pack == cold.result.pack
    assert warm.compiled is not None and warm.compiled.sha256 == cold.compiled.sha256
    assert warm.result.lines == cold.result.lines


def test_cache_is_invalidated_when_the_source_changes(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "good_pack.yaml"
    shutil.copy(fixtures / "good_pack.yaml", source)
    cache = tmp_path / "cache"
    assert not load_pack_cached(source, cache).from_cache
    assert load_pack_cached(source, cache).from_cache
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Mutual TLS between", "Mutually authenticated TLS between"))
    changed = load_pack_cached(source, cache)
    assert not changed.from_cache
    assert changed.result.pack is not None
    assert changed.result.pack.requirement_map()["SBA-01"].title.startswith("Mutually")
    calls = forbid_yaml(monkeypatch)
    assert load_pack_cached(source, cache).from_cache and calls == []


def test_warnings_survive_the_cache(
    write_pack: WritePack, tmp_path: Path, mini_header: str
) -> None:
    path = write_pack(
        mini_header + "scoring: {kind: yes_partial_no}\nrequirements:\n  - {ref_id: A, title: A}\n"
    )
    cache = tmp_path / "cache"
    cold = load_pack_cached(path, cache)
    warm = load_pack_cached(path, cache)
    assert warm.from_cache
    assert cold.result.warnings == warm.result.warnings
    assert {w.code for w in warm.result.warnings} == {"translation.missing"}
    # Different language requirements are a different validation: not served from cache.
    other = load_pack_cached(path, cache, LoadOptions(required_languages=()))
    assert not other.from_cache and other.result.warnings == []


def test_corrupt_cache_entry_is_rebuilt(fixtures: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_pack_cached(fixtures / "good_pack.yaml", cache)
    assert first.compiled is not None
    entry = cache / f"{first.result.source_sha256}.pack.json"
    entry.write_bytes(entry.read_bytes().replace(b"Mutual TLS", b"Tampered!!"))
    rebuilt = load_pack_cached(fixtures / "good_pack.yaml", cache)
    assert not rebuilt.from_cache and rebuilt.result.pack == first.result.pack
    assert entry.read_bytes() == first.compiled.json_bytes
    assert load_pack_cached(fixtures / "good_pack.yaml", cache).from_cache


def test_invalid_packs_are_not_cached(write_pack: WritePack, tmp_path: Path) -> None:
    path = write_pack("schema_version: 1\npack: {id: x}\n")
    cache = tmp_path / "cache"
    assert not load_pack_cached(path, cache).result.ok
    assert not cache.exists() or not any(cache.iterdir())
    again = load_pack_cached(path, cache)
    assert not again.from_cache and again.result.errors


def test_cross_checks_on_warm_load_keep_lines(
    fixtures: Path, tmp_path: Path, find_line: FindLine
) -> None:
    cache = tmp_path / "cache"
    path = fixtures / "good_pack.yaml"
    known = {"test-csf/2.0": frozenset({"PR.DS-01"})}
    for expected_cache in (False, True):
        loaded = load_pack_cached(path, cache, LoadOptions(known_packs=known))
        assert loaded.from_cache is expected_cache
        assert loaded.result.pack is None and loaded.compiled is None
        errors = [e for e in loaded.result.errors if e.code == "mapping.unknown_target"]
        assert [(e.ref_id, e.line) for e in errors] == [
            ("SBA-01", find_line(path, "{source: SBA-01, target: PR.DS-02")),
            ("SUCI-01", find_line(path, "{source: SUCI-01, target: PR.DS-02")),
        ]


def copy_fixtures(fixtures: Path, directory: Path, *names: str) -> None:
    directory.mkdir()
    for name in names:
        shutil.copy(fixtures / name, directory / name)


def test_load_all_cross_validates(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packs_dir = tmp_path / "packs"
    copy_fixtures(fixtures, packs_dir, "good_pack.yaml", "csf_pack.yaml")
    (packs_dir / "README.txt").write_text("not a pack")
    cache = tmp_path / "cache"
    cold = load_all(packs_dir, cache)
    assert cold.errors == []
    assert set(cold.packs) == {("test-5g-core", "1.0.0"), ("test-csf", "2.0")}
    assert cold.from_cache == 0
    calls = forbid_yaml(monkeypatch)
    warm = load_all(packs_dir, cache)
    assert warm.from_cache == 2 and calls == [] and set(warm.packs) == set(cold.packs)


def test_load_all_reports_unknown_targets_and_duplicates(
    fixtures: Path, tmp_path: Path, find_line: FindLine
) -> None:
    packs_dir = tmp_path / "packs"
    copy_fixtures(fixtures, packs_dir, "good_pack.yaml", "csf_pack.yaml")
    csf = packs_dir / "csf_pack.yaml"
    csf.write_text(csf.read_text(encoding="utf-8").replace("PR.DS-02", "PR.DS-09"))
    shutil.copy(csf, packs_dir / "zz_copy.yaml")
    result = load_all(packs_dir, tmp_path / "cache")
    good_file = str(packs_dir / "good_pack.yaml")
    unknown = [e for e in result.errors if e.code == "mapping.unknown_target"]
    assert {(e.file, e.ref_id) for e in unknown} == {(good_file, "SBA-01"), (good_file, "SUCI-01")}
    assert all(e.line is not None for e in unknown)
    duplicate = [e for e in result.errors if e.code == "pack.duplicate"]
    assert [(e.file, e.line) for e in duplicate] == [
        (str(packs_dir / "zz_copy.yaml"), find_line(packs_dir / "zz_copy.yaml", "id: test-csf"))
    ]
    assert set(result.packs) == {("test-csf", "2.0")}


def test_load_all_uses_extra_known_packs(fixtures: Path, tmp_path: Path) -> None:
    packs_dir = tmp_path / "packs"
    copy_fixtures(fixtures, packs_dir, "good_pack.yaml")
    alone = load_all(packs_dir, tmp_path / "cache")
    assert alone.errors == []
    assert {w.code for w in alone.warnings} == {"mapping_set.target_not_loaded"}
    known = {"test-csf": frozenset({"PR.DS-02"})}
    assert load_all(packs_dir, tmp_path / "cache", extra_known_packs=known).warnings == []


def test_version_key_and_index(fixtures: Path) -> None:
    assert sorted(["1.10.0", "1.9.2", "1.2"], key=version_key) == ["1.2", "1.9.2", "1.10.0"]
    pack = good(fixtures)
    newer = pack.model_copy(
        update={
            "pack": pack.pack.model_copy(update={"version": "1.10.0"}),
            "requirements": pack.requirements[:2],
        }
    )
    index = known_packs_index([newer, pack])
    assert index["test-5g-core"] == {"SBA", "SBA-01"}
    assert len(index["test-5g-core/1.0.0"]) == 5


def test_cache_made_by_other_rules_is_stale(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aman.frameworks.compiler as compiler_module

    cache = tmp_path / "cache"
    assert not load_pack_cached(fixtures / "good_pack.yaml", cache).from_cache
    assert load_pack_cached(fixtures / "good_pack.yaml", cache).from_cache
    monkeypatch.setattr(compiler_module, "engine_fingerprint", lambda: "other-rules")
    assert not load_pack_cached(fixtures / "good_pack.yaml", cache).from_cache
    assert load_pack_cached(fixtures / "good_pack.yaml", cache).from_cache
