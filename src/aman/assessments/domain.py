"""Pure building blocks of assessments, shared by scoring, gaps, formats and the service.

A pack's requirement tree and scoring scheme are turned into these small frozen values once, so
that scoring and exports never touch the database or pydantic pack models.

Answers are stored in two forms: `result`, the value on the pack's own scale as a string
("3" on a 0-5 maturity scale, "yes"/"partial"/"no", "met"/"partial"/"not_met" for points,
"met"/"not_met" for stages), and `value`, the same normalised to 0..1 for aggregation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

SchemeKind = Literal["maturity", "yes_partial_no", "points", "stages"]
YPN = {"yes": 1.0, "partial": 0.5, "no": 0.0}
POINTS = {"met": 1.0, "partial": 0.5, "not_met": 0.0}
STAGES = {"met": 1.0, "not_met": 0.0}


@dataclass(frozen=True, slots=True)
class Tier:
    id: str
    title: str
    min_score: float


@dataclass(frozen=True, slots=True)
class Scheme:
    """A pack's scoring scheme, reduced to what scoring needs."""

    kind: SchemeKind
    min: int = 0
    max: int = 5
    target: int | None = None
    levels: tuple[tuple[int, str], ...] = ()
    partial_allowed: bool = True
    na_allowed: bool = True
    tiers: tuple[Tier, ...] = ()  # highest first
    stages: tuple[tuple[int, str], ...] = ()

    @classmethod
    def from_pack_scoring(cls, scoring: Mapping[str, Any]) -> Scheme:
        tiers = tuple(
            Tier(t["id"], t["title"], float(t["min_score"])) for t in scoring.get("tiers", [])
        )
        return cls(
            kind=scoring["kind"],
            min=int(scoring.get("min", 0)),
            max=int(scoring.get("max", 5)),
            target=scoring.get("target"),
            levels=tuple((int(lv["value"]), lv["title"]) for lv in scoring.get("levels", [])),
            partial_allowed=bool(scoring.get("partial_allowed", True)),
            na_allowed=bool(scoring.get("na_allowed", True)),
            tiers=tiers,
            stages=tuple((int(s["value"]), s["title"]) for s in scoring.get("stages", [])),
        )

    def allowed_results(self) -> list[str]:
        if self.kind == "maturity":
            return [str(v) for v in range(self.min, self.max + 1)]
        if self.kind == "yes_partial_no":
            return list(YPN)
        if self.kind == "points":
            return [r for r in POINTS if self.partial_allowed or r != "partial"]
        return list(STAGES)

    def normalise(self, result: str) -> float:
        """`result` on the 0..1 scale; ValueError naming the allowed values when invalid."""
        result = result.strip().lower()
        if result not in self.allowed_results():
            raise ValueError(f"{result!r} is not one of {', '.join(self.allowed_results())}")
        if self.kind == "maturity":
            return (int(result) - self.min) / (self.max - self.min)
        table = {"yes_partial_no": YPN, "points": POINTS, "stages": STAGES}[self.kind]
        return table[result]

    def default_target(self) -> float:
        """The normalised target used for gaps when a campaign sets none."""
        if self.kind == "maturity" and self.target is not None:
            return (self.target - self.min) / (self.max - self.min)
        return 1.0


@dataclass(frozen=True, slots=True)
class Node:
    """One requirement of the pinned pack version."""

    ref_id: str
    parent: str | None
    assessable: bool
    title: str = ""
    weight: float = 1.0
    importance: int = 2
    points: float | None = None
    stage: int | None = None
    domains: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerValue:
    """An answer as scoring sees it: a result on the scheme, or not applicable."""

    ref_id: str
    result: str | None = None
    na: bool = False


@dataclass(frozen=True, slots=True)
class Tree:
    """Nodes in file order with parent/children indexes."""

    nodes: tuple[Node, ...]
    by_ref: Mapping[str, Node] = field(default_factory=dict)
    children: Mapping[str | None, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, nodes: Sequence[Node]) -> Tree:
        children: dict[str | None, list[str]] = {}
        for node in nodes:
            children.setdefault(node.parent, []).append(node.ref_id)
        return cls(
            tuple(nodes), {n.ref_id: n for n in nodes}, {k: tuple(v) for k, v in children.items()}
        )

    def assessable(self, level: str | None = None) -> list[Node]:
        """Assessable nodes, restricted to an implementation level when given."""
        return [
            n
            for n in self.nodes
            if n.assessable and (level is None or not n.levels or level in n.levels)
        ]
