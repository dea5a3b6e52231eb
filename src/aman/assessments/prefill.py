"""Pre-filling an assessment on pack B from the same subject's assessment on pack A, through
the mapping sets. Every pre-filled answer is stored as inferred — needs confirmation — with its
source; it counts for nothing until a person confirms or changes it."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from aman.assessments.inference import MappingSource, infer
from aman.assessments.packs import pack_tree
from aman.assessments.service import (
    answer_values,
    answers_of,
    check_editable,
    get_assessment,
    rescore,
    write_answer,
)
from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import ASSESSMENTS_WRITE
from aman.errors import FieldError, InvalidInput
from aman.frameworks.mapping_graph import related
from aman.frameworks.service import mapping_graph


def prefill(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    source_id: uuid.UUID,
    max_depth: int = 2,
) -> int:
    """Infer answers for the unanswered requirements; returns how many were written."""
    target = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    check_editable(target)
    source = get_assessment(session, principal, source_id)
    if (source.organisation_id, source.member_id) != (target.organisation_id, target.member_id):
        raise InvalidInput(
            "both assessments must be of the same subject",
            [FieldError("source", "another organisation's assessment")],
        )
    tree_b, scheme_b, pack_b = pack_tree(session, target.pack_uuid)
    tree_a, scheme_a, pack_a = pack_tree(session, source.pack_uuid)
    if pack_a.pack_id == pack_b.pack_id:
        raise InvalidInput(
            "same framework: start a new cycle instead", [FieldError("source", "same pack")]
        )
    graph = mapping_graph(session)
    existing = {x.ref_id: x for x in answers_of(session, target.id)}
    sources: dict[str, list[MappingSource]] = {}
    for node in tree_b.assessable(target.level):
        if node.ref_id in existing:
            continue
        found = related(graph, (pack_b.pack_id, node.ref_id), max_depth)
        sources[node.ref_id] = [
            MappingSource(r.node[1], r.relationship, r.path_length)
            for r in found.values()
            if r.node[0] == pack_a.pack_id and r.node[1] in tree_a.by_ref
        ]
    source_answers = answer_values({x.ref_id: x for x in answers_of(session, source.id)})
    inferred = infer(sources, source_answers, scheme_a, scheme_b)
    for ref_id, guess in inferred.items():
        provenance = {
            "assessment": str(source.id),
            "pack": pack_a.pack_id,
            "ref_id": guess.source_ref,
            "relationship": guess.relationship.value,
            "capped": guess.capped,
        }
        value = None if guess.result is None else scheme_b.normalise(guess.result)
        write_answer(
            session,
            principal,
            target,
            ref_id,
            guess.result,
            value,
            guess.na,
            "",
            "inferred",
            inferred_from=provenance,
        )
    session.flush()
    rescore(session, target)
    audit.record(
        session,
        principal,
        "assessment.prefill",
        "assessment",
        target.id,
        member_id=target.member_id,
        details={"source": str(source.id), "inferred": len(inferred)},
    )
    return len(inferred)
