"""A small CTFd-compatible HTTP server for the tests: only the REST endpoints Aman uses
(documented in `aman.training.ctfd`), with CTFd's envelope, token check and pagination."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

PER_PAGE = 2  # small, so that the client must follow pagination


@dataclass
class State:
    token: str
    url: str = ""
    challenges: dict[int, dict[str, Any]] = field(default_factory=dict)
    flags: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    fail_next: int = 0

    def solve(self, user_id: int, challenge_id: int, date: str, correct: bool = True) -> None:
        self.submissions.append(
            {
                "id": len(self.submissions) + 1,
                "challenge_id": challenge_id,
                "user_id": user_id,
                "team_id": None,
                "type": "correct" if correct else "incorrect",
                "provided": "flag",
                "date": date,
            }
        )


def make_server(state: State) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            return

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            data: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
            return data

        def _handle(self, method: str) -> None:
            url = urlparse(self.path)
            state.requests.append((method, url.path))
            if self.headers.get("Authorization") != f"Token {state.token}":
                self._send(403, {"success": False, "message": "forbidden"})
                return
            if state.fail_next:
                state.fail_next -= 1
                self._send(500, {"success": False, "message": "boom"})
                return
            route = _route(method, url.path)
            if route is None:
                self._send(404, {"success": False, "message": "not found"})
                return
            name, ident = route
            body = self._body() if method in ("POST", "PATCH") else {}
            status, payload = getattr(self, f"_{name}")(ident, body, parse_qs(url.query))
            self._send(status, payload)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PATCH(self) -> None:
            self._handle("PATCH")

        def _challenge_get(self, ident: int, _b: Any, _q: Any) -> tuple[int, dict[str, Any]]:
            if ident not in state.challenges:
                return 404, {"success": False, "message": "not found"}
            return 200, {"success": True, "data": state.challenges[ident]}

        def _challenge_create(
            self, _i: Any, body: dict[str, Any], _q: Any
        ) -> tuple[int, dict[str, Any]]:
            ident = max(state.challenges, default=0) + 1
            missing = [k for k in ("name", "category", "value", "type") if k not in body]
            if missing:
                return 400, {"success": False, "errors": {k: ["required"] for k in missing}}
            state.challenges[ident] = {"id": ident, **body}
            return 200, {"success": True, "data": state.challenges[ident]}

        def _challenge_patch(
            self, ident: int, body: dict[str, Any], _q: Any
        ) -> tuple[int, dict[str, Any]]:
            if ident not in state.challenges:
                return 404, {"success": False, "message": "not found"}
            state.challenges[ident].update(body)
            return 200, {"success": True, "data": state.challenges[ident]}

        def _flag_create(
            self, _i: Any, body: dict[str, Any], _q: Any
        ) -> tuple[int, dict[str, Any]]:
            if body.get("challenge_id") not in state.challenges:
                return 400, {"success": False, "errors": {"challenge_id": ["unknown"]}}
            state.flags.append({"id": len(state.flags) + 1, **body})
            return 200, {"success": True, "data": state.flags[-1]}

        def _tag_create(self, _i: Any, body: dict[str, Any], _q: Any) -> tuple[int, dict[str, Any]]:
            if body.get("challenge_id") not in state.challenges:
                return 400, {"success": False, "errors": {"challenge_id": ["unknown"]}}
            state.tags.append({"id": len(state.tags) + 1, **body})
            return 200, {"success": True, "data": state.tags[-1]}

        def _submissions(
            self, _i: Any, _b: Any, query: dict[str, list[str]]
        ) -> tuple[int, dict[str, Any]]:
            kind = (query.get("type") or [None])[0]
            page = int((query.get("page") or ["1"])[0])
            rows = [s for s in state.submissions if kind is None or s["type"] == kind]
            pages = max(1, -(-len(rows) // PER_PAGE))
            chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
            meta = {
                "pagination": {
                    "page": page,
                    "next": page + 1 if page < pages else None,
                    "prev": page - 1 if page > 1 else None,
                    "pages": pages,
                    "per_page": PER_PAGE,
                    "total": len(rows),
                }
            }
            return 200, {"success": True, "meta": meta, "data": chunk}

        def _user(self, ident: int, _b: Any, _q: Any) -> tuple[int, dict[str, Any]]:
            if ident not in state.users:
                return 404, {"success": False, "message": "not found"}
            return 200, {"success": True, "data": state.users[ident]}

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


_ROUTES = (
    ("GET", r"/api/v1/challenges/(\d+)", "challenge_get"),
    ("PATCH", r"/api/v1/challenges/(\d+)", "challenge_patch"),
    ("POST", r"/api/v1/challenges", "challenge_create"),
    ("POST", r"/api/v1/flags", "flag_create"),
    ("POST", r"/api/v1/tags", "tag_create"),
    ("GET", r"/api/v1/submissions", "submissions"),
    ("GET", r"/api/v1/users/(\d+)", "user"),
)


def _route(method: str, path: str) -> tuple[str, int] | None:
    for verb, pattern, name in _ROUTES:
        match = re.fullmatch(pattern, path)
        if verb == method and match:
            return name, int(match.group(1)) if match.groups() else 0
    return None
