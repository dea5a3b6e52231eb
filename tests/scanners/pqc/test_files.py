"""Certificates and keys on disk: every format, key sizes, weak signatures, skipping."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from aman.evidence.model import Status
from aman.scanners.pqc.observations import CertificateSubject, KeySubject
from aman.scanners.pqc.pipeline import scan_files

PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


def sha1_resigned(certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> bytes:
    """The certificate re-signed with sha1WithRSAEncryption (OpenSSL 4 will not issue one).

    The two sha256WithRSAEncryption identifiers differ from sha1's in one byte, so the TBS
    is patched in place and signed again; the signature keeps its length.
    """
    der = certificate.public_bytes(DER)
    sha256_rsa = bytes.fromhex("06092a864886f70d01010b")
    sha1_rsa = bytes.fromhex("06092a864886f70d010105")
    tbs = certificate.tbs_certificate_bytes
    new_tbs = tbs.replace(sha256_rsa, sha1_rsa)
    signature = key.sign(new_tbs, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    assert len(signature) == len(certificate.signature)
    patched = der.replace(tbs, new_tbs).replace(sha256_rsa, sha1_rsa)
    return patched.replace(certificate.signature, signature)


def cert(
    key: Any,
    cn: str,
    *,
    issuer: tuple[x509.Name, Any] | None = None,
    ca: bool = False,
    hash_: Any = None,
    days: int = 90,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name, issuer_key = issuer or (name, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    signing_hash = (
        hash_
        if hash_ is not None
        else (
            None
            if isinstance(issuer_key, ed25519.Ed25519PrivateKey | mldsa.MLDSA65PrivateKey)
            else hashes.SHA256()
        )
    )
    return builder.sign(issuer_key, signing_hash)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    ca_key = rsa.generate_private_key(65537, 3072)
    ca = cert(ca_key, "Test Root", ca=True, days=3650 * 12)
    leaf_key = rsa.generate_private_key(65537, 2048)
    leaf = cert(leaf_key, "www.example.test", issuer=(ca.subject, ca_key))
    (root / "certs").mkdir()
    (root / "certs/bundle.pem").write_bytes(
        b"# server chain\n" + leaf.public_bytes(PEM) + ca.public_bytes(PEM)
    )
    weak_key = rsa.generate_private_key(65537, 1024)  # noqa: S505 - the point of the test
    (root / "certs/old.crt").write_bytes(
        sha1_resigned(cert(weak_key, "legacy.example.test"), weak_key)
    )
    pq_key = mldsa.MLDSA65PrivateKey.generate()
    (root / "certs/pq.pem").write_bytes(cert(pq_key, "pq.example.test").public_bytes(PEM))
    keys = root / "keys"
    keys.mkdir()
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pkcs8 = serialization.PrivateFormat.PKCS8
    (keys / "server.key").write_bytes(
        ec_key.private_bytes(PEM, pkcs8, serialization.NoEncryption())
    )
    (keys / "locked.key").write_bytes(
        ec_key.private_bytes(PEM, pkcs8, serialization.BestAvailableEncryption(b"pw"))
    )
    ed = ed25519.Ed25519PrivateKey.generate()
    (keys / "id_ed25519").write_bytes(
        ed.private_bytes(PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption())
    )
    openssh_pub = ed.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    (keys / "id_ed25519.pub").write_bytes(openssh_pub + b" admin@host\n")
    rsa_pub = leaf_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    (keys / "known_hosts").write_bytes(
        b"# hosts\n|1|abc=|def= " + rsa_pub + b"\ngit.example.test,192.0.2.1 " + openssh_pub + b"\n"
    )
    (keys / "bundle.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"svc", leaf_key, leaf, [ca], serialization.NoEncryption()
        )
    )
    (keys / "secret.pfx").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"svc", leaf_key, leaf, None, serialization.BestAvailableEncryption(b"pw")
        )
    )
    (root / "app.yaml").write_text(
        "tls:\n  cert: |\n"
        + "".join(f"    {line}\n" for line in leaf.public_bytes(PEM).decode().splitlines())
    )
    (root / "broken.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
    )
    vendored = root / "node_modules/pkg"
    vendored.mkdir(parents=True)
    (vendored / "ca.pem").write_bytes(ca.public_bytes(PEM))
    (root / "blob.bin").write_bytes(b"\x00\x01-----BEGIN CERTIFICATE-----")
    return root


def test_every_format_is_inventoried(tree: Path) -> None:
    result = scan_files(tree)
    subjects_keys = {(k.path, k.line, k.format, k.algorithm) for k in result.inventory.keys}
    keys = {(path, line): (fmt, algo) for path, line, fmt, algo in subjects_keys}
    assert keys[("keys/server.key", 1)] == ("PEM PRIVATE KEY", "EC P-256")
    assert keys[("keys/locked.key", 1)] == ("PKCS#8 (encrypted)", "encrypted private key")
    assert keys[("keys/id_ed25519", 1)] == ("OpenSSH", "Ed25519")
    assert keys[("keys/id_ed25519.pub", 1)] == ("OpenSSH", "Ed25519")
    assert keys[("keys/known_hosts", 2)] == ("OpenSSH", "RSA-2048")
    assert keys[("keys/known_hosts", 3)] == ("OpenSSH", "Ed25519")
    assert keys[("keys/bundle.p12", None)] == ("PKCS#12", "RSA-2048")
    assert keys[("keys/secret.pfx", None)] == ("PKCS#12 (password-protected)", "encrypted PKCS#12")
    certs = {c.subject: c for c in result.inventory.certificates}
    assert set(certs) == {
        "CN=www.example.test",
        "CN=Test Root",
        "CN=legacy.example.test",
        "CN=pq.example.test",
    }
    assert set(certs["CN=www.example.test"].locations) == {
        "certs/bundle.pem:2",
        "keys/bundle.p12",
        "app.yaml:3",
    }
    assert all("node_modules" not in loc for c in certs.values() for loc in c.locations)
    assert result.problems == [("broken.pem", result.problems[0][1])]
    assert result.cbom_error is None


def test_findings_on_files(tree: Path) -> None:
    result = scan_files(tree)
    by = {(f.check_id, f.target): f for f in result.findings}
    assert by[("pqc.key.size", "certs/old.crt")].status is Status.FAIL
    assert by[("pqc.cert.weak-signature-hash", "certs/old.crt")].status is Status.FAIL
    assert by[("pqc.cert.ir8547", "certs/old.crt")].status is Status.FAIL
    assert by[("pqc.cert.ir8547", "certs/pq.pem:1")].message.endswith("post-quantum chain")
    root = by[("pqc.cert.lifetime", "certs/bundle.pem:22")]
    assert root.status is Status.FAIL  # an RSA CA valid into the 2030s beyond 2035
    assert by[("pqc.key.size", "keys/server.key:1")].status is Status.PASS
    assert by[("pqc.key.size", "keys/locked.key:1")].status is Status.WARN
    assert by[("pqc.cert.weak-signature-hash", "certs/bundle.pem:2")].status is Status.PASS
    code = by[("pqc.key.size", "certs/old.crt")]
    assert code.path == "certs/old.crt" and len(code.input_hash) == 64
    run = {f.check_id: f for f in result.findings if f.target.startswith("files-scope")}
    assert run["pqc.inventory.cbom"].status is Status.PASS
    assert result.inventory.files_scanned >= 10
    kinds = {m.kind for m in result.migration}
    assert {"certificate", "key"} <= kinds


def test_subject_types(tree: Path) -> None:
    from aman.scanners.pqc.files import scan_key_material

    found = scan_key_material(tree / "keys" / "known_hosts", datetime.datetime.now(datetime.UTC))
    assert all(isinstance(s, KeySubject) for s in found.subjects)
    assert [s.comment for s in found.subjects] == ["|1|abc=|def=", "git.example.test,192.0.2.1"]
    one = scan_key_material(tree / "certs" / "bundle.pem", datetime.datetime.now(datetime.UTC))
    assert [type(s) for s in one.subjects] == [CertificateSubject, CertificateSubject]
