"""Quantum risk: NIST IR 8547 status, CNSA 2.0 deadlines, Mosca exposure, priorities.

Pure functions over plain values, so the model is unit-tested and explainable.

- **NIST IR 8547 (ipd, Nov 2024).** Quantum-vulnerable public-key schemes at 112-bit
  classical strength (RSA-2048, DH-2048, 224-255-bit curves) are *deprecated after 2030*;
  every quantum-vulnerable scheme is *disallowed after 2035*. Below 112 bits is already
  disallowed (SP 800-131A). Strengths follow SP 800-57 (RSA-3072 and P-256 are 128-bit).
- **CNSA 2.0** per-category "exclusively use by" years (NSA CSA U/OO/194427-22, as recalled
  in the project reference; flagged there as to be re-checked against the primary source).
- **Mosca's inequality** (IACR ePrint 2015/1075): data whose confidentiality shelf-life
  ``x`` plus migration time ``y`` exceeds the time ``z`` to a cryptographically relevant
  quantum computer is exposed to harvest-now-decrypt-later. It applies to confidentiality,
  i.e. key establishment; signatures are driven by the deadlines instead. ``z`` is taken as
  a distribution and the report gives P(z < x + y). The default distribution is Aman's
  planning assumption (10 years as the point estimate, matching the 2035 horizon of
  IR 8547 and NSM-10; median about 13 years), not a published survey: configure it per
  organisation in the scope file.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from aman.errors import FieldError, InvalidInput

DEPRECATED_AFTER = date(2030, 12, 31)
DISALLOWED_AFTER = date(2035, 12, 31)


class Ir8547Status(StrEnum):
    """Status of an algorithm use under NIST IR 8547 on a given date."""

    ACCEPTABLE = "acceptable"
    DEPRECATED = "deprecated"  # allowed, the data owner accepts the risk
    DISALLOWED = "disallowed"
    QUANTUM_SAFE = "quantum-safe"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Ir8547:
    """IR 8547 status on a date, with the transition dates that apply."""

    status: Ir8547Status
    deprecated_after: date | None
    disallowed_after: date | None
    reason: str

    @property
    def next_deadline(self) -> date | None:
        """The next date on which the status gets worse (None when none is ahead)."""
        for moment in (self.deprecated_after, self.disallowed_after):
            if moment is not None and self.status is Ir8547Status.ACCEPTABLE:
                return moment
        if self.status is Ir8547Status.DEPRECATED:
            return self.disallowed_after
        return None


def ir8547_status(quantum_vulnerable: bool | None, classical_bits: int | None, on: date) -> Ir8547:
    """Classify one public-key algorithm use (key establishment or signature) on ``on``."""
    if quantum_vulnerable is None:
        return Ir8547(Ir8547Status.UNKNOWN, None, None, "algorithm not recognised")
    if not quantum_vulnerable:
        return Ir8547(Ir8547Status.QUANTUM_SAFE, None, None, "post-quantum algorithm")
    if classical_bits is not None and classical_bits < 112:
        reason = f"{classical_bits}-bit security is below 112 bits: disallowed (SP 800-131A)"
        return Ir8547(Ir8547Status.DISALLOWED, None, None, reason)
    if classical_bits is not None and classical_bits < 128:
        deprecated: date | None = DEPRECATED_AFTER
        reason = "112-bit quantum-vulnerable: deprecated after 2030, disallowed after 2035"
    else:
        deprecated = None
        reason = "quantum-vulnerable: disallowed after 2035"
    if on > DISALLOWED_AFTER:
        status = Ir8547Status.DISALLOWED
    elif deprecated is not None and on > deprecated:
        status = Ir8547Status.DEPRECATED
    else:
        status = Ir8547Status.ACCEPTABLE
    return Ir8547(status, deprecated, DISALLOWED_AFTER, reason)


class CnsaCategory(StrEnum):
    """CNSA 2.0 transition categories."""

    SOFTWARE_SIGNING = "software-signing"
    WEB_CLOUD = "web-cloud"
    NETWORKING = "networking"
    OPERATING_SYSTEMS = "operating-systems"
    NICHE = "niche"
    CUSTOM_LEGACY = "custom-legacy"


# category -> (support and prefer by, exclusively use by)
CNSA_TIMELINE: dict[CnsaCategory, tuple[int | None, int]] = {
    CnsaCategory.SOFTWARE_SIGNING: (2025, 2030),
    CnsaCategory.WEB_CLOUD: (2025, 2033),
    CnsaCategory.NETWORKING: (2026, 2030),
    CnsaCategory.OPERATING_SYSTEMS: (2027, 2033),
    CnsaCategory.NICHE: (2030, 2033),
    CnsaCategory.CUSTOM_LEGACY: (None, 2033),
}


@dataclass(frozen=True, slots=True)
class CnsaDeadline:
    """The CNSA 2.0 dates for an asset's category."""

    category: CnsaCategory
    prefer_by: date | None
    exclusive_by: date


def cnsa_deadline(category: CnsaCategory) -> CnsaDeadline:
    """Support/prefer-by and exclusively-use-by dates (end of the named year)."""
    prefer, exclusive = CNSA_TIMELINE[category]
    return CnsaDeadline(
        category, None if prefer is None else date(prefer, 12, 31), date(exclusive, 12, 31)
    )


# --- Mosca ---------------------------------------------------------------------------------

# (years from now, P(a CRQC exists by then)): Aman's default planning assumption.
DEFAULT_CRQC_CDF: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (5.0, 0.1),
    (10.0, 0.35),
    (15.0, 0.6),
    (20.0, 0.75),
    (30.0, 0.9),
)


def _validate_cdf(points: tuple[tuple[float, float], ...]) -> None:
    if len(points) < 2:
        raise ValueError("a CRQC distribution needs at least two points")
    years = [p[0] for p in points]
    probs = [p[1] for p in points]
    if years != sorted(years) or len(set(years)) != len(years) or years[0] < 0:
        raise ValueError("CRQC distribution years must be increasing and non-negative")
    if probs != sorted(probs) or probs[0] < 0 or probs[-1] > 1:
        raise ValueError("CRQC probabilities must be non-decreasing within [0, 1]")


@dataclass(frozen=True)
class RiskProfile:
    """Mosca inputs for one organisation: time to CRQC, migration time, data shelf-lives.

    ``data_classes`` maps a data class to its confidentiality shelf-life in years; an
    endpoint without a class uses ``default_data_class``.
    """

    years_to_crqc: float = 10.0
    migration_years: float = 5.0
    data_classes: Mapping[str, float] = field(default_factory=lambda: {"default": 10.0})
    default_data_class: str = "default"
    crqc_cdf: tuple[tuple[float, float], ...] = DEFAULT_CRQC_CDF

    def __post_init__(self) -> None:
        if self.years_to_crqc <= 0 or self.migration_years < 0:
            raise ValueError("years_to_crqc must be > 0 and migration_years >= 0")
        if any(v < 0 for v in self.data_classes.values()):
            raise ValueError("shelf-lives must be >= 0 years")
        if self.default_data_class not in self.data_classes:
            raise ValueError(f"default data class {self.default_data_class!r} is not defined")
        _validate_cdf(self.crqc_cdf)

    def shelf_life(self, data_class: str | None) -> tuple[str, float]:
        """(class used, shelf-life); unknown classes fall back to the default class."""
        name = self.default_data_class
        if data_class is not None and data_class in self.data_classes:
            name = data_class
        return name, float(self.data_classes[name])

    def crqc_probability(self, years: float) -> float:
        """P(CRQC within ``years``): piecewise-linear in the configured distribution."""
        xs = [p[0] for p in self.crqc_cdf]
        if years <= xs[0]:
            return self.crqc_cdf[0][1]
        if years >= xs[-1]:
            return self.crqc_cdf[-1][1]
        i = bisect.bisect_right(xs, years)
        (x0, p0), (x1, p1) = self.crqc_cdf[i - 1], self.crqc_cdf[i]
        return p0 + (p1 - p0) * (years - x0) / (x1 - x0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "years_to_crqc": self.years_to_crqc,
            "migration_years": self.migration_years,
            "data_classes": dict(self.data_classes),
            "default_data_class": self.default_data_class,
            "crqc_cdf": [list(p) for p in self.crqc_cdf],
        }

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> RiskProfile:
        """Build from a scope file's ``risk:`` block; ValueError names the problem."""
        known = {"years_to_crqc", "migration_years", "data_classes", "default_data_class"}
        known |= {"crqc_cdf"}
        if set(raw) - known:
            raise InvalidInput("invalid risk profile", [FieldError("risk", "unknown keys")])
        try:
            classes = {str(k): float(v) for k, v in (raw.get("data_classes") or {}).items()}
            default = str(raw.get("default_data_class") or next(iter(classes), "default"))
            classes = classes or {"default": 10.0}
            cdf = tuple((float(a), float(b)) for a, b in raw.get("crqc_cdf") or DEFAULT_CRQC_CDF)
            return cls(
                years_to_crqc=float(raw.get("years_to_crqc", 10.0)),
                migration_years=float(raw.get("migration_years", 5.0)),
                data_classes=classes,
                default_data_class=default,
                crqc_cdf=cdf,
            )
        except (TypeError, ValueError) as exc:
            raise InvalidInput("invalid risk profile", [FieldError("risk", str(exc))]) from exc


@dataclass(frozen=True, slots=True)
class Mosca:
    """Harvest-now-decrypt-later exposure of one key-establishment use."""

    data_class: str
    shelf_life: float
    migration_years: float
    years_to_crqc: float
    exposure_years: float
    at_risk: bool
    probability: float


def mosca(profile: RiskProfile, data_class: str | None) -> Mosca:
    """Mosca's inequality x + y > z for a data class under a profile."""
    name, shelf = profile.shelf_life(data_class)
    horizon = shelf + profile.migration_years
    exposure = horizon - profile.years_to_crqc
    return Mosca(
        data_class=name,
        shelf_life=shelf,
        migration_years=profile.migration_years,
        years_to_crqc=profile.years_to_crqc,
        exposure_years=round(exposure, 3),
        at_risk=exposure > 0,
        probability=round(profile.crqc_probability(horizon), 4),
    )
