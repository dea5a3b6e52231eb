"""Each 5G check on good and bad configurations, and the NAS rules as properties."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from aman.evidence.model import Finding, Severity, Status
from aman.scanners.fiveg.audit import AuditOptions, audit
from aman.scanners.fiveg.checks import nas_nea0, nas_nia0
from aman.scanners.fiveg.checks._base import AuditContext
from aman.scanners.fiveg.demo import write_core
from aman.scanners.fiveg.model import NasSecurity, NetworkFunction


def verdicts(findings: list[Finding]) -> dict[tuple[str, str], Finding]:
    return {(f.check_id, f.target): f for f in findings}


def amf(integrity: tuple[str, ...] | None, ciphering: tuple[str, ...] | None) -> NetworkFunction:
    return NetworkFunction(
        "open5gs", "amf", "amf.yaml", 1, nas=NasSecurity(integrity, ciphering, 5, 6)
    )


ALGS = st.lists(
    st.sampled_from(["NIA0", "NIA1", "NIA2", "NIA3"]), min_size=1, max_size=4, unique=True
)
CIPHERS = st.lists(
    st.sampled_from(["NEA0", "NEA1", "NEA2", "NEA3"]), min_size=1, max_size=4, unique=True
)


@given(ALGS)
def test_nia0_fails_exactly_when_listed_and_is_critical_when_first(order: list[str]) -> None:
    out = nas_nia0.evaluate_nf(amf(tuple(order), None), AuditContext())
    assert out is not None
    assert (out.status is Status.FAIL) == ("NIA0" in order)
    assert (out.severity is Severity.CRITICAL) == (order[0] == "NIA0")
    assert out.line == 5


@given(CIPHERS, st.booleans())
def test_nea0_policy(order: list[str], null_allowed: bool) -> None:
    out = nas_nea0.evaluate_nf(
        amf(None, tuple(order)), AuditContext(allow_null_ciphering=null_allowed)
    )
    assert out is not None
    bad = order[0] == "NEA0" or set(order) == {"NEA0"}
    if not bad:
        assert out.status is Status.PASS
    else:
        assert out.status is (Status.WARN if null_allowed else Status.FAIL)


def test_unconfigured_orders_are_remarks_not_passes() -> None:
    out = nas_nia0.evaluate_nf(amf(None, None), AuditContext())
    assert out is not None and out.status is Status.WARN and "default" in out.message


def test_default_like_core_fails_where_expected(tmp_path: Path) -> None:
    write_core(tmp_path / "core", hardened=False)
    run = audit(tmp_path / "core")
    v = verdicts(run.findings)
    failed = {k for k, f in v.items() if f.status is Status.FAIL}
    assert {
        ("5g.nas.nia0", "amf.yaml.in"),
        ("5g.nas.nea0", "amf.yaml.in"),
        ("5g.sbi.tls", "amf.yaml.in"),
        ("5g.sbi.tls", "nrf.yaml.in"),
        ("5g.oauth.enabled", "nrf.yaml.in"),
        ("5g.n32.tls", "sepp.yaml.in"),
        ("5g.n32f.tls", "sepp.yaml.in"),
        ("5g.suci.key-storage", "udm.yaml.in"),
    } <= failed
    assert v[("5g.nas.nia0", "amf.yaml.in")].severity is Severity.CRITICAL
    assert v[("5g.suci.hnet", "udm.yaml.in")].status is Status.PASS
    assert v[("5g.suci.sample-key", "udm.yaml.in")].status is Status.PASS
    assert v[("5g.input", "5g-scope:core")].status is Status.PASS


def test_hardened_core_passes_everything_open5gs_can_do(tmp_path: Path) -> None:
    write_core(tmp_path / "core", hardened=True)
    run = audit(tmp_path / "core")
    failed = sorted((f.check_id, f.target) for f in run.findings if f.status is Status.FAIL)
    assert failed == [("5g.oauth.enabled", "nrf.yaml.in")]  # Open5GS has no OAuth 2.0
    v = verdicts(run.findings)
    assert v[("5g.sbi.mtls", "amf.yaml.in")].status is Status.PASS
    assert v[("5g.n32.mtls", "sepp.yaml.in")].status is Status.PASS
    assert v[("5g.tls.key-storage", "amf.yaml.in")].status is Status.PASS
    assert not any(f.status is Status.ERROR for f in run.findings)


def test_sbi_tls_without_client_verification_and_keylog(write: Callable[..., Path]) -> None:
    write(
        "c/nrf.yaml",
        "nrf:\n  sbi:\n    server:\n      - address: 10.1.1.1\n        port: 7777\n"
        "        scheme: https\n        sslkeylogfile: /tmp/keys.log\n",
    )
    v = verdicts(audit(write("c/x.txt", "").parent).findings)
    assert v[("5g.sbi.tls", "nrf.yaml")].status is Status.PASS
    mtls = v[("5g.sbi.mtls", "nrf.yaml")]
    assert mtls.status is Status.FAIL and mtls.line == 4
    keylog = v[("5g.tls.keylog", "nrf.yaml")]
    assert keylog.status is Status.FAIL and keylog.severity is Severity.CRITICAL
    assert "/tmp/keys.log" in keylog.message


def test_free5gc_oauth_over_http_and_clean_https(write: Callable[..., Path]) -> None:
    base = "info:\n  description: NRF initial local configuration\nconfiguration:\n  sbi:\n"
    write("a/nrfcfg.yaml", base + "    scheme: http\n    oauth: true\n")
    write("b/nrfcfg.yaml", base + "    scheme: https\n    oauth: true\n")
    write("c/nrfcfg.yaml", base + "    scheme: https\n    oauth: false\n")
    root = write("a/x", "").parent.parent
    v = verdicts(audit(root).findings)
    assert v[("5g.oauth.transport", "a/nrfcfg.yaml")].status is Status.FAIL
    assert v[("5g.oauth.transport", "b/nrfcfg.yaml")].status is Status.PASS
    assert v[("5g.oauth.enabled", "c/nrfcfg.yaml")].status is Status.FAIL
    assert v[("5g.oauth.transport", "c/nrfcfg.yaml")].status is Status.NOT_APPLICABLE


def test_suci_schemes(write: Callable[..., Path]) -> None:
    cases = {
        "none": "udm:\n  sbi: {}\n",
        "null": "udm:\n  hnet:\n    - id: 1\n      scheme: 0\n",
        "reserved": "udm:\n  hnet:\n    - id: 1\n      scheme: 5\n      key: k\n",
        "dup": "udm:\n  hnet:\n    - {id: 1, scheme: 1, key: a}\n"
        "    - {id: 1, scheme: 2, key: b}\n",
        "vendor": "udm:\n  hnet:\n    - {id: 1, scheme: 13, key: a}\n"
        "    - {id: 2, scheme: 1, key: b}\n",
    }
    for name, text in cases.items():
        write(f"s/{name}/udm.yaml", text)
    v = verdicts(audit(write("s/x", "").parent).findings)
    status = {n: v[("5g.suci.hnet", f"{n}/udm.yaml")] for n in cases}
    assert status["none"].status is Status.FAIL and "null scheme" in status["none"].message
    assert status["null"].status is Status.FAIL
    assert "invalid protection scheme 0x5" in status["reserved"].message
    assert status["dup"].status is Status.FAIL and "duplicate" in status["dup"].message
    assert status["vendor"].status is Status.WARN
    assert v[("5g.suci.rotation", "vendor/udm.yaml")].status is Status.FAIL  # one usable id
    assert v[("5g.suci.rotation", "dup/udm.yaml")].status is Status.FAIL


def test_amf_order_consistency_across_instances(tmp_path: Path) -> None:
    write_core(tmp_path / "a", hardened=True, nfs=("amf",))
    write_core(tmp_path / "b", hardened=False, nfs=("amf",))
    v = verdicts(audit(tmp_path).findings)
    consistency = v[("5g.nas.order-consistency", f"5g-scope:{tmp_path.name}")]
    assert consistency.status is Status.FAIL and set(consistency.evidence["amfs"]) == {
        "a/amf.yaml.in",
        "b/amf.yaml.in",
    }


def test_empty_scope_reports_every_check_not_applicable(tmp_path: Path) -> None:
    run = audit(tmp_path, AuditOptions(scope="empty"))
    statuses = {f.check_id: f.status for f in run.findings}
    assert statuses.pop("5g.input") is Status.PASS
    assert set(statuses.values()) == {Status.NOT_APPLICABLE} and len(statuses) >= 16
    assert run.notes == ["no Open5GS or free5GC configuration found in scope"]
