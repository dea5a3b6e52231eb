"""Requests beyond the platform's body-size cap, over real HTTP: under /taxii2 the answer is a
TAXII 2.1 error object with the TAXII media type (whether the client declared the length or
streamed the body); elsewhere it stays an RFC 9457 problem document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from aman.middleware import too_large_body
from aman.settings import Settings

CAP = 4096
TAXII = "application/taxii+json;version=2.1"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """The shared settings with a small request cap (overrides the root fixture here)."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-secret-key",
        max_upload_bytes=CAP,
    )


def _assert_taxii_413(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == TAXII
    body = response.json()
    assert body["http_status"] == "413"
    assert body["title"] == "Payload Too Large"
    assert str(CAP) in body["description"]


def test_bodies_beyond_the_cap_get_a_taxii_error(
    http: httpx.Client, intel_world: Any, kit: Any
) -> None:
    headers = intel_world.auth("a_analyst")
    fed = kit.collection_ids(http, headers)["federation"]
    url = f"/taxii2/intel/collections/{fed}/objects/"
    big = b'{"objects": [' + b" " * (CAP + 100) + b"]}"
    post = {**headers, "Content-Type": TAXII}
    _assert_taxii_413(http.post(url, content=big, headers=post))  # Content-Length too large

    def chunks() -> Iterator[bytes]:  # no Content-Length: cut off while streaming
        for i in range(0, len(big), 1024):
            yield big[i : i + 1024]

    _assert_taxii_413(http.post(url, content=chunks(), headers=post))
    # Below the cap but above the TAXII max_content_length: the route's own TAXII 413.
    limit = http.get("/taxii2/intel/", headers=headers).json()["max_content_length"]
    assert limit < CAP
    middle = b'{"objects": [' + b" " * (limit + 10) + b"]}"
    response = http.post(url, content=middle, headers=post)
    assert response.status_code == 413 and response.headers["content-type"] == TAXII
    # The server still works, and a small envelope is stored.
    stored = kit.post_objects(http, headers, fed, [kit.indicator("45.137.21.99")])
    assert stored["success_count"] == 1
    # Everything else keeps RFC 9457 problem details.
    api = http.post(
        "/api/v1/intel/collections/federation/objects",
        content=big,
        headers={**headers, "Content-Type": "application/json", "Accept": "application/json"},
    )
    assert api.status_code == 413
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["status"] == 413


def test_the_taxii_body_is_chosen_by_path_prefix() -> None:
    import aman.intel.taxii.routes  # noqa: F401 - registers the TAXII body (as create_app does)

    for path in ("/taxii2", "/taxii2/", "/taxii2/intel/collections/x/objects/"):
        media, _ = too_large_body(path, CAP)
        assert media == TAXII, path
    for path in ("/taxii21/intel/", "/api/v1/intel/collections/x/objects", "/"):
        media, _ = too_large_body(path, CAP)
        assert media == "application/problem+json", path
