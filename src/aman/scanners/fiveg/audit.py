"""The 5G configuration audit, from a directory to findings: walk, parse, read keys, judge.

Pure of storage: ``service.py`` stores what this returns. Files that are not Open5GS or
free5GC configurations (other YAML in a bundle) are skipped; files that cannot be read or
parsed become ``5g.input`` error findings naming the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from aman import __version__
from aman.frameworks.yaml_safe import YamlError
from aman.scanners.common.engine import Stamp, Subject, evaluate
from aman.scanners.common.limits import Limits
from aman.scanners.common.problems import Problem, ProblemError
from aman.scanners.common.run import CheckRun, input_findings, scope_target
from aman.scanners.common.tree import FileRef, read_text, walk_tree
from aman.scanners.common.yaml_docs import load_documents
from aman.scanners.fiveg import free5gc, open5gs
from aman.scanners.fiveg.checks._base import AuditContext
from aman.scanners.fiveg.keys import KeyResolver
from aman.scanners.fiveg.model import CoreSummary, NetworkFunction
from aman.scanners.fiveg.samplekeys import SAMPLE_KEYS
from aman.scanners.fiveg.yamlnav import Doc

TOOL = "aman-5g"
DOMAIN = "5g"
SUFFIXES = (".yaml", ".yml", ".yaml.in", ".yml.in")


@dataclass(frozen=True)
class AuditOptions:
    """How to audit: limits, where key files may also be read, and the ciphering policy."""

    limits: Limits = field(default_factory=Limits)
    key_roots: tuple[Path, ...] = ()
    allow_null_ciphering: bool = False
    denylist: Mapping[str, str] = field(default_factory=lambda: SAMPLE_KEYS)
    unknown_modes: frozenset[str] = frozenset()
    scope: str | None = None


def accepts(rel: str) -> bool:
    return rel.lower().endswith(SUFFIXES)


def parse_config(ref: FileRef, limits: Limits) -> NetworkFunction | None:
    """The network function a file configures; None for other YAML; ProblemError if broken."""
    source = read_text(ref, limits.max_text_bytes)
    text = open5gs.substitute(source) if open5gs.is_template(ref.rel) else source
    try:
        docs = [d for d in load_documents(text, limits.yaml) if d.data is not None]
    except YamlError as exc:
        raise ProblemError(Problem(ref.rel, "malformed", f"YAML: {exc.message}", exc.line)) from exc
    if len(docs) != 1:
        return None
    doc = Doc(docs[0].data, docs[0].root)
    return free5gc.parse(doc, ref.rel, source) or open5gs.parse(doc, ref.rel, source)


def _summary(nfs: list[NetworkFunction]) -> dict[str, object]:
    return {
        "network_functions": [
            {
                "path": nf.path,
                "vendor": nf.vendor,
                "type": nf.nf_type,
                "sbi": sorted({e.scheme for e in nf.sbi()}),
                "keys": len(nf.keys),
            }
            for nf in nfs
        ]
    }


def audit(root: Path, options: AuditOptions | None = None) -> CheckRun:
    """Audit every Open5GS/free5GC configuration under ``root`` (a file or a directory)."""
    options = options or AuditOptions()
    started = datetime.now(UTC)
    walk = walk_tree(root, accepts, options.limits)
    scope = options.scope or root.name or str(root)
    resolver = KeyResolver(walk.root, options.key_roots, options.unknown_modes)
    nfs: list[NetworkFunction] = []
    problems = list(walk.problems)
    for ref in walk.files:
        try:
            nf = parse_config(ref, options.limits)
        except ProblemError as exc:
            problems.append(exc.problem)
            continue
        if nf is not None:
            facts = resolver.all_facts(nf.keys, ref.path.parent)
            nfs.append(replace(nf, key_facts=facts))
    stamp = Stamp(TOOL, __version__, started)
    ctx = AuditContext(options.denylist, options.allow_null_ciphering)
    subjects: list[Subject] = [*nfs, CoreSummary(tuple(nfs), scope)]
    findings = evaluate(DOMAIN, ("nf", "core"), subjects, ctx, stamp, scope_target(DOMAIN, scope))
    findings += input_findings("5g.input", problems, stamp, scope, len(walk.files))
    notes = [] if nfs else ["no Open5GS or free5GC configuration found in scope"]
    return CheckRun(
        domain=DOMAIN,
        scope=scope,
        started_at=started,
        finished_at=datetime.now(UTC),
        findings=findings,
        files=len(walk.files),
        problems=problems,
        notes=notes,
        summary=_summary(nfs),
    )
