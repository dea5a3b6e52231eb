"""The cryptographic inventory a scan produces: what the CBOM and the risk model read.

Plain pydantic records (JSON round-trip for storage with the run). Algorithms are named
once in :class:`AlgorithmRecord`; protocols, certificates, keys and code uses point at them
by name, so the CBOM emits one component per algorithm however often it is seen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Primitive = Literal[
    "kem",
    "key-agree",
    "signature",
    "pke",
    "hash",
    "block-cipher",
    "stream-cipher",
    "ae",
    "mac",
    "combiner",
    "other",
    "unknown",
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AlgorithmRecord(_Record):
    """One algorithm (or parameter set) with its classical and quantum strength.

    A hybrid TLS/SSH key exchange is one ``kem`` record whose ``hybrid_of`` names its
    component algorithms (see ``cbom.py`` for how that is written in CycloneDX).
    """

    name: str
    family: str
    primitive: Primitive
    oid: str | None = None
    parameter: str | None = None
    curve: str | None = None
    mode: str | None = None
    classical_bits: int | None = None
    nist_level: int | None = None
    quantum_vulnerable: bool | None = None
    functions: tuple[str, ...] = ()
    hybrid_of: tuple[str, ...] = ()
    codepoint: str | None = None
    weak: bool = False


class CipherSuiteRecord(_Record):
    name: str
    code: str
    algorithms: tuple[str, ...] = ()


class ProtocolRecord(_Record):
    """A TLS or SSH endpoint as the probes saw it."""

    target: str
    protocol: Literal["tls", "ssh"]
    reachable: bool
    error: str | None = None
    versions: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    pq_groups: tuple[str, ...] = ()
    preferred_group: str | None = None
    negotiated_group: str | None = None
    cipher_suites: tuple[CipherSuiteRecord, ...] = ()
    signature_scheme: str | None = None
    certificates: tuple[str, ...] = ()  # fingerprints, leaf first
    kex: tuple[str, ...] = ()
    host_key_algorithms: tuple[str, ...] = ()
    ciphers: tuple[str, ...] = ()
    macs: tuple[str, ...] = ()
    software: str | None = None
    data_class: str | None = None
    cnsa_category: str | None = None


class CertificateRecord(_Record):
    """An X.509 certificate seen on an endpoint or on disk."""

    fingerprint: str
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    public_key: str  # AlgorithmRecord name
    signature: str  # AlgorithmRecord name
    is_ca: bool | None = None
    self_issued: bool = False
    locations: tuple[str, ...] = ()


class KeyRecord(_Record):
    """A key found on disk (private keys are described, never copied)."""

    ref: str
    path: str
    line: int | None = None
    kind: Literal["public-key", "private-key"]
    format: str
    algorithm: str  # AlgorithmRecord name
    size: int | None = None
    comment: str | None = None


class CodeUseRecord(_Record):
    """One use of a cryptographic primitive in source code."""

    path: str
    line: int
    language: str
    library: str
    algorithm: str  # AlgorithmRecord name
    operation: str
    key_bits: int | None = None
    rule: str
    snippet: str = ""


class Inventory(_Record):
    """Everything one scan found."""

    scope: str
    generated_at: datetime
    algorithms: tuple[AlgorithmRecord, ...] = ()
    protocols: tuple[ProtocolRecord, ...] = ()
    certificates: tuple[CertificateRecord, ...] = ()
    keys: tuple[KeyRecord, ...] = ()
    code_uses: tuple[CodeUseRecord, ...] = ()
    files_scanned: int = 0
    files_skipped: int = Field(default=0, description="binaries, vendored, too large")

    def algorithm(self, name: str) -> AlgorithmRecord | None:
        """The algorithm record with this name, if any."""
        return next((a for a in self.algorithms if a.name == name), None)
