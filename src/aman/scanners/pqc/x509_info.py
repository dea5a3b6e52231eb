"""Describe an X.509 certificate for the crypto inventory, whatever key type it carries.

``cryptography`` parses most certificates, but ``public_key()`` raises on key types its
OpenSSL does not know (future PQ or composite schemes). The inventory must still name
the algorithm, so a small DER walk reads the SubjectPublicKeyInfo directly as a fallback.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, replace

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

from aman.scanners.pqc.algorithms import (
    EC_OID,
    RSA_OIDS,
    AlgorithmAssessment,
    classify_public_key,
    classify_signature_algorithm,
)
from aman.scanners.pqc.tls_wire import ParseError


@dataclass(frozen=True, slots=True)
class DerElement:
    """One TLV: tag byte, content bytes, and the offset just past it."""

    tag: int
    content: bytes
    end: int


def read_der(data: bytes, pos: int = 0) -> DerElement:
    """Read one DER TLV at ``pos`` (definite lengths only, as DER requires)."""
    if pos + 2 > len(data):
        raise ParseError("truncated DER header")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise ParseError("unsupported or truncated DER length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise ParseError("DER content runs past the end of the data")
    return DerElement(tag, data[pos : pos + length], pos + length)


def der_children(content: bytes) -> list[DerElement]:
    """The TLVs directly inside a constructed element's content."""
    out: list[DerElement] = []
    pos = 0
    while pos < len(content):
        el = read_der(content, pos)
        out.append(el)
        pos = el.end
    return out


def decode_oid(content: bytes) -> str:
    """Dotted form of an OBJECT IDENTIFIER's content bytes."""
    if not content:
        raise ParseError("empty OBJECT IDENTIFIER")
    arcs: list[int] = []
    value = 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if content[-1] & 0x80:
        raise ParseError("truncated OBJECT IDENTIFIER")
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in (first, arcs[0] - 40 * first, *arcs[1:]))


@dataclass(frozen=True, slots=True)
class RawSPKI:
    """The SubjectPublicKeyInfo fields the inventory needs, read straight from DER."""

    algorithm_oid: str
    parameter_oid: str | None
    key_bytes: bytes


def spki_from_certificate_der(der: bytes) -> RawSPKI:
    """Walk Certificate -> tbsCertificate -> subjectPublicKeyInfo (RFC 5280 §4.1)."""
    cert = read_der(der)
    tbs = der_children(cert.content)[0]
    fields = der_children(tbs.content)
    if fields and fields[0].tag == 0xA0:  # explicit [0] version
        fields = fields[1:]
    if len(fields) < 6:
        raise ParseError("tbsCertificate has too few fields")
    spki = der_children(fields[5].content)
    algorithm = der_children(spki[0].content)
    if not algorithm or algorithm[0].tag != 0x06 or len(spki) < 2 or spki[1].tag != 0x03:
        raise ParseError("malformed SubjectPublicKeyInfo")
    param = algorithm[1] if len(algorithm) > 1 else None
    param_oid = decode_oid(param.content) if param is not None and param.tag == 0x06 else None
    return RawSPKI(decode_oid(algorithm[0].content), param_oid, spki[1].content[1:])


def _rsa_bits_from_der(key_bytes: bytes) -> int | None:
    try:
        modulus = der_children(read_der(key_bytes).content)[0]
    except (ParseError, IndexError):
        return None
    return int.from_bytes(modulus.content, "big").bit_length()


def assess_public_key(cert: x509.Certificate, der: bytes) -> AlgorithmAssessment:
    """Assess the certificate's key via ``cryptography``, falling back to the DER walk."""
    try:
        key = cert.public_key()
        oid = cert.public_key_algorithm_oid.dotted_string
    except (ValueError, UnsupportedAlgorithm):  # a key type this OpenSSL cannot load
        return _assess_from_der(der)
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey):
        return classify_public_key(oid, key_bits=key.key_size)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return classify_public_key(oid, curve=key.curve.name, key_bits=key.key_size)
    return classify_public_key(oid)


def _assess_from_der(der: bytes) -> AlgorithmAssessment:
    try:
        raw = spki_from_certificate_der(der)
    except (ParseError, IndexError):
        return classify_public_key("0.0")
    if raw.algorithm_oid in RSA_OIDS:
        return classify_public_key(raw.algorithm_oid, key_bits=_rsa_bits_from_der(raw.key_bytes))
    if raw.algorithm_oid == EC_OID:
        return classify_public_key(raw.algorithm_oid, curve=raw.parameter_oid)
    return classify_public_key(raw.algorithm_oid)


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """One certificate as the inventory reports it."""

    subject: str
    issuer: str
    serial: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    sans: tuple[str, ...]
    public_key: AlgorithmAssessment
    signature: AlgorithmAssessment
    fingerprint_sha256: str
    is_ca: bool | None
    self_issued: bool


def _sans(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    except ValueError:
        return ("<unparseable subjectAltName>",)
    out: list[str] = []
    for name in ext.value:
        if isinstance(name, x509.DNSName):
            out.append(f"DNS:{name.value}")
        elif isinstance(name, x509.IPAddress):
            out.append(f"IP:{name.value}")
        elif isinstance(name, x509.UniformResourceIdentifier):
            out.append(f"URI:{name.value}")
        elif isinstance(name, x509.RFC822Name):
            out.append(f"email:{name.value}")
    return tuple(out)


def _is_ca(cert: x509.Certificate) -> bool | None:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return None
    except ValueError:
        return None


def describe_certificate(
    der: bytes, issuer_key: AlgorithmAssessment | None = None
) -> CertificateInfo:
    """Describe a DER certificate; ``issuer_key`` refines the signature's strength.

    Raises ParseError only when the bytes are not a certificate at all.
    """
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise ParseError(f"not a parseable X.509 certificate: {exc}") from exc
    key = assess_public_key(cert, der)
    subject, issuer = cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
    signer = key if issuer_key is None and subject == issuer else issuer_key
    sig = classify_signature_algorithm(cert.signature_algorithm_oid.dotted_string, signer)
    return CertificateInfo(
        subject=subject,
        issuer=issuer,
        serial=f"{cert.serial_number:x}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sans=_sans(cert),
        public_key=key,
        signature=sig,
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        is_ca=_is_ca(cert),
        self_issued=subject == issuer,
    )


def describe_chain(chain_der: list[bytes]) -> tuple[CertificateInfo, ...]:
    """Describe a served chain (leaf first); signatures are rated against their issuer's key.

    Issuers are matched by name, not position, since servers send chains out of order.
    """
    infos = [describe_certificate(der) for der in chain_der]
    keys = {info.subject: info.public_key for info in infos}
    out: list[CertificateInfo] = []
    for info in infos:
        issuer_key = keys.get(info.issuer)
        if issuer_key is not None and not info.self_issued and info.signature.oid:
            signature = classify_signature_algorithm(info.signature.oid, issuer_key)
            info = replace(info, signature=signature)
        out.append(info)
    return tuple(out)
