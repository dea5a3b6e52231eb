"""Translatable labels shared by dashboards, assessment pages and reports (English msgids)."""

from __future__ import annotations

from aman.web.i18n import N_, Translator

DOMAIN_LABELS = {
    "5g": N_("5G"),
    "cloud": N_("Cloud"),
    "ai": N_("AI"),
    "pqc": N_("PQC"),
    "national": N_("National capacity"),
}
STATUS_LABELS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "submitted": N_("Submitted"),
    "returned": N_("Returned"),
    "accepted": N_("Accepted"),
}
ROADMAP_LABELS = {
    "todo": N_("To do"),
    "doing": N_("Doing"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}
EFFORT_LABELS = {"S": N_("Small"), "M": N_("Medium"), "L": N_("Large"), "XL": N_("Very large")}


def scope_label(t: Translator, scope: str, sector_labels: dict[str, str]) -> str:
    """A roll-up scope in words: "Federation", "Sector: Finance", "Member state"."""
    if scope == "federation":
        return t(N_("Federation"))
    if scope.startswith("sector:"):
        return t(N_("Sector: %(sector)s"), sector=t.label(sector_labels, scope.split(":", 1)[1]))
    return t(N_("Member state"))
