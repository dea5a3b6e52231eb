"""Pure pieces: knowledge-check scoring, cohort sizing, the explained plan, the fast gaps
(equal to assessments.gaps), capacity metrics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from aman.assessments.domain import AnswerValue, Node, Scheme, Tree
from aman.assessments.gaps import gaps
from aman.training.capacity import Completion, metrics, period_of
from aman.training.programme import (
    COHORT_BOUNDS,
    CompetencyInfo,
    ModuleInfo,
    build_plan,
    cohort_plan,
)
from aman.training.quiz import QuestionKey, earned, mark
from aman.training.recommend import (
    GapSource,
    ModuleSpec,
    competency_demand,
    elements_of,
    select_modules,
)
from aman.training.sources import fast_gaps

SINGLE = QuestionKey("q1", "single", 1.0, frozenset({"b"}), frozenset({"a", "b", "c"}))
MULTI = QuestionKey("q2", "multiple", 2.0, frozenset({"a", "b"}), frozenset({"a", "b", "c", "d"}))


def test_marking() -> None:
    assert earned(SINGLE, frozenset({"b"})) == 1.0
    assert earned(SINGLE, frozenset({"b", "c"})) == 0.0
    assert earned(MULTI, frozenset({"a"})) == 1.0
    assert earned(MULTI, frozenset({"a", "b", "c"})) == 1.0
    assert earned(MULTI, frozenset({"a", "b", "c", "d"})) == 0.0
    marked = mark([SINGLE, MULTI], {"q1": ["b"], "q2": ["a", "b"]})
    assert marked.score == 1.0 and not marked.unknown
    marked = mark([SINGLE, MULTI], {"q2": ["a", "x"], "q9": ["a"]})
    assert marked.unknown == ("q9", "q2.x")
    assert marked.score == 0.0  # the unknown choice counts as a wrong pick


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["q1", "q2"]), st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True)
    )
)
def test_score_is_a_share(answers: dict[str, list[str]]) -> None:
    marked = mark([SINGLE, MULTI], answers)
    assert 0.0 <= marked.score <= 1.0


@given(st.sampled_from(sorted(COHORT_BOUNDS)), st.integers(0, 500))
def test_cohorts_respect_bounds(kind: str, people: int) -> None:
    size, cohorts = cohort_plan(kind, people)
    low, high = COHORT_BOUNDS[kind]
    assert low <= size <= max(low, high)
    if people:
        assert size * cohorts >= people and cohorts == -(-people // high)
    else:
        assert cohorts == 0


def _tree() -> tuple[Tree, Scheme]:
    nodes = [Node("G", None, False)] + [
        Node(
            f"R{i}",
            "G",
            True,
            f"req {i}",
            weight=1.0 + i % 3,
            importance=1 + i % 4,
            levels=("basic",) if i % 4 == 0 else (),
        )
        for i in range(8)
    ]
    scheme = Scheme.from_pack_scoring(
        {
            "kind": "maturity",
            "min": 0,
            "max": 5,
            "target": 3,
            "levels": [{"value": v, "title": str(v)} for v in range(6)],
        }
    )
    return Tree.of(nodes), scheme


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([f"R{i}" for i in range(8)]),
        st.one_of(st.none(), st.sampled_from(["0", "1", "2", "3", "4", "5"])),
    ),
    st.one_of(st.none(), st.sampled_from([0.2, 0.6, 1.0])),
    st.sampled_from([None, "basic"]),
)
def test_fast_gaps_equal_assessment_gaps(
    results: dict[str, str | None], target: float | None, level: str | None
) -> None:
    tree, scheme = _tree()
    answers = {ref: AnswerValue(ref, r, r is None) for ref, r in results.items()}
    assert fast_gaps(tree, scheme, answers, target, level) == gaps(
        tree, scheme, answers, target, level
    )


def test_plan_explains_every_module() -> None:
    sources = [
        GapSource(
            "o1",
            "Telco A",
            "organisation",
            "aman-5g-baseline",
            "5G-NAS-01",
            "Null integrity algorithm NIA0 disabled",
            "gap",
            1.2,
            0.2,
            0.6,
            ("5g.ran-nas",),
        ),
        GapSource(
            "o2",
            "Telco B",
            "organisation",
            "aman-5g-baseline",
            "5G-NAS-01",
            "NIA0",
            "check",
            3.0,
            0.0,
            1.0,
            ("5g.ran-nas",),
            "fiveg.nas.nia0",
            "critical",
        ),
    ]
    demands = competency_demand(sources)
    modules = {"m1": ModuleSpec("m1", 8, "foundation", frozenset({"en"}), (), ("5g.ran-nas",))}
    sel = select_modules(elements_of(demands), modules)
    plan = build_plan(
        sel,
        demands,
        {
            "m1": ModuleInfo(
                "m1", "5G foundations", "course", "foundation", 8, ("en",), ("IO-WRL-004",)
            )
        },
        {
            "5g.ran-nas": CompetencyInfo(
                "5g.ran-nas",
                "RAN and NAS",
                "5g",
                ("NF-COM-005",),
                (),
                ("Cybersecurity Implementer",),
            )
        },
        scope={"kind": "member", "id": "x", "name": "CERT X"},
        parameters={},
        role_titles={"IO-WRL-004": "Network Operations"},
    )
    (item,) = plan.items
    assert (
        item.entities == 2 and item.participants == 4 and (item.cohort_size, item.cohorts) == (8, 1)
    )
    chains = [r.chain for c in item.covers for r in c.reasons]
    assert any(
        "failed check fiveg.nas.nia0 (critical)" in c and "-> module m1" in c for c in chains
    )
    assert any(c.startswith('5G-NAS-01 "Null integrity algorithm NIA0 disabled"') for c in chains)
    assert plan.target_roles[0] == {
        "id": "IO-WRL-004",
        "title": "Network Operations",
        "demand": item.demand_covered,
    }
    assert plan.ecsf_profiles[0]["name"] == "Cybersecurity Implementer"
    assert plan.document()["items"][0]["module_id"] == "m1"


def test_capacity_metrics_count_people_per_cell_and_over_time() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    m = uuid.uuid4()
    rows = [
        Completion(
            a,
            m,
            "PD-WRL-003",
            None,
            "ir",
            "course",
            ("incident-response",),
            datetime(2026, 1, 5, tzinfo=UTC),
        ),
        Completion(
            a,
            m,
            "PD-WRL-003",
            None,
            "ir2",
            "lab",
            ("incident-response",),
            datetime(2026, 2, 5, tzinfo=UTC),
        ),
        Completion(
            b, m, None, None, "5g", "course", ("5g", "pqc"), datetime(2026, 4, 1, tzinfo=UTC)
        ),
    ]
    table, totals = metrics(rows, "quarter")
    assert table == [
        {
            "period": "2026-Q1",
            "domain": "incident-response",
            "work_role": "PD-WRL-003",
            "people": 1,
        },
        {"period": "2026-Q2", "domain": "5g", "work_role": "unspecified", "people": 1},
        {"period": "2026-Q2", "domain": "pqc", "work_role": "unspecified", "people": 1},
    ]
    assert totals["people"] == 2 and totals["by_domain"]["incident-response"] == 1
    assert [r["cumulative"] for r in totals["over_time"]] == [1, 2]
    assert period_of(datetime(2026, 11, 3, tzinfo=UTC), "month") == "2026-11"


def test_certificate_pdf_carries_name_title_and_code_in_each_language() -> None:
    import io

    from pypdf import PdfReader

    from aman.training.certificates import new_code, render_pdf
    from aman.training.models import Certificate

    code = new_code()
    cert = Certificate(
        holder_name="Aisha Rahman",
        title="Incident response foundations",
        issued_at=datetime(2026, 10, 7, tzinfo=UTC),
        valid_until=None,
    )
    for lang, title in (
        ("en", "Incident response foundations"),
        ("fr", "Les bases de la réponse aux incidents"),
        ("ar", "أساسيات الاستجابة للحوادث"),
    ):
        pdf = render_pdf(
            cert,
            title,
            "National CERT of Malaysia",
            code,
            f"https://aman.example/verify/{code}",
            lang,
        )
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "Aisha Rahman" in text and code in text, lang
        if lang != "ar":  # Arabic comes out shaped (presentation forms); checked by presence
            assert title in text
        else:
            assert any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text)
