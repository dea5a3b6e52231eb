"""ISO 3166-1 countries from pycountry (names translated by its gettext catalogues)."""

from __future__ import annotations

import gettext
from functools import lru_cache
from typing import Any

import pycountry
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from aman.registry.models import Country

# The 57 member states of the Organisation of Islamic Cooperation (alpha-2).
OIC_MEMBER_STATES = frozenset(
    [
        "AF",
        "AL",
        "DZ",
        "AZ",
        "BH",
        "BD",
        "BJ",
        "BN",
        "BF",
        "CM",
        "TD",
        "KM",
        "CI",
        "DJ",
        "EG",
        "GA",
        "GM",
        "GN",
        "GW",
        "GY",
        "ID",
        "IR",
        "IQ",
        "JO",
        "KZ",
        "KW",
        "KG",
        "LB",
        "LY",
        "MY",
        "MV",
        "ML",
        "MR",
        "MA",
        "MZ",
        "NE",
        "NG",
        "OM",
        "PK",
        "PS",
        "QA",
        "SA",
        "SN",
        "SL",
        "SO",
        "SD",
        "SR",
        "SY",
        "TJ",
        "TG",
        "TN",
        "TR",
        "TM",
        "UG",
        "AE",
        "UZ",
        "YE",
    ]
)


@lru_cache(maxsize=4)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _name(country: Any) -> str:
    return str(getattr(country, "common_name", None) or country.name)


def country_rows() -> list[dict[str, Any]]:
    """One dict per ISO 3166-1 country, with English, Arabic and French names."""
    ar, fr = _catalogue("ar"), _catalogue("fr")
    rows = []
    for c in pycountry.countries:
        rows.append(
            {
                "code": c.alpha_2,
                "alpha3": c.alpha_3,
                "numeric": c.numeric,
                "name_en": _name(c),
                "name_ar": ar.gettext(c.name),
                "name_fr": fr.gettext(c.name),
                "oic_member": c.alpha_2 in OIC_MEMBER_STATES,
            }
        )
    return rows


def sync_countries(session: Session) -> int:
    """Insert the countries that are missing (one set-based insert); returns how many."""
    have = set(session.scalars(select(Country.code)))
    missing = [r for r in country_rows() if r["code"] not in have]
    if missing:
        session.execute(insert(Country), missing)
    return len(missing)
