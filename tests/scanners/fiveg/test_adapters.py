"""Open5GS and free5GC files read into one network-function model, with lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aman.scanners.common.limits import Limits
from aman.scanners.common.tree import FileRef
from aman.scanners.fiveg.audit import parse_config
from aman.scanners.fiveg.open5gs import substitute

AMF = """\
logger:
  file:
    path: @localstatedir@/log/open5gs/amf.log
amf:
  default:
    tls:
      server:
        scheme: https
        private_key: @sysconfdir@/open5gs/tls/amf.key
        verify_client: true
        verify_client_cacert: @sysconfdir@/open5gs/tls/ca.crt
      client:
        client_sslkeylogfile: /var/log/amf-keys.log
  sbi:
    server:
      - address: 10.0.0.5
        port: 7777
      - address: 10.0.0.6
        scheme: http
    client:
      nrf:
        - uri: https://nrf.example:7777
      scp:
        - uri: http://scp.example:7777
  security:
    integrity_order : [ NIA2, NIA0 ]
    ciphering_order : [ NEA0, NEA2 ]
"""

NRF_F5GC = """\
info:
  version: 1.0.2
  description: NRF initial local configuration
configuration:
  sbi:
    scheme: https
    bindingIPv4: 10.0.0.10
    port: 8000
    cert:
      pem: cert/nrf.pem
      key: cert/nrf.key
    rootcert:
      pem: cert/root.pem
      key: cert/root.key
    oauth: true
"""


def _parse(path: Path) -> object:
    ref = FileRef(path, path.name, path.stat().st_size, path.stat().st_mode)
    return parse_config(ref, Limits())


def test_placeholders_are_substituted_without_moving_lines() -> None:
    text = "a: @sysconfdir@/x\nb: @unknown_thing@\n"
    assert substitute(text) == "a: /etc/x\nb: /unknown_thing\n"
    assert substitute(AMF).count("\n") == AMF.count("\n")


def test_open5gs_template_defaults_and_overrides(write: Callable[..., Path]) -> None:
    nf = _parse(write("amf.yaml.in", AMF))
    assert nf is not None
    assert (nf.vendor, nf.nf_type, nf.path) == ("open5gs", "amf", "amf.yaml.in")
    first, second = nf.sbi()
    assert (first.scheme, first.tls.verify_client, first.line) == ("https", True, 16)
    assert (second.scheme, second.line) == ("http", 18)
    assert [(p.role, p.scheme, p.line) for p in nf.peers] == [
        ("nrf", "https", 22),
        ("scp", "http", 24),
    ]
    assert nf.nas.integrity == ("NIA2", "NIA0") and nf.nas.integrity_line == 26
    assert nf.nas.ciphering == ("NEA0", "NEA2")
    assert [k.value for k in nf.keys if k.role == "tls-server"] == ["/etc/open5gs/tls/amf.key"] * 2
    # the default client key log applies to each of the two clients
    assert [s.value for s in nf.keylog] == ["/var/log/amf-keys.log"] * 2


def test_free5gc_nrf_with_oauth_and_ca_key(write: Callable[..., Path]) -> None:
    nf = _parse(write("nrfcfg.yaml", NRF_F5GC))
    assert (nf.vendor, nf.nf_type) == ("free5gc", "nrf")
    assert nf.oauth.supported and nf.oauth.enabled and nf.oauth.line == 15
    assert [(k.role, k.value) for k in nf.keys] == [
        ("tls-server", "cert/nrf.key"),
        ("ca", "cert/root.key"),
    ]
    assert nf.sbi()[0].scheme == "https" and not nf.sbi()[0].tls.verify_client


def test_older_open5gs_list_layout(write: Callable[..., Path]) -> None:
    text = (
        "smf:\n  sbi:\n    - addr: 127.0.0.4\n      port: 7777\n"
        "nrf:\n  sbi:\n    - addr: 127.0.0.10\n"
    )
    nf = _parse(write("smf.yaml", text))
    assert nf.nf_type == "smf" and [e.address for e in nf.sbi()] == ["127.0.0.4"]


@pytest.mark.parametrize(
    "text",
    ["apiVersion: v1\nkind: Pod\n", "just: data\n", "- a\n- b\n", "a: 1\n---\nb: 2\n"],
)
def test_other_yaml_is_not_a_network_function(write: Callable[..., Path], text: str) -> None:
    assert _parse(write("other.yaml", text)) is None


def test_types_that_make_no_sense_are_tolerated(write: Callable[..., Path]) -> None:
    text = "amf:\n  sbi: 12\n  security:\n    integrity_order: {a: 1}\n  hnet: nope\n"
    nf = _parse(write("amf.yaml", text))
    assert nf.sbi() == () and nf.nas.integrity == ()
