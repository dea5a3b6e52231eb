"""The cloud scan: built-in Kubernetes checks, optionally checkov, from a directory.

Pure of storage. YAML that is not Kubernetes is skipped; CloudFormation templates written
with short intrinsic tags (``!Ref``, ``!Sub``) are left to checkov, which understands them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aman import __version__
from aman.evidence.model import Finding, Severity, Status
from aman.evidence.registry import get_registry
from aman.frameworks.yaml_safe import YamlError
from aman.scanners.cloud import checkov as checkov_runner
from aman.scanners.cloud.checkov_map import CHECKOV_MAP
from aman.scanners.cloud.k8s import Subject as K8sSubject
from aman.scanners.cloud.k8s import subjects_of
from aman.scanners.common.engine import Stamp, Subject, evaluate
from aman.scanners.common.limits import Limits
from aman.scanners.common.problems import Problem, ProblemError
from aman.scanners.common.run import CheckRun, input_findings, scope_target
from aman.scanners.common.tree import FileRef, Walk, read_text, walk_tree
from aman.scanners.common.yaml_docs import load_documents

TOOL = "aman-cloud"
DOMAIN = "cloud"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
_CFN_TAG = "could not determine a constructor for the tag '!"


@dataclass(frozen=True)
class CloudOptions:
    """Limits, and whether (and how) to run checkov beside the built-in checks."""

    limits: Limits = field(default_factory=Limits)
    checkov: bool = False
    checkov_exe: str | None = None
    checkov_timeout: float = checkov_runner.DEFAULT_TIMEOUT
    scope: str | None = None


@dataclass
class Parsed:
    subjects: list[K8sSubject] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0


def accepts(rel: str) -> bool:
    return rel.lower().endswith(MANIFEST_SUFFIXES)


def _manifest(ref: FileRef, limits: Limits, parsed: Parsed) -> None:
    if ref.rel.lower().endswith(".json") and ref.size > limits.max_text_bytes:
        parsed.skipped += 1  # large JSON is data, not a manifest
        return
    text = read_text(ref, limits.max_text_bytes)
    if ref.rel.lower().endswith(".json") and '"apiVersion"' not in text:
        return
    try:
        docs = load_documents(text, limits.yaml)
    except YamlError as exc:
        if _CFN_TAG in exc.message:
            parsed.skipped += 1
            return
        raise ProblemError(Problem(ref.rel, "malformed", f"YAML: {exc.message}", exc.line)) from exc
    parsed.subjects += subjects_of(docs, ref.rel, text)


def parse_tree(walk: Walk, limits: Limits) -> Parsed:
    parsed = Parsed(problems=list(walk.problems))
    for ref in walk.files:
        try:
            _manifest(ref, limits, parsed)
        except ProblemError as exc:
            parsed.problems.append(exc.problem)
    return parsed


def _checkov(
    walk: Walk, options: CloudOptions, started: datetime, scope: str, seen: set[str]
) -> tuple[list[Finding], list[Problem]]:
    """checkov's findings, plus "not applicable" for mapped checks it had nothing for."""
    skip = [p.path for p in walk.problems if p.code == "symlink-escape"]
    result = checkov_runner.run_checkov(
        walk.root, started, exe=options.checkov_exe, timeout=options.checkov_timeout, skip=skip
    )
    findings = list(result.findings)
    if result.ran:
        registry = get_registry()
        covered = seen | {f.check_id for f in findings}
        for check_id in sorted({m.check_id for m in CHECKOV_MAP.values()} - covered):
            check = registry.get(check_id)
            findings.append(
                Finding(
                    check_id=check_id,
                    status=Status.NOT_APPLICABLE,
                    severity=check.severity if check else Severity.INFO,
                    target=scope_target(DOMAIN, scope),
                    message="checkov found no resource this check applies to",
                    observed_at=started,
                    tool=checkov_runner.TOOL,
                    tool_version=result.version,
                )
            )
    return findings, result.problems


def scan(root: Path, options: CloudOptions | None = None) -> CheckRun:
    """Built-in Kubernetes checks over ``root`` and, if asked, checkov over the same tree.

    Raises :class:`~aman.scanners.cloud.checkov.CheckovUnavailable` when checkov is asked
    for but not installed (a configuration error, not a finding).
    """
    options = options or CloudOptions()
    if options.checkov and checkov_runner.executable(options.checkov_exe) is None:
        raise checkov_runner.CheckovUnavailable(
            "checkov is not installed: pip install 'aman-platform[cloud]' (or set AMAN_CHECKOV)"
        )
    started = datetime.now(UTC)
    scope = options.scope or root.name or str(root)
    walk = walk_tree(root, accepts, options.limits)
    parsed = parse_tree(walk, options.limits)
    stamp = Stamp(TOOL, __version__, started)
    subjects: list[Subject] = list(parsed.subjects)
    findings = evaluate(
        DOMAIN, ("workload", "resource"), subjects, None, stamp, scope_target(DOMAIN, scope)
    )
    problems = parsed.problems
    notes = []
    if options.checkov:
        seen = {f.check_id for f in findings if f.status is not Status.NOT_APPLICABLE}
        extra, checkov_problems = _checkov(walk, options, started, scope, seen)
        findings += extra
        problems += checkov_problems
    else:
        notes.append("checkov not run: Terraform, CloudFormation and Dockerfiles were not checked")
    if parsed.skipped:
        notes.append(f"{parsed.skipped} file(s) left to checkov (CloudFormation tags, large JSON)")
    findings += input_findings("cloud.input", problems, stamp, scope, len(walk.files))
    workloads = sum(1 for s in parsed.subjects if s.kind == "workload")
    return CheckRun(
        domain=DOMAIN,
        scope=scope,
        started_at=started,
        finished_at=datetime.now(UTC),
        findings=findings,
        files=len(walk.files),
        problems=problems,
        notes=notes,
        summary={
            "workloads": workloads,
            "resources": len(parsed.subjects) - workloads,
            "checkov": options.checkov,
        },
    )
