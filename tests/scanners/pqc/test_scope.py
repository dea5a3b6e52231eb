"""Scope files: parsing, clear errors, endpoint expansion, and the guard that makes
connecting outside the scope impossible."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aman.errors import InvalidInput
from aman.scanners.pqc import netguard
from aman.scanners.pqc.engine import EngineOptions, observe_in_process
from aman.scanners.pqc.limits import ProbeConfig
from aman.scanners.pqc.scope import Endpoint, adhoc_scope, load_scope, parse_scope, split_host_port
from aman.scanners.pqc.ssh_probe import SSHOutcome, SSHProber, SSHTarget
from aman.scanners.pqc.starttls import StartTLS
from aman.scanners.pqc.tls_probe import TLSProber, TLSTarget
from aman.scanners.pqc.tls_results import ProbeOutcome

SCOPE = """
organisation: Telco A
name: external
profiles: [cnsa2]
limits: {per_host: 3, concurrency: 50, timeout: 2.5, retries: 0, rate: 20}
risk: {years_to_crqc: 12, migration_years: 3, data_classes: {subscriber: 8, logs: 1}}
targets:
  - hosts: [WWW.Example.MY., 192.0.2.10]
    tls: [443, 8443]
    ssh: 22
    sni: www.example.my
    data_class: subscriber
  - cidr: 198.51.100.0/30
    smtp: [25]
    imap: [143]
    cnsa_category: networking
"""


def test_scope_file_is_parsed_and_expanded() -> None:
    scope = load_scope(SCOPE)
    assert scope.organisation == "Telco A" and scope.name == "external"
    assert scope.profiles == frozenset({"cnsa2"})
    c = scope.config
    assert (c.per_host, c.max_concurrency, c.timeout, c.retries, c.rate) == (3, 50, 2.5, 0, 20)
    assert scope.risk.years_to_crqc == 12 and scope.risk.shelf_life("logs") == ("logs", 1.0)
    endpoints = list(scope.endpoints())
    assert [(e.protocol, e.target) for e in endpoints[:6]] == [
        ("tls", "www.example.my:443"),
        ("tls", "www.example.my:8443"),
        ("ssh", "www.example.my:22"),
        ("tls", "192.0.2.10:443"),
        ("tls", "192.0.2.10:8443"),
        ("ssh", "192.0.2.10:22"),
    ]
    assert endpoints[0].server_name == "www.example.my" and endpoints[0].data_class == "subscriber"
    mail = [e for e in endpoints if e.starttls is not None]
    assert [(e.target, e.starttls) for e in mail[:2]] == [
        ("198.51.100.1:25", StartTLS.SMTP),
        ("198.51.100.1:143", StartTLS.IMAP),
    ]
    assert len(mail) == 4  # a /30 has two usable hosts
    assert {e.cnsa_category.value for e in mail if e.cnsa_category} == {"networking"}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ("targets: []", "targets"),
        ("targets: [{host: a.example}]", "targets.0"),
        ("targets: [{tls: [443]}]", "targets.0"),
        ("targets: [{host: a.example, tls: [0]}]", "targets.0.tls"),
        ("targets: [{host: a.example, tls: [443], ssh: [443]}]", "targets.0"),
        ("targets: [{cidr: 10.0.0.1/8, tls: [443]}]", "targets.0.cidr"),
        ("targets: [{cidr: 10.0.0.0/8, tls: [443]}]", "targets"),
        ("targets: [{host: a.example, tls: [443], colour: red}]", "targets.0"),
        ("targets: [{host: a, tls: [1]}]\nprofiles: [fips]", "profiles"),
        ("targets: [{host: a, tls: [1]}]\nlimits: {per_host: 0}", "limits"),
        ("targets: [{host: a, tls: [1]}]\nrisk: {years_to_crqc: -1}", "risk"),
        ("targets: [{host: a, tls: [1]}]\nowner: me", "scope"),
        ("targets: [{host: a, tls: [1], cnsa_category: space}]", "targets.0.cnsa_category"),
        (": : :", "scope"),
    ],
)
def test_bad_scopes_name_the_field(document: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_scope(document)
    assert caught.value.errors[0].field == field


@given(
    st.lists(st.integers(1, 65535), min_size=1, max_size=4, unique=True),
    st.integers(0, 255),
    st.integers(1, 65535),
)
def test_permits_exactly_the_listed_endpoints(ports: list[int], octet: int, probe: int) -> None:
    scope = parse_scope({"targets": [{"cidr": "203.0.113.0/28", "tls": ports}]})
    for endpoint in scope.endpoints():
        assert scope.permits(endpoint.host, endpoint.port)
    inside = 0 <= octet <= 15
    assert scope.permits(f"203.0.113.{octet}", probe) == (inside and probe in ports)
    assert not scope.permits("203.0.114.1", ports[0])
    assert not scope.permits("evil.example", ports[0])


def test_adhoc_scopes_and_addresses() -> None:
    assert split_host_port("[::1]:8443", 443) == ("::1", 8443)
    assert split_host_port("host.example", 22) == ("host.example", 22)
    with pytest.raises(InvalidInput):
        split_host_port("host:http", 443)
    scope = adhoc_scope("tls", ["127.0.0.1:4433", "[::1]"], starttls=StartTLS.POP3)
    assert [(e.target, e.starttls) for e in scope.endpoints()] == [
        ("127.0.0.1:4433", StartTLS.POP3),
        ("[::1]:443", StartTLS.POP3),
    ]


def test_guard_refuses_before_sending(loop_thread: Any, servers_module: Any) -> None:
    stats = servers_module.ConnectionStats()
    port = loop_thread.serve(servers_module.hostile_handler("close"), stats)
    scope = parse_scope(
        {"targets": [{"host": "127.0.0.1", "tls": [port + 1 if port < 65535 else 1]}]}
    )
    config = ProbeConfig(timeout=1, retries=0)

    async def attempts() -> tuple[Any, Any]:
        tls = await TLSProber(config).probe_browser_like(TLSTarget("127.0.0.1", port))
        ssh = await SSHProber(config).probe(SSHTarget("127.0.0.1", port))
        return tls, ssh

    with netguard.guarded(scope.permits):
        tls, ssh = asyncio.run(attempts())
        with pytest.raises(netguard.ScopeViolation):
            netguard.check("127.0.0.1", port)
    assert tls.outcome is ProbeOutcome.CONNECT_FAILED and "outside the scan scope" in tls.detail
    assert ssh.outcome is SSHOutcome.CONNECT_FAILED
    assert stats.connections == 0  # not one packet reached the server
    netguard.check("127.0.0.1", port)  # outside the block there is no guard


def test_engine_refuses_endpoints_outside_its_scope() -> None:
    scope = parse_scope({"targets": [{"host": "127.0.0.1", "tls": [1]}]})
    stray = Endpoint("tls", "127.0.0.2", 1)
    with pytest.raises(netguard.ScopeViolation):
        observe_in_process(scope, [stray], EngineOptions(scope.config))
