"""Pulling from another TAXII 2.1 server: page through its objects endpoint with `added_after`
and `next`, ingest each page, and remember the remote's `X-TAXII-Date-Added-Last` so the next
pull continues exactly where this one stopped (never re-fetching or skipping a batch).

httpx, not taxii2-client: the platform already depends on it, and it speaks Bearer as well as
Basic. Credentials are passed per pull and never stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import INTEL_MANAGE
from aman.db import utcnow
from aman.errors import AmanError, Conflict, FieldError, InvalidInput, PermissionDenied
from aman.intel import service
from aman.intel.models import Collection, Feed

TAXII = "application/taxii+json;version=2.1"
MAX_PAGES = 10_000


class RemoteError(AmanError):
    status = 502
    title = "Remote TAXII server error"
    slug = "remote-taxii-error"


@dataclass(frozen=True)
class Credentials:
    user: str | None = None
    password: str | None = None
    token: str | None = None

    def apply(self, client: httpx.Client) -> None:
        if self.token:
            client.headers["Authorization"] = f"Bearer {self.token}"
        elif self.user is not None:
            client.auth = httpx.BasicAuth(self.user, self.password or "")


@dataclass(frozen=True)
class PullResult:
    feed: str
    pages: int
    received: int
    stored: int
    failed: int
    added_after: str | None


def _objects_url(url: str) -> str:
    url = url if url.endswith("/") else url + "/"
    return url if url.endswith("/objects/") else url + "objects/"


def add_feed(session: Session, principal: Principal, name: str, url: str, into: Collection) -> Feed:
    if principal.visible(INTEL_MANAGE).nothing:
        # The server will fetch this URL: only those who manage intel may point it somewhere.
        raise PermissionDenied(f"{principal.label} lacks intel.manage")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("bad URL", [FieldError("url", "http(s) URL of a TAXII collection")])
    if session.scalar(select(Feed).where(Feed.name == name)) is not None:
        raise Conflict(f"feed {name!r} exists", [FieldError("name", "must be unique")])
    feed = Feed(name=name, url=url, into_collection_id=into.id)
    session.add(feed)
    session.flush()
    audit.record(
        session,
        principal,
        "intel.feed.create",
        "intel_feed",
        feed.id,
        details={"url": url, "into": into.alias},
    )
    return feed


def _get(client: httpx.Client, url: str, params: dict[str, str]) -> httpx.Response:
    try:
        response = client.get(url, params=params, headers={"Accept": TAXII})
    except httpx.HTTPError as exc:
        raise RemoteError(f"cannot reach {url}: {exc}") from None
    if response.status_code != 200:
        raise RemoteError(f"{url} answered {response.status_code}: {response.text[:300]}")
    return response


def pull(
    session: Session,
    principal: Principal,
    feed: Feed,
    credentials: Credentials,
    *,
    page_size: int = 1000,
    as_member: uuid.UUID | None = None,
    client: httpx.Client | None = None,
) -> PullResult:
    """Fetch what the remote added since the last pull and ingest it into the feed's collection."""
    into = session.get(Collection, feed.into_collection_id)
    assert into is not None
    own = client is None
    http = client or httpx.Client(timeout=60, follow_redirects=False)
    credentials.apply(http)
    url = _objects_url(feed.url)
    received = stored = failed = pages = 0
    cursor = feed.added_after
    try:
        nxt: str | None = None
        while pages < MAX_PAGES:
            params = {"limit": str(page_size)}
            if nxt:
                params["next"] = nxt
            if cursor:
                params["added_after"] = cursor
            response = _get(http, url, params)
            envelope = response.json()
            objects = envelope.get("objects") or []
            pages += 1
            if objects:
                _, result = service.push(session, principal, into, objects, as_member=as_member)
                received += len(objects)
                stored += len(result.stored)
                failed += len(result.failures)
            last = response.headers.get("X-TAXII-Date-Added-Last")
            if not envelope.get("more"):
                cursor = last or cursor
                break
            nxt = envelope.get("next")
            if not nxt:  # a server paginating by added_after alone
                if not last or last == cursor:
                    break
                cursor = last
    finally:
        if own:
            http.close()
    feed.added_after = cursor
    feed.last_pulled_at = utcnow()
    feed.last_count = stored
    audit.record(
        session,
        principal,
        "intel.feed.pull",
        "intel_feed",
        feed.id,
        details={"received": received, "stored": stored, "failed": failed},
    )
    return PullResult(feed.name, pages, received, stored, failed, cursor)
