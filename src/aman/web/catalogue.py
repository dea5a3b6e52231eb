"""The message catalogues of the web UI: extract, merge, compile and check.

    python -m aman.web.catalogue update    # extract strings, merge into every .po, compile .mo
    python -m aman.web.catalogue check     # exit 1 listing strings without ar/fr translation

English is the source language; `ar` and `fr` must translate every string (a test runs
`missing()` and fails on any gap), and the committed .mo files must match their .po files.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from aman.web.i18n import DOMAIN, LOCALE_DIR

REPO = Path(__file__).resolve().parents[3]
CONFIG = REPO / "babel.cfg"
TRANSLATED_LOCALES = ("ar", "fr")


def extract(root: Path = REPO, config: Path = CONFIG) -> Catalog:
    """Every translatable string of the sources named in babel.cfg, as a template catalogue."""
    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    template = Catalog(project="Aman", domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def read_catalog(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        catalog = Catalog(locale=locale, domain=DOMAIN, project="Aman", fuzzy=False)
    else:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=DOMAIN)
    catalog.fuzzy = False  # a fuzzy header would drop Plural-Forms from the .mo
    catalog.project, catalog.version = "Aman", ""
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Aman contributors"
    catalog.language_team = f"{locale} <aman-i18n>"
    return catalog


def _translated(message: Message) -> bool:
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(strings) and all(s and s.strip() for s in strings)


def missing(template: Catalog, locales: Iterable[str] = TRANSLATED_LOCALES) -> dict[str, list[str]]:
    """locale → msgids of `template` that its catalogue does not translate."""
    gaps: dict[str, list[str]] = {}
    for locale in locales:
        catalog = read_catalog(locale)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, message.context)
            if found is None or not _translated(found):
                key = message.id if isinstance(message.id, str) else message.id[0]
                gaps.setdefault(locale, []).append(key)
    return gaps


def compile_catalog(locale: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(locale), use_fuzzy=False)
    return buffer.getvalue()


def _entries(catalog: Catalog) -> dict[object, object]:
    def key(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def stale_mo(locales: Iterable[str] = TRANSLATED_LOCALES) -> list[str]:
    """Locales whose compiled .mo does not hold what their .po says."""
    stale = []
    for locale in locales:
        path = mo_path(locale)
        if not path.exists():
            stale.append(locale)
            continue
        with path.open("rb") as handle:
            on_disk = _entries(read_mo(handle))
        fresh = _entries(read_mo(io.BytesIO(compile_catalog(locale))))
        if on_disk != fresh:
            stale.append(locale)
    return stale


def update(locales: Iterable[str] = TRANSLATED_LOCALES) -> Catalog:
    """Extract, merge into each .po (new strings untranslated, gone ones dropped), compile."""
    template = extract()
    for locale in locales:
        catalog = read_catalog(locale)
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = created  # no churn in the file when nothing changed
        catalog.obsolete.clear()
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, include_lineno=False, sort_by_file=True)
        mo_path(locale).write_bytes(compile_catalog(locale))
    return template


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        command = "check"
    if command == "compile":
        for locale in TRANSLATED_LOCALES:
            mo_path(locale).write_bytes(compile_catalog(locale))
        return 0
    if command == "check":
        gaps = missing(extract())
        for locale, ids in gaps.items():
            for msgid in ids:
                print(f"{locale}: untranslated: {msgid!r}")
        for locale in stale_mo():
            print(f"{locale}: {mo_path(locale)} is out of date: run `compile`")
        return 1 if gaps or stale_mo() else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
