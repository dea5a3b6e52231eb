"""Load and validate one pack file (YAML or JSON), reporting every problem as file:line.

The result always comes back (bad input never raises): `pack` is set only when there is no
error. Schema errors from pydantic and the semantic rules of `validation.py` are both tied to
the line of the YAML node they concern, and to the requirement's ref_id where there is one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import orjson
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from aman.frameworks.schemas import SCHEMA_VERSION, Pack
from aman.frameworks.validation import REQUIRED_LANGUAGES, Finding, Loc, Severity, validate_pack
from aman.frameworks.yaml_safe import YamlError, YamlLimits, line_of, parse_yaml

DEFAULT_MAX_BYTES: Final = 8 * 1024 * 1024
PackFormat = Literal["yaml", "json"]
_SCHEME_KINDS: Final = frozenset({"maturity", "yes_partial_no", "points", "stages"})


class PackIssue(BaseModel):
    """One error or warning, located as precisely as the source allows."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None = None
    ref_id: str | None = None
    code: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        ref = f" [{self.ref_id}]" if self.ref_id else ""
        return f"{where}{ref}: {self.code}: {self.message}"


SourceLines = dict[str, int]


@dataclass(frozen=True, slots=True)
class LoadResult:
    file: str
    pack: Pack | None
    errors: list[PackIssue] = field(default_factory=list)
    warnings: list[PackIssue] = field(default_factory=list)
    source_sha256: str = ""
    lines: SourceLines = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.pack is not None and not self.errors


@dataclass(frozen=True, slots=True)
class LoadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    limits: YamlLimits = field(default_factory=YamlLimits)
    known_packs: Mapping[str, AbstractSet[str]] | None = None
    required_languages: Sequence[str] = REQUIRED_LANGUAGES


def format_loc(loc: Sequence[str | int]) -> str:
    """('requirements', 3, 'weight') -> 'requirements[3].weight'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def normalise_loc(loc: Sequence[str | int]) -> Loc:
    """Drop the discriminator tag pydantic inserts after 'scoring'."""
    parts = tuple(loc)
    if len(parts) > 1 and parts[0] == "scoring" and parts[1] in _SCHEME_KINDS:
        return (parts[0], *parts[2:])
    return parts


def detect_format(path: Path) -> PackFormat:
    return "json" if path.suffix.lower() == ".json" else "yaml"


def read_limited(path: Path, max_bytes: int) -> bytes:
    """Read at most `max_bytes`; raise YamlError(file.too_large) beyond."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError("file.too_large", f"file is {size} bytes, limit is {max_bytes}")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise YamlError("file.unreadable", f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise YamlError("file.too_large", f"file is over the limit of {max_bytes} bytes")
    return data


def load_pack(path: Path | str, options: LoadOptions | None = None) -> LoadResult:
    """Load and validate the pack at `path` (format from the suffix: .json or YAML)."""
    path = Path(path)
    options = options or LoadOptions()
    try:
        data = read_limited(path, options.max_bytes)
    except YamlError as problem:
        return _failed(str(path), problem)
    return load_pack_bytes(data, source=str(path), fmt=detect_format(path), options=options)


def load_pack_bytes(
    data: bytes, *, source: str, fmt: PackFormat = "yaml", options: LoadOptions | None = None
) -> LoadResult:
    """Validate a pack given as bytes; `source` names it in issues."""
    options = options or LoadOptions()
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > options.max_bytes:
        problem = YamlError("file.too_large", f"input is over the limit of {options.max_bytes}")
        return _failed(source, problem, digest)
    try:
        raw, root, duplicate_issues = _parse(data, source, fmt, options)
    except YamlError as problem:
        return _failed(source, problem, digest)
    lines = source_lines(root) if root is not None else {}
    issues = _Issues(source, raw, root)
    for issue in duplicate_issues:
        issues.errors.append(issue)
    pack = _validate_schema(raw, issues)
    if pack is not None:
        findings = validate_pack(
            pack,
            known_packs=options.known_packs,
            required_languages=options.required_languages,
        )
        issues.add_findings(findings)
    ok_pack = pack if pack is not None and not issues.errors else None
    return LoadResult(source, ok_pack, issues.errors, issues.warnings, digest, lines)


def _parse(
    data: bytes, source: str, fmt: PackFormat, options: LoadOptions
) -> tuple[Any, yaml.Node | None, list[PackIssue]]:
    if fmt == "json":
        try:
            return orjson.loads(data), None, []
        except orjson.JSONDecodeError as exc:
            raise YamlError("json.syntax", exc.msg, exc.lineno) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError("file.encoding", f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    parsed = parse_yaml(text, options.limits)
    duplicates = [
        PackIssue(
            file=source,
            line=dup.line,
            code="yaml.duplicate_key",
            message=f"key {dup.key!r} repeats the one on line {dup.first_line}",
        )
        for dup in parsed.duplicate_keys
    ]
    return parsed.data, parsed.root, duplicates


def _failed(source: str, problem: YamlError, digest: str = "") -> LoadResult:
    issue = PackIssue(file=source, line=problem.line, code=problem.code, message=problem.message)
    return LoadResult(source, None, [issue], [], digest)


def _validate_schema(raw: Any, issues: _Issues) -> Pack | None:
    if not isinstance(raw, dict):
        issues.add("schema.not_a_mapping", "the top level must be a mapping", ())
        return None
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        message = (
            "schema_version is missing"
            if version is None
            else f"schema_version {version!r} is not supported (this Aman reads the integer "
            f"{SCHEMA_VERSION})"
        )
        issues.add("schema.version", message, ("schema_version",))
        return None
    try:
        return Pack.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = normalise_loc(error["loc"])
            message = f"{format_loc(loc) or '(top level)'}: {error['msg']}"
            if error["type"] == "extra_forbidden":
                message = f"{format_loc(loc)}: unknown field"
            issues.add(f"schema.{error['type']}", message, loc)
        return None


class _Issues:
    """Turns locations into file/line/ref_id and collects errors and warnings."""

    def __init__(self, source: str, raw: Any, root: yaml.Node | None) -> None:
        self.source = source
        self.raw = raw
        self.root = root
        self.errors: list[PackIssue] = []
        self.warnings: list[PackIssue] = []

    def issue(self, code: str, message: str, loc: Loc, ref_id: str | None = None) -> PackIssue:
        line = line_of(self.root, loc) if self.root is not None else None
        return PackIssue(
            file=self.source,
            line=line,
            ref_id=ref_id if ref_id is not None else ref_id_at(self.raw, loc),
            code=code,
            message=message,
            field=format_loc(loc) or None,
        )

    def add(self, code: str, message: str, loc: Loc, ref_id: str | None = None) -> None:
        self.errors.append(self.issue(code, message, loc, ref_id))

    def add_findings(self, findings: Sequence[Finding]) -> None:
        for finding in findings:
            issue = self.issue(finding.code, finding.message, finding.loc, finding.ref_id)
            target = self.errors if finding.severity is Severity.ERROR else self.warnings
            target.append(issue)


def ref_id_at(raw: Any, loc: Sequence[str | int]) -> str | None:
    """The ref_id a location concerns: the requirement's, or a mapping's source."""
    try:
        if len(loc) >= 2 and loc[0] == "requirements":
            value = raw["requirements"][loc[1]].get("ref_id")
        elif len(loc) >= 4 and loc[0] == "mapping_sets" and loc[2] == "mappings":
            value = raw["mapping_sets"][loc[1]]["mappings"][loc[3]].get("source")
        else:
            return None
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def source_lines(root: yaml.Node) -> SourceLines:
    """Lines of each requirement, mapping set and mapping: kept with compiled packs so that
    cross-pack problems found later can still be reported as file:line."""
    lines: SourceLines = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    top = {str(key.value): value for key, value in root.value if isinstance(key, yaml.ScalarNode)}
    if "pack" in top:
        lines["pack"] = int(top["pack"].start_mark.line) + 1
    requirements = top.get("requirements")
    if isinstance(requirements, yaml.SequenceNode):
        for index, node in enumerate(requirements.value):
            lines[f"requirements[{index}]"] = int(node.start_mark.line) + 1
    mapping_sets = top.get("mapping_sets")
    if isinstance(mapping_sets, yaml.SequenceNode):
        for set_index, set_node in enumerate(mapping_sets.value):
            lines[f"mapping_sets[{set_index}]"] = int(set_node.start_mark.line) + 1
            if not isinstance(set_node, yaml.MappingNode):
                continue
            for key, value in set_node.value:
                if getattr(key, "value", None) == "mappings" and isinstance(
                    value, yaml.SequenceNode
                ):
                    for index, node in enumerate(value.value):
                        name = f"mapping_sets[{set_index}].mappings[{index}]"
                        lines[name] = int(node.start_mark.line) + 1
    return lines


def line_from_lines(lines: Mapping[str, int], loc: Sequence[str | int]) -> int | None:
    """Best line for `loc` using a `SourceLines` index (longest known prefix)."""
    for end in range(len(loc), 0, -1):
        line = lines.get(format_loc(loc[:end]))
        if line is not None:
            return line
    return None
