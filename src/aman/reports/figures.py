"""The charts of each dashboard and report, from its overview, with labels in the reader's
language. Pages embed these specs; reports draw the very same specs on the server."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aman.assessments.schemas import TrendPoint
from aman.registry.view_labels import SECTOR_LABELS
from aman.reports import charts
from aman.reports.federation import FederationOverview
from aman.reports.labels import DOMAIN_LABELS, STATUS_LABELS
from aman.reports.member import MemberOverview
from aman.reports.organisation import AssessmentReport, OrganisationOverview
from aman.web.i18n import N_, Translator

Spec = dict[str, Any]
RLI, PDI = "\u2067", "\u2069"  # right-to-left isolate: an RTL base direction in any renderer


class _Marked:
    """Translate, and isolate each label as right-to-left text in RTL languages: a label such
    as "TLS ..." or "... IPsec" would otherwise take its base direction from its first strong
    letter, or from the renderer's default (left to right), and come out in the wrong order."""

    def __init__(self, t: Translator) -> None:
        self.t = t

    def __call__(self, message: str, **params: object) -> str:
        return self.mark(self.t(message, **params))

    def mark(self, text: str) -> str:
        return RLI + text + PDI if self.t.rtl and text else text

    def label(self, labels: dict[str, str], key: str) -> str:
        return self.mark(self.t.label(labels, key))


def _points(series: str, points: Iterable[TrendPoint], t: _Marked) -> list[charts.Point]:
    return [
        charts.Point(series, p.date.date().isoformat(), p.score, t(N_("cycle %(n)s"), n=p.cycle))
        for p in points
        if p.score is not None
    ]


def federation(o: FederationOverview, tr: Translator) -> dict[str, Spec]:
    t = _Marked(tr)
    specs: dict[str, Spec] = {}
    score, n = t(N_("Score (0–100)")), t(N_("Organisations"))
    if o.capacity:
        specs["capacity"] = charts.ranked_bars(
            [
                charts.Bar(t.mark(r.member.label), r.score, t.mark(r.tier_title))
                for r in o.capacity
                if r.score is not None
            ],
            title=t(N_("National cyber capacity index")),
            value_title=t(N_("Index (0–100)")),
            category_title=t(N_("Tier")),
            categories=tuple(t.mark(x) for x in o.tiers.values()),
        )
    if o.heat:
        columns = [t(DOMAIN_LABELS[d]) for d in o.domains]
        specs["heatmap"] = charts.heatmap(
            [
                charts.Cell(
                    t.mark(c.member.label),
                    t(DOMAIN_LABELS[c.domain]),
                    c.stats.stats.mean or 0,
                    c.stats.count,
                )
                for c in o.heat
            ],
            title=t(N_("Maturity of member states' organisations by domain (mean score)")),
            rows=[t.mark(m.label) for m in o.members],
            columns=columns,
            value_title=score,
            count_title=n,
        )
    if o.progress:
        specs["progress"] = charts.stacked_status(
            {
                t(
                    N_("%(name)s (cycle %(cycle)s)"), name=p.campaign.name, cycle=p.campaign.cycle
                ): p.counts
                for p in o.progress
            },
            title=t(N_("Campaign progress")),
            status_labels={k: t(v) for k, v in STATUS_LABELS.items()},
            count_title=t(N_("Assessments")),
        )
    if o.pqc is not None:
        specs["pqc"] = charts.spreads(
            [
                charts.Spread(
                    t.mark(x.title),
                    x.stats.stats.q1 or 0,
                    x.stats.stats.median or 0,
                    x.stats.stats.q3 or 0,
                    x.stats.count,
                )
                for x in o.pqc.nodes
            ],
            title=t(N_("PQC readiness by area across the federation")),
            value_title=score,
            median_title=t(N_("Median")),
            quartile_titles=(t(N_("First quartile")), t(N_("Third quartile"))),
            count_title=n,
        )
        specs["pqc_trend"] = charts.trend(
            _points(t(N_("Federation mean")), o.pqc.trend, t),
            title=t(N_("PQC readiness across cycles")),
            value_title=score,
            date_title=t(N_("Date")),
        )
    return specs


def member(o: MemberOverview, tr: Translator) -> dict[str, Spec]:
    t = _Marked(tr)
    specs: dict[str, Spec] = {}
    score = t(N_("Score (0–100)"))
    if o.national is not None:
        specs["national"] = charts.ranked_bars(
            [
                charts.Bar(
                    t.mark(p.title),
                    p.score or 0,
                    t(N_("Own score")),
                    p.benchmark.median if p.benchmark and not p.benchmark.suppressed else None,
                )
                for p in o.national.pillars
            ],
            title=t(N_("National capacity by pillar")),
            value_title=score,
            category_title="",
            reference_title=t(N_("Federation median")),
        )
    if o.sectors:
        present = [s for s in SECTOR_LABELS if any(c.sector == s for c in o.sectors)]
        specs["sectors"] = charts.heatmap(
            [
                charts.Cell(
                    t.label(SECTOR_LABELS, c.sector),
                    t(DOMAIN_LABELS[c.domain]),
                    c.stats.stats.mean or 0,
                    c.stats.count,
                )
                for c in o.sectors
            ],
            title=t(N_("Sectors by domain (mean score of the organisations)")),
            rows=[t.label(SECTOR_LABELS, s) for s in present],
            columns=[t(DOMAIN_LABELS[d]) for d in o.domains],
            value_title=score,
            count_title=t(N_("Organisations")),
        )
    points = []
    if o.national is not None:
        points += _points(t(DOMAIN_LABELS["national"]), o.national.trend, t)
    for domain, series in o.trends.items():
        points += _points(t(DOMAIN_LABELS[domain]), series, t)
    if points:
        specs["trend"] = charts.trend(
            points, title=t(N_("Trends across cycles")), value_title=score, date_title=t(N_("Date"))
        )
    return specs


def assessment(r: AssessmentReport, tr: Translator) -> dict[str, Spec]:
    t = _Marked(tr)
    specs: dict[str, Spec] = {}
    score = t(N_("Score (0–100)"))
    if r.areas:
        specs["areas"] = charts.ranked_bars(
            [
                charts.Bar(
                    t.mark(a.title),
                    a.score or 0,
                    t(N_("Own score")),
                    a.peers.median if a.peers and not a.peers.suppressed else None,
                )
                for a in r.areas
            ],
            title=t(N_("Score by area")),
            value_title=score,
            category_title="",
            reference_title=t(N_("Federation median")),
        )
    points = _points(t.mark(r.pack_title), r.trend, t)
    if len(points) > 1:
        specs["trend"] = charts.trend(
            points, title=t(N_("Score across cycles")), value_title=score, date_title=t(N_("Date"))
        )
    return specs


def organisation(o: OrganisationOverview, tr: Translator) -> dict[str, Spec]:
    t = _Marked(tr)
    points = [
        charts.Point(
            t.mark(p.campaign), p.date.date().isoformat(), p.score, t(N_("cycle %(n)s"), n=p.cycle)
        )
        for p in o.trends
        if p.score is not None
    ]
    if not points:
        return {}
    return {
        "trend": charts.trend(
            points,
            title=t(N_("Scores across campaigns")),
            value_title=t(N_("Score (0–100)")),
            date_title=t(N_("Date")),
        )
    }
