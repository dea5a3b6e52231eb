"""Languages of the web UI: choosing the locale, loading catalogues, formatting per locale.

The locale comes from the user's own setting, then the `lang` cookie the switcher sets, then
the browser's Accept-Language, then `AMAN_DEFAULT_LOCALE`. Choosing is a pure function
(`negotiate`) so that the order is tested without HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_decimal as _format_decimal
from babel.numbers import format_percent as _format_percent
from babel.support import NullTranslations, Translations
from starlette.requests import Request

from aman.settings import SUPPORTED_LOCALES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANG_COOKIE = "lang"
RTL_LOCALES = frozenset({"ar"})


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    direction: str


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "ltr"),
    Language("ar", "العربية", "rtl"),
    Language("fr", "Français", "ltr"),
)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention, found by extractors
    """Mark a string for extraction without translating it now (translated at render time)."""
    return message


def supported(code: str | None) -> str | None:
    """The supported locale for a code such as `fr-CA` or `ar_SA`, else None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LOCALES else None


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, best first (q=0 dropped, order kept on ties)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(
    user_locale: str | None, cookie: str | None, accept_language: str | None, default: str
) -> str:
    """The locale to use: user setting, then cookie, then Accept-Language, then the default."""
    for candidate in (user_locale, cookie):
        chosen = supported(candidate)
        if chosen:
            return chosen
    for tag in parse_accept_language(accept_language):
        chosen = supported(tag)
        if chosen:
            return chosen
    return supported(default) or "en"


def direction(locale: str) -> str:
    return "rtl" if locale in RTL_LOCALES else "ltr"


@lru_cache(maxsize=8)
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of `locale` (English is the source language: no catalogue)."""
    if locale == "en":
        return NullTranslations()
    loaded = Translations.load(str(LOCALE_DIR), [locale], DOMAIN)
    return loaded


def request_locale(request: Request) -> str:
    """The locale of this request, decided once and kept on `request.state`."""
    cached = getattr(request.state, "locale", None)
    if isinstance(cached, str):
        return cached
    web_user = getattr(request.state, "web_user", None)
    user_locale = web_user.user.locale if web_user is not None else None
    default = request.app.state.settings.default_locale
    locale = negotiate(
        user_locale,
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        default,
    )
    request.state.locale = locale
    return locale


def gettext(locale: str, message: str) -> str:
    return translations(locale).gettext(message)


def ngettext(locale: str, singular: str, plural: str, n: int) -> str:
    return translations(locale).ngettext(singular, plural, n)


@dataclass(frozen=True)
class Formatter:
    """Numbers and dates for one locale (Western digits everywhere, CLDR separators/names)."""

    locale: str

    def number(self, value: float | int | None, digits: int | None = None) -> str:
        if value is None:
            return "—"
        if digits is None:
            return _format_decimal(value, locale=self.locale)
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return _format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, ratio: float | None, digits: int = 0) -> str:
        if ratio is None:
            return "—"
        pattern = Locale.parse(self.locale).percent_formats[None].pattern.split(";")[0]
        if digits:
            pattern = re.sub(r"0(?=[^0#,]*$)", "0." + "0" * digits, pattern, count=1)
        return _format_percent(ratio, format=pattern, locale=self.locale)

    def date(self, value: date | datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.date()
        return _format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return "—"
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return _format_datetime(aware, format=fmt, tzinfo=UTC, locale=self.locale) + " UTC"


def language_name(code: str, in_locale: str) -> str:
    """The display name of a language in another locale (for lists of translations)."""
    name = Locale.parse(code).get_display_name(in_locale)
    return name or code


@dataclass(frozen=True)
class Translator:
    """Translation and formatting in one locale, for views that build labels and tables.

    `t(N_("Members"))`; `t("%(n)s rows", n=3)`; `t.options(LABELS)` for a select's options."""

    locale: str

    def __call__(self, message: str, **params: object) -> str:
        text = gettext(self.locale, message)
        return text % params if params else text

    def plural(self, singular: str, plural: str, n: int, **params: object) -> str:
        return ngettext(self.locale, singular, plural, n) % {"num": n, **params}

    def label(self, labels: dict[str, str], key: str | None) -> str:
        """The translated label of a vocabulary value (the value itself if unknown)."""
        if key is None:
            return ""
        return self(labels[key]) if key in labels else key

    def options(self, labels: dict[str, str]) -> list[tuple[str, str]]:
        return [(key, self(msgid)) for key, msgid in labels.items()]

    @property
    def rtl(self) -> bool:
        return self.locale in RTL_LOCALES

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.locale)


def translator(request: Request) -> Translator:
    return Translator(request_locale(request))
