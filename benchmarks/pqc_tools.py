"""Server processes for the PQC benchmark: the Aman lab servers and ``openssl s_server``."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson
from cryptography.hazmat.primitives import serialization

from aman.scanners.pqc import lab

HERE = Path(__file__).resolve().parent


class ServerProcesses:
    """``processes`` children of ``pqc_servers.py`` sharing ``tls`` endpoints and ``ssh``."""

    def __init__(self, tls: int, ssh: int = 0, processes: int = 2) -> None:
        self.count, self.ssh_count, self.processes = tls, ssh, processes
        self.children: list[subprocess.Popen[bytes]] = []
        self.tls: list[dict[str, Any]] = []
        self.ssh: list[int] = []

    def __enter__(self) -> ServerProcesses:
        share, offset = -(-self.count // self.processes), 0
        for i in range(self.processes):
            n = min(share, self.count - offset)
            args = [sys.executable, str(HERE / "pqc_servers.py"), "--tls", str(n)]
            args += ["--offset", str(offset), "--ssh", str(self.ssh_count if i == 0 else 0)]
            child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self.children.append(child)
            assert child.stdout is not None
            info = orjson.loads(child.stdout.readline())
            self.tls += info["tls"]
            self.ssh += info["ssh"]
            offset += n
        return self

    def __exit__(self, *exc: object) -> None:
        for child in self.children:
            if child.stdin:
                child.stdin.close()
            child.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"openssl s_server on {port} did not start")


class OpensslServers:
    """``count`` ``openssl s_server`` processes (C, system OpenSSL) on loopback ports."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.children: list[subprocess.Popen[bytes]] = []
        self.tmp = tempfile.TemporaryDirectory()

    def __enter__(self) -> list[int]:
        cert_creds = lab.make_credentials("ecdsa-p256")
        key_path = Path(self.tmp.name) / "key.pem"
        cert_path = Path(self.tmp.name) / "cert.pem"
        key_path.write_bytes(
            cert_creds.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        cert_path.write_bytes(cert_creds.chain[0].public_bytes(serialization.Encoding.PEM))
        ports = []
        for _ in range(self.count):
            port = _free_port()
            args = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-quiet"]
            args += ["-cert", str(cert_path), "-key", str(key_path)]
            self.children.append(
                subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            ports.append(port)
        for port in ports:
            _wait_listening(port, time.monotonic() + 10)
        return ports

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for child in self.children:
            child.terminate()
            child.wait(timeout=10)
        self.tmp.cleanup()
