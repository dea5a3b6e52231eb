"""Answers for pack B inferred from an assessment against pack A through mappings.

Inference is a suggestion shown with its provenance (source requirement, relationship, whether it
was capped), never a silent copy, and it only ever errs low: a mapping that does not show A
covering all of B gives at most "partial", values are converted to B's scale by rounding down,
and among several sources the most conservative of the best-founded ones wins.

Relationships are read "B_ref <relationship> A_ref" (NIST IR 8477):

- `equal`, or `subset_of` (B is contained in A, so meeting A meets B): the result carries over;
- `superset_of`, `intersects_with`: A meets part of B at best, so the value is capped at 0.5;
- `not_related`: never used.

Not applicable carries over only through `equal`: a different requirement may well apply.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aman.assessments.domain import AnswerValue, Scheme
from aman.frameworks.schemas import Relationship

#: Preference among relationships, strongest first: full cover before partial, and of the
#: partial ones a known containment (A inside B) before a mere overlap.
RANK = {
    Relationship.EQUAL: 0,
    Relationship.SUBSET_OF: 1,
    Relationship.SUPERSET_OF: 2,
    Relationship.INTERSECTS_WITH: 3,
}
FULL = frozenset({Relationship.EQUAL, Relationship.SUBSET_OF})
CAP = 0.5


@dataclass(frozen=True, slots=True)
class MappingSource:
    """One requirement of pack A related to a requirement of pack B (read "B rel A")."""

    source_ref: str
    relationship: Relationship
    path_length: int = 1


@dataclass(frozen=True, slots=True)
class InferredAnswer:
    """An answer for pack B with its provenance; `result` is None exactly when `na`."""

    ref_id: str
    result: str | None
    na: bool
    source_ref: str
    relationship: Relationship
    capped: bool


def to_result(scheme: Scheme, value: float) -> str:
    """The highest result of `scheme` whose normalised value is <= `value` (never rounds up)."""
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"{value!r} is not a normalised value between 0 and 1")
    candidates = [(scheme.normalise(r), r) for r in scheme.allowed_results()]
    return max((c for c in candidates if c[0] <= value), key=lambda c: c[0])[1]


@dataclass(frozen=True, slots=True)
class _Candidate:
    source: MappingSource
    relationship: Relationship
    value: float | None  # None: not applicable
    capped: bool

    def key(self) -> tuple[int, int, float, str]:
        """Strongest relationship, then shortest path, then lowest value (n/a last)."""
        value = math.inf if self.value is None else self.value
        return (RANK[self.relationship], self.source.path_length, value, self.source.source_ref)


def _candidate(
    source: MappingSource,
    answers_a: Mapping[str, AnswerValue],
    scheme_a: Scheme,
    scheme_b: Scheme,
) -> _Candidate | None:
    """The usable contribution of one source, or None (unanswered, unrelated, n/a not equal)."""
    relationship = Relationship(source.relationship)
    if source.path_length < 1:
        raise ValueError(f"{source.source_ref}: path_length must be at least 1")
    answer = answers_a.get(source.source_ref)
    if relationship not in RANK or answer is None:
        return None
    if answer.na:
        usable = relationship is Relationship.EQUAL and scheme_b.na_allowed
        return _Candidate(source, relationship, None, False) if usable else None
    if answer.result is None:
        return None
    try:
        value = scheme_a.normalise(answer.result)
    except ValueError as exc:
        raise ValueError(f"{source.source_ref}: {exc}") from None
    if relationship in FULL:
        return _Candidate(source, relationship, value, False)
    return _Candidate(source, relationship, min(value, CAP), value > CAP)


def infer(
    sources: Mapping[str, Sequence[MappingSource]],
    answers_a: Mapping[str, AnswerValue],
    scheme_a: Scheme,
    scheme_b: Scheme,
) -> dict[str, InferredAnswer]:
    """Inferred answers per B ref_id (in the order of `sources`); no usable source, no entry.

    `capped` is True when the relationship lowered the value (a source above "partial" reached
    B through `superset_of` or `intersects_with`).
    """
    inferred: dict[str, InferredAnswer] = {}
    for ref_id, related in sources.items():
        candidates = [
            found
            for source in related
            if (found := _candidate(source, answers_a, scheme_a, scheme_b)) is not None
        ]
        if not candidates:
            continue
        best = min(candidates, key=_Candidate.key)
        inferred[ref_id] = InferredAnswer(
            ref_id=ref_id,
            result=None if best.value is None else to_result(scheme_b, best.value),
            na=best.value is None,
            source_ref=best.source.source_ref,
            relationship=best.relationship,
            capped=best.capped,
        )
    return inferred
