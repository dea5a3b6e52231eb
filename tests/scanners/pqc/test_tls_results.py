"""The pure rules that turn a server's first answer into verdicts."""

from __future__ import annotations

import pytest

from aman.scanners.pqc.tls_constants import HRR_RANDOM, group_info
from aman.scanners.pqc.tls_messages import Alert, ServerHello
from aman.scanners.pqc.tls_records import HandshakeMessage, OpaqueRecord
from aman.scanners.pqc.tls_results import (
    GroupResult,
    GroupSupport,
    LargeHelloStatus,
    PreferenceBasis,
    PreferenceResult,
    ProbeOutcome,
    ProbeResult,
    VersionResult,
    classify_group_probe,
    classify_large_hello,
    classify_version_probe,
    interpret_first_event,
    ordered_for_preference,
    reconcile_tls13,
)
from aman.scanners.pqc.tls_wire import ParseError


def hello(group: int | None, *, hrr: bool, version: int = 0x0304, share: int = 32) -> ServerHello:
    random = HRR_RANDOM if hrr else bytes(32)
    return ServerHello(0x0303, random, b"", 0x1301, 0, (), version, group, 0 if hrr else share)


def result(
    outcome: ProbeOutcome, sh: ServerHello | None = None, alert: int | None = None
) -> ProbeResult:
    return ProbeResult(outcome, sh, Alert(2, alert) if alert is not None else None)


HRR_MLKEM = result(ProbeOutcome.HRR, hello(0x11EC, hrr=True))


@pytest.mark.parametrize(
    ("probe", "support"),
    [
        (HRR_MLKEM, GroupSupport.SUPPORTED),
        (result(ProbeOutcome.SUPPORTED, hello(0x11EC, hrr=False)), GroupSupport.SUPPORTED),
        (result(ProbeOutcome.REJECTED, alert=40), GroupSupport.NOT_SUPPORTED),
        (result(ProbeOutcome.REJECTED, alert=47), GroupSupport.NOT_SUPPORTED),
        (result(ProbeOutcome.REJECTED, alert=70), GroupSupport.NO_TLS13),
        (
            result(ProbeOutcome.SUPPORTED, hello(None, hrr=False, version=0x0303)),
            GroupSupport.NO_TLS13,
        ),
        (result(ProbeOutcome.HRR, hello(0x001D, hrr=True)), GroupSupport.INCONCLUSIVE),
        (result(ProbeOutcome.ALERT, alert=80), GroupSupport.INCONCLUSIVE),
        (result(ProbeOutcome.TIMEOUT), GroupSupport.INCONCLUSIVE),
        (result(ProbeOutcome.RESET), GroupSupport.INCONCLUSIVE),
    ],
)
def test_group_verdicts(probe: ProbeResult, support: GroupSupport) -> None:
    verdict = classify_group_probe(0x11EC, probe)
    assert verdict.support is support
    assert verdict.group.name == "X25519MLKEM768"


def test_version_verdicts() -> None:
    ok = classify_version_probe(
        0x0303, result(ProbeOutcome.SUPPORTED, hello(None, hrr=False, version=0x0303))
    )
    assert ok.supported is True and ok.name == "TLSv1.2"
    other = classify_version_probe(
        0x0301, result(ProbeOutcome.SUPPORTED, hello(None, hrr=False, version=0x0303))
    )
    assert other.supported is False and "TLSv1.2" in other.reason
    assert (
        classify_version_probe(0x0301, result(ProbeOutcome.REJECTED, alert=70)).supported is False
    )
    assert classify_version_probe(0x0301, result(ProbeOutcome.RESET)).supported is False
    assert classify_version_probe(0x0304, result(ProbeOutcome.RESET)).supported is None
    assert classify_version_probe(0x0304, result(ProbeOutcome.TIMEOUT)).supported is None


def test_group_probe_overrules_failed_tls13_version_probe() -> None:
    failed = VersionResult(
        0x0304, False, "alert handshake_failure", result(ProbeOutcome.REJECTED, alert=40)
    )
    tls12 = VersionResult(0x0303, False, "alert", result(ProbeOutcome.REJECTED, alert=40))
    group = GroupResult(group_info(0x11ED), GroupSupport.SUPPORTED, "hrr", HRR_MLKEM)
    fixed = reconcile_tls13((failed, tls12), (group,))
    assert [v.supported for v in fixed] == [True, False]
    assert reconcile_tls13((failed,), ()) == (failed,)


def test_preference_basis() -> None:
    x25519 = result(ProbeOutcome.HRR, hello(0x001D, hrr=True))
    assert PreferenceResult(HRR_MLKEM, HRR_MLKEM).basis is PreferenceBasis.SERVER
    assert PreferenceResult(HRR_MLKEM, x25519).basis is PreferenceBasis.CLIENT
    assert PreferenceResult(HRR_MLKEM, x25519).preferred_group == 0x11EC
    assert (
        PreferenceResult(HRR_MLKEM, result(ProbeOutcome.TIMEOUT)).basis is PreferenceBasis.UNKNOWN
    )


def test_preference_orders_put_pq_first_or_last() -> None:
    first, last = ordered_for_preference(True), ordered_for_preference(False)
    assert sorted(first) == sorted(last)
    assert group_info(first[0]).quantum_safe and not group_info(first[-1]).quantum_safe
    assert not group_info(last[0]).quantum_safe and group_info(last[-1]).quantum_safe


def test_large_hello_verdicts() -> None:
    sh = result(ProbeOutcome.SUPPORTED, hello(0x11EC, hrr=False, share=1120))
    answered = classify_large_hello(0x11EC, sh, None)
    assert answered.status is LargeHelloStatus.TOLERANT and answered.pq_negotiated
    hrr = classify_large_hello(0x11EC, result(ProbeOutcome.HRR, hello(0x001D, hrr=True)), None)
    assert hrr.status is LargeHelloStatus.TOLERANT and not hrr.pq_negotiated
    control = result(ProbeOutcome.SUPPORTED, hello(0x001D, hrr=False))
    for dropped in (ProbeOutcome.RESET, ProbeOutcome.TIMEOUT, ProbeOutcome.CLOSED):
        verdict = classify_large_hello(0x11EC, result(dropped), control)
        assert verdict.status is LargeHelloStatus.INTOLERANT and not verdict.pq_negotiated
    # without a working small hello the drop says nothing about size
    assert classify_large_hello(
        0x11EC, result(ProbeOutcome.RESET), result(ProbeOutcome.RESET)
    ).status is (LargeHelloStatus.INCONCLUSIVE)


def test_first_event_interpretation() -> None:
    assert interpret_first_event(Alert(2, 40))[0] is ProbeOutcome.REJECTED
    assert interpret_first_event(Alert(2, 80))[0] is ProbeOutcome.ALERT
    with pytest.raises(ParseError):
        interpret_first_event(OpaqueRecord(23, b"x"))
    with pytest.raises(ParseError):
        interpret_first_event(HandshakeMessage(11, b""))
