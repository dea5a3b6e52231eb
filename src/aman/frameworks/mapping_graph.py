"""Pure queries over mapping sets: transitive relations between requirements, and coverage.

Nodes are (pack id, ref_id). A mapping `source R target` is walked forwards as R and backwards
as R's inverse (subset_of <-> superset_of); `not_related` mappings are never walked.

Relationships along a path combine as a join in the lattice

    equal  <  subset_of, superset_of  <  intersects_with

i.e. `equal` steps are neutral, a path that keeps one direction keeps it (A subset_of B subset_of
C gives A subset_of C), and a path that mixes directions or contains intersects_with only
supports intersects_with. The result is therefore never stronger than the weakest edge on the
path (strength order equal > superset_of > subset_of > intersects_with), and it is sound where
a plain "weakest link" is not (A subset_of B superset_of C says nothing like A subset_of C).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, computed_field

from aman.frameworks.schemas import MappingSet, Pack, Relationship

Node = tuple[str, str]
State = tuple[Node, Relationship]

_FULL_COVER = frozenset({Relationship.EQUAL, Relationship.SUBSET_OF})


def compose(path: Relationship, edge: Relationship) -> Relationship:
    """The relationship of start to the far end after appending `edge` to `path`."""
    if path is Relationship.NOT_RELATED or edge is Relationship.NOT_RELATED:
        raise ValueError("not_related edges are never part of a path")
    if path is Relationship.EQUAL:
        return edge
    if edge is Relationship.EQUAL or edge is path:
        return path
    return Relationship.INTERSECTS_WITH


@dataclass(frozen=True, slots=True)
class Edge:
    """A walkable step from the node holding it: `relationship` is read in walking direction."""

    target: Node
    relationship: Relationship
    mapping_set: str
    forward: bool
    strength: int | None = None


@dataclass(frozen=True, slots=True)
class MappingGraph:
    adjacency: Mapping[Node, tuple[Edge, ...]] = field(default_factory=dict)

    @classmethod
    def from_mapping_sets(cls, sets: Iterable[tuple[str, MappingSet]]) -> MappingGraph:
        """Build from (source pack id, mapping set) pairs."""
        adjacency: dict[Node, list[Edge]] = {}
        for source_pack, mapping_set in sets:
            for mapping in mapping_set.mappings:
                if mapping.relationship is Relationship.NOT_RELATED:
                    continue
                source: Node = (source_pack, mapping.source)
                target: Node = (mapping_set.target, mapping.target)
                adjacency.setdefault(source, []).append(
                    Edge(target, mapping.relationship, mapping_set.id, True, mapping.strength)
                )
                adjacency.setdefault(target, []).append(
                    Edge(
                        source,
                        mapping.relationship.inverse(),
                        mapping_set.id,
                        False,
                        mapping.strength,
                    )
                )
        return cls({node: tuple(edges) for node, edges in adjacency.items()})

    @classmethod
    def from_packs(cls, packs: Iterable[Pack]) -> MappingGraph:
        return cls.from_mapping_sets(
            (pack.pack.id, mapping_set) for pack in packs for mapping_set in pack.mapping_sets
        )

    def edges(self, node: Node) -> tuple[Edge, ...]:
        return self.adjacency.get(node, ())


@dataclass(frozen=True, slots=True)
class Step:
    node: Node
    relationship: Relationship
    mapping_set: str
    forward: bool


@dataclass(frozen=True, slots=True)
class RelatedRequirement:
    node: Node
    relationship: Relationship
    path: tuple[Step, ...]

    @property
    def path_length(self) -> int:
        return len(self.path)

    @property
    def inferred(self) -> bool:
        """True when the relation goes through another requirement (not a direct mapping)."""
        return len(self.path) > 1


_Parent = tuple[State, Step] | None


def reachable_states(
    graph: MappingGraph, start: Node, max_depth: int | None = None
) -> dict[State, tuple[int, _Parent]]:
    """Every (node, relationship) reachable from `start`, with the shortest path to it.

    A breadth-first search over (node, relationship-so-far) states: the relationship lattice
    has four values, so the search is linear in the size of the graph.
    """
    origin: State = (start, Relationship.EQUAL)
    found: dict[State, tuple[int, _Parent]] = {origin: (0, None)}
    queue: deque[State] = deque([origin])
    while queue:
        state = queue.popleft()
        depth = found[state][0]
        if max_depth is not None and depth >= max_depth:
            continue
        node, so_far = state
        for edge in graph.edges(node):
            nxt: State = (edge.target, compose(so_far, edge.relationship))
            if nxt not in found:
                step = Step(edge.target, edge.relationship, edge.mapping_set, edge.forward)
                found[nxt] = (depth + 1, (state, step))
                queue.append(nxt)
    return found


def _path_to(found: Mapping[State, tuple[int, _Parent]], state: State) -> tuple[Step, ...]:
    steps: list[Step] = []
    parent = found[state][1]
    while parent is not None:
        previous, step = parent
        steps.append(step)
        parent = found[previous][1]
    return tuple(reversed(steps))


def related(
    graph: MappingGraph, start: Node, max_depth: int | None = None
) -> dict[Node, RelatedRequirement]:
    """All requirements related to `start`, each with its strongest relationship (read as
    "start <relationship> node") and the shortest path giving it."""
    found = reachable_states(graph, start, max_depth)
    best: dict[Node, State] = {}
    for state, (depth, _parent) in found.items():
        node, relationship = state
        if node == start:
            continue
        current = best.get(node)
        if current is None or _better(relationship, depth, current, found):
            best[node] = state
    return {
        node: RelatedRequirement(node, state[1], _path_to(found, state))
        for node, state in best.items()
    }


def _better(
    relationship: Relationship,
    depth: int,
    current: State,
    found: Mapping[State, tuple[int, _Parent]],
) -> bool:
    if relationship.strength != current[1].strength:
        return relationship.strength > current[1].strength
    return depth < found[current][0]


class Coverage(BaseModel):
    """How far `by_pack` covers the assessable requirements of `pack`.

    `full`: some requirement of `by_pack` is equal to it or a superset of it (directly or by
    a path), so meeting that requirement meets this one. `partial`: related otherwise.
    """

    model_config = ConfigDict(frozen=True)

    pack: str
    by_pack: str
    total: int
    full: list[str]
    partial: list[str]
    uncovered: list[str]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def full_ratio(self) -> float:
        return len(self.full) / self.total if self.total else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def partial_ratio(self) -> float:
        return len(self.partial) / self.total if self.total else 0.0


def coverage(
    pack: Pack, by_pack: str, graph: MappingGraph, max_depth: int | None = None
) -> Coverage:
    """Coverage of `pack`'s assessable requirements by the requirements of pack `by_pack`."""
    full: list[str] = []
    partial: list[str] = []
    uncovered: list[str] = []
    assessable = [requirement for requirement in pack.requirements if requirement.assessable]
    for requirement in assessable:
        start: Node = (pack.pack.id, requirement.ref_id)
        relations = {
            relationship
            for (node, relationship) in reachable_states(graph, start, max_depth)
            if node[0] == by_pack and node != start
        }
        if relations & _FULL_COVER:
            full.append(requirement.ref_id)
        elif relations:
            partial.append(requirement.ref_id)
        else:
            uncovered.append(requirement.ref_id)
    return Coverage(
        pack=pack.pack.id,
        by_pack=by_pack,
        total=len(assessable),
        full=full,
        partial=partial,
        uncovered=uncovered,
    )
