"""Key verdicts shared by the SUCI and TLS key checks (sample keys, storage)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aman.evidence.model import Severity
from aman.scanners.common.outcome import Outcome, failed, not_applicable, passed, warned
from aman.scanners.fiveg.model import KeyFacts

LOOSE_BITS = 0o077


def describe(k: KeyFacts) -> dict[str, Any]:
    return {
        "field": k.ref.field,
        "location": "inline" if k.ref.inline else (k.location or k.ref.value),
        "algorithm": k.algorithm,
        "fingerprint_sha256": k.fingerprint,
    }


def sample_verdict(
    facts: Sequence[KeyFacts], denylist: Mapping[str, str], what: str
) -> Outcome | None:
    """Fail on any key whose public fingerprint is on the published-key list."""
    if not facts:
        return None
    matches = [
        describe(k) | {"published_as": denylist[k.fingerprint]}
        for k in facts
        if k.fingerprint and k.fingerprint in denylist
    ]
    checked = [k for k in facts if k.fingerprint]
    unverified = [k.ref.field for k in facts if not k.fingerprint]
    if matches:
        first = next(k for k in facts if k.fingerprint in denylist)
        return failed(
            f"{what} is a published key: {matches[0]['published_as']}",
            severity=Severity.CRITICAL,
            line=first.ref.line,
            matches=matches,
        )
    if not checked:
        return not_applicable(f"no {what} could be read in scope to compare", unverified=unverified)
    message = f"{len(checked)} {what}(s) checked, none is a published sample or test key"
    if unverified:
        return warned(message + f"; {len(unverified)} not in scope", unverified=unverified)
    return passed(message, keys=[describe(k) for k in checked])


def storage_verdict(facts: Sequence[KeyFacts], what: str) -> Outcome | None:
    """Fail on private keys written inline in YAML or in files others can read."""
    if not facts:
        return None
    inline = [k for k in facts if k.ref.inline]
    loose = [k for k in facts if k.mode is not None and k.mode & LOOSE_BITS]
    if inline or loose:
        first = (inline or loose)[0]
        problems: list[dict[str, str | None]] = [
            {"field": k.ref.field, "problem": "inline in the configuration"} for k in inline
        ]
        problems += [
            {"field": k.ref.field, "file": k.location, "mode": f"{k.mode:04o}"} for k in loose
        ]
        reason = "inline in the configuration" if inline else f"mode {first.mode:04o}"
        return failed(
            f"{what} {first.ref.field} is {reason}" + ("" if inline else " (group/others)"),
            line=first.ref.line,
            problems=problems,
        )
    files = [k for k in facts if k.found and k.mode is not None]
    if not files:
        return not_applicable(f"no {what} file in scope with a known mode")
    return passed(
        f"{len(files)} {what} file(s) readable by their owner only",
        files=[{"file": k.location, "mode": f"{k.mode:04o}"} for k in files],
    )
