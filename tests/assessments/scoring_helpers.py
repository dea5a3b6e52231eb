"""Hypothesis strategies shared by the scoring, gap and inference tests.

Loaded by path (`load()`), since tests run with --import-mode=importlib and this directory is
not on sys.path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

from aman.assessments.domain import AnswerValue, Node, Scheme, SchemeKind, Tier, Tree

KINDS: tuple[SchemeKind, ...] = ("maturity", "yes_partial_no", "points", "stages")
DOMAINS = ("5g", "cloud", "ai")
LEVELS = ("basic", "intermediate", "advanced")
WEIGHTS = st.one_of(
    st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 3.0]),
    st.floats(min_value=0.01, max_value=100, allow_nan=False, allow_infinity=False),
)


@dataclass(frozen=True)
class Case:
    scheme: Scheme
    tree: Tree
    answers: dict[str, AnswerValue]
    level: str | None


@st.composite
def tiers(draw: st.DrawFn) -> tuple[Tier, ...]:
    scores = draw(st.lists(st.integers(0, 100), unique=True, max_size=5))
    return tuple(
        Tier(f"T{i + 1}", f"Tier {i + 1}", float(s))
        for i, s in enumerate(sorted(scores, reverse=True))
    )


@st.composite
def schemes(draw: st.DrawFn, kind: SchemeKind | None = None) -> Scheme:
    chosen: SchemeKind = kind or draw(st.sampled_from(KINDS))
    if chosen == "maturity":
        low = draw(st.integers(0, 2))
        high = draw(st.integers(low + 1, low + 6))
        levels = tuple((v, f"Level {v}") for v in range(low, high + 1))
        base = Scheme("maturity", min=low, max=high, target=draw(st.integers(low, high)))
        base = replace(base, levels=levels)
    elif chosen == "stages":
        count = draw(st.integers(1, 5))
        base = Scheme("stages", stages=tuple((v, f"Stage {v}") for v in range(1, count + 1)))
    else:
        base = Scheme(chosen)
    return replace(
        base,
        na_allowed=draw(st.booleans()),
        partial_allowed=draw(st.booleans()),
        tiers=draw(tiers()),
    )


def max_stage(scheme: Scheme) -> int:
    return max((value for value, _title in scheme.stages), default=1)


@st.composite
def trees(draw: st.DrawFn, scheme: Scheme, max_nodes: int = 12) -> Tree:
    count = draw(st.integers(1, max_nodes))
    nodes: list[Node] = []
    for index in range(count):
        refs = [node.ref_id for node in nodes]
        parent = draw(st.none() | st.sampled_from(refs)) if refs else None
        assessable = draw(st.booleans())
        nodes.append(
            Node(
                ref_id=f"R{index}",
                parent=parent,
                assessable=assessable,
                title=f"Requirement {index}",
                weight=draw(WEIGHTS),
                importance=draw(st.integers(1, 4)),
                points=draw(st.sampled_from([0.5, 1, 2, 3, 5]))
                if assessable and scheme.kind == "points"
                else None,
                stage=draw(st.integers(1, max_stage(scheme)))
                if assessable and scheme.kind == "stages"
                else None,
                domains=tuple(draw(st.lists(st.sampled_from(DOMAINS), unique=True, max_size=2))),
                levels=tuple(draw(st.lists(st.sampled_from(LEVELS), unique=True, max_size=2))),
            )
        )
    return Tree.of(nodes)


@st.composite
def answers(draw: st.DrawFn, tree: Tree, scheme: Scheme) -> dict[str, AnswerValue]:
    options: list[str | None] = [None, *scheme.allowed_results()]
    if scheme.na_allowed:
        options.append("n/a")
    drawn: dict[str, AnswerValue] = {}
    for node in tree.nodes:
        if not node.assessable:
            continue
        choice = draw(st.sampled_from(options))
        if choice == "n/a":
            drawn[node.ref_id] = AnswerValue(node.ref_id, na=True)
        elif choice is not None:
            drawn[node.ref_id] = AnswerValue(node.ref_id, result=choice)
    return drawn


@st.composite
def cases(draw: st.DrawFn, kind: SchemeKind | None = None, max_nodes: int = 12) -> Case:
    scheme = draw(schemes(kind))
    tree = draw(trees(scheme, max_nodes))
    level = draw(st.none() | st.sampled_from(LEVELS))
    return Case(scheme, tree, draw(answers(tree, scheme)), level)


def ancestors(tree: Tree, ref_id: str) -> list[str]:
    chain: list[str] = []
    parent = tree.by_ref[ref_id].parent
    while parent is not None:
        chain.append(parent)
        parent = tree.by_ref[parent].parent
    return chain


def in_scope(tree: Tree, ref_id: str, level: str | None) -> bool:
    return any(node.ref_id == ref_id for node in tree.assessable(level))
