"""Health, readiness, request limits, security headers and problem details."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from aman.app import create_app
from aman.settings import Settings


def test_health_and_ready(client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_not_ready_until_migrated(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="k")
    with TestClient(create_app(settings)) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["status"] == "migrating"


def test_body_limit(tmp_path: Path, db_url: str, world: Any) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=db_url, secret_key="k", max_upload_bytes=1000
    )
    with TestClient(create_app(settings)) as c:
        big = b"member,name,sector\n" + b"x" * 2000
        r = c.post(
            "/api/v1/organisations/import",
            headers=world.auth("fed_admin"),
            files={"file": ("big.csv", big, "text/csv")},
        )
        assert r.status_code == 413
        assert r.json()["type"] == "urn:aman:problem:payload-too-large"

        def chunks() -> Any:  # no Content-Length: the limit is enforced while streaming
            for _ in range(10):
                yield b"y" * 500

        r = c.post("/api/v1/organisations", headers=world.auth("fed_admin"), content=chunks())
        assert r.status_code == 413


def test_security_headers_and_problem_shape(client: Any) -> None:
    r = client.get("/api/v1/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert set(r.json()) >= {"type", "title", "status", "detail", "instance"}
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert len(r.headers["x-request-id"]) == 16
    r = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert r.headers["x-request-id"] != "bad id\twith spaces"


def test_openapi_documents_bearer_login(client: Any) -> None:
    spec = client.get("/api/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert any(
        s.get("flows", {}).get("password", {}).get("tokenUrl") == "/api/v1/auth/token"
        for s in schemes.values()
    )
    assert "/api/v1/members" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_served_app_freezes_startup_objects(tmp_path: Path) -> None:
    import gc

    settings = Settings(data_dir=tmp_path, secret_key="k", gc_freeze=True)
    before = gc.get_freeze_count()
    try:
        with TestClient(create_app(settings)):
            assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
