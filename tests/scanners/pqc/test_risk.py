"""Quantum-risk rules: IR 8547 by date, CNSA 2.0 deadlines, Mosca's inequality."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aman.errors import InvalidInput
from aman.scanners.pqc.risk import (
    CnsaCategory,
    Ir8547Status,
    RiskProfile,
    cnsa_deadline,
    ir8547_status,
    mosca,
)

A = Ir8547Status


@pytest.mark.parametrize(
    ("vulnerable", "bits", "on", "status", "deprecated", "disallowed"),
    [
        (True, 112, date(2030, 12, 31), A.ACCEPTABLE, date(2030, 12, 31), date(2035, 12, 31)),
        (True, 112, date(2031, 1, 1), A.DEPRECATED, date(2030, 12, 31), date(2035, 12, 31)),
        (True, 112, date(2036, 1, 1), A.DISALLOWED, date(2030, 12, 31), date(2035, 12, 31)),
        (True, 128, date(2031, 6, 1), A.ACCEPTABLE, None, date(2035, 12, 31)),  # P-256, RSA-3072
        (True, 192, date(2036, 1, 1), A.DISALLOWED, None, date(2035, 12, 31)),
        (True, 80, date(2026, 1, 1), A.DISALLOWED, None, None),  # RSA-1024 today
        (False, 192, date(2040, 1, 1), A.QUANTUM_SAFE, None, None),
        (None, None, date(2026, 1, 1), A.UNKNOWN, None, None),
    ],
)
def test_ir8547(
    vulnerable: bool | None,
    bits: int | None,
    on: date,
    status: Ir8547Status,
    deprecated: date | None,
    disallowed: date | None,
) -> None:
    got = ir8547_status(vulnerable, bits, on)
    assert (got.status, got.deprecated_after, got.disallowed_after) == (
        status,
        deprecated,
        disallowed,
    )


@given(st.integers(112, 512), st.dates(date(2024, 1, 1), date(2040, 1, 1)))
def test_status_only_gets_worse_with_time(bits: int, on: date) -> None:
    order = [A.ACCEPTABLE, A.DEPRECATED, A.DISALLOWED]
    later = date(on.year + 1, on.month, min(on.day, 28))
    assert order.index(ir8547_status(True, bits, on).status) <= order.index(
        ir8547_status(True, bits, later).status
    )
    assert ir8547_status(True, bits, on).next_deadline in (
        None,
        date(2030, 12, 31),
        date(2035, 12, 31),
    )


def test_cnsa_deadlines() -> None:
    web = cnsa_deadline(CnsaCategory.WEB_CLOUD)
    assert (web.prefer_by, web.exclusive_by) == (date(2025, 12, 31), date(2033, 12, 31))
    assert cnsa_deadline(CnsaCategory.NETWORKING).exclusive_by == date(2030, 12, 31)
    assert cnsa_deadline(CnsaCategory.CUSTOM_LEGACY).prefer_by is None


def test_mosca_and_profiles() -> None:
    profile = RiskProfile(
        years_to_crqc=10, migration_years=4, data_classes={"a": 10, "b": 2}, default_data_class="b"
    )
    exposed = mosca(profile, "a")
    assert (exposed.exposure_years, exposed.at_risk) == (4.0, True)
    safe = mosca(profile, "unknown-class")
    assert (safe.data_class, safe.exposure_years, safe.at_risk) == ("b", -4.0, False)
    assert 0 < safe.probability < exposed.probability <= 1
    with pytest.raises(ValueError):
        RiskProfile(default_data_class="missing")
    with pytest.raises(ValueError):
        RiskProfile(crqc_cdf=((0, 0), (5, 0.5), (4, 0.6)))
    with pytest.raises(InvalidInput):
        RiskProfile.from_mapping({"data_classes": {"x": "ten"}})
    rebuilt = RiskProfile.from_mapping(profile.as_dict())
    assert rebuilt == profile


@given(st.floats(0, 60), st.floats(0, 60))
def test_crqc_probability_is_a_cdf(a: float, b: float) -> None:
    profile = RiskProfile()
    lo, hi = sorted((a, b))
    assert 0 <= profile.crqc_probability(lo) <= profile.crqc_probability(hi) <= 1
