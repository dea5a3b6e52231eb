"""TAXII authentication: HTTP Basic (the standard requires it) and Bearer API tokens.

Argon2 makes a password check cost tens of milliseconds, by design; paying that on every TAXII
request is what makes other servers slow (OpenTAXII: ~75 ms per request). A successful Basic
check is therefore remembered for a while under an HMAC of the credentials, together with the
password hash it was verified against. Each request still loads the user: a disabled account or
a changed password takes effect at once, only the slow hash is skipped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from aman.auth import service as auth_service
from aman.auth.models import User
from aman.auth.permissions import Principal
from aman.errors import NotAuthenticated
from aman.settings import Settings

REALM = 'Basic realm="Aman TAXII", Bearer realm="Aman TAXII"'


@dataclass(frozen=True)
class _Entry:
    user_id: uuid.UUID
    password_hash: str
    expires: float


class CredentialCache:
    """A bounded, thread-safe map from a credential's HMAC to the user it verified as."""

    def __init__(self, secret: str, ttl_seconds: float = 300.0, max_entries: int = 10_000):
        self._key = hashlib.sha256(b"aman-taxii-basic:" + secret.encode()).digest()
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, username: str, password: str) -> bytes:
        message = username.lower().encode() + b"\x00" + password.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def get(self, key: bytes) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: bytes, user: User) -> None:
        assert user.password_hash is not None
        with self._lock:
            self._entries[key] = _Entry(user.id, user.password_hash, time.monotonic() + self._ttl)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def cache_for(request: Request, settings: Settings) -> CredentialCache:
    state = request.app.state
    cache: CredentialCache | None = getattr(state, "taxii_credentials", None)
    if cache is None:
        cache = CredentialCache(settings.resolved_secret_key())
        state.taxii_credentials = cache
    return cache


def _basic(header: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(header.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise NotAuthenticated("malformed Basic credentials") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise NotAuthenticated("malformed Basic credentials")
    return username, password


def _from_basic(
    session: Session, request: Request, settings: Settings, username: str, password: str
) -> Principal:
    cache = cache_for(request, settings)
    key = cache.key(username, password)
    hit = cache.get(key)
    if hit is not None:
        user = session.get(User, hit.user_id)
        if user is not None and user.is_active and user.password_hash == hit.password_hash:
            return auth_service.principal_for(session, user)
    ip = request.client.host if request.client else None
    user = auth_service.attempt_login(session, username, password, ip, settings)
    if user is None:
        session.commit()  # keep the failure counters and audit row despite the 401
        raise NotAuthenticated("wrong user name or password")
    cache.put(key, user)
    return auth_service.principal_for(session, user)


def authenticate(session: Session, request: Request, settings: Settings) -> Principal:
    """The principal of a Basic or Bearer Authorization header, or NotAuthenticated."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "bearer" and value:
        return auth_service.principal_from_token(session, value)
    if scheme == "basic" and value:
        return _from_basic(session, request, settings, *_basic(value))
    raise NotAuthenticated("send HTTP Basic credentials or an API token (Bearer)")
