"""Scan scope: which endpoints may be probed, for which organisation, with what limits.

A scope file is the written authorisation of a scan. The engine derives every target from
it and installs :meth:`Scope.permits` as the network guard (``netguard``), so an address
or port the file does not list is never connected to, whatever else goes wrong.

```yaml
organisation: Malaysia Mobile Telecom     # id or exact name
name: external                            # optional; names the scope in findings
profiles: [cnsa2]                         # optional: also check the CNSA 2.0 profile
limits: {per_host: 5, concurrency: 200, timeout: 5, retries: 1, rate: 50}
risk: {years_to_crqc: 15, migration_years: 5, data_classes: {customer-records: 10}}
targets:
  - hosts: [www.example.my, 192.0.2.10]   # or host: / cidr:
    tls: [443, 8443]
    ssh: [22]
    smtp: [25]                            # STARTTLS; imap:/pop3: likewise
    sni: www.example.my                   # optional
    data_class: customer-records          # optional, for Mosca's inequality
```
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import yaml

from aman.errors import FieldError, InvalidInput
from aman.scanners.pqc.limits import ProbeConfig
from aman.scanners.pqc.risk import CnsaCategory, RiskProfile
from aman.scanners.pqc.starttls import StartTLS

MAX_ADDRESSES = 65536
Protocol = Literal["tls", "ssh"]
_PORT_KEYS: dict[str, tuple[Protocol, StartTLS | None]] = {
    "tls": ("tls", None),
    "ssh": ("ssh", None),
    "smtp": ("tls", StartTLS.SMTP),
    "imap": ("tls", StartTLS.IMAP),
    "pop3": ("tls", StartTLS.POP3),
}
_ENTRY_KEYS = {"host", "hosts", "cidr", "sni", "data_class", "cnsa_category", *_PORT_KEYS}
_TOP_KEYS = {"organisation", "name", "profiles", "limits", "risk", "targets"}
_IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One service to probe."""

    protocol: Protocol
    host: str
    port: int
    server_name: str | None = None
    starttls: StartTLS | None = None
    data_class: str | None = None
    cnsa_category: CnsaCategory | None = None

    @property
    def target(self) -> str:
        """``host:port`` (IPv6 literals in brackets), the finding target of the endpoint."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    """Hosts or networks and the ports (per protocol) that may be probed on them."""

    hostnames: frozenset[str] = frozenset()
    networks: tuple[_IPNetwork, ...] = ()
    ports: tuple[tuple[int, Protocol, StartTLS | None], ...] = ()
    server_name: str | None = None
    data_class: str | None = None
    cnsa_category: CnsaCategory | None = None

    def covers_host(self, host: str) -> bool:
        """True when ``host`` is a listed name or an address inside a listed network."""
        if host.lower().rstrip(".") in self.hostnames:
            return True
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False
        return any(address in net for net in self.networks)

    def port_numbers(self) -> frozenset[int]:
        return frozenset(p for p, _, _ in self.ports)


@dataclass(frozen=True)
class Scope:
    """A parsed scope; ``permits`` is the guard, ``endpoints`` the work list."""

    entries: tuple[ScopeEntry, ...]
    organisation: str | None = None
    name: str = "default"
    profiles: frozenset[str] = frozenset()
    config: ProbeConfig = field(default_factory=ProbeConfig)
    risk: RiskProfile = field(default_factory=RiskProfile)
    source: dict[str, Any] = field(default_factory=dict)
    _decisions: dict[tuple[str, int], bool] = field(default_factory=dict, compare=False, repr=False)

    def permits(self, host: str, port: int) -> bool:
        """May ``host:port`` be connected to? The only answer the network guard trusts."""
        key = (host, port)
        decided = self._decisions.get(key)
        if decided is None:
            decided = any(e.covers_host(host) and port in e.port_numbers() for e in self.entries)
            if len(self._decisions) < 100_000:
                self._decisions[key] = decided
        return decided

    def endpoints(self) -> Iterator[Endpoint]:
        """Every endpoint of the scope, each once, in file order."""
        seen: set[tuple[str, str, int]] = set()
        for entry in self.entries:
            for host in _hosts(entry):
                for port, protocol, starttls in entry.ports:
                    key = (protocol, host, port)
                    if key in seen:
                        continue
                    seen.add(key)
                    yield Endpoint(
                        protocol,
                        host,
                        port,
                        entry.server_name,
                        starttls,
                        entry.data_class,
                        entry.cnsa_category,
                    )


def _hosts(entry: ScopeEntry) -> Iterator[str]:
    yield from sorted(entry.hostnames)
    for net in entry.networks:
        if net.num_addresses == 1:
            yield str(net.network_address)
        else:
            yield from (str(a) for a in net.hosts())


# --- parsing ---------------------------------------------------------------------------------


def _fail(where: str, message: str) -> InvalidInput:
    return InvalidInput("invalid scan scope", [FieldError(where, message)])


def _ports(raw: Any, where: str) -> list[int]:
    values = raw if isinstance(raw, list) else [raw]
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            raise _fail(where, f"port {value!r} is not an integer between 1 and 65535")
        out.append(value)
    return out


def _names_and_networks(raw: Mapping[str, Any], where: str) -> tuple[set[str], list[_IPNetwork]]:
    names: set[str] = set()
    networks: list[_IPNetwork] = []
    hosts = raw.get("hosts", [])
    hosts = [
        *([raw["host"]] if "host" in raw else []),
        *(hosts if isinstance(hosts, list) else [hosts]),
    ]
    cidrs = raw.get("cidr", [])
    for value in hosts:
        if not isinstance(value, str) or not value.strip():
            raise _fail(f"{where}.hosts", f"{value!r} is not a host name or address")
        try:
            networks.append(ipaddress.ip_network(value.strip("[]")))
        except ValueError:
            names.add(value.lower().rstrip("."))
    for value in cidrs if isinstance(cidrs, list) else [cidrs]:
        try:
            networks.append(ipaddress.ip_network(str(value), strict=True))
        except ValueError as exc:
            raise _fail(f"{where}.cidr", str(exc)) from exc
    if not names and not networks:
        raise _fail(where, "needs host, hosts or cidr")
    return names, networks


def _entry(raw: Any, where: str) -> ScopeEntry:
    if not isinstance(raw, dict):
        raise _fail(where, "each target is a mapping")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise _fail(where, f"unknown keys {sorted(unknown)}")
    names, networks = _names_and_networks(raw, where)
    ports: list[tuple[int, Protocol, StartTLS | None]] = []
    for key, (protocol, starttls) in _PORT_KEYS.items():
        if key in raw:
            ports += [(p, protocol, starttls) for p in _ports(raw[key], f"{where}.{key}")]
    if not ports:
        raise _fail(where, f"lists no ports (use {', '.join(_PORT_KEYS)})")
    if len({p for p, _, _ in ports}) != len(ports):
        raise _fail(where, "a port is listed under two protocols")
    category = raw.get("cnsa_category")
    try:
        cnsa = CnsaCategory(category) if category is not None else None
    except ValueError:
        raise _fail(f"{where}.cnsa_category", f"one of {[c.value for c in CnsaCategory]}") from None
    return ScopeEntry(
        frozenset(names),
        tuple(networks),
        tuple(ports),
        raw.get("sni"),
        raw.get("data_class"),
        cnsa,
    )


def _config(raw: Any) -> ProbeConfig:
    if raw is None:
        return ProbeConfig()
    if not isinstance(raw, dict):
        raise _fail("limits", "must be a mapping")
    names = {"per_host", "concurrency", "timeout", "retries", "rate"}
    if set(raw) - names:
        raise _fail("limits", f"unknown keys {sorted(set(raw) - names)}")
    try:
        return ProbeConfig(
            timeout=float(raw.get("timeout", 5.0)),
            retries=int(raw.get("retries", 1)),
            max_concurrency=int(raw.get("concurrency", 200)),
            per_host=int(raw.get("per_host", 5)),
            rate=None if raw.get("rate") is None else float(raw["rate"]),
        )
    except (TypeError, ValueError) as exc:
        raise _fail("limits", str(exc)) from exc


def parse_scope(data: Any) -> Scope:
    """Validate a scope document (already loaded from YAML/JSON)."""
    if not isinstance(data, dict):
        raise _fail("scope", "must be a mapping")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail("scope", f"unknown keys {sorted(unknown)}")
    targets = data.get("targets")
    if not isinstance(targets, list) or not targets:
        raise _fail("targets", "must be a non-empty list")
    entries = tuple(_entry(t, f"targets.{i}") for i, t in enumerate(targets))
    size = sum(
        (len(e.hostnames) + sum(n.num_addresses for n in e.networks)) * len(e.ports)
        for e in entries
    )
    if size > MAX_ADDRESSES:
        raise _fail("targets", f"{size} endpoints exceed the limit of {MAX_ADDRESSES}")
    profiles = data.get("profiles") or []
    if not isinstance(profiles, list) or set(profiles) - {"cnsa2"}:
        raise _fail("profiles", "only 'cnsa2' is known")
    organisation = data.get("organisation")
    return Scope(
        entries=entries,
        organisation=None if organisation is None else str(organisation),
        name=str(data.get("name") or "default"),
        profiles=frozenset(profiles),
        config=_config(data.get("limits")),
        risk=RiskProfile.from_mapping(data.get("risk") or {}),
        source=dict(data),
    )


def load_scope(text: str) -> Scope:
    """Parse a YAML scope file's text."""
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise _fail("scope", f"not YAML: {exc}") from exc
    return parse_scope(data)


def adhoc_scope(
    protocol: Protocol,
    addresses: list[str],
    *,
    server_name: str | None = None,
    starttls: StartTLS | None = None,
    config: ProbeConfig | None = None,
) -> Scope:
    """A scope of exactly the ``host:port`` endpoints named on a command line."""
    targets = []
    key = starttls.value if starttls else protocol
    for address in addresses:
        host, port = split_host_port(address, 22 if protocol == "ssh" else 443)
        target: dict[str, Any] = {"host": host, key: [port]}
        if server_name:
            target["sni"] = server_name
        targets.append(target)
    scope = parse_scope({"targets": targets, "name": "adhoc"})
    return scope if config is None else replace(scope, config=config)


def split_host_port(address: str, default_port: int) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` -> (host, port)."""
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        port = rest.removeprefix(":") or str(default_port)
    elif address.count(":") == 1:
        host, _, port = address.partition(":")
    else:
        host, port = address, str(default_port)
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise _fail("target", f"bad port in {address!r}")
    return host, int(port)
