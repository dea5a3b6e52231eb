"""Forms: CSRF on every POST through one dependency, and input errors that name their field.

A logged-in user's token is the `csrf_token` of the web session (the same one the API checks in
`X-CSRF-Token`). Before login (login form, language switcher) it is a random value kept in a
cookie and echoed by the form (double submit). Either way a cross-site page cannot read it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from aman.auth.deps import CSRF_HEADER
from aman.errors import AmanError, Conflict, FieldError, InvalidInput
from aman.web.auth import WebUser, optional_user
from aman.web.i18n import N_, gettext

CSRF_FIELD = "csrf_token"
ANON_CSRF_COOKIE = "aman_csrf"
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class CsrfFailed(Exception):
    """The form's token is missing or does not match."""


def csrf_token(request: Request) -> str:
    """The token to put in this page's forms (creates the pre-login cookie value if needed)."""
    web_user = getattr(request.state, "web_user", None)
    if isinstance(web_user, WebUser):
        return web_user.csrf_token
    token = request.cookies.get(ANON_CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_csrf = token  # `render` sets the cookie on the response
    return str(token)


def _expected(request: Request, web_user: WebUser | None) -> str | None:
    if web_user is not None:
        return web_user.csrf_token
    return request.cookies.get(ANON_CSRF_COOKIE)


def check_csrf(request: Request, form: FormData, web_user: WebUser | None) -> None:
    """Raise CsrfFailed unless the form (or the X-CSRF-Token header) carries the token."""
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = _expected(request, web_user)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise CsrfFailed()


async def csrf_form(
    request: Request, web_user: Annotated[WebUser | None, Depends(optional_user)]
) -> FormData:
    """The posted form, after checking its CSRF token (field `csrf_token` or the header)."""
    form = await request.form()
    check_csrf(request, form, web_user)
    return form


async def raw_form(request: Request) -> FormData:
    """The posted form, unchecked: for the rare handler that checks CSRF itself (logout)."""
    return await request.form()


CsrfForm = Annotated[FormData, Depends(csrf_form)]
RawForm = Annotated[FormData, Depends(raw_form)]


# --- turning form fields into service input ---------------------------------------------


def form_values(
    form: FormData,
    *,
    booleans: Iterable[str] = (),
    lists: Iterable[str] = (),
    keep_empty: Iterable[str] = (),
) -> dict[str, Any]:
    """Form fields as a dict for a pydantic model: blank text is omitted (the model's default
    applies), checkboxes become booleans, repeated fields become lists."""
    booleans, lists, keep_empty = set(booleans), set(lists), set(keep_empty)
    values: dict[str, Any] = {}
    for key in {k for k in form if k != CSRF_FIELD}:
        if key in lists:
            values[key] = [v for v in form.getlist(key) if isinstance(v, str) and v.strip()]
            continue
        raw = form.get(key)
        if not isinstance(raw, str):
            continue
        text = raw.strip()
        if key in booleans:
            values[key] = text.lower() in {"1", "on", "true", "yes"}
        elif text or key in keep_empty:
            values[key] = text if text else None
    for key in booleans:
        values.setdefault(key, False)
    return values


def parse(model: type[M], values: Mapping[str, Any], required: Iterable[str] = ()) -> M:
    """Validate `values` with `model`, or raise InvalidInput naming each wrong field.

    `required` names fields that must not be blank even where the model allows leaving them
    out (a patch model edited through a form that shows the current value)."""
    errors = [
        FieldError(name, _message({"type": "missing"}))
        for name in required
        if values.get(name) in (None, "")
    ]
    try:
        result = model.model_validate(dict(values))
    except ValidationError as exc:
        named = {e.field for e in errors}
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"]) or "form"
            if where not in named:
                errors.append(FieldError(where, _message(e)))
        raise InvalidInput("the form has errors", errors) from exc
    if errors:
        raise InvalidInput("the form has errors", errors)
    return result


# Pydantic error types → messages users understand (translated when shown).
_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("Too short: at least %(min_length)s characters."),
    "string_too_long": N_("Too long: at most %(max_length)s characters."),
    "string_pattern_mismatch": N_("Not in the expected format."),
    "literal_error": N_("Choose one of the listed values."),
    "enum": N_("Choose one of the listed values."),
    "uuid_parsing": N_("Choose a valid entry."),
    "uuid_type": N_("Choose a valid entry."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "int_parsing": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("Too small: at least %(ge)s."),
    "less_than_equal": N_("Too large: at most %(le)s."),
}


def _message(error: Any) -> str:
    kind = str(error.get("type", ""))
    if kind in _MESSAGES:
        ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, int | float)}
        return "\x00" + kind + "\x00" + ",".join(f"{k}={v}" for k, v in ctx.items())
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")


def translate_message(message: str, locale: str) -> str:
    """A field message in `locale`: our own pydantic-type messages are translated, messages
    that services wrote are shown as they are."""
    if not message.startswith("\x00"):
        return message
    _, kind, raw = message.split("\x00", 2)
    params = dict(item.split("=", 1) for item in raw.split(",") if "=" in item)
    text = gettext(locale, _MESSAGES[kind])
    try:
        return str(text % params) if params else text
    except (KeyError, ValueError):
        return text


@dataclass
class FormErrors:
    """Errors of one form submission: per field, and for the form as a whole (key "")."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, exc: AmanError, locale: str, known: Iterable[str] = ()) -> FormErrors:
        """Group an error by field; fields the form does not show go to the form level."""
        known = set(known)
        result = cls()
        for e in exc.errors:
            key = e.field.split(".")[0] if e.field.split(".")[0] in known else ""
            result.add(key, translate_message(e.message, locale))
        if not exc.errors:
            result.add("", exc.detail)
        return result

    def add(self, field_name: str, message: str) -> None:
        self.fields.setdefault(field_name, []).append(message)

    def get(self, field_name: str) -> list[str]:
        return self.fields.get(field_name, [])

    def __bool__(self) -> bool:
        return bool(self.fields)

    @property
    def general(self) -> list[str]:
        return self.fields.get("", [])


def attempt(
    session: Session, locale: str, fields: Iterable[str], action: Callable[[], T]
) -> tuple[T | None, FormErrors]:
    """Run a form's service call; on invalid input or a conflict, roll back and return the
    errors for the form to show again (other errors propagate to the error page)."""
    try:
        return action(), FormErrors()
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return None, FormErrors.of(exc, locale, fields)
