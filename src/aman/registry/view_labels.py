"""Translatable labels of the registry's vocabularies and the pages' shared look-ups."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.registry import service
from aman.registry.models import Member, Organisation
from aman.web.i18n import N_

SECTOR_LABELS = {
    "telecom": N_("Telecommunications"),
    "finance": N_("Finance"),
    "energy": N_("Energy"),
    "government": N_("Government"),
    "health": N_("Health"),
    "cloud-it": N_("Cloud and IT services"),
    "transport": N_("Transport"),
    "water": N_("Water"),
    "education": N_("Education"),
    "manufacturing": N_("Manufacturing"),
    "other": N_("Other"),
}
CLASS_LABELS = {
    "full": N_("Full member"),
    "general": N_("General member"),
    "professional": N_("Professional member"),
    "affiliate": N_("Affiliate member"),
    "commercial": N_("Commercial member"),
}
STATUS_LABELS = {
    "active": N_("Active"),
    "suspended": N_("Suspended"),
    "withdrawn": N_("Withdrawn"),
}
SIZE_LABELS = {
    "micro": N_("Micro"),
    "small": N_("Small"),
    "medium": N_("Medium"),
    "large": N_("Large"),
    "very-large": N_("Very large"),
}
CONTACT_ROLE_LABELS = {
    "primary": N_("Primary"),
    "alternate": N_("Alternate"),
    "technical": N_("Technical"),
    "management": N_("Management"),
    "legal": N_("Legal"),
    "media": N_("Media"),
}
WG_DOMAIN_LABELS = {
    "5g": N_("5G"),
    "cloud": N_("Cloud computing"),
    "ai": N_("Artificial intelligence"),
    "pqc": N_("Post-quantum cryptography"),
    "blockchain": N_("Blockchain"),
    "other": N_("Other"),
}
WG_ROLE_LABELS = {"co-lead": N_("Co-lead"), "member": N_("Member")}
YES, NO = N_("Yes"), N_("No")


def country_names(session: Session, locale: str) -> dict[str, str]:
    """ISO code → country name in `locale` (English where no translation is stored)."""
    names = {}
    for country in service.list_countries(session):
        localised = {"ar": country.name_ar, "fr": country.name_fr}.get(locale)
        names[country.code] = localised or country.name_en
    return names


def country_options(names: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(names.items(), key=lambda item: item[1])


def member_names(session: Session) -> dict[uuid.UUID, str]:
    """Every member body's name (the directory is open to every federation user)."""
    return {row[0]: row[1] for row in session.execute(select(Member.id, Member.name))}


def organisation_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of organisations the caller already holds (from a permission-checked listing)."""
    if not ids:
        return {}
    stmt = select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    return {row[0]: row[1] for row in session.execute(stmt)}
