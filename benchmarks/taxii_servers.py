"""TAXII servers for the benchmark, each in its own process on 127.0.0.1: Aman (uvicorn),
medallion 3.0.0 (memory backend) and OpenTAXII 0.9.3 (SQLite), the last two in virtualenvs of
their own under /tmp that are created on first use."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
USER = "bench@aman.example"
PASSWORD = "benchmark password 2024"


@dataclass
class Server:
    name: str
    collection_url: str
    api_root_url: str
    user: str
    password: str
    process: subprocess.Popen[bytes]
    notes: list[str] = field(default_factory=list)
    healthz: str | None = None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, auth: tuple[str, str] | None, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            httpx.get(url, auth=auth, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url}")


def ensure_venv(path: Path, packages: list[str]) -> Path | None:
    """The venv's python, creating the venv if needed; None if the packages will not install."""
    python = path / "bin" / "python"
    marker = path / ".bench-installed"
    if marker.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    result = subprocess.run(
        [str(path / "bin" / "pip"), "install", "-q", *packages], capture_output=True, text=True
    )
    if result.returncode != 0:
        print(f"  could not install {packages}: {result.stderr.strip()[-500:]}")
        return None
    marker.write_text(" ".join(packages))
    return python


# --- Aman -------------------------------------------------------------------------------


def prepare_aman(url: str) -> str:
    """Migrate, create a member and an analyst with a password; return the collection id."""
    from aman.auth import service as auth
    from aman.auth.permissions import Principal
    from aman.auth.schemas import GrantIn, UserIn
    from aman.db import make_engine, make_sessionmaker, transaction
    from aman.intel import service
    from aman.migrate import upgrade_engine_url
    from aman.registry import service as reg
    from aman.registry.schemas import MemberIn

    upgrade_engine_url(url)
    engine = make_engine(url)
    op = Principal.local_operator("bench")
    with transaction(make_sessionmaker(engine)) as s:
        member = reg.member_by_name(s, "Bench CERT") or reg.create_member(
            s, op, MemberIn(name="Bench CERT", country_code="MY", membership_class="full")
        )
        if auth.find_user_by_email(s, USER) is None:
            auth.create_user(
                s,
                op,
                UserIn(
                    email=USER,
                    display_name="bench",
                    password=PASSWORD,
                    grants=[GrantIn(role="analyst", member_id=member.id)],
                ),
            )
        service.ensure_default_collections(s)
        coll = service.find_collection(s, "federation")
        assert coll is not None
        cid = str(coll.id)
    engine.dispose()
    return cid


def start_aman(workdir: Path, url: str | None = None) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    url = url or f"sqlite:///{workdir / 'aman.db'}"
    cid = prepare_aman(url)
    port = free_port()
    env = {
        **os.environ,
        "AMAN_DATA_DIR": str(workdir),
        "AMAN_DATABASE_URL": url,
        "AMAN_SECRET_KEY": "benchmark",
        "AMAN_MAX_UPLOAD_BYTES": str(64 * 1024 * 1024),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "aman.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(cmd, env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/healthz", None, process)
    return Server(
        "Aman",
        f"{base}/taxii2/intel/collections/{cid}/",
        f"{base}/taxii2/intel/",
        USER,
        PASSWORD,
        process,
        healthz=f"{base}/healthz",
    )


# --- medallion --------------------------------------------------------------------------


def start_medallion(workdir: Path) -> Server | None:
    python = ensure_venv(Path("/tmp/medallion-venv"), ["medallion==3.0.0"])
    if python is None:
        return None
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cid = str(uuid.uuid4())
    base = f"http://127.0.0.1:{port}"
    data = {
        "/discovery": {
            "title": "medallion bench",
            "default": f"{base}/api1/",
            "api_roots": [f"{base}/api1/"],
        },
        "api1": {
            "information": {
                "title": "api1",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 200 * 1024 * 1024,
            },
            "status": [],
            "collections": [
                {
                    "id": cid,
                    "title": "bench",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    (workdir / "data.json").write_text(json.dumps(data))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(workdir / "data.json"),
        },
        "users": {"bench": "bench"},
        "taxii": {"max_page_size": 100},
    }
    (workdir / "config.json").write_text(json.dumps(config))
    medallion = python.parent / "medallion"
    process = subprocess.Popen(
        [str(medallion), "--host", "127.0.0.1", "--port", str(port), str(workdir / "config.json")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_http(f"{base}/taxii2/", ("bench", "bench"), process)
    return Server(
        "medallion 3.0.0",
        f"{base}/api1/collections/{cid}/",
        f"{base}/api1/",
        "bench",
        "bench",
        process,
        ["memory backend", "max_page_size 100"],
    )


# --- OpenTAXII --------------------------------------------------------------------------

OPENTAXII_RUN = """
import json, sys, types, uuid
import opentaxii.taxii2.http as taxii2_http

def _dumps(obj, **kw):
    kw.setdefault("default", lambda o: str(o) if isinstance(o, uuid.UUID) else repr(o))
    return json.dumps(obj, **kw)

taxii2_http.json = types.SimpleNamespace(dumps=_dumps, loads=json.loads)
from opentaxii.cli import app
app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
"""
OPENTAXII_SETUP = """
from opentaxii.cli import app
with app.app_context():
    api = app.taxii_server.servers.taxii2.persistence.api
    auth = app.taxii_server.auth.api
    auth.create_account(username="bench", password="bench", is_admin=True)
    root = api.add_api_root(title="bench", default=True)
    coll = api.add_collection(api_root_id=root.id, title="bench", alias="bench")
    print(root.id, coll.id)
"""


def start_opentaxii(workdir: Path) -> Server | None:
    python = ensure_venv(Path("/tmp/opentaxii-venv"), ["opentaxii==0.9.3", "sqlalchemy<2.0"])
    if python is None:
        return None
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = f"""---
domain: "127.0.0.1:{port}"
support_basic_auth: yes
return_server_error_details: no
auth_api:
  class: opentaxii.auth.sqldb.SQLDatabaseAPI
  parameters: {{db_connection: "sqlite:///{workdir}/auth.db", create_tables: yes,
               secret: bench-secret, token_ttl_secs: 3600}}
taxii1:
taxii2:
  persistence_api:
    class: opentaxii.persistence.sqldb.Taxii2SQLDatabaseAPI
    parameters: {{db_connection: "sqlite:///{workdir}/data.db", create_tables: yes}}
  title: OpenTAXII bench
  max_content_length: 209715200
  public_discovery: no
logging: {{opentaxii: warning, root: warning}}
"""
    (workdir / "config.yml").write_text(config)
    env = {**os.environ, "OPENTAXII_CONFIG": str(workdir / "config.yml")}
    setup = subprocess.run(
        [str(python), "-c", OPENTAXII_SETUP], env=env, capture_output=True, text=True
    )
    if setup.returncode != 0:
        print(f"  OpenTAXII setup failed: {setup.stderr.strip()[-500:]}")
        return None
    root_id, coll_id = setup.stdout.split()[-2:]
    (workdir / "run.py").write_text(OPENTAXII_RUN)
    process = subprocess.Popen(
        [str(python), str(workdir / "run.py"), str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/taxii2/", ("bench", "bench"), process)
    return Server(
        "OpenTAXII 0.9.3",
        f"{base}/taxii2/{root_id}/collections/{coll_id}/",
        f"{base}/taxii2/{root_id}/",
        "bench",
        "bench",
        process,
        ["SQLite", "werkzeug threaded", "UUID-JSON shim (0.9.3 returns 500 without it)"],
    )
