"""The inventory as a CycloneDX 1.6 CBOM (cryptography bill of materials).

Written with cyclonedx-python-lib and validated against the official 1.6 JSON schema.

- **Algorithms**: one ``cryptographic-asset`` component per algorithm (``assetType:
  algorithm``) with OID, primitive, parameter set, curve, mode, functions, classical
  security level and NIST quantum security level (0 for RSA/ECC, as the spec defines).
- **Hybrid groups** (X25519MLKEM768, SecP384r1MLKEM1024, mlkem768x25519-sha256, ...):
  one algorithm component with ``primitive: kem`` named by its IANA name, carrying the
  quantum level of its ML-KEM part and the classical level of its ECDH part, and
  *depending on* (CycloneDX ``dependencies``) one component per part, e.g. ``ML-KEM-768``
  (kem) and ``X25519`` (key-agree). Properties ``aman:hybrid-of`` and
  ``aman:tls-codepoint`` repeat the parts and the codepoint for readers that ignore the
  dependency graph. CycloneDX 1.6 has no field for "combination of algorithms"; a
  ``combiner`` primitive would describe the KDF that joins the secrets, not the group.
- **Certificates**: ``assetType: certificate`` with subject, issuer, validity,
  ``signatureAlgorithmRef`` and ``subjectPublicKeyRef`` (a ``related-crypto-material``
  public-key component); where they were seen is recorded as evidence occurrences.
- **Protocols**: one component per endpoint (``tls``/``ssh``) with its highest version,
  cipher suites (symmetric algorithms and IANA codes) and ``cryptoRefArray`` pointing at
  its key-exchange groups, host-key algorithms and certificates.
- **Keys on disk** are ``related-crypto-material`` (private keys described, never copied);
  **code uses** are occurrences (file, line, library) on their algorithm's component.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.crypto import (
    AlgorithmProperties,
    CertificateProperties,
    CryptoAssetType,
    CryptoFunction,
    CryptoMode,
    CryptoPrimitive,
    CryptoProperties,
    ProtocolProperties,
    ProtocolPropertiesCipherSuite,
    ProtocolPropertiesType,
    RelatedCryptoMaterialProperties,
    RelatedCryptoMaterialType,
)
from cyclonedx.output.json import JsonV1Dot6

from aman import __version__
from aman.scanners.pqc.catalogue import ssh_cipher
from aman.scanners.pqc.inventory import (
    AlgorithmRecord,
    CertificateRecord,
    Inventory,
    KeyRecord,
    ProtocolRecord,
)

MAX_OCCURRENCES = 1000


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.@:_-]+", "-", text.lower()).strip("-")


def algorithm_ref(name: str) -> str:
    return f"crypto/algorithm/{_slug(name)}"


def _props(pairs: Iterable[tuple[str, str | None]]) -> list[Property]:
    return [Property(name=k, value=v) for k, v in pairs if v]


class _Builder:
    def __init__(self, inventory: Inventory) -> None:
        self.inv = inventory
        self.components: dict[str, Component] = {}
        self.occurrences: dict[str, list[Occurrence]] = {}

    def add(self, component: Component) -> BomRef:
        ref = str(component.bom_ref.value)
        self.components.setdefault(ref, component)
        return self.components[ref].bom_ref

    def algorithm(self, record: AlgorithmRecord) -> Component:
        functions = [CryptoFunction(f) for f in record.functions]
        mode = CryptoMode(record.mode) if record.mode else None
        props = AlgorithmProperties(
            primitive=CryptoPrimitive(record.primitive),
            parameter_set_identifier=record.parameter,
            curve=record.curve,
            mode=mode,
            crypto_functions=functions or None,
            classical_security_level=record.classical_bits,
            nist_quantum_security_level=record.nist_level,
        )
        vulnerable = None if record.quantum_vulnerable is None else str(record.quantum_vulnerable)
        return Component(
            type=ComponentType.CRYPTOGRAPHIC_ASSET,
            name=record.name,
            bom_ref=algorithm_ref(record.name),
            crypto_properties=CryptoProperties(
                asset_type=CryptoAssetType.ALGORITHM, algorithm_properties=props, oid=record.oid
            ),
            properties=_props(
                [
                    ("aman:family", record.family),
                    ("aman:quantum-vulnerable", vulnerable.lower() if vulnerable else None),
                    ("aman:weak", "true" if record.weak else None),
                    ("aman:hybrid-of", ",".join(record.hybrid_of) or None),
                    ("aman:tls-codepoint", record.codepoint),
                ]
            ),
        )

    def public_key(self, cert: CertificateRecord) -> BomRef:
        algo = self.inv.algorithm(cert.public_key)
        size = int(algo.parameter) if algo and algo.parameter and algo.parameter.isdigit() else None
        return self.add(
            Component(
                type=ComponentType.CRYPTOGRAPHIC_ASSET,
                name=f"public key of {cert.subject}",
                bom_ref=f"crypto/key/{cert.fingerprint[:24]}",
                crypto_properties=CryptoProperties(
                    asset_type=CryptoAssetType.RELATED_CRYPTO_MATERIAL,
                    related_crypto_material_properties=RelatedCryptoMaterialProperties(
                        type=RelatedCryptoMaterialType.PUBLIC_KEY,
                        algorithm_ref=BomRef(algorithm_ref(cert.public_key)),
                        size=size,
                        format="SubjectPublicKeyInfo",
                    ),
                ),
            )
        )

    def certificate(self, cert: CertificateRecord) -> BomRef:
        key_ref = self.public_key(cert)
        evidence = ComponentEvidence(
            occurrences=[Occurrence(location=loc) for loc in cert.locations[:MAX_OCCURRENCES]]
        )
        return self.add(
            Component(
                type=ComponentType.CRYPTOGRAPHIC_ASSET,
                name=cert.subject or cert.fingerprint[:16],
                bom_ref=f"crypto/certificate/{cert.fingerprint[:24]}",
                crypto_properties=CryptoProperties(
                    asset_type=CryptoAssetType.CERTIFICATE,
                    certificate_properties=CertificateProperties(
                        subject_name=cert.subject,
                        issuer_name=cert.issuer,
                        not_valid_before=cert.not_before,
                        not_valid_after=cert.not_after,
                        signature_algorithm_ref=BomRef(algorithm_ref(cert.signature)),
                        subject_public_key_ref=key_ref,
                        certificate_format="X.509",
                    ),
                ),
                evidence=evidence if cert.locations else None,
                properties=_props(
                    [("aman:fingerprint-sha256", cert.fingerprint), ("aman:serial", cert.serial)]
                ),
            )
        )

    def protocol(self, proto: ProtocolRecord) -> None:
        ciphers = [c.name for c in map(ssh_cipher, proto.ciphers) if c is not None]
        refs = [*proto.groups, *proto.kex, *proto.host_key_algorithms, *ciphers]
        algorithm_refs = [
            BomRef(algorithm_ref(n)) for n in dict.fromkeys(refs) if self.inv.algorithm(n)
        ]
        cert_refs = [BomRef(f"crypto/certificate/{fp[:24]}") for fp in proto.certificates]
        suites = [
            ProtocolPropertiesCipherSuite(
                name=s.name,
                algorithms=[BomRef(algorithm_ref(a)) for a in s.algorithms],
                identifiers=[s.code],
            )
            for s in proto.cipher_suites
        ]
        version = proto.versions[0].removeprefix("TLSv") if proto.versions else None
        kind = ProtocolPropertiesType.TLS if proto.protocol == "tls" else ProtocolPropertiesType.SSH
        self.add(
            Component(
                type=ComponentType.CRYPTOGRAPHIC_ASSET,
                name=f"{proto.protocol.upper()} @ {proto.target}",
                bom_ref=f"crypto/protocol/{proto.protocol}/{_slug(proto.target)}",
                crypto_properties=CryptoProperties(
                    asset_type=CryptoAssetType.PROTOCOL,
                    protocol_properties=ProtocolProperties(
                        type=kind,
                        version=version,
                        cipher_suites=suites or None,
                        crypto_refs=[*algorithm_refs, *cert_refs] or None,
                    ),
                ),
                properties=_props(
                    [
                        ("aman:target", proto.target),
                        ("aman:versions", ",".join(proto.versions) or None),
                        ("aman:pq-groups", ",".join(proto.pq_groups) or None),
                        ("aman:preferred-group", proto.preferred_group),
                        ("aman:negotiated-group", proto.negotiated_group),
                        ("aman:software", proto.software),
                        ("aman:reachable", str(proto.reachable).lower()),
                    ]
                ),
            )
        )

    def key(self, key: KeyRecord) -> None:
        kind = (
            RelatedCryptoMaterialType.PRIVATE_KEY
            if key.kind == "private-key"
            else RelatedCryptoMaterialType.PUBLIC_KEY
        )
        self.add(
            Component(
                type=ComponentType.CRYPTOGRAPHIC_ASSET,
                name=f"{key.kind} {key.path}",
                bom_ref=f"crypto/key-file/{_slug(key.ref)}",
                crypto_properties=CryptoProperties(
                    asset_type=CryptoAssetType.RELATED_CRYPTO_MATERIAL,
                    related_crypto_material_properties=RelatedCryptoMaterialProperties(
                        type=kind,
                        algorithm_ref=BomRef(algorithm_ref(key.algorithm)),
                        size=key.size,
                        format=key.format,
                    ),
                ),
                evidence=ComponentEvidence(
                    occurrences=[Occurrence(location=key.path, line=key.line)]
                ),
            )
        )

    def code_occurrences(self) -> None:
        for use in self.inv.code_uses:
            self.occurrences.setdefault(algorithm_ref(use.algorithm), []).append(
                Occurrence(
                    location=use.path,
                    line=use.line,
                    symbol=use.library,
                    additional_context=f"{use.language} {use.operation}: {use.snippet}"[:200],
                )
            )


def build_bom(inventory: Inventory) -> Bom:
    """The CycloneDX model of an inventory."""
    b = _Builder(inventory)
    b.code_occurrences()
    for record in inventory.algorithms:
        component = b.algorithm(record)
        found = b.occurrences.get(algorithm_ref(record.name))
        if found:
            component.evidence = ComponentEvidence(occurrences=found[:MAX_OCCURRENCES])
        b.add(component)
    for cert in inventory.certificates:
        b.certificate(cert)
    for proto in inventory.protocols:
        b.protocol(proto)
    for key in inventory.keys:
        b.key(key)
    tool = Component(type=ComponentType.APPLICATION, name="aman", version=__version__)
    meta = BomMetaData(timestamp=inventory.generated_at)
    meta.tools.components.add(tool)
    bom = Bom(components=b.components.values(), metadata=meta)
    for record in inventory.algorithms:
        if record.hybrid_of:
            parent = b.components[algorithm_ref(record.name)]
            parts = [b.components[algorithm_ref(p)] for p in record.hybrid_of]
            bom.register_dependency(parent, parts)
    return bom


def cbom_json(inventory: Inventory) -> str:
    """The CBOM as CycloneDX 1.6 JSON text."""
    return str(JsonV1Dot6(build_bom(inventory)).output_as_string(indent=2))


def validation_error(document: str) -> str | None:
    """None when ``document`` is valid CycloneDX 1.6 JSON, else the first schema error.

    Imported lazily: jsonschema's format checkers take seconds to import, which a
    long-running server pays once but a one-shot CLI scan should not pay unasked.
    """
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(document)
    return None if error is None else str(error)


def _referenced(component: dict[str, Any]) -> Iterator[str]:
    crypto = component.get("cryptoProperties") or {}
    cert = crypto.get("certificateProperties") or {}
    yield from (cert[k] for k in ("signatureAlgorithmRef", "subjectPublicKeyRef") if k in cert)
    material = crypto.get("relatedCryptoMaterialProperties") or {}
    if "algorithmRef" in material:
        yield material["algorithmRef"]
    proto = crypto.get("protocolProperties") or {}
    yield from proto.get("cryptoRefArray") or []
    for suite in proto.get("cipherSuites") or []:
        yield from suite.get("algorithms") or []


def reference_errors(document: str) -> str | None:
    """A fast integrity check: a 1.6 document whose every bom-ref reference resolves."""
    doc = orjson.loads(document)
    if doc.get("bomFormat") != "CycloneDX" or doc.get("specVersion") != "1.6":
        return "not a CycloneDX 1.6 document"
    refs = [c.get("bom-ref") for c in doc.get("components") or []]
    if len(refs) != len(set(refs)):
        return "duplicate bom-ref"
    known = set(refs)
    for component in doc.get("components") or []:
        for ref in _referenced(component):
            if ref not in known:
                return f"{component.get('bom-ref')} refers to unknown {ref}"
    for dep in doc.get("dependencies") or []:
        missing = [r for r in [dep.get("ref"), *(dep.get("dependsOn") or [])] if r not in known]
        if missing:
            return f"dependency on unknown {missing[0]}"
    return None
