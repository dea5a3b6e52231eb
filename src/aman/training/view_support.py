"""What the training pages share: vocabulary labels (English msgids), catalogue text in the
reader's language with the English fallback marked, and which member states a principal may
pick in a selector. Pure or read-only; no routes here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from aman.auth.permissions import Node, Principal
from aman.frameworks.view_support import Localised, localised
from aman.registry.view_labels import member_names
from aman.training import catalogue
from aman.training.models import TrainingProgramme
from aman.web.i18n import N_, Translator, language_name

KIND_LABELS = {
    "course": N_("Course"),
    "lab": N_("Hands-on lab"),
    "ctf": N_("CTF challenge set"),
    "tabletop": N_("Tabletop exercise"),
}
LEVEL_LABELS = {
    "foundation": N_("Foundation"),
    "intermediate": N_("Intermediate"),
    "advanced": N_("Advanced"),
}
PROGRAMME_KIND_LABELS = {"track": N_("Curated track"), "tailored": N_("Tailored programme")}
PROGRAMME_STATUS_LABELS = {
    "draft": N_("Draft"),
    "approved": N_("Approved"),
    "archived": N_("Archived"),
}
COHORT_STATUS_LABELS = {
    "planned": N_("Planned"),
    "running": N_("Running"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
}
ENROLMENT_STATUS_LABELS = {
    "enrolled": N_("Enrolled"),
    "completed": N_("Completed"),
    "withdrawn": N_("Withdrawn"),
}
RESULT_STATUS_LABELS = {
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "failed": N_("Failed"),
}
CERTIFICATE_STATUS_LABELS = {
    "valid": N_("Valid"),
    "expired": N_("Expired"),
    "revoked": N_("Revoked"),
}
SEVERITY_LABELS = {
    "critical": N_("critical"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "info": N_("informational"),
}
PERIOD_LABELS = {"month": N_("Month"), "quarter": N_("Quarter"), "year": N_("Year")}
EVIDENCE_LABELS = {
    "module": N_("Completed modules"),
    "knowledge_check": N_("Passed knowledge checks"),
    "ctf": N_("CTF solves"),
}
INDICATOR_LABELS = {
    ("NC-CAP-05", "met"): N_(
        "Catalogue mapped to NICE and ECSF; people trained, hands-on and certified in the "
        "last 12 months"
    ),
    ("NC-CAP-05", "manual"): N_(
        "Not enough training recorded in Aman in the last 12 months to show this"
    ),
    ("NC-CAP-07", "manual"): N_(
        "Aman counts public-sector people trained but cannot show the training is mandatory"
    ),
}
INDICATOR_STATUS_LABELS = {"met": N_("Met"), "manual": N_("Needs a person's judgement")}
FIGURE_LABELS = {
    "people_trained_12m": N_("People trained in the last 12 months"),
    "hands_on_12m": N_("Of whom hands-on (lab, CTF, tabletop)"),
    "certificates_12m": N_("Certificates issued in the last 12 months"),
    "public_sector_people_trained_12m": N_("Public-sector people trained in the last 12 months"),
}
LANGUAGE_CODES = ("en", "ar", "fr")


def text_in(
    english: str, translations: Mapping[str, Any] | None, locale: str, field: str = "title"
) -> Localised:
    """A catalogue field in the reader's language, else English marked as such."""
    entry = (translations or {}).get(locale) or {}
    value = entry.get(field) if isinstance(entry, Mapping) else getattr(entry, field, None)
    return localised(english, value, locale)


@dataclass(frozen=True)
class Reference:
    """Catalogue reference data the pages show next to modules: competencies with their
    NICE and ECSF alignment, domains, NICE work roles and competency areas."""

    competencies: dict[str, catalogue.Competency]
    domains: dict[str, catalogue.DomainInfo]
    work_roles: dict[str, str]
    areas: dict[str, str]

    def competency_title(self, competency_id: str, locale: str) -> Localised:
        c = self.competencies.get(competency_id)
        if c is None:
            return Localised(competency_id, False)
        return text_in(c.title, {k: v.model_dump() for k, v in c.translations.items()}, locale)

    def domain_title(self, domain: str, locale: str) -> Localised:
        d = self.domains.get(domain)
        if d is None:
            return Localised(domain, False)
        return text_in(d.title, {k: v.model_dump() for k, v in d.translations.items()}, locale)

    def domain_options(self, locale: str) -> list[tuple[str, str]]:
        return sorted(
            ((d, self.domain_title(d, locale).text or d) for d in self.domains),
            key=lambda kv: kv[1],
        )

    def competency_options(self, locale: str) -> list[tuple[str, str]]:
        return sorted(
            ((c, self.competency_title(c, locale).text or c) for c in self.competencies),
            key=lambda kv: kv[1],
        )

    def domains_of(self, competency_ids: Iterable[str]) -> list[str]:
        return sorted(
            {self.competencies[c].domain for c in competency_ids if c in self.competencies}
        )


def reference() -> Reference:
    cat = catalogue.shipped()
    nice = cat.frameworks.nice
    return Reference(
        competencies=cat.competencies,
        domains=dict(cat.competency_file.domains),
        work_roles=dict(nice.work_roles),
        areas={k: v.title for k, v in nice.competency_areas.items()},
    )


def programme_title(
    row: TrainingProgramme, t: Translator, names: Mapping[uuid.UUID, str]
) -> Localised:
    """A track's title in the reader's language; a tailored programme's title built in it
    (the stored title is English)."""
    if row.kind == "tailored" and row.member_id is not None:
        text = t(
            N_("Training programme for %(name)s (version %(version)s)"),
            name=names.get(row.member_id, ""),
            version=row.version,
        )
        return Localised(text, False)
    return text_in(row.title, row.translations, t.locale)


def language_options(t: Translator) -> list[tuple[str, str]]:
    return [(code, language_name(code, t.locale)) for code in LANGUAGE_CODES]


def members_where(
    session: Session, principal: Principal, *permissions: str
) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the member states on which the principal holds every permission, by
    name: what a member selector may offer."""
    names = member_names(session)
    return sorted(
        (
            (member_id, name)
            for member_id, name in names.items()
            if all(principal.can(p, Node.member(member_id)) for p in permissions)
        ),
        key=lambda kv: kv[1],
    )
