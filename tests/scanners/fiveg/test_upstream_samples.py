"""The upstream default configurations (read from ../shared/data, never copied) fail as the
reference analysis found: null algorithms preferred, plain HTTP, OAuth over HTTP, SEPP
without client verification, and free5GC's Annex C.4 test-vector SUCI keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from aman.evidence.model import Severity, Status
from aman.scanners.fiveg.audit import audit

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "5g"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared 5G samples not present")


def failures(root: Path) -> set[tuple[str, str]]:
    return {(f.check_id, f.target) for f in audit(root).findings if f.status is Status.FAIL}


def test_open5gs_defaults() -> None:
    run = audit(SAMPLES / "open5gs")
    assert not run.problems  # every template parses after placeholder substitution
    failed = {(f.check_id, f.target) for f in run.findings if f.status is Status.FAIL}
    assert {
        ("5g.nas.nia0", "amf.yaml.in"),
        ("5g.nas.nea0", "amf.yaml.in"),
        ("5g.sbi.tls", "amf.yaml.in"),
        ("5g.sbi.tls", "nrf.yaml.in"),
        ("5g.oauth.enabled", "nrf.yaml.in"),
        ("5g.n32.mtls", "sepp1.yaml.in"),
    } <= failed
    assert ("5g.n32.tls", "sepp1.yaml.in") not in failed  # N32 is https in the sample


def test_free5gc_defaults_with_test_vector_keys() -> None:
    run = audit(SAMPLES / "free5gc")
    failed = {(f.check_id, f.target): f for f in run.findings if f.status is Status.FAIL}
    sample = failed[("5g.suci.sample-key", "udmcfg.yaml")]
    assert sample.severity is Severity.CRITICAL and "Annex C.4" in sample.message
    assert {m["field"] for m in sample.evidence["matches"]} == {
        "SuciProfile[0].PrivateKey",
        "SuciProfile[1].PrivateKey",
    }
    assert ("5g.oauth.transport", "nrfcfg.yaml") in failed
    assert ("5g.nas.nea0", "amfcfg.yaml") in failed
    assert ("5g.suci.key-storage", "udmcfg.yaml") in failed
    assert ("5g.nas.nia0", "amfcfg.yaml") not in failed  # integrityOrder: [NIA2]
