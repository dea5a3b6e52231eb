"""Locale choice, formatting per locale, and the completeness of the message catalogues."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aman.web import catalogue
from aman.web.i18n import (
    Formatter,
    Translator,
    direction,
    negotiate,
    parse_accept_language,
    supported,
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_the_user_setting_wins_then_cookie_then_browser_then_default() -> None:
    assert negotiate("fr", "ar", "en", "en") == "fr"
    assert negotiate(None, "ar", "fr", "en") == "ar"
    assert negotiate(None, "de", "de-CH, fr-CA;q=0.9", "en") == "fr"
    assert negotiate(None, None, "de, es", "ar") == "ar"
    assert negotiate("xx", "", None, "fr") == "fr"


def test_accept_language_is_ordered_by_quality() -> None:
    assert parse_accept_language("fr;q=0.5, ar, en;q=0.8, de;q=0") == ["ar", "en", "fr"]
    assert parse_accept_language("en;q=bogus, fr") == ["fr"]
    assert parse_accept_language(None) == []


@given(st.text(max_size=60))
def test_negotiate_always_returns_a_supported_locale(header: str) -> None:
    assert negotiate(None, None, header, "en") in {"en", "ar", "fr"}


def test_supported_maps_regional_tags() -> None:
    assert supported("ar_SA") == "ar"
    assert supported("FR-ca") == "fr"
    assert supported("tr") is None
    assert direction("ar") == "rtl" and direction("fr") == "ltr"


def test_numbers_and_dates_follow_the_locale() -> None:
    assert Formatter("en").number(1234567.5, 1) == "1,234,567.5"
    assert Formatter("fr").number(1234567.5, 1) == "1\u202f234\u202f567,5"
    assert Formatter("en").percent(0.425, 1) == "42.5%"
    assert Formatter("fr").percent(0.5) == "50\u00a0%"
    assert Formatter("fr").date(date(2026, 3, 1), "long") == "1 mars 2026"
    assert "مارس" in Formatter("ar").date(date(2026, 3, 1), "long")
    moment = datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
    assert Formatter("en").datetime(moment).endswith("UTC")
    assert Formatter("en").number(None) == "—"


def test_translator_formats_and_pluralises() -> None:
    fr, ar = Translator("fr"), Translator("ar")
    assert fr("Welcome, %(name)s", name="Amina") == "Bienvenue, Amina"
    many = "%(num)s requirements found."
    assert fr.plural("%(num)s requirement found.", many, 1) == "1 exigence trouvée."
    assert fr.plural("%(num)s requirement found.", many, 3) == "3 exigences trouvées."
    assert ar.plural("%(num)s requirement found.", many, 2) == "عُثر على متطلبين."
    assert ar.plural("%(num)s requirement found.", many, 11) == "عُثر على 11 متطلباً."


@pytest.fixture(scope="module")
def template() -> object:
    return catalogue.extract()


def test_every_ui_string_is_translated_to_arabic_and_french(template: object) -> None:
    gaps = catalogue.missing(template)  # type: ignore[arg-type]
    report = "\n".join(f"{loc}: {msgid!r}" for loc, ids in gaps.items() for msgid in ids)
    assert not gaps, "untranslated UI strings (run python -m aman.web.catalogue update):\n" + report


def test_compiled_catalogues_match_their_sources() -> None:
    assert catalogue.stale_mo() == [], "run `python -m aman.web.catalogue compile`"


def test_translations_keep_the_placeholders(template: object) -> None:
    """A translation may drop %(num)s (Arabic's zero/one/two forms) but never invent one."""
    for locale in catalogue.TRANSLATED_LOCALES:
        translated = catalogue.read_catalog(locale)
        for message in translated:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, list | tuple) else [message.id]
            allowed = {p for i in ids for p in _PLACEHOLDER.findall(i)}
            strings = (
                message.string if isinstance(message.string, list | tuple) else [message.string]
            )
            for text in strings:
                used = set(_PLACEHOLDER.findall(text or ""))
                assert used <= allowed, (locale, message.id, text)
                assert "%" not in _PLACEHOLDER.sub("", (text or "").replace("%%", "")), text


def test_the_checker_notices_a_missing_translation(tmp_path: object) -> None:
    from babel.messages.catalog import Catalog

    fake = Catalog()
    fake.add("A string nobody translated")
    assert catalogue.missing(fake) == {
        "ar": ["A string nobody translated"],
        "fr": ["A string nobody translated"],
    }


def test_gettext_in_templates_escapes_what_it_returns() -> None:
    """`_()` output counts as safe HTML in Jinja; `_(value)` of a value outside the catalogue
    returns the value itself, so it must come back escaped (as must the parameters)."""
    from aman.web.render import templates

    page = templates.from_string("{{ _(v) }}|{{ _('%(x)s and more', x=v) }}")
    html = page.render(locale="fr", v="<script>alert(1)</script>")
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert templates.from_string("{{ _(amp) }}").render(locale="en", amp="A&B") == "A&amp;B"
