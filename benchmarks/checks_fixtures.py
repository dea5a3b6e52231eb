"""Inputs for bench_checks.py, generated under /tmp (never committed): 5G configurations,
Kubernetes manifests and a 1 GB PyTorch-style model archive."""

from __future__ import annotations

import random
from pathlib import Path

from aman.scanners.ai.demo import write_torch_zip
from aman.scanners.cloud.demo import write_manifests
from aman.scanners.fiveg.demo import _key, open5gs_nf

OPEN5GS_NFS = ("amf", "nrf", "udm", "smf", "ausf", "sepp", "pcf", "udr", "nssf", "bsf")
FREE5GC_NFS = ("amf", "nrf", "udm", "smf", "ausf", "pcf", "udr", "nssf")


def free5gc_nf(nf: str, index: int, rng: random.Random) -> str:
    scheme = rng.choice(["http", "https"])
    lines = [
        "info:",
        "  version: 1.0.3",
        f"  description: {nf.upper()} initial local configuration",
        "configuration:",
        "  sbi:",
        f"    scheme: {scheme}",
        f"    bindingIPv4: 10.20.{index // 250}.{index % 250 + 1}",
        "    port: 8000",
        "    tls:",
        f"      pem: cert/{nf}.pem",
        f"      key: cert/{nf}.key",
    ]
    if nf == "nrf":
        lines.append(f"    oauth: {rng.choice(['true', 'false'])}")
    else:
        lines.append(f"  nrfUri: {scheme}://10.20.0.10:8000")
    if nf == "amf":
        lines += [
            "  security:",
            "    integrityOrder:",
            "      - NIA2",
            "    cipheringOrder:",
            "      - " + rng.choice(["NEA0", "NEA2"]),
            "      - NEA1",
        ]
    if nf == "udm":
        lines += [
            "  SuciProfile:",
            "    - ProtectionScheme: 1",
            f"      PrivateKey: {rng.randbytes(32).hex()}",
            f"      PublicKey: {rng.randbytes(32).hex()}",
        ]
    return "\n".join(lines) + "\n"


def write_5g_configs(root: Path, count: int = 100, seed: int = 5) -> Path:
    """``count`` network-function files, Open5GS templates and free5GC files, with keys."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        core = root / f"core-{i // 10:02d}"
        if i % 2 == 0:
            nf = OPEN5GS_NFS[i % len(OPEN5GS_NFS)]
            (core / "open5gs").mkdir(parents=True, exist_ok=True)
            text = open5gs_nf(nf, i, hardened=rng.random() < 0.5)
            (core / "open5gs" / f"{nf}-{i}.yaml.in").write_text(text, encoding="utf-8")
        else:
            nf = FREE5GC_NFS[i % len(FREE5GC_NFS)]
            (core / "free5gc").mkdir(parents=True, exist_ok=True)
            (core / "free5gc" / f"{nf}cfg-{i}.yaml").write_text(
                free5gc_nf(nf, i, rng), encoding="utf-8"
            )
    for core in sorted(root.iterdir()):
        _key(core / "open5gs" / "hnet" / "curve25519-1.key", "x25519", 0o600)
        _key(core / "open5gs" / "tls" / "amf.key", "p256", 0o644)
    return root


def write_k8s(root: Path, count: int = 1000) -> Path:
    write_manifests(root, count, seed=11, per_file=1)
    return root


def write_model_archive(path: Path, size_gib: float = 1.0) -> Path:
    """A PyTorch-style zip of ``size_gib`` GiB: a small pickle and 64 MiB tensor members."""
    chunk = 64 << 20
    chunks = max(1, int(size_gib * (1 << 30)) // chunk)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.stat().st_size < chunks * chunk:
        write_torch_zip(path, chunk, chunks=chunks)
    return path
