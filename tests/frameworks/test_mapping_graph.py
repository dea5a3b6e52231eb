"""Mapping graph: transitive relations (direction-aware weakest link) and coverage."""

from __future__ import annotations

from collections.abc import Iterator
from functools import reduce
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.frameworks.mapping_graph import (
    MappingGraph,
    Node,
    compose,
    coverage,
    reachable_states,
    related,
)
from aman.frameworks.schemas import Mapping, MappingSet, Pack, Relationship

EQ, SUB, SUP, INT, NOT = (
    Relationship.EQUAL,
    Relationship.SUBSET_OF,
    Relationship.SUPERSET_OF,
    Relationship.INTERSECTS_WITH,
    Relationship.NOT_RELATED,
)
Edge = tuple[Node, Node, Relationship]


def graph_of(edges: list[Edge]) -> MappingGraph:
    sets = []
    for index, (source, target, relationship) in enumerate(edges):
        mapping = Mapping(source=source[1], target=target[1], relationship=relationship)
        mapping_set = MappingSet(id=f"set-{index}", target=target[0], mappings=[mapping])
        sets.append((source[0], mapping_set))
    return MappingGraph.from_mapping_sets(sets)


def pack_of(pack_id: str, refs: list[str], groups: tuple[str, ...] = ()) -> Pack:
    requirements = [{"ref_id": g, "title": g, "assessable": False} for g in groups]
    requirements += [{"ref_id": ref, "title": ref} for ref in refs]
    return Pack.model_validate(
        {
            "schema_version": 1,
            "pack": {
                "id": pack_id,
                "version": "1",
                "title": pack_id,
                "publisher": "T",
                "licence_class": "full_text",
                "licence": "CC0",
                "domains": ["general"],
            },
            "scoring": {"kind": "yes_partial_no"},
            "requirements": requirements,
        }
    )


def test_compose_table() -> None:
    assert compose(EQ, SUB) is SUB and compose(SUB, EQ) is SUB
    assert compose(SUB, SUB) is SUB and compose(SUP, SUP) is SUP
    assert compose(SUB, SUP) is INT and compose(SUP, SUB) is INT
    assert compose(INT, EQ) is INT and compose(EQ, INT) is INT
    with pytest.raises(ValueError):
        compose(EQ, NOT)


def test_transitive_subset_chain_and_inverse() -> None:
    a, b, c = ("a", "1"), ("b", "1"), ("c", "1")
    graph = graph_of([(a, b, SUB), (b, c, SUB)])
    from_a = related(graph, a)
    assert from_a[b].relationship is SUB and not from_a[b].inferred
    assert from_a[c].relationship is SUB and from_a[c].path_length == 2 and from_a[c].inferred
    assert [step.node for step in from_a[c].path] == [b, c]
    from_c = related(graph, c)
    assert from_c[a].relationship is SUP
    assert [step.forward for step in from_c[a].path] == [False, False]


def test_mixed_directions_only_intersect() -> None:
    a, b, c = ("a", "1"), ("b", "1"), ("c", "1")
    graph = graph_of([(a, b, SUB), (c, b, SUB)])
    assert related(graph, a)[c].relationship is INT


def test_not_related_is_never_walked() -> None:
    a, b, c = ("a", "1"), ("b", "1"), ("c", "1")
    graph = graph_of([(a, b, NOT), (b, c, EQ)])
    assert related(graph, a) == {}
    assert set(related(graph, b)) == {c}


def test_strongest_path_wins_over_shortest() -> None:
    a, b, c, d = ("a", "1"), ("b", "1"), ("c", "1"), ("d", "1")
    graph = graph_of([(a, d, INT), (a, b, EQ), (b, c, EQ), (c, d, EQ)])
    best = related(graph, a)[d]
    assert best.relationship is EQ and best.path_length == 3
    assert related(graph, a, max_depth=1)[d].relationship is INT


def test_coverage_full_partial_uncovered() -> None:
    source = pack_of("src", ["A1", "A2", "A3", "A4", "A5"], groups=("G",))
    edges = [
        (("src", "A1"), ("dst", "B1"), EQ),  # equal: full
        (("src", "A2"), ("dst", "B2"), SUB),  # A2 within B2: meeting B2 meets A2
        (("dst", "B3"), ("src", "A3"), SUP),  # same, stated from the other side
        (("src", "A4"), ("dst", "B4"), SUP),  # A4 larger than B4: partial
        (("src", "A5"), ("other", "X"), INT),  # related only to another pack
        (("src", "G"), ("dst", "B9"), EQ),  # grouping node: not counted
    ]
    result = coverage(source, "dst", graph_of(edges))
    assert result.total == 5
    assert result.full == ["A1", "A2", "A3"]
    assert result.partial == ["A4"]
    assert result.uncovered == ["A5"]
    assert result.full_ratio == pytest.approx(0.6) and result.partial_ratio == pytest.approx(0.2)


def test_coverage_through_a_bridge_framework() -> None:
    source = pack_of("src", ["A1", "A2"])
    edges = [
        (("src", "A1"), ("iso-27001-2022", "A.8.24"), SUB),
        (("dst", "B1"), ("iso-27001-2022", "A.8.24"), SUP),
        (("src", "A2"), ("iso-27001-2022", "A.5.1"), EQ),
        (("dst", "B2"), ("iso-27001-2022", "A.5.1"), SUB),
    ]
    result = coverage(source, "dst", graph_of(edges))
    assert result.full == ["A1"]  # A1 within A.8.24 within B1
    assert result.partial == ["A2"]  # A2 equals A.5.1, of which B2 is only a part
    assert coverage(source, "dst", graph_of(edges), max_depth=1).uncovered == ["A1", "A2"]


def test_graph_from_packs_uses_source_pack_id(fixtures: Path) -> None:
    from aman.frameworks.loader import load_pack

    pack = load_pack(fixtures / "good_pack.yaml").pack
    assert pack is not None
    graph = MappingGraph.from_packs([pack])
    found = related(graph, ("test-5g-core", "SBA-01"))
    assert found[("test-csf", "PR.DS-02")].relationship is SUB
    assert found[("3gpp-ts-33.501", "13.1")].relationship is EQ
    # SUCI-01 intersects PR.DS-02, which SBA-01 is within: SUCI-01 only intersects SBA-01.
    assert (
        related(graph, ("test-5g-core", "SUCI-01"))[("test-5g-core", "SBA-01")].relationship is INT
    )


# --- properties -------------------------------------------------------------------------

NODES = [(pack, ref) for pack in ("p", "q", "r") for ref in ("1", "2", "3")]
node_st = st.sampled_from(NODES)
edge_st = st.tuples(node_st, node_st, st.sampled_from([EQ, SUB, SUP, INT, NOT])).filter(
    lambda edge: edge[0] != edge[1]
)
edges_st = st.lists(edge_st, max_size=12)


def simple_paths(edges: list[Edge], start: Node) -> Iterator[tuple[Node, Relationship, int]]:
    """Brute force: every simple path from start, as (end, composed relationship, length)."""
    adjacency: dict[Node, list[tuple[Node, Relationship]]] = {}
    for source, target, relationship in edges:
        if relationship is NOT:
            continue
        adjacency.setdefault(source, []).append((target, relationship))
        adjacency.setdefault(target, []).append((source, relationship.inverse()))

    def walk(
        node: Node, so_far: Relationship, visited: frozenset[Node], length: int
    ) -> Iterator[tuple[Node, Relationship, int]]:
        for target, relationship in adjacency.get(node, []):
            if target in visited:
                continue
            composed = compose(so_far, relationship)
            yield target, composed, length + 1
            yield from walk(target, composed, visited | {target}, length + 1)

    yield from walk(start, EQ, frozenset({start}), 0)


@settings(max_examples=300, deadline=None)
@given(edges_st, node_st)
def test_related_matches_brute_force(edges: list[Edge], start: Node) -> None:
    expected: dict[Node, tuple[int, int]] = {}  # node -> (best strength, shortest length)
    for end, relationship, length in simple_paths(edges, start):
        key = (relationship.strength, -length)
        if end not in expected or key > (expected[end][0], -expected[end][1]):
            expected[end] = (relationship.strength, length)
    found = related(graph_of(edges), start)
    assert {node: (r.relationship.strength, r.path_length) for node, r in found.items()} == expected


@settings(max_examples=300, deadline=None)
@given(edges_st, node_st)
def test_path_relationship_is_never_stronger_than_its_edges(edges: list[Edge], start: Node) -> None:
    graph = graph_of(edges)
    for node, result in related(graph, start).items():
        steps = result.path
        assert steps and steps[-1].node == node and result.path_length == len(steps)
        assert all(step.relationship is not NOT for step in steps)
        weakest = min(step.relationship.strength for step in steps)
        assert result.relationship.strength <= weakest
        assert reduce(compose, (s.relationship for s in steps), EQ) is result.relationship
        previous = start
        for step in steps:  # every step is a real edge, walked in the stated direction
            assert any(
                e.target == step.node and e.relationship is step.relationship
                for e in graph.edges(previous)
            )
            previous = step.node


@settings(max_examples=200, deadline=None)
@given(edges_st, node_st)
def test_relations_are_symmetric_by_inverse(edges: list[Edge], start: Node) -> None:
    graph = graph_of(edges)
    for (node, relationship), _found in reachable_states(graph, start).items():
        if node != start:
            assert (start, relationship.inverse()) in reachable_states(graph, node)


def coverage_counts(edges: list[Edge]) -> tuple[set[str], set[str]]:
    result = coverage(pack_of("p", ["1", "2", "3"]), "q", graph_of(edges))
    assert 0.0 <= result.full_ratio <= 1.0 and 0.0 <= result.partial_ratio <= 1.0
    assert result.full_ratio + result.partial_ratio <= 1.0
    parts = [set(result.full), set(result.partial), set(result.uncovered)]
    assert set().union(*parts) == {"1", "2", "3"} and sum(map(len, parts)) == 3
    return set(result.full), set(result.full) | set(result.partial)


@settings(max_examples=300, deadline=None)
@given(edges_st, edge_st)
def test_adding_a_mapping_never_lowers_coverage(edges: list[Edge], extra: Edge) -> None:
    full_before, any_before = coverage_counts(edges)
    full_after, any_after = coverage_counts([*edges, extra])
    assert full_before <= full_after
    assert any_before <= any_after
