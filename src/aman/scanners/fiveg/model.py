"""The vendor-neutral model of a 5G core network function, as the checks read it.

Adapters fill it from Open5GS or free5GC YAML; every field keeps the line it came from, so
findings point at the configuration line to change. ``None`` means "not configured" (the
implementation's default applies), which checks treat differently from an explicit value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from aman.evidence.model import input_hash

Vendor = Literal["open5gs", "free5gc"]
KeyRole = Literal["tls-server", "tls-client", "hnet", "ca"]


@dataclass(frozen=True, slots=True)
class KeyRef:
    """A private key the configuration uses: a file path or an inline value."""

    role: KeyRole
    field: str
    value: str
    inline: bool
    line: int
    scheme: int | None = None  # SUCI protection scheme for home-network keys


@dataclass(frozen=True, slots=True)
class KeyFacts:
    """What reading a key told us (filled by the audit, not the adapters)."""

    ref: KeyRef
    found: bool
    location: str | None = None
    algorithm: str | None = None
    fingerprint: str | None = None
    mode: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """Server-side TLS of an SBI or N32 endpoint."""

    verify_client: bool = False
    client_ca: str | None = None
    certificate: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An SBI or N32 server the function listens on."""

    interface: Literal["sbi", "n32c", "n32f"]
    scheme: str
    address: str | None
    port: int | None
    tls: TlsSettings
    line: int


@dataclass(frozen=True, slots=True)
class Peer:
    """A URI the function connects to (NRF, SCP, partner SEPP...)."""

    role: str
    uri: str
    line: int

    @property
    def scheme(self) -> str:
        return urlsplit(self.uri).scheme.lower() or "http"


@dataclass(frozen=True, slots=True)
class Setting:
    """A named value with its line (key-log files, OAuth switches...)."""

    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class NasSecurity:
    """The AMF's NAS algorithm preference lists, first = preferred."""

    integrity: tuple[str, ...] | None
    ciphering: tuple[str, ...] | None
    integrity_line: int | None = None
    ciphering_line: int | None = None


@dataclass(frozen=True, slots=True)
class HomeNetworkKey:
    """One SUCI home-network key entry (Open5GS ``hnet``, free5GC ``SuciProfile``)."""

    key_id: int | None
    scheme: int | None
    key: KeyRef | None
    line: int


@dataclass(frozen=True, slots=True)
class OAuth:
    """OAuth 2.0 for service access: ``supported`` False when the core has no such setting."""

    supported: bool
    enabled: bool | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class NetworkFunction:
    """One network function instance from one configuration file."""

    vendor: Vendor
    nf_type: str
    path: str
    line: int
    endpoints: tuple[Endpoint, ...] = ()
    peers: tuple[Peer, ...] = ()
    nas: NasSecurity | None = None
    hnet: tuple[HomeNetworkKey, ...] | None = None
    oauth: OAuth | None = None
    keylog: tuple[Setting, ...] = ()
    keys: tuple[KeyRef, ...] = ()
    key_facts: tuple[KeyFacts, ...] = ()
    source_digest: str = ""
    kind: Literal["nf"] = field(default="nf", init=False)

    @property
    def target(self) -> str:
        return self.path

    @property
    def digest(self) -> str:
        return self.source_digest or input_hash(self.path)

    def sbi(self) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if e.interface == "sbi")

    def n32(self, interface: Literal["n32c", "n32f"]) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if e.interface == interface)

    def facts_for(self, role: KeyRole) -> tuple[KeyFacts, ...]:
        return tuple(k for k in self.key_facts if k.ref.role == role)


@dataclass(frozen=True, slots=True)
class CoreSummary:
    """Every function of one audit (run-level checks compare them)."""

    functions: tuple[NetworkFunction, ...]
    scope: str
    kind: Literal["core"] = field(default="core", init=False)

    @property
    def target(self) -> str:
        return f"5g-scope:{self.scope}"

    @property
    def path(self) -> str | None:
        return None

    @property
    def line(self) -> int | None:
        return None

    @property
    def digest(self) -> str:
        return input_hash([nf.digest for nf in self.functions])
