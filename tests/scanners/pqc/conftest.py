"""Shared fixtures for the PQC scanner tests: loopback servers started once per session.

``servers.py`` beside this file is loaded under a unique module name (tests run with
``--import-mode=importlib``, so the directory is not on sys.path).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest


def _load_servers() -> ModuleType:
    name = "aman_pqc_test_servers"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("servers.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


srv = _load_servers()


@pytest.fixture(scope="session")
def servers_module() -> ModuleType:
    """The fixture-server module (for tests that build their own servers)."""
    return srv


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[object]:
    """One background server loop for the whole session."""
    with srv.server_loop() as sl:
        yield sl


def _tls_servers(sl: object) -> dict[str, int]:
    ecdsa = srv.make_credentials("ecdsa-p256", ca="rsa2048")
    rsa = srv.make_credentials("rsa2048")
    mldsa = srv.make_credentials("mldsa65", ca="mldsa87")
    ctx = srv.server_context
    contexts = {
        "hybrid": ctx(ecdsa, "X25519MLKEM768:X25519"),
        "pq_only": ctx(mldsa, "MLKEM768:X25519MLKEM768"),
        "p384_mlkem1024": ctx(ecdsa, "SecP384r1MLKEM1024"),
        "classical_rsa": ctx(rsa, "X25519:P-256:P-384"),
        "classical_ecdsa": ctx(srv.make_credentials("ecdsa-p256"), "P-256:X25519"),
        "tls12_only": ctx(rsa, max_version="1.2"),
        "openssl_default": ctx(rsa),
    }
    ports = {name: sl.serve(srv.tls_handler(c)) for name, c in contexts.items()}  # type: ignore[attr-defined]
    for kind in ("garbage", "stall", "reset", "oversized", "close"):
        ports[f"hostile_{kind}"] = sl.serve(srv.hostile_handler(kind))  # type: ignore[attr-defined]
    middlebox = srv.large_hello_intolerant_handler(contexts["hybrid"])
    ports["large_hello_intolerant"] = sl.serve(middlebox)  # type: ignore[attr-defined]
    for proto in ("smtp", "imap", "pop3"):
        handler = srv.starttls_handler(proto, contexts["hybrid"])
        ports[f"starttls_{proto}"] = sl.serve(handler)  # type: ignore[attr-defined]
    no_tls = srv.starttls_handler("smtp", contexts["hybrid"], offer_starttls=False)
    ports["smtp_without_starttls"] = sl.serve(no_tls)  # type: ignore[attr-defined]
    return ports


@pytest.fixture(scope="session")
def tls_ports(loop_thread: object) -> dict[str, int]:
    """Ports of the TLS fixtures (see ``_tls_servers`` for what each offers)."""
    return _tls_servers(loop_thread)
