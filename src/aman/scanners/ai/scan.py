"""The AI model scan, from a directory (or one file) to findings and an AI-BOM.

Pure of storage. Unreadable files and refused containers become ``ai.input`` error
findings; every model, refused or not, is hashed into the AI-BOM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aman import __version__
from aman.evidence.registry import get_registry
from aman.scanners.ai import aibom
from aman.scanners.ai.formats import accepts
from aman.scanners.ai.inspect import inspect_file
from aman.scanners.ai.model import CLEAN_IS_NOT_SAFE, Inventory, ModelFile
from aman.scanners.common.engine import Dispatcher, Stamp
from aman.scanners.common.limits import Limits
from aman.scanners.common.problems import Problem, ProblemError
from aman.scanners.common.run import CheckRun, Document, input_findings, scope_target
from aman.scanners.common.tree import walk_tree

TOOL = "aman-ai"
DOMAIN = "ai"
AIBOM = "ai-bom"


@dataclass(frozen=True)
class AiOptions:
    """Limits, and whether to validate the AI-BOM against the CycloneDX 1.6 schema."""

    limits: Limits = field(default_factory=Limits)
    validate_bom: bool = True
    scope: str | None = None


def _summary(models: list[ModelFile]) -> dict[str, object]:
    return {
        "models": [
            {
                "path": m.path,
                "format": m.format,
                "size": m.size,
                "sha256": m.sha256,
                "pickle_based": m.uses_pickle,
                "dangerous": sorted({g.qualified for g in m.pickle.dangerous()})
                if m.pickle
                else [],
                "review": sorted({g.qualified for g in m.pickle.review()}) if m.pickle else [],
            }
            for m in models
        ]
    }


def inspect_tree(root: Path, limits: Limits) -> tuple[list[ModelFile], list[Problem], int]:
    """Every model file under ``root``, the problems met, and how many files were seen."""
    walk = walk_tree(root, accepts, limits)
    models: list[ModelFile] = []
    problems = list(walk.problems)
    for ref in walk.files:
        try:
            model = inspect_file(ref, limits)
        except ProblemError as exc:
            problems.append(exc.problem)
            continue
        models.append(model)
        if model.refused:
            code = "archive-bomb" if "zip bomb" in model.refused else "malformed"
            problems.append(Problem(model.path, code, model.refused))
    return models, problems, len(walk.files)


def scan(root: Path, options: AiOptions | None = None) -> CheckRun:
    """Scan every model file under ``root``; the AI-BOM is kept as the run's document."""
    options = options or AiOptions()
    started = datetime.now(UTC)
    scope = options.scope or root.name or str(root)
    models, problems, files = inspect_tree(root, options.limits)
    stamp = Stamp(TOOL, __version__, started)
    dispatcher = Dispatcher(DOMAIN, ("model", "inventory"), get_registry())
    target = scope_target(DOMAIN, scope)
    findings = dispatcher.run(models, None, stamp, target, fill=False)
    document = aibom.aibom_json(models, findings, started)
    error = aibom.validation_error(document) if options.validate_bom and models else None
    findings += dispatcher.run(
        [Inventory(scope, tuple(models), error)], None, stamp, target, fill=False
    )
    findings = dispatcher.fill(findings, stamp, target)
    findings += input_findings("ai.input", problems, stamp, scope, files)
    return CheckRun(
        domain=DOMAIN,
        scope=scope,
        started_at=started,
        finished_at=datetime.now(UTC),
        findings=findings,
        files=files,
        problems=problems,
        documents=[Document(AIBOM, aibom.MEDIA_TYPE, document.encode())] if models else [],
        notes=[CLEAN_IS_NOT_SAFE],
        summary=_summary(models),
    )
