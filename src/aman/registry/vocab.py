"""Controlled vocabularies of the registry, shared by the tables, the schemas and the CSV import."""

from __future__ import annotations

MEMBERSHIP_CLASSES = ("full", "general", "professional", "affiliate", "commercial")
VOTING_CLASSES = frozenset({"full", "general"})
MEMBER_STATUSES = ("active", "suspended", "withdrawn")
SECTORS = (
    "telecom",
    "finance",
    "energy",
    "government",
    "health",
    "cloud-it",
    "transport",
    "water",
    "education",
    "manufacturing",
    "other",
)
SIZE_BANDS = ("micro", "small", "medium", "large", "very-large")
CONTACT_ROLES = ("primary", "alternate", "technical", "management", "legal", "media")
WG_DOMAINS = ("5g", "cloud", "ai", "pqc", "blockchain", "other")
WG_ROLES = ("co-lead", "member")


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression restricting `column` to `values` (values are our own constants)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
