"""The shipped training data: NICE/ECSF references, Aman competencies, modules, tracks,
knowledge checks and CTF challenges, loaded from YAML and cross-checked.

Framework content is data, not code: everything here is read from `data/*.yaml`, validated
with pydantic for structure and by `validate` for references between files, and cached per
process because the files never change while Aman runs.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

DATA_DIR = Path(__file__).parent / "data"
FILES = ("frameworks.yaml", "competencies.yaml", "modules.yaml", "questions.yaml")
CTF_FILE = "ctf_challenges.yaml"

Level = Literal["foundation", "intermediate", "advanced"]
LEVELS: tuple[Level, ...] = ("foundation", "intermediate", "advanced")
ModuleKind = Literal["course", "lab", "ctf", "tabletop"]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=100)]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Translation(_Model):
    title: str | None = None
    description: str | None = None
    status: Literal["draft", "reviewed"] = "draft"


Translations = dict[Lang, Translation]


class Provenance(_Model):
    source: str
    version: str
    licence: str
    publisher: str | None = None
    url: str | None = None
    verification: str | None = None
    note: str | None = None


class CompetencyArea(_Model):
    title: str
    definition: str


class Nice(_Model):
    provenance: Provenance
    categories: dict[str, str]
    work_roles: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}-WRL-\d{3}$")], str]
    competency_areas: dict[
        Annotated[str, StringConstraints(pattern=r"^NF-COM-\d{3}$")], CompetencyArea
    ]


class Ecsf(_Model):
    provenance: Provenance
    role_profiles: list[str] = Field(min_length=1)


class Frameworks(_Model):
    nice: Nice
    ecsf: Ecsf


class NiceLinks(_Model):
    competency_areas: list[str] = Field(default_factory=list)
    work_roles: list[str] = Field(default_factory=list)


class LevelInfo(_Model):
    id: Level
    title: str
    description: str
    translations: Translations = Field(default_factory=dict)


class DomainInfo(_Model):
    title: str
    translations: Translations = Field(default_factory=dict)


class Competency(_Model):
    id: Slug
    domain: Slug
    title: str
    description: str
    nice: NiceLinks
    ecsf: list[str] = Field(default_factory=list)
    translations: Translations = Field(default_factory=dict)


class CompetencyFile(_Model):
    provenance: Provenance
    levels: list[LevelInfo]
    domains: dict[Slug, DomainInfo]
    competencies: list[Competency] = Field(min_length=1)


class Delivery(_Model):
    url: str | None = Field(default=None, max_length=2000)
    lms_course_id: str | None = None
    ctf_challenges: list[Slug] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        """Pages link to it: only http(s) addresses, never `javascript:` or `data:`."""
        if value is not None and urlsplit(value).scheme.lower() not in ("http", "https"):
            raise ValueError("the delivery URL must start with http:// or https://")
        return value


class Module(_Model):
    id: Slug
    kind: ModuleKind
    level: Level
    hours: float = Field(gt=0, le=1000)
    languages: list[Lang] = Field(min_length=1)
    prerequisites: list[Slug] = Field(default_factory=list)
    competencies: list[Slug] = Field(min_length=1)
    work_roles: list[str] = Field(default_factory=list)
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1)
    delivery: Delivery = Field(default_factory=Delivery)
    translations: Translations = Field(default_factory=dict)


class Track(_Model):
    id: Slug
    title: str
    description: str
    modules: list[Slug] = Field(min_length=1)
    translations: Translations = Field(default_factory=dict)


class ModuleFile(_Model):
    provenance: Provenance
    modules: list[Module] = Field(min_length=1)
    tracks: list[Track] = Field(default_factory=list)


class Choice(_Model):
    id: Slug
    text: str
    correct: bool = False


class Question(_Model):
    key: Slug
    kind: Literal["single", "multiple"]
    text: str
    points: float = Field(default=1.0, gt=0)
    choices: list[Choice] = Field(min_length=2)


class KnowledgeCheck(_Model):
    module: Slug
    pass_mark: float = Field(gt=0, le=1)
    max_attempts: int = Field(ge=1, le=20)
    questions: list[Question] = Field(min_length=1)


class QuestionFile(_Model):
    provenance: Provenance
    checks: list[KnowledgeCheck] = Field(default_factory=list)


class Challenge(_Model):
    key: Slug
    name: str
    category: str
    value: int = Field(gt=0)
    competencies: list[Slug] = Field(min_length=1)
    description: str


class ChallengeFile(_Model):
    provenance: Provenance
    challenges: list[Challenge] = Field(default_factory=list)


class CatalogueError(ValueError):
    """The shipped or imported training data is inconsistent; lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("training catalogue is invalid:\n  " + "\n  ".join(problems))
        self.problems = problems


class Catalogue(_Model):
    """Everything the training slice reads from data, cross-checked."""

    frameworks: Frameworks
    competency_file: CompetencyFile
    module_file: ModuleFile
    question_file: QuestionFile
    challenge_file: ChallengeFile
    sha256: str

    @property
    def competencies(self) -> dict[str, Competency]:
        return {c.id: c for c in self.competency_file.competencies}

    @property
    def modules(self) -> dict[str, Module]:
        return {m.id: m for m in self.module_file.modules}

    @property
    def checks(self) -> dict[str, KnowledgeCheck]:
        return {k.module: k for k in self.question_file.checks}

    @property
    def challenges(self) -> dict[str, Challenge]:
        return {c.key: c for c in self.challenge_file.challenges}


def _load_yaml(path: Path) -> object:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=yaml.CSafeLoader)


def _prerequisite_cycles(modules: dict[str, Module]) -> list[str]:
    problems: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in modules[node].prerequisites:
            if nxt not in modules:
                continue
            if state.get(nxt) == 1:
                problems.append(f"prerequisite cycle: {' -> '.join([*path, node, nxt])}")
            elif nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for module_id in sorted(modules):
        if module_id not in state:
            visit(module_id, [])
    return problems


def _duplicates(kind: str, ids: list[str]) -> list[str]:
    seen: set[str] = set()
    dupes = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
    return [f"{kind} {i} appears more than once" for i in dupes]


def _check_competencies(cat: Catalogue) -> list[str]:
    nice, ecsf = cat.frameworks.nice, set(cat.frameworks.ecsf.role_profiles)
    domains = set(cat.competency_file.domains)
    problems = _duplicates("competency", [c.id for c in cat.competency_file.competencies])
    for c in cat.competency_file.competencies:
        where = f"competency {c.id}"
        if c.domain not in domains:
            problems.append(f"{where}: unknown domain {c.domain}")
        problems += [
            f"{where}: unknown NICE competency area {a}"
            for a in c.nice.competency_areas
            if a not in nice.competency_areas
        ]
        problems += [
            f"{where}: unknown NICE work role {r}"
            for r in c.nice.work_roles
            if r not in nice.work_roles
        ]
        problems += [f"{where}: unknown ECSF role profile {p!r}" for p in c.ecsf if p not in ecsf]
    return problems


def _check_modules(cat: Catalogue) -> list[str]:
    competencies, modules, challenges = cat.competencies, cat.modules, cat.challenges
    roles = cat.frameworks.nice.work_roles
    problems = _duplicates("module", [m.id for m in cat.module_file.modules])
    for m in cat.module_file.modules:
        where = f"module {m.id}"
        problems += [
            f"{where}: unknown competency {c}" for c in m.competencies if c not in competencies
        ]
        problems += [
            f"{where}: unknown prerequisite {p}" for p in m.prerequisites if p not in modules
        ]
        problems += [f"{where}: unknown NICE work role {r}" for r in m.work_roles if r not in roles]
        problems += [
            f"{where}: unknown CTF challenge {k}"
            for k in m.delivery.ctf_challenges
            if k not in challenges
        ]
        if m.id in m.prerequisites:
            problems.append(f"{where}: is its own prerequisite")
    problems += _prerequisite_cycles(modules)
    for t in cat.module_file.tracks:
        problems += [f"track {t.id}: unknown module {m}" for m in t.modules if m not in modules]
    problems += _duplicates("track", [t.id for t in cat.module_file.tracks])
    return problems


def _check_questions(cat: Catalogue) -> list[str]:
    problems = _duplicates(
        "knowledge check for module", [k.module for k in cat.question_file.checks]
    )
    for check in cat.question_file.checks:
        where = f"knowledge check {check.module}"
        if check.module not in cat.modules:
            problems.append(f"{where}: unknown module")
        problems += _duplicates(f"{where}: question", [q.key for q in check.questions])
        for q in check.questions:
            correct = sum(1 for c in q.choices if c.correct)
            problems += _duplicates(f"{where} {q.key}: choice", [c.id for c in q.choices])
            if correct == 0:
                problems.append(f"{where} {q.key}: no correct choice")
            if q.kind == "single" and correct != 1:
                problems.append(f"{where} {q.key}: a single-choice question needs exactly one")
    for ch in cat.challenge_file.challenges:
        problems += [
            f"CTF challenge {ch.key}: unknown competency {c}"
            for c in ch.competencies
            if c not in cat.competencies
        ]
    return problems


def validate(cat: Catalogue) -> list[str]:
    """Every cross-reference problem, in a stable order (empty when the data is consistent)."""
    return _check_competencies(cat) + _check_modules(cat) + _check_questions(cat)


def load(directory: Path = DATA_DIR) -> Catalogue:
    """Parse and cross-check the data files of `directory`; CatalogueError lists all problems."""
    raw = {name: (directory / name).read_bytes() for name in (*FILES, CTF_FILE)}
    digest = hashlib.sha256(b"".join(raw[name] for name in sorted(raw))).hexdigest()
    data = {name: _load_yaml(directory / name) for name in raw}
    cat = Catalogue.model_validate(
        {
            "frameworks": data["frameworks.yaml"],
            "competency_file": data["competencies.yaml"],
            "module_file": data["modules.yaml"],
            "question_file": data["questions.yaml"],
            "challenge_file": data[CTF_FILE],
            "sha256": digest,
        }
    )
    problems = validate(cat)
    if problems:
        raise CatalogueError(problems)
    return cat


@lru_cache(maxsize=1)
def shipped() -> Catalogue:
    """The catalogue Aman ships (parsed once per process)."""
    return load(DATA_DIR)
