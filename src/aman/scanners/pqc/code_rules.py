"""Rules that find cryptographic API use in source code, as data.

Each rule names the library and operation it recognises, a literal ``needle`` that must
occur in the file before its regular expression is tried (most files have no crypto at
all), how to read the algorithm (fixed, or from a capture group through ``aliases``) and
where the key size is (a ``bits`` or ``curve`` group in the match, or a ``size`` pattern
searched just after it, e.g. Java's ``initialize(1024)`` on the next line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGUAGES: dict[str, str] = {
    ".py": "python",
    ".pyw": "python",
    ".java": "java",
    ".go": "go",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".mts": "typescript",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
}
_GROUP = {"typescript": "javascript", "cpp": "c"}

# algorithm name -> (family, weakness, quantum-vulnerable)
ALGORITHMS: dict[str, tuple[str, str | None, bool]] = {
    "RSA": ("RSA", None, True),
    "DSA": ("DSA", None, True),
    "DH": ("DH", None, True),
    "EC": ("EC", None, True),
    "ECDSA": ("ECDSA", None, True),
    "ECDH": ("ECDH", None, True),
    "EdDSA": ("EdDSA", None, True),
    "X25519": ("X25519", None, True),
    "MD5": ("MD5", "hash", False),
    "SHA-1": ("SHA-1", "hash", False),
    "DES": ("DES", "cipher", False),
    "3DES": ("3DES", "cipher", False),
    "RC4": ("RC4", "cipher", False),
    "AES-ECB": ("AES", "ecb", False),
}
_ALIASES = {
    "rsa": "RSA",
    "rsa-pss": "RSA",
    "rsa-oaep": "RSA",
    "rsassa-pkcs1-v1_5": "RSA",
    "dsa": "DSA",
    "dh": "DH",
    "diffiehellman": "DH",
    "ec": "EC",
    "ecdsa": "ECDSA",
    "ecdh": "ECDH",
    "ed25519": "EdDSA",
    "eddsa": "EdDSA",
    "x25519": "X25519",
    "xdh": "X25519",
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha-1": "SHA-1",
    "sha": "SHA-1",
    "des": "DES",
    "des-cbc": "DES",
    "desede": "3DES",
    "tripledes": "3DES",
    "des-ede": "3DES",
    "des-ede3": "3DES",
    "des-ede3-cbc": "3DES",
    "des3": "3DES",
    "rc4": "RC4",
    "arcfour": "RC4",
    "arc4": "RC4",
}
_CURVE_BITS = {
    "p192": 192,
    "secp192r1": 192,
    "prime192v1": 192,
    "x9_62_prime192v1": 192,
    "p224": 224,
    "secp224r1": 224,
    "p256": 256,
    "secp256r1": 256,
    "prime256v1": 256,
    "x9_62_prime256v1": 256,
    "secp256k1": 256,
    "p384": 384,
    "secp384r1": 384,
    "p521": 521,
    "secp521r1": 521,
    "brainpoolp256r1": 256,
    "brainpoolp384r1": 384,
    "brainpoolp512r1": 512,
    "p-256": 256,
    "p-384": 384,
    "p-521": 521,
}


def algorithm_of(text: str) -> str | None:
    """Catalogue name for a captured algorithm spelling (``DESede`` -> ``3DES``)."""
    lowered = text.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    for suffix in ("withrsa", "withecdsa", "withdsa"):
        if lowered.endswith(suffix) or suffix in lowered:
            return {"withrsa": "RSA", "withecdsa": "ECDSA", "withdsa": "DSA"}[suffix]
    return None


def curve_bits(text: str) -> int | None:
    """Field size of a named curve in any common spelling (``P256``, ``prime256v1``)."""
    return _CURVE_BITS.get(text.lower().replace("nid_", ""))


@dataclass(frozen=True)
class Rule:
    """One recognisable API use."""

    id: str
    language: str
    library: str
    needle: str  # compared case-insensitively
    pattern: re.Pattern[str]
    operation: str
    algorithm: str | None = None  # fixed, else from the "alg" group
    size: re.Pattern[str] | None = None
    size_window: int = 400
    notes: tuple[str, ...] = field(default=())


def _r(rid: str, lang: str, lib: str, needle: str, pattern: str, op: str, **kw: object) -> Rule:
    size = kw.pop("size", None)
    return Rule(
        rid,
        lang,
        lib,
        needle,
        re.compile(pattern),
        op,
        size=re.compile(str(size)) if size else None,
        **kw,  # type: ignore[arg-type]
    )


_PY = "python"
_KS = r"key_size\s*=\s*(\d+)|^\s*\d+\s*,\s*(\d+)"
PY_RULES = (
    _r(
        "py.rsa-keygen",
        _PY,
        "cryptography",
        "generate_private_key",
        r"\brsa\.generate_private_key\(",
        "keygen",
        algorithm="RSA",
        size=_KS,
    ),
    _r(
        "py.dsa-keygen",
        _PY,
        "cryptography",
        "generate_private_key",
        r"\bdsa\.generate_private_key\(",
        "keygen",
        algorithm="DSA",
        size=_KS,
    ),
    _r(
        "py.dh-params",
        _PY,
        "cryptography",
        "generate_parameters",
        r"\bdh\.generate_parameters\(",
        "keygen",
        algorithm="DH",
        size=r"key_size\s*=\s*(\d+)",
    ),
    _r(
        "py.ec-keygen",
        _PY,
        "cryptography",
        "generate_private_key",
        r"\bec\.generate_private_key\(\s*ec\.(?P<curve>SECP\d+[RK]1|BrainpoolP\d+R1)",
        "keygen",
        algorithm="EC",
    ),
    _r("py.ecdh", _PY, "cryptography", "ECDH", r"\bec\.ECDH\(\)", "keyderive", algorithm="ECDH"),
    _r("py.ecdsa", _PY, "cryptography", "ECDSA", r"\bec\.ECDSA\(", "sign", algorithm="ECDSA"),
    _r(
        "py.x25519",
        _PY,
        "cryptography",
        "X25519PrivateKey",
        r"\bX25519PrivateKey\.generate\(",
        "keygen",
        algorithm="X25519",
    ),
    _r(
        "py.ed25519",
        _PY,
        "cryptography",
        "Ed25519PrivateKey",
        r"\bEd25519PrivateKey\.generate\(",
        "keygen",
        algorithm="EdDSA",
    ),
    _r(
        "py.rsa-oaep", _PY, "cryptography", "OAEP", r"\bpadding\.OAEP\(", "encrypt", algorithm="RSA"
    ),
    _r(
        "py.pycryptodome-rsa",
        _PY,
        "pycryptodome",
        "RSA.generate",
        r"\bRSA\.generate\(\s*(?:bits\s*=\s*)?(?P<bits>\d+)",
        "keygen",
        algorithm="RSA",
    ),
    _r(
        "py.pycryptodome-dsa",
        _PY,
        "pycryptodome",
        "DSA.generate",
        r"\bDSA\.generate\(\s*(?:bits\s*=\s*)?(?P<bits>\d+)",
        "keygen",
        algorithm="DSA",
    ),
    _r(
        "py.pycryptodome-oaep",
        _PY,
        "pycryptodome",
        "PKCS1_OAEP",
        r"\bPKCS1_OAEP\.new\(",
        "encrypt",
        algorithm="RSA",
    ),
    _r("py.hashlib-weak", _PY, "hashlib", "hashlib", r"\bhashlib\.(?P<alg>md5|sha1)\(", "digest"),
    _r(
        "py.hashlib-new",
        _PY,
        "hashlib",
        "hashlib.new",
        r"\bhashlib\.new\(\s*['\"](?P<alg>md5|sha1|MD5|SHA1)['\"]",
        "digest",
    ),
    _r(
        "py.hashes-weak",
        _PY,
        "cryptography",
        "hashes.",
        r"\bhashes\.(?P<alg>MD5|SHA1)\(\)",
        "digest",
    ),
    _r(
        "py.pycryptodome-hash",
        _PY,
        "pycryptodome",
        ".new(",
        r"\b(?P<alg>MD5|SHA1|SHA)\.new\(",
        "digest",
    ),
    _r(
        "py.cipher-weak",
        _PY,
        "cryptography",
        "algorithms.",
        r"\balgorithms\.(?P<alg>TripleDES|ARC4)\(",
        "encrypt",
    ),
    _r(
        "py.pycryptodome-cipher",
        _PY,
        "pycryptodome",
        ".new(",
        r"\b(?P<alg>DES3|DES|ARC4)\.new\(",
        "encrypt",
    ),
    _r(
        "py.ecb",
        _PY,
        "cryptography",
        "ECB",
        r"\bmodes\.ECB\(|\bMODE_ECB\b",
        "encrypt",
        algorithm="AES-ECB",
    ),
)

_JAVA = "java"
JAVA_RULES = (
    _r(
        "java.keypairgen",
        _JAVA,
        "JCA",
        "KeyPairGenerator",
        r"KeyPairGenerator\.getInstance\(\s*\"(?P<alg>RSA|DSA|DH|DiffieHellman|EC|Ed25519|EdDSA|X25519|XDH)\"",
        "keygen",
        size=r"\.initialize\(\s*(\d+)",
    ),
    _r(
        "java.keyagreement",
        _JAVA,
        "JCA",
        "KeyAgreement",
        r"KeyAgreement\.getInstance\(\s*\"(?P<alg>ECDH|DH|DiffieHellman|X25519|XDH)\"",
        "keyderive",
    ),
    _r(
        "java.signature",
        _JAVA,
        "JCA",
        "Signature.getInstance",
        r"Signature\.getInstance\(\s*\"(?P<alg>\w*with(?:RSA|ECDSA|DSA)\w*)\"",
        "sign",
    ),
    _r(
        "java.signature-weak-hash",
        _JAVA,
        "JCA",
        "Signature.getInstance",
        r"Signature\.getInstance\(\s*\"(?P<alg>MD5|SHA1)with",
        "sign",
    ),
    _r(
        "java.rsa-cipher",
        _JAVA,
        "JCA",
        "Cipher.getInstance",
        r"Cipher\.getInstance\(\s*\"RSA",
        "encrypt",
        algorithm="RSA",
    ),
    _r(
        "java.digest-weak",
        _JAVA,
        "JCA",
        "MessageDigest",
        r"MessageDigest\.getInstance\(\s*\"(?P<alg>MD5|SHA-?1|SHA)\"",
        "digest",
    ),
    _r(
        "java.cipher-weak",
        _JAVA,
        "JCA",
        "Cipher.getInstance",
        r"Cipher\.getInstance\(\s*\"(?P<alg>DESede|DES|TripleDES|RC4|ARCFOUR)[/\"]",
        "encrypt",
    ),
    _r(
        "java.ecb",
        _JAVA,
        "JCA",
        "Cipher.getInstance",
        r"Cipher\.getInstance\(\s*\"(?:AES|[A-Za-z0-9]+/ECB/[A-Za-z0-9]+)\"",
        "encrypt",
        algorithm="AES-ECB",
    ),
)

_GO = "go"
GO_RULES = (
    _r(
        "go.rsa-keygen",
        _GO,
        "crypto/rsa",
        "rsa.GenerateKey",
        r"\brsa\.GenerateKey\(\s*[^,()]+(?:\(\))?\s*,\s*(?P<bits>\d+)?",
        "keygen",
        algorithm="RSA",
    ),
    _r(
        "go.ecdsa-keygen",
        _GO,
        "crypto/ecdsa",
        "ecdsa.GenerateKey",
        r"\becdsa\.GenerateKey\(\s*elliptic\.(?P<curve>P\d+)\(\)",
        "keygen",
        algorithm="ECDSA",
    ),
    _r(
        "go.ecdh",
        _GO,
        "crypto/ecdh",
        "ecdh.",
        r"\becdh\.(?P<curve>P256|P384|P521)\(\)",
        "keyderive",
        algorithm="ECDH",
    ),
    _r(
        "go.x25519",
        _GO,
        "crypto/ecdh",
        "ecdh.X25519",
        r"\becdh\.X25519\(\)",
        "keyderive",
        algorithm="X25519",
    ),
    _r(
        "go.ed25519",
        _GO,
        "crypto/ed25519",
        "ed25519.GenerateKey",
        r"\bed25519\.GenerateKey\(",
        "keygen",
        algorithm="EdDSA",
    ),
    _r(
        "go.dsa",
        _GO,
        "crypto/dsa",
        "dsa.Generate",
        r"\bdsa\.Generate(?:Parameters|Key)\(",
        "keygen",
        algorithm="DSA",
    ),
    _r(
        "go.rsa-use",
        _GO,
        "crypto/rsa",
        "rsa.",
        r"\brsa\.(?:EncryptOAEP|EncryptPKCS1v15|SignPKCS1v15|SignPSS)\(",
        "encrypt",
        algorithm="RSA",
    ),
    _r(
        "go.hash-weak",
        _GO,
        "crypto/md5|crypto/sha1",
        ".",
        r"\b(?P<alg>md5|sha1)\.(?:New|Sum)\(",
        "digest",
    ),
    _r(
        "go.3des",
        _GO,
        "crypto/des",
        "des.NewTripleDESCipher",
        r"\bdes\.NewTripleDESCipher\(",
        "encrypt",
        algorithm="3DES",
    ),
    _r(
        "go.des",
        _GO,
        "crypto/des",
        "des.NewCipher",
        r"\bdes\.NewCipher\(",
        "encrypt",
        algorithm="DES",
    ),
    _r(
        "go.rc4",
        _GO,
        "crypto/rc4",
        "rc4.NewCipher",
        r"\brc4\.NewCipher\(",
        "encrypt",
        algorithm="RC4",
    ),
)

_JS = "javascript"
JS_RULES = (
    _r(
        "js.keypair",
        _JS,
        "node:crypto",
        "generateKeyPair",
        r"generateKeyPair(?:Sync)?\(\s*['\"](?P<alg>rsa|rsa-pss|dsa|ec|ed25519|x25519|dh)['\"]",
        "keygen",
        size=r"modulusLength\s*:\s*(\d+)|namedCurve\s*:\s*['\"]([\w-]+)['\"]",
    ),
    _r(
        "js.webcrypto",
        _JS,
        "WebCrypto",
        "name",
        r"name\s*:\s*['\"](?P<alg>RSA-OAEP|RSA-PSS|RSASSA-PKCS1-v1_5|ECDSA|ECDH)['\"]",
        "keygen",
        size=r"modulusLength\s*:\s*(\d+)|namedCurve\s*:\s*['\"]([\w-]+)['\"]",
        size_window=200,
    ),
    _r(
        "js.ecdh",
        _JS,
        "node:crypto",
        "createECDH",
        r"createECDH\(\s*['\"](?P<curve>[\w-]+)['\"]",
        "keyderive",
        algorithm="ECDH",
    ),
    _r(
        "js.dh",
        _JS,
        "node:crypto",
        "createDiffieHellman",
        r"createDiffieHellman\(\s*(?P<bits>\d+)",
        "keyderive",
        algorithm="DH",
    ),
    _r(
        "js.hash-weak",
        _JS,
        "node:crypto",
        "createHash",
        r"createHash\(\s*['\"](?P<alg>md5|sha1)['\"]",
        "digest",
    ),
    _r(
        "js.cipher-weak",
        _JS,
        "node:crypto",
        "createCipher",
        r"createCipher(?:iv)?\(\s*['\"](?P<alg>des-ede3-cbc|des-ede3|des-ede|des-cbc|des|rc4)['\"]",
        "encrypt",
    ),
    _r(
        "js.ecb",
        _JS,
        "node:crypto",
        "createCipher",
        r"createCipher(?:iv)?\(\s*['\"]aes-\d+-ecb['\"]",
        "encrypt",
        algorithm="AES-ECB",
    ),
    _r(
        "js.forge-rsa",
        _JS,
        "node-forge",
        "generateKeyPair",
        r"pki\.rsa\.generateKeyPair\(\s*(?:\{\s*bits\s*:\s*)?(?P<bits>\d+)",
        "keygen",
        algorithm="RSA",
    ),
    _r(
        "js.forge-hash",
        _JS,
        "node-forge",
        "forge.md",
        r"\bmd\.(?P<alg>md5|sha1)\.create\(",
        "digest",
    ),
)

_C = "c"
C_RULES = (
    _r(
        "c.rsa-keygen",
        _C,
        "OpenSSL",
        "RSA_generate_key",
        r"\bRSA_generate_key(?:_ex)?\(\s*(?:[\w&>.-]+\s*,\s*)?(?P<bits>\d+)",
        "keygen",
        algorithm="RSA",
    ),
    _r(
        "c.rsa-keygen-bits",
        _C,
        "OpenSSL",
        "rsa_keygen_bits",
        r"\bEVP_PKEY_CTX_set_rsa_keygen_bits\(\s*[\w&>.-]+\s*,\s*(?P<bits>\d+)",
        "keygen",
        algorithm="RSA",
    ),
    _r(
        "c.rsa-gen",
        _C,
        "OpenSSL",
        "EVP_RSA_gen",
        r"\bEVP_RSA_gen\(\s*(?P<bits>\d+)",
        "keygen",
        algorithm="RSA",
    ),
    _r(
        "c.ec-key",
        _C,
        "OpenSSL",
        "EC_KEY_new_by_curve_name",
        r"\bEC_KEY_new_by_curve_name\(\s*NID_(?P<curve>\w+)\s*\)",
        "keygen",
        algorithm="EC",
    ),
    _r(
        "c.ec-gen",
        _C,
        "OpenSSL",
        "EVP_EC_gen",
        r"\bEVP_EC_gen\(\s*\"(?P<curve>[\w-]+)\"",
        "keygen",
        algorithm="EC",
    ),
    _r(
        "c.dh-params",
        _C,
        "OpenSSL",
        "DH_generate_parameters",
        r"\bDH_generate_parameters(?:_ex)?\(\s*(?:[\w&>.-]+\s*,\s*)?(?P<bits>\d+)",
        "keygen",
        algorithm="DH",
    ),
    _r(
        "c.dsa-params",
        _C,
        "OpenSSL",
        "DSA_generate_parameters",
        r"\bDSA_generate_parameters(?:_ex)?\(\s*(?:[\w&>.-]+\s*,\s*)?(?P<bits>\d+)",
        "keygen",
        algorithm="DSA",
    ),
    _r(
        "c.ecdh",
        _C,
        "OpenSSL",
        "ECDH_compute_key",
        r"\bECDH_compute_key\(",
        "keyderive",
        algorithm="ECDH",
    ),
    _r("c.ecdsa", _C, "OpenSSL", "ECDSA_", r"\bECDSA_(?:do_)?sign\(", "sign", algorithm="ECDSA"),
    _r(
        "c.pkey-ctx",
        _C,
        "OpenSSL",
        "EVP_PKEY_CTX_new_id",
        r"\bEVP_PKEY_CTX_new_id\(\s*EVP_PKEY_(?P<alg>RSA|EC|DH|DSA|X25519|ED25519)\b",
        "keygen",
    ),
    _r(
        "c.md5",
        _C,
        "OpenSSL",
        "MD5",
        r"\b(?:MD5(?:_Init)?\(|EVP_md5\(\))",
        "digest",
        algorithm="MD5",
    ),
    _r(
        "c.sha1",
        _C,
        "OpenSSL",
        "SHA1",
        r"\b(?:SHA1(?:_Init)?\(|EVP_sha1\(\))",
        "digest",
        algorithm="SHA-1",
    ),
    _r(
        "c.3des",
        _C,
        "OpenSSL",
        "des_",
        r"\b(?:EVP_des_ede3\w*\(\)|DES_ecb3_encrypt\()",
        "encrypt",
        algorithm="3DES",
    ),
    _r(
        "c.des",
        _C,
        "OpenSSL",
        "des_",
        r"\b(?:EVP_des_(?:cbc|ecb|cfb|ofb)\w*\(\)|DES_set_key\w*\()",
        "encrypt",
        algorithm="DES",
    ),
    _r(
        "c.rc4",
        _C,
        "OpenSSL",
        "rc4",
        r"\b(?:EVP_rc4\w*\(\)|RC4_set_key\()",
        "encrypt",
        algorithm="RC4",
    ),
    _r(
        "c.ecb",
        _C,
        "OpenSSL",
        "ecb",
        r"\b(?:EVP_aes_\d+_ecb\(\)|AES_ecb_encrypt\()",
        "encrypt",
        algorithm="AES-ECB",
    ),
)

RULES_BY_LANGUAGE: dict[str, tuple[Rule, ...]] = {
    "python": PY_RULES,
    "java": JAVA_RULES,
    "go": GO_RULES,
    "javascript": JS_RULES,
    "c": C_RULES,
}


def rules_for(language: str) -> tuple[Rule, ...]:
    """Rules of a language (TypeScript shares JavaScript's, C++ shares C's)."""
    return RULES_BY_LANGUAGE[_GROUP.get(language, language)]
