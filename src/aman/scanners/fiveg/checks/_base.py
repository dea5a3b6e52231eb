"""What the 5G checks share: the audit context, references and requirement ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aman.evidence.model import Reference
from aman.scanners.fiveg.samplekeys import SAMPLE_KEYS

PACK = "aman-5g-baseline"
TS33501_URL = "https://www.3gpp.org/DynaReport/33501.htm"


def req(*refs: str) -> tuple[str, ...]:
    """``pack:ref`` ids of the requirements a check evidences in the 5G baseline."""
    return tuple(f"{PACK}:{r}" for r in refs)


def ts33501(clause: str) -> Reference:
    return Reference("3gpp-ts-33.501", clause, TS33501_URL)


@dataclass(frozen=True, slots=True)
class AuditContext:
    """Inputs of the checks besides the network function.

    ``denylist`` maps public-key fingerprints to what they are (published sample keys);
    ``allow_null_ciphering`` records a jurisdiction where NAS ciphering is not permitted.
    """

    denylist: Mapping[str, str] = field(default_factory=lambda: SAMPLE_KEYS)
    allow_null_ciphering: bool = False


def listing(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(values) + "]"
