"""Private keys: published-key fingerprints, inline keys, permissions, lookup confinement."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519

from aman.evidence.model import Finding, Status
from aman.scanners.fiveg.audit import AuditOptions, audit
from aman.scanners.fiveg.keys import fingerprint, parse_key
from aman.scanners.fiveg.samplekeys import SAMPLE_KEYS


def _pem(key: object) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def by_check(findings: list[Finding], target: str) -> dict[str, Finding]:
    return {f.check_id: f for f in findings if f.target == target}


UDM = (
    "udm:\n  hnet:\n    - id: 1\n      scheme: 1\n      key: /etc/open5gs/hnet/curve25519-1.key\n"
    "    - id: 2\n      scheme: 2\n      key: /etc/open5gs/hnet/secp256r1-2.key\n"
)


def test_denylisted_home_network_key_is_critical(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    published = x25519.X25519PrivateKey.generate()
    write("core/udm.yaml", UDM)
    write("core/hnet/curve25519-1.key", _pem(published), 0o600)
    write("core/hnet/secp256r1-2.key", _pem(ec.generate_private_key(ec.SECP256R1())), 0o600)
    deny = {fingerprint(published.public_key()): "a key printed in a vendor guide"}
    found = by_check(audit(tmp_path / "core", AuditOptions(denylist=deny)).findings, "udm.yaml")
    sample = found["5g.suci.sample-key"]
    assert sample.status is Status.FAIL and sample.severity.value == "critical"
    assert sample.evidence["matches"][0]["location"] == "hnet/curve25519-1.key"
    assert "vendor guide" in sample.message
    assert found["5g.suci.hnet"].status is Status.PASS  # types match the schemes
    clean = by_check(audit(tmp_path / "core").findings, "udm.yaml")
    assert clean["5g.suci.sample-key"].status is Status.PASS


def test_key_of_the_wrong_type_for_its_scheme(write: Callable[..., Path], tmp_path: Path) -> None:
    write("core/udm.yaml", UDM)
    write("core/hnet/curve25519-1.key", _pem(ec.generate_private_key(ec.SECP256R1())), 0o600)
    found = by_check(audit(tmp_path / "core").findings, "udm.yaml")
    assert "needs an X25519 key" in found["5g.suci.hnet"].message


def test_shipped_fingerprints_are_sha256_hex_and_match_the_public_test_vector() -> None:
    assert all(len(f) == 64 and int(f, 16) >= 0 for f in SAMPLE_KEYS)
    # TS 33.501 Annex C.4 Profile A home network *public* key (public test data)
    public = bytes.fromhex("5a8d38864820197c3394b92613b20b91633cbd897119273bf8e4a6f4eec0a650")
    assert fingerprint(x25519.X25519PublicKey.from_public_bytes(public)) in SAMPLE_KEYS


def test_inline_hex_key_and_loose_file_modes(write: Callable[..., Path], tmp_path: Path) -> None:
    raw = x25519.X25519PrivateKey.generate().private_bytes_raw().hex()
    write(
        "f/udmcfg.yaml",
        "info:\n  description: UDM initial local configuration\nconfiguration:\n"
        f"  SuciProfile:\n    - ProtectionScheme: 1\n      PrivateKey: {raw}\n",
    )
    write(
        "o/nrf.yaml",
        "nrf:\n  sbi:\n    server:\n      - address: a\n        private_key: tls/nrf.key\n",
    )
    write("o/tls/nrf.key", _pem(rsa.generate_private_key(65537, 2048)), 0o644)
    findings = audit(tmp_path).findings
    inline = by_check(findings, "f/udmcfg.yaml")["5g.suci.key-storage"]
    assert inline.status is Status.FAIL and "inline" in inline.message and inline.line == 6
    assert raw not in str(inline.evidence) and raw not in inline.message  # never echoed
    loose = by_check(findings, "o/nrf.yaml")["5g.tls.key-storage"]
    assert loose.status is Status.FAIL and "0644" in loose.message


def test_key_paths_never_leave_the_scanned_root(write: Callable[..., Path], tmp_path: Path) -> None:
    outside = write("outside/secret.key", _pem(x25519.X25519PrivateKey.generate()), 0o600)
    write("root/udm.yaml", f"udm:\n  hnet:\n    - id: 1\n      scheme: 1\n      key: {outside}\n")
    (tmp_path / "root" / "link.key").symlink_to(outside)
    write(
        "root/amf.yaml",
        "amf:\n  sbi:\n    server:\n      - address: a\n        private_key: link.key\n",
    )
    run = audit(tmp_path / "root")
    udm = by_check(run.findings, "udm.yaml")
    assert udm["5g.suci.sample-key"].status is Status.NOT_APPLICABLE  # not read
    amf = by_check(run.findings, "amf.yaml")
    assert amf["5g.tls.sample-key"].status is Status.NOT_APPLICABLE
    assert any(p.code == "symlink-escape" and p.path == "link.key" for p in run.problems)
    allowed = audit(tmp_path / "root", AuditOptions(key_roots=(tmp_path / "outside",)))
    assert by_check(allowed.findings, "udm.yaml")["5g.suci.sample-key"].status is Status.PASS


def test_parse_key_formats() -> None:
    assert parse_key(_pem(x25519.X25519PrivateKey.generate())).public_key() is not None
    with pytest.raises(Exception, match="32 bytes"):
        parse_key(b"abcd", scheme=1)
    with pytest.raises(Exception, match="no PEM"):
        parse_key(b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n")
