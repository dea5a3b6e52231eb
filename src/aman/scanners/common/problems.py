"""Why a file could not be checked: a typed problem that becomes an error finding."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One input that was refused or unreadable.

    ``path`` is relative to the scanned root (POSIX separators); ``code`` is a stable slug
    (``symlink-escape``, ``too-large``, ``unreadable``, ``malformed``, ``archive-bomb``...).
    """

    path: str
    code: str
    message: str
    line: int | None = None


class ProblemError(Exception):
    """Raised by readers; carries the problem to record."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem
