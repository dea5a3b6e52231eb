"""Knowledge-check scoring, pure.

A single-choice question earns its points when the one correct choice, and only it, is
picked. A multiple-choice question earns `(correct picks - wrong picks) / correct choices`
of its points, never less than zero, so guessing everything earns nothing. The score is the
share of all points earned; the attempt passes at or above the module's pass mark.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class QuestionKey:
    key: str
    kind: str
    points: float
    correct: frozenset[str]
    choices: frozenset[str]

    @classmethod
    def of(
        cls, key: str, kind: str, points: float, choices: Sequence[Mapping[str, Any]]
    ) -> QuestionKey:
        return cls(
            key,
            kind,
            points,
            frozenset(c["id"] for c in choices if c.get("correct")),
            frozenset(c["id"] for c in choices),
        )


@dataclass(frozen=True, slots=True)
class Marked:
    score: float
    earned: dict[str, float]
    unknown: tuple[str, ...]


def earned(question: QuestionKey, picked: frozenset[str]) -> float:
    if question.kind == "single":
        return question.points if picked == question.correct else 0.0
    right = len(picked & question.correct)
    wrong = len(picked - question.correct)
    return question.points * max(0.0, (right - wrong) / len(question.correct))


def mark(questions: Sequence[QuestionKey], answers: Mapping[str, Sequence[str]]) -> Marked:
    """Score `answers` (question key -> chosen choice ids); unanswered questions earn 0.
    Keys of unknown questions or choices are reported in `unknown`, never silently scored."""
    by_key = {q.key: q for q in questions}
    unknown = sorted(k for k in answers if k not in by_key)
    for key, picked in answers.items():
        if key in by_key:
            unknown += [f"{key}.{c}" for c in sorted(set(picked) - by_key[key].choices)]
    points = {q.key: earned(q, frozenset(answers.get(q.key, ()))) for q in questions}
    total = math.fsum(q.points for q in questions)
    return Marked(math.fsum(points.values()) / total if total else 0.0, points, tuple(unknown))
