"""Domain errors raised by services and rendered as RFC 9457 problem details at the edges.

Services never know about HTTP; the API maps each error class to a status once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field (`field` is a dotted path, e.g. `rows.3.country`)."""

    field: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.line is not None:
            data["line"] = self.line
        return data


@dataclass
class AmanError(Exception):
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __str__(self) -> str:
        if not self.errors:
            return self.detail
        lines = [self.detail] + [
            f"  {e.field}{f' (line {e.line})' if e.line else ''}: {e.message}" for e in self.errors
        ]
        return "\n".join(lines)


class InvalidInput(AmanError):
    status = 422
    title = "Invalid input"
    slug = "invalid-input"


class NotFound(AmanError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(AmanError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class NotAuthenticated(AmanError):
    status = 401
    title = "Not authenticated"
    slug = "not-authenticated"


class PermissionDenied(AmanError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class TooManyAttempts(AmanError):
    status = 429
    title = "Too many attempts"
    slug = "too-many-attempts"
    retry_after: int = 0

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class PayloadTooLarge(AmanError):
    status = 413
    title = "Payload too large"
    slug = "payload-too-large"
