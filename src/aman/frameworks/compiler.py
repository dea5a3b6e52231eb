"""Compile validated packs to canonical JSON and cache them by the hash of their source.

YAML is 20-60x slower to parse than JSON, so a pack is parsed and validated once; its
canonical JSON (orjson, sorted keys) is then stored in a cache directory under the SHA-256 of the
*source bytes*. A warm start hashes the source, finds the entry and validates the JSON, without
touching the YAML parser. Editing the source changes its hash, which is the invalidation.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from aman.frameworks.loader import (
    LoadOptions,
    LoadResult,
    PackIssue,
    SourceLines,
    detect_format,
    format_loc,
    line_from_lines,
    load_pack_bytes,
    read_limited,
)
from aman.frameworks.schemas import SCHEMA_VERSION, Pack
from aman.frameworks.validation import Finding, Severity, check_mapping_targets
from aman.frameworks.yaml_safe import YamlError

COMPILER_VERSION: Final = 1
PACK_SUFFIXES: Final = (".yaml", ".yml", ".json")
_RULE_MODULES: Final = ("schemas.py", "validation.py", "loader.py", "yaml_safe.py", "compiler.py")


@functools.cache
def engine_fingerprint() -> str:
    """Hash of the modules that decide validity: a cache entry made by other rules is stale."""
    digest = hashlib.sha256(str(COMPILER_VERSION).encode())
    here = Path(__file__).resolve().parent
    for name in _RULE_MODULES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class CompiledPack:
    pack: Pack
    json_bytes: bytes
    sha256: str


def canonical_json(pack: Pack) -> bytes:
    """The pack as canonical JSON: every field present, keys sorted, no whitespace."""
    return orjson.dumps(pack.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)


def compile_pack(pack: Pack) -> CompiledPack:
    data = canonical_json(pack)
    return CompiledPack(pack, data, hashlib.sha256(data).hexdigest())


class CacheMeta(BaseModel):
    """What a cache entry remembers besides the pack: warnings and the source line index."""

    model_config = ConfigDict(extra="forbid")

    compiler_version: int
    engine: str
    schema_version: int
    source_sha256: str
    content_sha256: str
    required_languages: list[str]
    warnings: list[PackIssue]
    lines: dict[str, int]


@dataclass(frozen=True, slots=True)
class CachedLoad:
    result: LoadResult
    compiled: CompiledPack | None
    from_cache: bool


def _entry_paths(cache_dir: Path, source_sha256: str) -> tuple[Path, Path]:
    return cache_dir / f"{source_sha256}.pack.json", cache_dir / f"{source_sha256}.meta.json"


def _read_entry(
    cache_dir: Path, source_sha256: str, languages: Sequence[str]
) -> tuple[CompiledPack, CacheMeta] | None:
    """A valid cache entry, or None for a miss (absent, stale compiler, or corrupt)."""
    pack_path, meta_path = _entry_paths(cache_dir, source_sha256)
    try:
        meta = CacheMeta.model_validate_json(meta_path.read_bytes())
        data = pack_path.read_bytes()
    except (OSError, ValidationError):
        return None
    if (
        meta.compiler_version != COMPILER_VERSION
        or meta.engine != engine_fingerprint()
        or meta.schema_version != SCHEMA_VERSION
        or meta.source_sha256 != source_sha256
        or meta.required_languages != list(languages)
        or hashlib.sha256(data).hexdigest() != meta.content_sha256
    ):
        return None
    try:
        pack = Pack.model_validate_json(data)
    except ValidationError:
        return None
    return CompiledPack(pack, data, meta.content_sha256), meta


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_entry(
    cache_dir: Path, result: LoadResult, compiled: CompiledPack, languages: Sequence[str]
) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    pack_path, meta_path = _entry_paths(cache_dir, result.source_sha256)
    meta = CacheMeta(
        compiler_version=COMPILER_VERSION,
        engine=engine_fingerprint(),
        schema_version=SCHEMA_VERSION,
        source_sha256=result.source_sha256,
        content_sha256=compiled.sha256,
        required_languages=list(languages),
        warnings=result.warnings,
        lines=result.lines,
    )
    _atomic_write(pack_path, compiled.json_bytes)
    _atomic_write(meta_path, meta.model_dump_json().encode())


def load_pack_cached(
    path: Path | str, cache_dir: Path | str, options: LoadOptions | None = None
) -> CachedLoad:
    """Load a pack through the cache; `options.known_packs` checks are applied on every load."""
    path, cache_dir = Path(path), Path(cache_dir)
    options = options or LoadOptions()
    try:
        data = read_limited(path, options.max_bytes)
    except YamlError as problem:
        issue = PackIssue(file=str(path), code=problem.code, message=problem.message)
        return CachedLoad(LoadResult(str(path), None, [issue]), None, False)
    digest = hashlib.sha256(data).hexdigest()
    entry = _read_entry(cache_dir, digest, options.required_languages)
    if entry is not None:
        compiled, meta = entry
        warnings = [issue.model_copy(update={"file": str(path)}) for issue in meta.warnings]
        result = LoadResult(str(path), compiled.pack, [], warnings, digest, dict(meta.lines))
        cached = CachedLoad(result, compiled, True)
    else:
        intrinsic = dataclasses.replace(options, known_packs=None)
        result = load_pack_bytes(data, source=str(path), fmt=detect_format(path), options=intrinsic)
        if result.pack is None:
            return CachedLoad(result, None, False)
        compiled = compile_pack(result.pack)
        _write_entry(cache_dir, result, compiled, options.required_languages)
        cached = CachedLoad(result, compiled, False)
    if options.known_packs is None:
        return cached
    return _with_cross_checks(cached, options.known_packs)


def cross_check(result: LoadResult, known_packs: Mapping[str, AbstractSet[str]]) -> LoadResult:
    """Add mapping-target findings against `known_packs` to a loaded result."""
    if result.pack is None:
        return result
    findings: list[Finding] = []
    for index, mapping_set in enumerate(result.pack.mapping_sets):
        findings.extend(check_mapping_targets(mapping_set, index, known_packs))
    errors = list(result.errors)
    warnings = list(result.warnings)
    for finding in findings:
        issue = _issue_from_lines(result.file, result.lines, finding)
        (errors if finding.severity is Severity.ERROR else warnings).append(issue)
    pack = result.pack if not errors else None
    return dataclasses.replace(result, pack=pack, errors=errors, warnings=warnings)


def _with_cross_checks(cached: CachedLoad, known: Mapping[str, AbstractSet[str]]) -> CachedLoad:
    result = cross_check(cached.result, known)
    compiled = cached.compiled if result.pack is not None else None
    return CachedLoad(result, compiled, cached.from_cache)


def _issue_from_lines(file: str, lines: SourceLines, finding: Finding) -> PackIssue:
    return PackIssue(
        file=file,
        line=line_from_lines(lines, finding.loc),
        ref_id=finding.ref_id,
        code=finding.code,
        message=finding.message,
        field=format_loc(finding.loc) or None,
    )


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural sort key for version strings ("1.10.0" after "1.9.2")."""
    parts = re.findall(r"\d+|[^\d.+-]+", version)
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts)


def known_packs_index(packs: Sequence[Pack]) -> dict[str, frozenset[str]]:
    """Map "id/version" to ref_ids for each pack, and "id" to those of its highest version."""
    index: dict[str, frozenset[str]] = {}
    latest: dict[str, str] = {}
    for pack in packs:
        refs = frozenset(requirement.ref_id for requirement in pack.requirements)
        index[f"{pack.pack.id}/{pack.pack.version}"] = refs
        current = latest.get(pack.pack.id)
        if current is None or version_key(pack.pack.version) > version_key(current):
            latest[pack.pack.id] = pack.pack.version
            index[pack.pack.id] = refs
    return index


@dataclass(frozen=True, slots=True)
class LoadAllResult:
    results: list[LoadResult] = field(default_factory=list)
    packs: dict[tuple[str, str], Pack] = field(default_factory=dict)
    from_cache: int = 0

    @property
    def errors(self) -> list[PackIssue]:
        return [issue for result in self.results for issue in result.errors]

    @property
    def warnings(self) -> list[PackIssue]:
        return [issue for result in self.results for issue in result.warnings]


def pack_files(directory: Path) -> list[Path]:
    return sorted(
        path for path in directory.iterdir() if path.is_file() and path.suffix in PACK_SUFFIXES
    )


def load_all(
    directory: Path | str,
    cache_dir: Path | str,
    options: LoadOptions | None = None,
    extra_known_packs: Mapping[str, AbstractSet[str]] | None = None,
) -> LoadAllResult:
    """Load every pack file in `directory`, then check mapping targets between them."""
    options = dataclasses.replace(options or LoadOptions(), known_packs=None)
    loads = [load_pack_cached(path, cache_dir, options) for path in pack_files(Path(directory))]
    results = _reject_duplicates([load.result for load in loads])
    loaded = [result.pack for result in results if result.pack is not None]
    known: dict[str, AbstractSet[str]] = dict(extra_known_packs or {})
    known.update(known_packs_index(loaded))
    checked = [cross_check(result, known) for result in results]
    packs = {result.pack.key: result.pack for result in checked if result.pack is not None}
    hits = sum(1 for load in loads if load.from_cache)
    return LoadAllResult(checked, packs, hits)


def _reject_duplicates(results: list[LoadResult]) -> list[LoadResult]:
    first_file: dict[tuple[str, str], str] = {}
    out: list[LoadResult] = []
    for result in results:
        if result.pack is None:
            out.append(result)
            continue
        key = result.pack.key
        if key not in first_file:
            first_file[key] = result.file
            out.append(result)
            continue
        issue = PackIssue(
            file=result.file,
            line=result.lines.get("pack"),
            code="pack.duplicate",
            message=f"pack {key[0]} version {key[1]} is already defined in {first_file[key]}",
        )
        out.append(dataclasses.replace(result, pack=None, errors=[*result.errors, issue]))
    return out
