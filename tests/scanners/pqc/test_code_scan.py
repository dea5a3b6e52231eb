"""Source-code scanning: each language's rules, key sizes, file:line, skips and findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from aman.evidence.model import Status
from aman.scanners.pqc.pipeline import scan_code

SOURCES = {
    "svc/crypto.py": """import hashlib
from cryptography.hazmat.primitives.asymmetric import rsa, ec, x25519
from cryptography.hazmat.primitives.ciphers import algorithms, modes

key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
ok = rsa.generate_private_key(65537, 3072)
curve = ec.generate_private_key(ec.SECP384R1())
digest = hashlib.md5(b"x").hexdigest()
# legacy = hashlib.sha1(b"commented out")
mode = modes.ECB()
kx = x25519.X25519PrivateKey.generate()
""",
    "src/Main.java": """import java.security.*;
class Main {
  void f() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    MessageDigest d = MessageDigest.getInstance("SHA-1");
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("DESede/CBC/PKCS5Padding");
    javax.crypto.Cipher e = javax.crypto.Cipher.getInstance("AES/ECB/PKCS5Padding");
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
  }
}
""",
    "cmd/main.go": """package main

import ("crypto/rand"; "crypto/rsa"; "crypto/md5"; "crypto/ecdsa"; "crypto/elliptic"; "crypto/des")

func main() {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	e, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	h := md5.New()
	b, _ := des.NewTripleDESCipher(key)
}
""",
    "web/app.ts": """import * as crypto from "crypto";
const { publicKey } = crypto.generateKeyPairSync("rsa", {
  modulusLength: 1024,
});
const h = crypto.createHash("sha1");
const c = crypto.createCipheriv("des-ede3-cbc", key, iv);
const dh = crypto.createECDH("prime256v1");
""",
    "native/tls.c": """#include <openssl/evp.h>
void f(void) {
    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 4096);
    EC_KEY *k = EC_KEY_new_by_curve_name(NID_X9_62_prime192v1);
    const EVP_MD *md = EVP_md5();
    const EVP_CIPHER *c = EVP_aes_128_ecb();
}
""",
    "node_modules/lib/index.js": 'crypto.createHash("md5");\n',
    "web/bundle.min.js": 'crypto.createHash("md5");\n',
    "vendor/x.go": "h := md5.New()\n",
    "README.md": "Do not use hashlib.md5(\n",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("src")
    for name, text in SOURCES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "big.py").write_text("x = 1\n" * 400_000 + "hashlib.md5(b'')\n")
    (root / "bin.py").write_bytes(b"\x00\x01hashlib.md5(")
    return root


def test_uses_found_with_file_line_library_and_size(tree: Path) -> None:
    result = scan_code(tree)
    uses = {
        (u.path, u.line): (u.algorithm, u.library, u.key_bits) for u in result.inventory.code_uses
    }
    assert uses == {
        ("svc/crypto.py", 5): ("RSA-1024", "cryptography", 1024),
        ("svc/crypto.py", 6): ("RSA-3072", "cryptography", 3072),
        ("svc/crypto.py", 7): ("EC-384", "cryptography", 384),
        ("svc/crypto.py", 8): ("MD5", "hashlib", None),
        ("svc/crypto.py", 10): ("AES-ECB", "cryptography", None),
        ("svc/crypto.py", 11): ("X25519", "cryptography", None),
        ("src/Main.java", 4): ("RSA-1024", "JCA", 1024),
        ("src/Main.java", 6): ("SHA-1", "JCA", None),
        ("src/Main.java", 7): ("3DES", "JCA", None),
        ("src/Main.java", 8): ("AES-ECB", "JCA", None),
        ("src/Main.java", 9): ("ECDH", "JCA", None),
        ("cmd/main.go", 6): ("RSA-2048", "crypto/rsa", 2048),
        ("cmd/main.go", 7): ("ECDSA-256", "crypto/ecdsa", 256),
        ("cmd/main.go", 8): ("MD5", "crypto/md5|crypto/sha1", None),
        ("cmd/main.go", 9): ("3DES", "crypto/des", None),
        ("web/app.ts", 2): ("RSA-1024", "node:crypto", 1024),
        ("web/app.ts", 5): ("SHA-1", "node:crypto", None),
        ("web/app.ts", 6): ("3DES", "node:crypto", None),
        ("web/app.ts", 7): ("ECDH-256", "node:crypto", 256),
        ("native/tls.c", 3): ("RSA-4096", "OpenSSL", 4096),
        ("native/tls.c", 4): ("EC-192", "OpenSSL", 192),
        ("native/tls.c", 5): ("MD5", "OpenSSL", None),
        ("native/tls.c", 6): ("AES-ECB", "OpenSSL", None),
    }
    assert result.inventory.files_scanned == 5  # vendored, minified, binary and huge skipped
    assert result.inventory.files_skipped >= 4


def test_findings_per_weakness(tree: Path) -> None:
    result = scan_code(tree)
    by = {(f.check_id, f.target): f for f in result.findings}
    assert by[("pqc.code.short-key", "svc/crypto.py:5")].status is Status.FAIL
    assert ("pqc.code.short-key", "svc/crypto.py:6") not in by
    assert by[("pqc.code.quantum-vulnerable", "svc/crypto.py:6")].status is Status.WARN
    assert by[("pqc.code.weak-hash", "svc/crypto.py:8")].evidence["library"] == "hashlib"
    assert by[("pqc.code.ecb-mode", "src/Main.java:8")].status is Status.FAIL
    assert by[("pqc.code.weak-cipher", "web/app.ts:6")].status is Status.FAIL
    assert by[("pqc.code.short-key", "native/tls.c:4")].evidence["key_bits"] == 192
    finding = by[("pqc.code.weak-hash", "native/tls.c:5")]
    assert (finding.path, finding.line) == ("native/tls.c", 5)
    assert finding.evidence["snippet"] == "const EVP_MD *md = EVP_md5();"
    run = {f.check_id: f for f in result.findings if f.target.startswith("code-scope:")}
    assert run["pqc.inventory.code"].status is Status.PASS
    assert run["pqc.inventory.code"].evidence == {"files_scanned": 5, "crypto_uses": 23}
    assert run["pqc.inventory.cbom"].status is Status.PASS
    code_items = [m for m in result.migration if m.kind == "code"]
    assert {m.asset for m in code_items} >= {"svc/crypto.py:5", "cmd/main.go:6"}
    exposed = [m for m in code_items if m.hndl_exposed]
    assert {m.asset for m in exposed} >= {"src/Main.java:9", "svc/crypto.py:11"}


def test_a_single_file_and_an_empty_tree(tmp_path: Path) -> None:
    one = tmp_path / "one.go"
    one.write_text("x := rc4.NewCipher(k)\n", encoding="utf-8")
    result = scan_code(one)
    assert [(u.path, u.algorithm) for u in result.inventory.code_uses] == [("one.go", "RC4")]
    empty = tmp_path / "empty"
    empty.mkdir()
    none = scan_code(empty)
    run = {f.check_id: f for f in none.findings}
    assert run["pqc.inventory.code"].status is Status.WARN
