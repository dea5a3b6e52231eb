"""The tables of each dashboard and report, built once from the overviews: the same `Table`
is shown on the page, printed in the PDF and exported as CSV or XLSX (`aman.web.tables`).

Numbers stay numbers (rounded to one decimal) so spreadsheets can compute with them; cells
that benchmarks suppress (fewer than k peers) are empty with a displayed reason.
"""

from __future__ import annotations

from collections.abc import Callable

from aman.assessments.gaps import describe_value
from aman.registry.view_labels import SECTOR_LABELS
from aman.reports.federation import FederationOverview
from aman.reports.labels import DOMAIN_LABELS, EFFORT_LABELS, ROADMAP_LABELS, STATUS_LABELS
from aman.reports.labels import scope_label as _scope_label
from aman.reports.member import STALE_DAYS, MemberOverview
from aman.reports.organisation import AssessmentReport, OrganisationOverview
from aman.web.i18n import N_, Translator
from aman.web.tables import Column, Table

Builder = Callable[..., Table]


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _short(text: str, limit: int = 140) -> str:
    """Long suggested actions shortened on screen (exports keep the full text)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(key: str, label: str) -> Column:
    return Column(key, label, numeric=True)


# --- federation -------------------------------------------------------------------------


def capacity(o: FederationOverview, t: Translator) -> Table:
    table = Table(
        t(N_("National cyber capacity of member states")),
        [
            Column("country", t(N_("Country"))),
            Column("member", t(N_("Member"))),
            _num("score", t(N_("Index"))),
            Column("tier", t(N_("Tier"))),
            _num("change", t(N_("Change since the previous cycle"))),
            Column("status", t(N_("Status"))),
        ],
    )
    for r in o.capacity:
        change = _r(r.change)
        table.add(
            [
                r.member.country,
                r.member.name,
                _r(r.score),
                r.tier_title or None,
                change,
                t.label(STATUS_LABELS, r.status),
            ],
            links={"country": f"/dashboards/members/{r.member.id}"},
            # a signed number keeps its sign on the left in right-to-left text too
            display={"change": f"\u2066{change:+.1f}\u2069"} if change is not None else {},
        )
    return table


def heat(o: FederationOverview, t: Translator) -> Table:
    domains = list(o.domains)
    table = Table(
        t(N_("Mean score of each member state's organisations by domain")),
        [
            Column("country", t(N_("Country"))),
            *(_num(d, t(DOMAIN_LABELS[d])) for d in domains),
            _num("n", t(N_("Organisations assessed"))),
        ],
    )
    cells = {(c.member.id, c.domain): c for c in o.heat}
    for m in o.members:
        row = [cells.get((m.id, d)) for d in domains]
        if not any(row):
            continue
        table.add(
            [
                m.country,
                *(_r(c.stats.stats.mean) if c else None for c in row),
                max((c.stats.count for c in row if c), default=0),
            ],
            links={"country": f"/dashboards/members/{m.id}"},
        )
    return table


def progress(o: FederationOverview, t: Translator) -> Table:
    table = Table(
        t(N_("Campaign progress")),
        [
            Column("campaign", t(N_("Campaign"))),
            _num("cycle", t(N_("Cycle"))),
            Column("due", t(N_("Due"))),
            *(_num(s, t(label)) for s, label in STATUS_LABELS.items()),
            _num("done", t(N_("Submitted or accepted"))),
        ],
    )
    for p in o.progress:
        done = p.done / p.total if p.total else None
        table.add(
            [
                p.campaign.name,
                p.campaign.cycle,
                p.campaign.due_date,
                *(p.counts.get(s, 0) for s in STATUS_LABELS),
                _r(done, 3),
            ],
            display={"done": t.fmt.percent(done)} if done is not None else {},
        )
    return table


def pqc_areas(o: FederationOverview, t: Translator) -> Table:
    table = Table(
        t(N_("PQC readiness by area across the federation")),
        [
            Column("area", t(N_("Area"))),
            _num("n", t(N_("Organisations"))),
            _num("q1", t(N_("First quartile"))),
            _num("median", t(N_("Median"))),
            _num("q3", t(N_("Third quartile"))),
            _num("mean", t(N_("Mean"))),
        ],
    )
    for x in o.pqc.nodes if o.pqc else []:
        s = x.stats.stats
        table.add([x.title, s.count, _r(s.q1), _r(s.median), _r(s.q3), _r(s.mean)])
    return table


def benchmarks(o: FederationOverview, t: Translator) -> Table:
    table = Table(
        t(N_("Anonymised sector benchmarks (total score)")),
        [
            Column("sector", t(N_("Sector"))),
            Column("domain", t(N_("Domain"))),
            _num("n", t(N_("Organisations"))),
            _num("q1", t(N_("First quartile"))),
            _num("median", t(N_("Median"))),
            _num("q3", t(N_("Third quartile"))),
        ],
    )
    hidden = t(N_("fewer than %(k)s organisations"), k=o.k)
    for c in o.benchmarks:
        s = c.stats.stats if c.stats else None
        values = [_r(s.q1), _r(s.median), _r(s.q3)] if s else [None, None, None]
        table.add(
            [
                t.label(SECTOR_LABELS, c.sector),
                t(DOMAIN_LABELS[c.domain]),
                c.count if s else None,
                *values,
            ],
            display={} if s else {"n": hidden, "q1": "—", "median": "—", "q3": "—"},
        )
    return table


FEDERATION: dict[str, Builder] = {
    "capacity": capacity,
    "heatmap": heat,
    "progress": progress,
    "pqc": pqc_areas,
    "benchmarks": benchmarks,
}


# --- member -----------------------------------------------------------------------------


def pillars(o: MemberOverview, t: Translator) -> Table:
    table = Table(
        t(N_("National capacity by pillar")),
        [
            Column("pillar", t(N_("Pillar"))),
            _num("score", t(N_("Score"))),
            _num("median", t(N_("Federation median"))),
            _num("percentile", t(N_("Percentile in the federation"))),
        ],
    )
    for p in o.national.pillars if o.national else []:
        b = p.benchmark if p.benchmark and not p.benchmark.suppressed else None
        table.add(
            [p.title, _r(p.score), _r(b.median) if b else None, _r(b.percentile) if b else None],
            display={} if b else {"median": t(N_("suppressed")), "percentile": "—"},
        )
    return table


def organisations(o: MemberOverview, t: Translator) -> Table:
    domains = list(o.domains)
    table = Table(
        t(N_("Organisations")),
        [
            Column("organisation", t(N_("Organisation"))),
            Column("sector", t(N_("Sector"))),
            *(_num(d, t(DOMAIN_LABELS[d])) for d in domains),
            _num("open", t(N_("Open roadmap items"))),
        ],
    )
    for row in o.organisations:
        values, display = [], {}
        for d in domains:
            brief = row.latest.get(d)
            values.append(_r(brief.score) if brief and brief.score is not None else None)
            if brief and brief.federation and not brief.federation.suppressed:
                display[d] = t(
                    N_("%(score)s (P%(pct)s)"),
                    score=t.fmt.number(brief.score, 1),
                    pct=t.fmt.number(brief.federation.percentile, 0),
                )
            elif brief:
                display[d] = (
                    t.fmt.number(brief.score, 1)
                    if brief.status in ("submitted", "accepted")
                    else t.label(STATUS_LABELS, brief.status)
                )
        table.add(
            [
                row.organisation.name,
                t.label(SECTOR_LABELS, row.organisation.sector),
                *values,
                row.open_items,
            ],
            links={"organisation": f"/dashboards/organisations/{row.organisation.id}"},
            display=display,
        )
    return table


def sectors(o: MemberOverview, t: Translator) -> Table:
    table = Table(
        t(N_("Sector roll-ups")),
        [
            Column("sector", t(N_("Sector"))),
            Column("domain", t(N_("Domain"))),
            _num("n", t(N_("Organisations"))),
            _num("mean", t(N_("Mean"))),
            _num("median", t(N_("Median"))),
        ],
    )
    for c in o.sectors:
        s = c.stats.stats
        table.add(
            [
                t.label(SECTOR_LABELS, c.sector),
                t(DOMAIN_LABELS[c.domain]),
                s.count,
                _r(s.mean),
                _r(s.median),
            ]
        )
    return table


def open_roadmap(o: MemberOverview, t: Translator) -> Table:
    table = Table(
        t(N_("Open roadmap items (most urgent first)")),
        [
            Column("organisation", t(N_("Organisation"))),
            Column("action", t(N_("Action"))),
            Column("status", t(N_("Status"))),
            Column("due", t(N_("Due"))),
        ],
    )
    for x in o.roadmap:
        table.add(
            [
                x.organisation,
                x.item.action,
                t.label(ROADMAP_LABELS, x.item.status),
                x.item.due_date,
            ],
            links={"action": f"/assessments/{x.assessment_id}/roadmap"},
            display={
                "action": _short(x.item.action),
                **(
                    {"due": t(N_("%(date)s (overdue)"), date=t.fmt.date(x.item.due_date))}
                    if x.overdue
                    else {}
                ),
            },
        )
    return table


def stale_contacts(o: MemberOverview, t: Translator) -> Table:
    table = Table(
        t(N_("Contacts not verified for %(days)s days or more"), days=STALE_DAYS),
        [
            Column("name", t(N_("Name"))),
            Column("email", t(N_("E-mail")), ltr=True),
            Column("verified", t(N_("Last verified"))),
        ],
    )
    for c in o.stale:
        table.add(
            [c.name, c.email, c.last_verified_at],
            display={
                "verified": t.fmt.date(c.last_verified_at) if c.last_verified_at else t(N_("never"))
            },
        )
    return table


MEMBER: dict[str, Builder] = {
    "pillars": pillars,
    "organisations": organisations,
    "sectors": sectors,
    "roadmap": open_roadmap,
    "contacts": stale_contacts,
}


# --- organisation and assessment --------------------------------------------------------


def assessments(o: OrganisationOverview, t: Translator) -> Table:
    table = Table(
        t(N_("Assessments")),
        [
            Column("campaign", t(N_("Campaign"))),
            _num("cycle", t(N_("Cycle"))),
            Column("status", t(N_("Status"))),
            _num("score", t(N_("Score"))),
            _num("coverage", t(N_("Answered"))),
            _num("open", t(N_("Open roadmap items"))),
        ],
    )
    for row in o.assessments:
        a = row.assessment
        table.add(
            [
                row.campaign.name if row.campaign else t(N_("(no campaign)")),
                row.campaign.cycle if row.campaign else None,
                t.label(STATUS_LABELS, a.status),
                _r(a.score),
                _r(a.coverage, 3),
                row.open_items,
            ],
            links={"campaign": f"/assessments/{a.id}"},
            display={"coverage": t.fmt.percent(a.coverage)},
        )
    return table


def areas(r: AssessmentReport, t: Translator) -> Table:
    table = Table(
        t(N_("Score by area")),
        [
            Column("area", t(N_("Area"))),
            _num("score", t(N_("Score"))),
            _num("median", t(N_("Federation median"))),
            _num("percentile", t(N_("Percentile in the federation"))),
        ],
    )
    for x in r.areas:
        b = x.peers if x.peers and not x.peers.suppressed else None
        table.add(
            [x.title, _r(x.score), _r(b.median) if b else None, _r(b.percentile) if b else None],
            display={} if b else {"median": t(N_("suppressed")), "percentile": "—"},
        )
    return table


def peers(r: AssessmentReport, t: Translator) -> Table:
    table = Table(
        t(N_("Total score against peers")),
        [
            Column("scope", t(N_("Peer group"))),
            _num("peers", t(N_("Peers"))),
            _num("percentile", t(N_("Percentile"))),
            _num("median", t(N_("Median"))),
            _num("p75", t(N_("75th percentile"))),
        ],
    )
    for b in r.benchmark:
        scope = _scope_label(t, b.scope, SECTOR_LABELS)
        if b.suppressed:
            reason = t(N_("fewer than %(k)s peers"), k=r.k)
            table.add([scope, None, None, None, None], display={"peers": reason})
        else:
            table.add([scope, b.peers, _r(b.percentile), _r(b.median), _r(b.p75)])
    return table


def gaps(r: AssessmentReport, t: Translator) -> Table:
    scheme = r.view.scheme
    table = Table(
        t(N_("Largest gaps to the target")),
        [
            Column("ref", t(N_("Requirement")), ltr=True),
            Column("title", t(N_("Title"))),
            Column("current", t(N_("Current"))),
            Column("target", t(N_("Target"))),
            _num("importance", t(N_("Importance"))),
            _num("gap", t(N_("Weighted gap"))),
        ],
    )
    for x in r.gaps:
        g = x.gap
        current = t(N_("not assessed")) if g.unanswered else describe_value(g.current, scheme)
        table.add(
            [
                g.ref_id,
                x.title,
                current,
                describe_value(g.target, scheme),
                g.importance,
                _r(g.gap, 2),
            ]
        )
    return table


def roadmap(r: AssessmentReport, t: Translator) -> Table:
    table = Table(
        t(N_("Roadmap")),
        [
            Column("action", t(N_("Action"))),
            Column("status", t(N_("Status"))),
            Column("effort", t(N_("Effort"))),
            Column("due", t(N_("Due"))),
            Column("owner", t(N_("Owner"))),
        ],
    )
    for i in r.roadmap:
        table.add(
            [
                i.action,
                t.label(ROADMAP_LABELS, i.status),
                t.label(EFFORT_LABELS, i.effort),
                i.due_date,
                i.owner or None,
            ]
        )
    return table


def evidence(r: AssessmentReport, t: Translator) -> Table:
    table = Table(
        t(N_("Evidence")),
        [
            Column("ref", t(N_("Requirement")), ltr=True),
            Column("title", t(N_("Title"))),
            Column("kind", t(N_("Kind"))),
            Column("reference", t(N_("File digest or address")), ltr=True),
            Column("added_by", t(N_("Added by")), ltr=True),
            Column("added_at", t(N_("Added"))),
        ],
    )
    kinds = {"file": t(N_("File")), "url": t(N_("Link")), "finding": t(N_("Scan finding"))}
    for e in r.evidence:
        reference = e.url or (f"sha256:{e.sha256}" if e.sha256 else None)
        table.add(
            [e.ref_id, e.title, kinds.get(e.kind, e.kind), reference, e.added_by, e.added_at],
            display={"added_at": t.fmt.date(e.added_at)},
        )
    return table


ASSESSMENT: dict[str, Builder] = {
    "areas": areas,
    "peers": peers,
    "gaps": gaps,
    "roadmap": roadmap,
    "evidence": evidence,
}
ORGANISATION: dict[str, Builder] = {"assessments": assessments}
