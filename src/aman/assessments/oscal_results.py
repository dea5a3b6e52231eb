"""Export an assessment as OSCAL 1.1.2 assessment-results, and its roadmap as a POA&M.

Aman keeps no separate assessment plan or system security plan: the plan is the pinned pack
version plus the assessment's scope (recorded in `reviewed-controls`), and the "system" is the
organisation assessed. Both documents therefore import them by URN
(`urn:aman:assessment-plan:<assessment id>`, `urn:aman:ssp:<subject>`), an opaque reference that
tools carry along without resolving.

Rules, chosen so that the documents mean the same thing as Aman's own scores and gaps:
- one finding per answered requirement in scope: `satisfied` when the answer normalised to 0..1
  reaches the target (the campaign's, else `Scheme.default_target()`), else `not-satisfied`;
  the target is the control itself (`objective-id` = the catalog control id), because Aman
  requirements carry no separate assessment-objective parts;
- one observation per answer (result, n/a or evidence): method TEST for automated answers and
  scanner findings, EXAMINE for files and links, INTERVIEW for a declared answer without
  evidence; not-applicable answers get an observation (remarks "not applicable") and no finding;
- control ids are those of `oscal_export.control_ids`, so references resolve in the exported
  catalog; observation, finding and risk UUIDs are derived from the assessment id and ref_id, so
  the POA&M points at the AR's objects and re-exports keep them. The document UUIDs also cover
  the content, since OSCAL wants a new one per revision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote
from uuid import UUID

import orjson

from aman.assessments.domain import Node, Scheme, Tree
from aman.frameworks.oscal import AMAN_NS
from aman.frameworks.oscal_export import derived_uuid, pack_href, token_from_ref

OSCAL_VERSION: Final = "1.1.2"
JsonDict = dict[str, Any]
EvidenceKind = Literal["file", "url", "finding"]
RoadmapStatus = Literal["todo", "doing", "done", "dropped"]
_SHA256: Final = re.compile(r"^[0-9a-f]{64}$")
_ROLES: Final = (
    ("assessed-organization", "Assessed organisation"),
    ("federation-member", "Federation member (national CERT)"),
    ("assessor", "Assessor"),
    ("reviewer", "Reviewer"),
)
_RISK_STATUS: Final = {"todo": "open", "doing": "remediating", "done": "closed", "dropped": "open"}
_LIFECYCLE: Final = {
    "todo": "planned",
    "doing": "planned",
    "done": "completed",
    "dropped": "recommendation",
}


@dataclass(frozen=True, slots=True)
class EvidenceDoc:
    """One piece of evidence: a stored file (by SHA-256), a link, or a scanner finding."""

    kind: EvidenceKind
    title: str
    sha256: str | None = None
    url: str | None = None
    media_type: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerDoc:
    ref_id: str
    result: str | None
    na: bool = False
    comment: str = ""
    inferred: bool = False
    automated: bool = False
    evidence: Sequence[EvidenceDoc] = ()
    updated_by: str = ""
    updated_at: dt.datetime | None = None  # None: observed at export time


@dataclass(frozen=True, slots=True)
class AssessmentDoc:
    """An assessment as the exports see it; the service builds it from the database.

    `control_ids` maps ref_id to OSCAL control id; pass `oscal_export.control_ids(pack)` for packs
    imported from OSCAL (their `source_id`s); when empty, ids are derived from the ref_ids
    exactly as `control_ids` does for packs without source ids. `target` is a normalised (0..1)
    campaign target; `level` restricts the scope to an implementation level.
    """

    id: UUID
    title: str
    pack_id: str
    pack_version: str
    pack_title: str
    subject: str
    member: str
    status: str
    scheme: Scheme
    tree: Tree
    answers: Sequence[AnswerDoc] = ()
    created_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    score: float | None = None
    tier: str | None = None
    reviewer: str | None = None
    level: str | None = None
    target: float | None = None
    control_ids: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def scope(self) -> list[Node]:
        return self.tree.assessable(self.level)

    def answer_map(self) -> dict[str, AnswerDoc]:
        return {answer.ref_id: answer for answer in self.answers}

    def effective_target(self) -> float:
        return self.target if self.target is not None else self.scheme.default_target()

    def oscal_ids(self) -> dict[str, str]:
        """ref_id -> OSCAL control id, for every node of the tree."""
        if self.control_ids:
            return dict(self.control_ids)
        ids: dict[str, str] = {}
        used: set[str] = set()
        for node in self.tree.nodes:
            candidate = token_from_ref(node.ref_id)
            unique, counter = candidate, 2
            while unique in used:
                unique, counter = f"{candidate}-{counter}", counter + 1
            used.add(unique)
            ids[node.ref_id] = unique
        return ids


@dataclass(frozen=True, slots=True)
class RoadmapItemDoc:
    """One roadmap action, closing the gaps of the requirements in `ref_ids`."""

    id: UUID
    action: str
    owner: str | None
    due: dt.date | None
    status: RoadmapStatus
    effort: str | None
    ref_ids: tuple[str, ...]
    created_at: dt.datetime


def _timestamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _prop(name: str, value: str) -> JsonDict:
    return {"name": name, "value": _one_line(value), "ns": AMAN_NS}


def _number(value: float) -> str:
    return f"{round(value, 4):g}"


def _content_hash(*parts: Any) -> str:
    """SHA-256 of the export's input: document UUIDs change when the content does."""
    option = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    data = orjson.dumps(parts, default=_jsonable, option=option)
    return hashlib.sha256(data).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot hash a {type(value).__name__}")


def evidence_href(sha256: str) -> str:
    """Where Aman stores a file: content-addressed by SHA-256."""
    return f"urn:aman:evidence:sha256:{sha256}"


def assessment_plan_href(assessment_id: UUID) -> str:
    return f"urn:aman:assessment-plan:{assessment_id}"


def ssp_href(subject: str) -> str:
    return "urn:aman:ssp:" + quote(subject, safe="")


class _Builder:
    """Shared state of one export: ids, parties, answers in scope."""

    def __init__(self, doc: AssessmentDoc) -> None:
        self.doc = doc
        self.aid = str(doc.id)
        self.ids = doc.oscal_ids()
        self.scope = doc.scope()
        self.answers = doc.answer_map()
        self.target = doc.effective_target()
        self.org_party = derived_uuid("party", "organisation", doc.subject)
        self.member_party = derived_uuid("party", "organisation", doc.member)
        self.resources: dict[str, JsonDict] = {}

    def person(self, name: str) -> str:
        return derived_uuid("party", "person", name)

    def observation_uuid(self, ref_id: str) -> str:
        return derived_uuid("observation", self.aid, ref_id)

    def finding_uuid(self, ref_id: str) -> str:
        return derived_uuid("finding", self.aid, ref_id)

    def related_observations(self, refs: Iterable[str], observed: Set[str]) -> list[JsonDict]:
        return [{"observation-uuid": self.observation_uuid(r)} for r in refs if r in observed]

    def answered(self) -> Iterable[tuple[Node, AnswerDoc]]:
        """(node, answer) in tree order, for answers that say something."""
        for node in self.scope:
            answer = self.answers.get(node.ref_id)
            if answer and (answer.na or answer.result is not None or answer.evidence):
                yield node, answer

    def value(self, node: Node, answer: AnswerDoc) -> float | None:
        if answer.na or answer.result is None:
            return None
        try:
            return self.doc.scheme.normalise(answer.result)
        except ValueError as exc:
            raise ValueError(f"answer to {node.ref_id}: {exc}") from exc

    def metadata(self, title: str, version: str, now: dt.datetime) -> JsonDict:
        doc = self.doc
        people = sorted({a.updated_by for a in doc.answers if a.updated_by.strip()})
        parties: list[JsonDict] = [
            {"uuid": self.org_party, "type": "organization", "name": _one_line(doc.subject)}
        ]
        if self.member_party != self.org_party:
            parties.append(
                {"uuid": self.member_party, "type": "organization", "name": _one_line(doc.member)}
            )
        for name in people:
            parties.append(self.person_party(name, self.org_party))
        responsible = [
            {"role-id": "assessed-organization", "party-uuids": [self.org_party]},
            {"role-id": "federation-member", "party-uuids": [self.member_party]},
        ]
        if people:
            uuids = [self.person(name) for name in people]
            responsible.append({"role-id": "assessor", "party-uuids": uuids})
        if doc.reviewer and doc.reviewer.strip():
            if doc.reviewer not in people:
                parties.append(self.person_party(doc.reviewer, self.member_party))
            responsible.append({"role-id": "reviewer", "party-uuids": [self.person(doc.reviewer)]})
        return {
            "title": _one_line(title),
            "last-modified": _timestamp(now),
            "version": version,
            "oscal-version": OSCAL_VERSION,
            "props": [
                _prop("pack-id", doc.pack_id),
                _prop("pack-version", doc.pack_version),
                _prop("assessment-id", self.aid),
                _prop("assessment-status", doc.status),
            ],
            "links": [
                {"href": pack_href(doc.pack_id, doc.pack_version), "rel": "reference"},
            ],
            "roles": [{"id": role, "title": title} for role, title in _ROLES],
            "parties": parties,
            "responsible-parties": responsible,
        }

    def person_party(self, name: str, organisation: str) -> JsonDict:
        return {
            "uuid": self.person(name),
            "type": "person",
            "name": _one_line(name),
            "member-of-organizations": [organisation],
        }

    def version(self) -> str:
        """The latest change the document reflects, as a timestamp."""
        doc = self.doc
        moments = [a.updated_at for a in doc.answers if a.updated_at]
        moments += [m for m in (doc.created_at, doc.submitted_at, doc.accepted_at) if m]
        if not moments:
            return "draft"
        return _timestamp(max(_aware(m) for m in moments))

    def evidence(self, evidence: EvidenceDoc) -> JsonDict:
        entry: JsonDict = {"description": _one_line(evidence.title) or evidence.kind}
        if evidence.kind == "file":
            entry["href"] = "#" + self.resource(evidence)
        elif evidence.url:
            entry["href"] = evidence.url
        props = [_prop("evidence-kind", evidence.kind)]
        if evidence.kind != "file" and evidence.sha256:
            props.append(_prop("sha256", evidence.sha256))
        entry["props"] = props
        return entry

    def resource(self, evidence: EvidenceDoc) -> str:
        """A back-matter resource for a stored file, one per distinct SHA-256."""
        digest = (evidence.sha256 or "").lower()
        if not _SHA256.match(digest):
            raise ValueError(f"file evidence {evidence.title!r} has no valid SHA-256")
        resource_uuid = derived_uuid("evidence", self.aid, digest)
        if resource_uuid not in self.resources:
            rlink: JsonDict = {
                "href": evidence_href(digest),
                "hashes": [{"algorithm": "SHA-256", "value": digest}],
            }
            if evidence.media_type:
                rlink["media-type"] = evidence.media_type
            self.resources[resource_uuid] = {
                "uuid": resource_uuid,
                "title": _one_line(evidence.title) or digest,
                "rlinks": [rlink],
            }
        return resource_uuid

    def back_matter(self) -> JsonDict | None:
        if not self.resources:
            return None
        return {"resources": [self.resources[key] for key in sorted(self.resources)]}


def _label(node: Node) -> str:
    return _one_line(f"{node.ref_id}: {node.title}" if node.title else node.ref_id)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def observation_methods(answer: AnswerDoc) -> list[str]:
    """TEST for automated answers or scanner findings, EXAMINE for files and links, else
    INTERVIEW (the assessor's declaration)."""
    methods = []
    if answer.automated or any(e.kind == "finding" for e in answer.evidence):
        methods.append("TEST")
    if any(e.kind in ("file", "url") for e in answer.evidence):
        methods.append("EXAMINE")
    return methods or ["INTERVIEW"]


def _result_text(doc: AssessmentDoc, answer: AnswerDoc) -> str:
    if answer.na:
        return "not applicable"
    if answer.result is None:
        return "no result yet"
    return f"result {answer.result.strip().lower()} ({_scale(doc.scheme)})"


def _scale(scheme: Scheme) -> str:
    if scheme.kind == "maturity":
        return f"maturity scale {scheme.min}-{scheme.max}"
    return "scale " + "/".join(scheme.allowed_results())


def _observation(b: _Builder, node: Node, answer: AnswerDoc, now: dt.datetime) -> JsonDict:
    doc = b.doc
    value = b.value(node, answer)
    props = []
    if answer.na:
        props.append(_prop("not-applicable", "true"))
    elif answer.result is not None and value is not None:
        props += [_prop("result", answer.result.strip().lower()), _prop("value", _number(value))]
    if answer.inferred:
        props.append(_prop("inferred", "true"))
    if answer.automated:
        props.append(_prop("automated", "true"))
    props.append(_prop("ref-id", node.ref_id))
    observation: JsonDict = {
        "uuid": b.observation_uuid(node.ref_id),
        "title": _label(node),
        "description": f"Answer to {node.ref_id}: {_result_text(doc, answer)}.",
        "props": props,
        "methods": observation_methods(answer),
        "types": ["control-objective"],
        "subjects": [{"subject-uuid": b.org_party, "type": "party"}],
        "collected": _timestamp(answer.updated_at or now),
    }
    if answer.updated_by.strip():
        actor = {"type": "party", "actor-uuid": b.person(answer.updated_by)}
        observation["origins"] = [{"actors": [actor]}]
    if answer.evidence:
        observation["relevant-evidence"] = [b.evidence(e) for e in answer.evidence]
    remarks = [text for text in ("not applicable" if answer.na else "", answer.comment) if text]
    if answer.inferred:
        remarks.append("Inferred from an answer to a mapped framework.")
    if remarks:
        observation["remarks"] = "\n\n".join(remarks)
    return observation


def _finding(b: _Builder, node: Node, answer: AnswerDoc) -> JsonDict | None:
    value = b.value(node, answer)
    if value is None or answer.result is None:
        return None
    satisfied = value >= b.target - 1e-9
    state = "satisfied" if satisfied else "not-satisfied"
    result = answer.result.strip().lower()
    control_id = b.ids[node.ref_id]
    return {
        "uuid": b.finding_uuid(node.ref_id),
        "title": _label(node),
        "description": (
            f"{node.ref_id} is {state.replace('-', ' ')}: result {result} "
            f"(normalised {_number(value)}) against a target of {_number(b.target)}."
        ),
        "props": [
            _prop("result", result),
            _prop("value", _number(value)),
            _prop("target", _number(b.target)),
            _prop("ref-id", node.ref_id),
        ],
        "target": {"type": "objective-id", "target-id": control_id, "status": {"state": state}},
        "related-observations": [{"observation-uuid": b.observation_uuid(node.ref_id)}],
    }


def _observations_and_findings(
    b: _Builder, now: dt.datetime, only: set[str] | None = None
) -> tuple[dict[str, JsonDict], dict[str, JsonDict]]:
    """ref_id -> observation and ref_id -> finding, in tree order."""
    observations: dict[str, JsonDict] = {}
    findings: dict[str, JsonDict] = {}
    for node, answer in b.answered():
        if only is not None and node.ref_id not in only:
            continue
        observations[node.ref_id] = _observation(b, node, answer, now)
        finding = _finding(b, node, answer)
        if finding is not None:
            findings[node.ref_id] = finding
    return observations, findings


def _result(b: _Builder, now: dt.datetime) -> JsonDict:
    doc = b.doc
    observations, findings = _observations_and_findings(b, now)
    props = [_prop("target", _number(b.target))]
    if doc.score is not None:
        props.append(_prop("score", _number(doc.score)))
    if doc.tier:
        props.append(_prop("tier", doc.tier))
    if doc.level:
        props.append(_prop("implementation-level", doc.level))
    result: JsonDict = {
        "uuid": derived_uuid("result", b.aid),
        "title": _one_line(f"{doc.title}: {doc.pack_title} {doc.pack_version}"),
        "description": _one_line(
            f"Assessment of {doc.subject} against {doc.pack_title} {doc.pack_version} "
            f"({doc.status}): one finding per answered requirement, satisfied when the answer "
            f"reaches the target."
        ),
        "start": _timestamp(doc.created_at or now),
        "props": props,
        "reviewed-controls": {
            "description": "The assessable requirements in the assessment's scope.",
            "control-selections": [
                {"include-controls": [{"control-id": b.ids[node.ref_id]} for node in b.scope]}
            ],
        },
    }
    end = doc.accepted_at or doc.submitted_at
    if end is not None:
        result["end"] = _timestamp(end)
    if observations:
        result["observations"] = list(observations.values())
    if findings:
        result["findings"] = list(findings.values())
    return result


def assessment_results(doc: AssessmentDoc, *, now: dt.datetime | None = None) -> JsonDict:
    """The assessment as an OSCAL assessment-results document (`{"assessment-results": ...}`).

    Deterministic: the same `doc` and `now` give the same document. ValueError when the scope
    is empty or a stored answer is not valid on the pack's scheme.
    """
    now = now or dt.datetime.now(dt.UTC)
    b = _Builder(doc)
    if not b.scope:
        raise ValueError(f"assessment {doc.id} has no assessable requirement in scope")
    result = _result(b, now)
    content = _content_hash(doc)
    document: JsonDict = {
        "uuid": derived_uuid("assessment-results", b.aid, content),
        "metadata": b.metadata(f"Assessment results: {doc.title}", b.version(), now),
        "import-ap": {
            "href": assessment_plan_href(doc.id),
            "remarks": (
                "Aman keeps no separate assessment plan: the plan is the pinned pack "
                f"{doc.pack_id} {doc.pack_version} and the scope in reviewed-controls."
            ),
        },
        "results": [result],
    }
    back_matter = b.back_matter()
    if back_matter:
        document["back-matter"] = back_matter
    return {"assessment-results": document}


def _risk(
    b: _Builder, item: RoadmapItemDoc, observed: Set[str], findings: Mapping[str, JsonDict]
) -> JsonDict:
    """The gap a roadmap item closes, carrying the item's remediation and its milestone."""
    refs = ", ".join(item.ref_ids) or "no requirement"
    statements = [findings[ref]["description"] for ref in item.ref_ids if ref in findings]
    remediation: JsonDict = {
        "uuid": derived_uuid("remediation", b.aid, str(item.id)),
        "lifecycle": _LIFECYCLE[item.status],
        "title": _title(item.action),
        "description": item.action.strip() or _title(item.action),
        "props": _item_props(item),
    }
    if item.due is not None:
        due = _timestamp(dt.datetime.combine(item.due, dt.time(), dt.UTC))
        milestone = {
            "uuid": derived_uuid("milestone", b.aid, str(item.id)),
            "type": "milestone",
            "title": _one_line(f"Due: {_title(item.action)}"),
            "timing": {"on-date": {"date": due}},
        }
        remediation["tasks"] = [milestone]
    risk: JsonDict = {
        "uuid": derived_uuid("risk", b.aid, str(item.id)),
        "title": _one_line(f"Gap in {refs}"),
        "description": _one_line(
            f"The gap in {refs} of {b.doc.pack_title} that this roadmap action closes."
        ),
        "statement": "\n\n".join(statements) or f"{refs}: not assessed yet.",
        "status": _RISK_STATUS[item.status],
        "remediations": [remediation],
    }
    if item.due is not None:
        risk["deadline"] = remediation["tasks"][0]["timing"]["on-date"]["date"]
    if related := b.related_observations(item.ref_ids, observed):
        risk["related-observations"] = related
    return risk


def _title(action: str) -> str:
    line = _one_line(action) or "Roadmap action"
    return line if len(line) <= 200 else line[:199] + "…"


def _item_props(item: RoadmapItemDoc) -> list[JsonDict]:
    props = [_prop("status", item.status)]
    if item.owner and item.owner.strip():
        props.append(_prop("owner", item.owner))
    if item.effort and item.effort.strip():
        props.append(_prop("effort", item.effort))
    if item.due is not None:
        props.append(_prop("due", item.due.isoformat()))
    props += [_prop("ref-id", ref) for ref in item.ref_ids]
    return props


def _poam_item(
    b: _Builder, item: RoadmapItemDoc, observed: Set[str], findings: Mapping[str, JsonDict]
) -> JsonDict:
    entry: JsonDict = {
        "uuid": derived_uuid("poam-item", b.aid, str(item.id)),
        "title": _title(item.action),
        "description": item.action.strip() or _title(item.action),
        "props": [*_item_props(item), _prop("created", _timestamp(item.created_at))],
    }
    related = [ref for ref in item.ref_ids if ref in findings]
    if related:
        entry["related-findings"] = [{"finding-uuid": b.finding_uuid(ref)} for ref in related]
    if seen := b.related_observations(item.ref_ids, observed):
        entry["related-observations"] = seen
    entry["related-risks"] = [{"risk-uuid": derived_uuid("risk", b.aid, str(item.id))}]
    return entry


def poam(
    doc: AssessmentDoc, items: Sequence[RoadmapItemDoc], *, now: dt.datetime | None = None
) -> JsonDict:
    """The roadmap as an OSCAL plan-of-action-and-milestones (`{"plan-of-action-and-milestones":
    ...}`), with the AR's observations and findings for the requirements the items address."""
    if not items:
        raise ValueError("a POA&M needs at least one roadmap item")
    now = now or dt.datetime.now(dt.UTC)
    b = _Builder(doc)
    wanted = {ref for item in items for ref in item.ref_ids}
    observations, findings = _observations_and_findings(b, now, wanted)
    content = _content_hash(doc, list(items))
    document: JsonDict = {
        "uuid": derived_uuid("poam", b.aid, content),
        "metadata": b.metadata(f"Plan of action and milestones: {doc.title}", b.version(), now),
        "import-ssp": {
            "href": ssp_href(doc.subject),
            "remarks": (
                "Aman keeps no system security plan: the organisation assessed stands for the "
                "system, and this URN names it."
            ),
        },
        "system-id": {
            "identifier-type": "http://ietf.org/rfc/rfc4122",
            "id": derived_uuid("system", doc.subject),
        },
    }
    if observations:
        document["observations"] = list(observations.values())
    document["risks"] = [_risk(b, item, observations.keys(), findings) for item in items]
    if findings:
        document["findings"] = list(findings.values())
    document["poam-items"] = [_poam_item(b, item, observations.keys(), findings) for item in items]
    back_matter = b.back_matter()
    if back_matter:
        document["back-matter"] = back_matter
    return {"plan-of-action-and-milestones": document}
