"""What the PQC scanner observed, per subject kind, as the checks receive it.

Subjects are the things a check can judge: a TLS or SSH endpoint, a certificate (served in
a chain or found on disk), a key file, one use of cryptography in code, or a whole run.
Each carries its finding target and a digest of the facts it was judged on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from aman.evidence.model import input_hash
from aman.scanners.pqc.algorithms import AlgorithmAssessment
from aman.scanners.pqc.certs import HandshakeInventory
from aman.scanners.pqc.scope import Endpoint
from aman.scanners.pqc.ssh_probe import SSHOutcome, SSHProbeResult
from aman.scanners.pqc.tls_results import ProbeResult, TLSScanResult
from aman.scanners.pqc.x509_info import CertificateInfo

SubjectKind = Literal["tls", "ssh", "certificate", "key", "code", "run"]


@dataclass(frozen=True, slots=True)
class TLSObservation:
    """Raw probes plus one full handshake against one TLS endpoint."""

    endpoint: Endpoint
    observed_at: datetime
    scan: TLSScanResult
    handshake: HandshakeInventory
    weak_ciphers: ProbeResult | None
    malformed_share: ProbeResult | None
    profile: str = "full"

    kind: SubjectKind = field(default="tls", init=False)

    @property
    def target(self) -> str:
        return self.endpoint.target

    @property
    def reachable(self) -> bool:
        """True when the endpoint spoke TLS to at least one probe."""
        answered = any(v.probe.answered for v in self.scan.versions)
        return (
            answered or any(g.probe.answered for g in self.scan.groups) or self.handshake.completed
        )

    def facts(self) -> dict[str, Any]:
        """The observed facts in canonical form (hashed into findings' input_hash)."""
        hs = self.handshake
        return {
            "target": self.target,
            "versions": [v.name for v in self.scan.versions if v.supported],
            "groups": [g.name for g in self.scan.supported_groups],
            "preferred": None
            if self.scan.preference is None
            else self.scan.preference.preferred_group,
            "handshake": [hs.completed, hs.protocol, hs.cipher, hs.group, hs.signature_scheme],
            "chain": [c.fingerprint_sha256 for c in hs.chain],
            "weak": None if self.weak_ciphers is None else self.weak_ciphers.outcome.value,
        }


@dataclass(frozen=True, slots=True)
class SSHObservation:
    """Banner and KEXINIT of one SSH endpoint."""

    endpoint: Endpoint
    observed_at: datetime
    probe: SSHProbeResult

    kind: SubjectKind = field(default="ssh", init=False)

    @property
    def target(self) -> str:
        return self.endpoint.target

    @property
    def reachable(self) -> bool:
        return self.probe.banner is not None or self.probe.outcome is SSHOutcome.KEXINIT

    def facts(self) -> dict[str, Any]:
        kex = self.probe.kexinit
        return {
            "target": self.target,
            "outcome": self.probe.outcome.value,
            "banner": None if self.probe.banner is None else self.probe.banner.raw,
            "kex": [] if kex is None else list(kex.kex_algorithms),
            "host_keys": [] if kex is None else list(kex.server_host_key_algorithms),
            "ciphers": [] if kex is None else list(kex.ciphers_s2c),
        }


Observation = TLSObservation | SSHObservation


@dataclass(frozen=True, slots=True)
class CertificateSubject:
    """A certificate chain served by an endpoint, or one certificate found on disk."""

    target: str
    chain: tuple[CertificateInfo, ...]
    source: Literal["tls", "file"]
    observed_at: datetime
    digest: str
    path: str | None = None
    line: int | None = None
    fmt: str | None = None

    kind: SubjectKind = field(default="certificate", init=False)

    @property
    def leaf(self) -> CertificateInfo:
        return self.chain[0]


@dataclass(frozen=True, slots=True)
class KeySubject:
    """A public or private key found on disk (never its secret bytes)."""

    path: str
    line: int | None
    key_kind: Literal["public-key", "private-key"]
    fmt: str
    algorithm: AlgorithmAssessment
    observed_at: datetime
    digest: str
    comment: str | None = None

    kind: SubjectKind = field(default="key", init=False)

    @property
    def target(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class CodeUse:
    """One use of a cryptographic primitive in source code."""

    path: str
    line: int
    language: str
    library: str
    algorithm: str
    family: str
    operation: str
    rule: str
    snippet: str
    observed_at: datetime
    digest: str
    key_bits: int | None = None
    quantum_vulnerable: bool = False
    weakness: str | None = None  # "hash", "cipher", "ecb", "short-key"

    kind: SubjectKind = field(default="code", init=False)

    @property
    def target(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A whole run, for checks that judge coverage rather than one target."""

    scope: str
    run_kind: Literal["network", "files", "code"]
    observed_at: datetime
    endpoints: int = 0
    reachable: int = 0
    tls: tuple[TLSObservation, ...] = ()
    files_scanned: int = 0
    code_uses: int = 0
    cbom_valid: bool | None = None
    cbom_error: str | None = None
    cbom_validation: str | None = None

    kind: SubjectKind = field(default="run", init=False)

    @property
    def target(self) -> str:
        return f"{self.run_kind}-scope:{self.scope}"

    @property
    def digest(self) -> str:
        return input_hash(
            {
                "scope": self.scope,
                "kind": self.run_kind,
                "endpoints": self.endpoints,
                "reachable": self.reachable,
                "files": self.files_scanned,
                "uses": self.code_uses,
            }
        )


Subject = TLSObservation | SSHObservation | CertificateSubject | KeySubject | CodeUse | RunSummary
