"""Generated 5G core configurations for the demo and the benchmark (Aman's own files).

``write_core`` writes a small Open5GS-style or free5GC-style core (AMF, NRF, UDM, SMF,
SEPP) with freshly generated keys: ``hardened=False`` reproduces the weaknesses of default
installations (null algorithms preferred, plain HTTP, OAuth over HTTP, a world-readable
home-network key), ``hardened=True`` a configuration that passes every check.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

PEM = serialization.Encoding.PEM
PKCS8 = serialization.PrivateFormat.PKCS8
NONE = serialization.NoEncryption()


def _key(path: Path, curve: str, mode: int) -> Path:
    key = (
        x25519.X25519PrivateKey.generate()
        if curve == "x25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(PEM, PKCS8, NONE))
    os.chmod(path, mode)
    return path


def _tls(hardened: bool, nf: str) -> str:
    if not hardened:
        return ""
    return (
        "  default:\n    tls:\n      server:\n        scheme: https\n"
        f"        private_key: /etc/open5gs/tls/{nf}.key\n"
        f"        cert: /etc/open5gs/tls/{nf}.crt\n"
        "        verify_client: true\n        verify_client_cacert: /etc/open5gs/tls/ca.crt\n"
        "      client:\n        scheme: https\n        cacert: /etc/open5gs/tls/ca.crt\n"
        f"        client_private_key: /etc/open5gs/tls/{nf}.key\n"
    )


def open5gs_nf(nf: str, index: int, hardened: bool) -> str:
    """One Open5GS-layout configuration file."""
    scheme = "https" if hardened else "http"
    body = [f"{nf}:", _tls(hardened, nf).rstrip("\n")] if hardened else [f"{nf}:"]
    body += [
        "  sbi:",
        "    server:",
        f"      - address: 10.10.{index // 250}.{index % 250 + 1}",
        "        port: 7777",
    ]
    if nf != "nrf":
        body += ["    client:", "      nrf:", f"        - uri: {scheme}://nrf.core.example:7777"]
    if nf == "amf":
        integrity = "[ NIA2, NIA1 ]" if hardened else "[ NIA0, NIA2, NIA1 ]"
        ciphering = "[ NEA2, NEA1, NEA0 ]" if hardened else "[ NEA0, NEA1, NEA2 ]"
        body += [
            "  security:",
            f"    integrity_order : {integrity}",
            f"    ciphering_order : {ciphering}",
        ]
    if nf == "udm":
        body += [
            "  hnet:",
            "    - id: 1\n      scheme: 1\n      key: /etc/open5gs/hnet/curve25519-1.key",
            "    - id: 2\n      scheme: 2\n      key: /etc/open5gs/hnet/secp256r1-2.key",
        ]
    if nf == "sepp":
        verify = "\n        verify_client: true\n        verify_client_cacert: /etc/ca.crt"
        body += [
            "  n32:",
            "    server:",
            f"      - sender: sepp.core.example\n        scheme: {scheme}\n"
            "        address: 10.10.9.1\n        port: 7777"
            + (verify if hardened else "")
            + f"\n        n32f:\n          scheme: {scheme}",
            "    client:",
            "      sepp:",
            f"        - receiver: sepp.partner.example\n          uri: {scheme}://sepp.partner.example:7777",
        ]
    return (
        "logger:\n  file:\n    path: @localstatedir@/log/open5gs/"
        + nf
        + ".log\n"
        + "\n".join(body)
        + "\n"
    )


def write_core(
    directory: Path, *, hardened: bool, nfs: tuple[str, ...] | None = None
) -> list[Path]:
    """An Open5GS-layout core (templates, keys under tls/ and hnet/) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for index, nf in enumerate(nfs or ("amf", "nrf", "udm", "smf", "ausf", "sepp")):
        path = directory / f"{nf}.yaml.in"
        path.write_text(open5gs_nf(nf, index, hardened), encoding="utf-8")
        written.append(path)
        if hardened:
            _key(directory / "tls" / f"{nf}.key", "p256", 0o600)
    key_mode = 0o600 if hardened else 0o644
    _key(directory / "hnet" / "curve25519-1.key", "x25519", key_mode)
    _key(directory / "hnet" / "secp256r1-2.key", "p256", 0o600)
    return written
