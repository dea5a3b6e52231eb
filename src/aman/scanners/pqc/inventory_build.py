"""Collects observations, files and code uses into one :class:`Inventory`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from aman.scanners.pqc import catalogue
from aman.scanners.pqc.algorithms import AlgorithmAssessment, Family, rsa_strength
from aman.scanners.pqc.inventory import (
    AlgorithmRecord,
    CertificateRecord,
    CipherSuiteRecord,
    CodeUseRecord,
    Inventory,
    KeyRecord,
    Primitive,
    ProtocolRecord,
)
from aman.scanners.pqc.observations import (
    CertificateSubject,
    CodeUse,
    KeySubject,
    Observation,
    SSHObservation,
    TLSObservation,
)
from aman.scanners.pqc.tls_constants import signature_scheme_name, version_name
from aman.scanners.pqc.x509_info import CertificateInfo

_KEY_PRIMITIVE: dict[Family, Primitive] = {
    Family.ML_KEM: "kem",
    Family.UNKNOWN: "unknown",
}


def key_primitive(a: AlgorithmAssessment) -> Primitive:
    """Primitive of a key's algorithm: X25519/X448 agree, ML-KEM encapsulates, others sign."""
    if a.name in ("X25519", "X448"):
        return "key-agree"
    return _KEY_PRIMITIVE.get(a.family, "signature")


class InventoryBuilder:
    """Accumulates records; algorithms are de-duplicated by name."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.algorithms: dict[str, AlgorithmRecord] = {}
        self.protocols: list[ProtocolRecord] = []
        self.certificates: dict[str, CertificateRecord] = {}
        self.keys: list[KeyRecord] = []
        self.code_uses: list[CodeUseRecord] = []
        self.files_scanned = 0
        self.files_skipped = 0

    def algorithm(self, *records: AlgorithmRecord) -> str:
        """Register records; returns the first one's name."""
        for record in records:
            self.algorithms.setdefault(record.name, record)
        return records[0].name

    def certificate(self, info: CertificateInfo, location: str) -> str:
        """Register a certificate seen at ``location``; returns its fingerprint."""
        key = self.algorithm(
            catalogue.from_assessment(info.public_key, key_primitive(info.public_key))
        )
        sig = self.algorithm(catalogue.from_assessment(info.signature, "signature"))
        known = self.certificates.get(info.fingerprint_sha256)
        locations = (*known.locations, location) if known else (location,)
        self.certificates[info.fingerprint_sha256] = CertificateRecord(
            fingerprint=info.fingerprint_sha256,
            subject=info.subject,
            issuer=info.issuer,
            serial=info.serial,
            not_before=info.not_before,
            not_after=info.not_after,
            public_key=key,
            signature=sig,
            is_ca=info.is_ca,
            self_issued=info.self_issued,
            locations=tuple(dict.fromkeys(locations)),
        )
        return info.fingerprint_sha256

    def _suites(self, obs: TLSObservation) -> tuple[CipherSuiteRecord, ...]:
        codes: dict[int, None] = {}
        probes = [obs.scan.browser_like, *(v.probe for v in obs.scan.versions)]
        for probe in probes:
            if (
                probe is not None
                and probe.server_hello is not None
                and not probe.server_hello.is_hrr
            ):
                codes.setdefault(probe.server_hello.cipher_suite, None)
        out = []
        for code in codes:
            record, algorithms = catalogue.tls_cipher_suite(code)
            if algorithms:
                self.algorithm(*algorithms)
            out.append(record)
        return tuple(out)

    def tls(self, obs: TLSObservation) -> None:
        groups = [self.algorithm(*catalogue.tls_group(g.code)) for g in obs.scan.supported_groups]
        pq = [catalogue.tls_group(g.code)[0].name for g in obs.scan.pq_groups]
        negotiated = obs.handshake.group
        if negotiated:
            negotiated = self.algorithm(*catalogue.group_by_name(negotiated))
        code = obs.scan.preference.preferred_group if obs.scan.preference else None
        preferred = None if code is None else self.algorithm(*catalogue.tls_group(code))
        certs = tuple(self.certificate(c, obs.target) for c in obs.handshake.chain)
        scheme = obs.handshake.signature_scheme
        self.protocols.append(
            ProtocolRecord(
                target=obs.target,
                protocol="tls",
                reachable=obs.reachable,
                error=None if obs.reachable else obs.scan.versions[0].probe.detail,
                versions=tuple(version_name(v) for v in obs.scan.supported_versions),
                groups=tuple(groups),
                pq_groups=tuple(pq),
                preferred_group=preferred,
                negotiated_group=negotiated,
                cipher_suites=self._suites(obs),
                signature_scheme=None if scheme is None else signature_scheme_name(scheme),
                certificates=certs,
                data_class=obs.endpoint.data_class,
                cnsa_category=None
                if obs.endpoint.cnsa_category is None
                else obs.endpoint.cnsa_category.value,
            )
        )

    def ssh(self, obs: SSHObservation) -> None:
        kexinit = obs.probe.kexinit
        banner = obs.probe.banner
        kex: tuple[str, ...] = ()
        host_keys: tuple[str, ...] = ()
        ciphers: tuple[str, ...] = ()
        macs: tuple[str, ...] = ()
        if kexinit is not None:
            kex = tuple(
                k for k in kexinit.kex_algorithms if not k.startswith(("ext-info", "kex-strict"))
            )
            host_keys = kexinit.server_host_key_algorithms
            ciphers = tuple(dict.fromkeys((*kexinit.ciphers_c2s, *kexinit.ciphers_s2c)))
            macs = tuple(dict.fromkeys((*kexinit.macs_c2s, *kexinit.macs_s2c)))
            for name in kex:
                self.algorithm(*catalogue.ssh_kex(name))
            for name in host_keys:
                self.algorithm(catalogue.ssh_host_key(name))
            for name in ciphers:
                record = catalogue.ssh_cipher(name)
                if record is not None:
                    self.algorithm(record)
            for name in macs:
                mac = catalogue.ssh_mac(name)
                if mac is not None:
                    self.algorithm(mac)
        self.protocols.append(
            ProtocolRecord(
                target=obs.target,
                protocol="ssh",
                reachable=obs.reachable,
                error=None if obs.reachable else f"{obs.probe.outcome.value} {obs.probe.detail}",
                versions=() if banner is None else (banner.proto_version,),
                kex=kex,
                host_key_algorithms=host_keys,
                ciphers=ciphers,
                macs=macs,
                software=None if banner is None else banner.software_version,
                data_class=obs.endpoint.data_class,
                cnsa_category=None
                if obs.endpoint.cnsa_category is None
                else obs.endpoint.cnsa_category.value,
            )
        )

    def observations(self, observations: Iterable[Observation]) -> None:
        for obs in observations:
            if isinstance(obs, TLSObservation):
                self.tls(obs)
            else:
                self.ssh(obs)

    def certificate_file(self, subject: CertificateSubject) -> None:
        for info in subject.chain:
            self.certificate(info, subject.target)

    def key_file(self, subject: KeySubject) -> None:
        a = subject.algorithm
        name = self.algorithm(catalogue.from_assessment(a, key_primitive(a)))
        self.keys.append(
            KeyRecord(
                ref=f"{subject.target}#{subject.key_kind}",
                path=subject.path,
                line=subject.line,
                kind=subject.key_kind,
                format=subject.fmt,
                algorithm=name,
                size=int(a.parameter) if a.parameter and a.parameter.isdigit() else None,
                comment=subject.comment,
            )
        )

    def code_use(self, use: CodeUse) -> None:
        name = self.algorithm(code_algorithm(use))
        self.code_uses.append(
            CodeUseRecord(
                path=use.path,
                line=use.line,
                language=use.language,
                library=use.library,
                algorithm=name,
                operation=use.operation,
                key_bits=use.key_bits,
                rule=use.rule,
                snippet=use.snippet,
            )
        )

    def build(self, generated_at: datetime) -> Inventory:
        return Inventory(
            scope=self.scope,
            generated_at=generated_at,
            algorithms=tuple(sorted(self.algorithms.values(), key=lambda a: a.name)),
            protocols=tuple(self.protocols),
            certificates=tuple(self.certificates.values()),
            keys=tuple(self.keys),
            code_uses=tuple(self.code_uses),
            files_scanned=self.files_scanned,
            files_skipped=self.files_skipped,
        )


_CODE_KEY: dict[str, tuple[str, Primitive, str | None]] = {
    # family -> (display family, primitive, OID)
    "RSA": ("RSA", "signature", "1.2.840.113549.1.1.1"),
    "DSA": ("DSA", "signature", "1.2.840.10040.4.1"),
    "DH": ("DH", "key-agree", "1.2.840.113549.1.3.1"),
    "ECDSA": ("ECDSA", "signature", "1.2.840.10045.2.1"),
    "ECDH": ("ECDH", "key-agree", "1.2.840.10045.2.1"),
    "EC": ("EC", "signature", "1.2.840.10045.2.1"),
    "EdDSA": ("EdDSA", "signature", "1.3.101.112"),
    "X25519": ("X25519", "key-agree", "1.3.101.110"),
}


def code_algorithm(use: CodeUse) -> AlgorithmRecord:
    """The algorithm record for a code use: catalogue names first, key families by size."""
    try:
        return catalogue.symmetric(use.algorithm)
    except KeyError:
        pass
    known = _CODE_KEY.get(use.family)
    if known is None:
        return AlgorithmRecord(name=use.algorithm, family=use.family, primitive="unknown")
    family, primitive, oid = known
    bits = use.key_bits
    strength: int | None = None
    if bits is not None:
        strength = rsa_strength(bits) if family in ("RSA", "DSA", "DH") else bits // 2
    elif family in ("EdDSA", "X25519"):
        strength = 128
    return catalogue.public_key(
        use.algorithm,
        family,
        strength,
        oid=oid,
        param=None if bits is None else str(bits),
        primitive=primitive,
    )


def merge_inventories(inventories: Sequence[Inventory]) -> Inventory:
    """One inventory from several runs, later ones winning for the same endpoint or asset."""
    algorithms: dict[str, AlgorithmRecord] = {}
    protocols: dict[str, ProtocolRecord] = {}
    certificates: dict[str, CertificateRecord] = {}
    keys: dict[str, KeyRecord] = {}
    code: dict[tuple[str, int, str], CodeUseRecord] = {}
    for inv in inventories:
        algorithms.update({a.name: a for a in inv.algorithms})
        protocols.update({(p.protocol + " " + p.target): p for p in inv.protocols})
        certificates.update({c.fingerprint: c for c in inv.certificates})
        keys.update({k.ref: k for k in inv.keys})
        code.update({(u.path, u.line, u.rule): u for u in inv.code_uses})
    return Inventory(
        scope="+".join(i.scope for i in inventories) or "none",
        generated_at=max((i.generated_at for i in inventories), default=datetime.now(UTC)),
        algorithms=tuple(sorted(algorithms.values(), key=lambda a: a.name)),
        protocols=tuple(protocols.values()),
        certificates=tuple(certificates.values()),
        keys=tuple(keys.values()),
        code_uses=tuple(code.values()),
        files_scanned=sum(i.files_scanned for i in inventories),
        files_skipped=sum(i.files_skipped for i in inventories),
    )
