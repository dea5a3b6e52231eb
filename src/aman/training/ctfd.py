"""CTF platform integration: push a module's challenge set to CTFd, read solves back as
competency evidence. CTFd runs as its own service (never imported); Aman talks to its REST
API through the small `CtfPlatform` interface, so another platform can be plugged in.

CTFd endpoints used (REST API v1, admin token sent as `Authorization: Token <token>`; every
answer is `{"success": true, "data": ...}`):

- `GET  /api/v1/challenges/{id}`  does a pushed challenge still exist (404 when deleted)
- `POST /api/v1/challenges`  `{name, category, description, value, type: "standard",
  state: "visible"}` -> `data.id`
- `PATCH /api/v1/challenges/{id}`  same fields, on a re-push
- `POST /api/v1/flags`  `{challenge_id, type: "static", content, data: ""}`
- `POST /api/v1/tags`  `{challenge_id, value}` (tags `aman:<competency>`, `nice:<NF-COM id>`,
  `level:<level>`, `module:<module id>`)
- `GET  /api/v1/submissions?type=correct&page=N`  paginated (`meta.pagination.next`);
  items `{id, challenge_id, user_id, date}`
- `GET  /api/v1/users/{id}`  `data.email` (visible to an admin token)

A solve counts for a participant of Aman whose e-mail equals the CTFd user's e-mail.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import TRAINING_MANAGE
from aman.errors import AmanError, FieldError, InvalidInput, NotFound
from aman.training import catalogue
from aman.training.access import require
from aman.training.delivery import record_evidence
from aman.training.models import CtfChallengeLink, Participant, TrainingModule
from aman.training.service import ensure_catalogue


class CtfPlatformError(AmanError):
    status = 502
    title = "CTF platform error"
    slug = "ctf-platform"


@dataclass(frozen=True, slots=True)
class ChallengeSpec:
    key: str
    name: str
    category: str
    value: int
    description: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Solve:
    submission_id: int
    challenge_id: int
    email: str | None
    solved_at: datetime


class CtfPlatform(Protocol):
    """What Aman needs from a CTF platform."""

    @property
    def instance(self) -> str: ...

    def challenge_exists(self, challenge_id: int) -> bool: ...

    def create_challenge(self, spec: ChallengeSpec) -> int: ...

    def update_challenge(self, challenge_id: int, spec: ChallengeSpec) -> None: ...

    def add_flag(self, challenge_id: int, flag: str) -> None: ...

    def add_tag(self, challenge_id: int, tag: str) -> None: ...

    def correct_solves(self) -> list[Solve]: ...


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class CtfdClient:
    """`CtfPlatform` over the CTFd REST API (see the module docstring for the endpoints)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 15.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=timeout)
        self._headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self._emails: dict[int, str | None] = {}

    @property
    def instance(self) -> str:
        return self.base_url

    def close(self) -> None:
        self._client.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        missing_ok: bool = False,
    ) -> Any:
        try:
            response = self._client.request(
                method,
                f"{self.base_url}/api/v1{path}",
                json=json,
                params=params,
                headers=self._headers,
            )
        except httpx.HTTPError as exc:
            raise CtfPlatformError(
                f"CTFd at {self.base_url} unreachable: {type(exc).__name__}"
            ) from exc
        if missing_ok and response.status_code == 404:
            return None
        try:
            body = response.json()
        except ValueError:
            body = None
        if (
            response.status_code >= 400
            or not isinstance(body, dict)
            or body.get("success") is not True
        ):
            detail = body.get("errors") or body.get("message") if isinstance(body, dict) else None
            raise CtfPlatformError(
                f"CTFd {method} {path} failed ({response.status_code}): {detail or 'no detail'}"
            )
        return body

    def challenge_exists(self, challenge_id: int) -> bool:
        return self._call("GET", f"/challenges/{challenge_id}", missing_ok=True) is not None

    @staticmethod
    def _fields(spec: ChallengeSpec) -> dict[str, Any]:
        return {
            "name": spec.name,
            "category": spec.category,
            "description": spec.description,
            "value": spec.value,
            "type": "standard",
            "state": "visible",
        }

    def create_challenge(self, spec: ChallengeSpec) -> int:
        return int(self._call("POST", "/challenges", json=self._fields(spec))["data"]["id"])

    def update_challenge(self, challenge_id: int, spec: ChallengeSpec) -> None:
        self._call("PATCH", f"/challenges/{challenge_id}", json=self._fields(spec))

    def add_flag(self, challenge_id: int, flag: str) -> None:
        body = {"challenge_id": challenge_id, "type": "static", "content": flag, "data": ""}
        self._call("POST", "/flags", json=body)

    def add_tag(self, challenge_id: int, tag: str) -> None:
        self._call("POST", "/tags", json={"challenge_id": challenge_id, "value": tag})

    def _email(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self._emails:
            body = self._call("GET", f"/users/{user_id}", missing_ok=True)
            email = (body or {}).get("data", {}).get("email")
            self._emails[user_id] = email.lower() if isinstance(email, str) else None
        return self._emails[user_id]

    def correct_solves(self) -> list[Solve]:
        solves, page = [], 1
        while page:
            body = self._call("GET", "/submissions", params={"type": "correct", "page": page})
            for item in body.get("data", []):
                solves.append(
                    Solve(
                        int(item["id"]),
                        int(item["challenge_id"]),
                        self._email(item.get("user_id")),
                        _parse_time(item["date"]),
                    )
                )
            page = ((body.get("meta") or {}).get("pagination") or {}).get("next") or 0
        return solves


def challenge_specs(module: TrainingModule) -> list[ChallengeSpec]:
    """The module's challenges as pushed, tagged with competencies, NICE areas and level."""
    cat = catalogue.shipped()
    challenges, competencies = cat.challenges, cat.competencies
    specs = []
    for key in module.delivery.get("ctf_challenges", []):
        ch = challenges.get(key)
        if ch is None:
            raise NotFound(f"{module.id}: unknown CTF challenge {key!r}")
        areas = sorted(
            {
                a
                for c in ch.competencies
                if c in competencies
                for a in competencies[c].nice.competency_areas
            }
        )
        tags = (
            *(f"aman:{c}" for c in ch.competencies),
            *(f"nice:{a}" for a in areas),
            f"level:{module.level}",
            f"module:{module.id}",
        )
        specs.append(ChallengeSpec(ch.key, ch.name, ch.category, ch.value, ch.description, tags))
    return specs


@dataclass(frozen=True)
class Pushed:
    key: str
    ctfd_id: int
    created: bool
    flag_set: bool


def push_module(
    session: Session,
    principal: Principal,
    platform: CtfPlatform,
    module_id: str,
    flags: Mapping[str, str] | None = None,
) -> list[Pushed]:
    """Create (or update) the module's challenges on the platform; idempotent per instance.
    Flags are set only when a challenge is created, from `flags` (challenge key -> flag)."""
    require(principal, TRAINING_MANAGE, None)
    ensure_catalogue(session)
    module = session.get(TrainingModule, module_id)
    if module is None:
        raise NotFound(f"no training module {module_id!r}")
    specs = challenge_specs(module)
    if not specs:
        raise InvalidInput(
            f"{module_id} has no CTF challenges", [FieldError("module_id", "not a challenge set")]
        )
    unknown = sorted(set(flags or {}) - {s.key for s in specs})
    if unknown:
        raise InvalidInput(
            "flags for challenges outside the module",
            [FieldError(f"flags.{k}", "unknown") for k in unknown],
        )
    links = {
        link.challenge_key: link
        for link in session.scalars(
            select(CtfChallengeLink).where(CtfChallengeLink.instance == platform.instance)
        )
    }
    out = []
    for spec in specs:
        link = links.get(spec.key)
        if link is not None and platform.challenge_exists(link.ctfd_id):
            platform.update_challenge(link.ctfd_id, spec)
            out.append(Pushed(spec.key, link.ctfd_id, False, False))
            continue
        ctfd_id = platform.create_challenge(spec)
        flag = (flags or {}).get(spec.key)
        if flag:
            platform.add_flag(ctfd_id, flag)
        for tag in spec.tags:
            platform.add_tag(ctfd_id, tag)
        if link is None:
            session.add(
                CtfChallengeLink(
                    instance=platform.instance,
                    challenge_key=spec.key,
                    module_id=module.id,
                    ctfd_id=ctfd_id,
                )
            )
        else:
            link.ctfd_id = ctfd_id
        out.append(Pushed(spec.key, ctfd_id, True, bool(flag)))
    session.flush()
    audit.record(
        session,
        principal,
        "training.ctfd.push",
        "training_module",
        module.id,
        details={"instance": platform.instance, "challenges": [p.key for p in out]},
    )
    return out


@dataclass(frozen=True)
class Pulled:
    solves: int
    evidence_added: int
    unmatched: int


def pull_solves(session: Session, principal: Principal, platform: CtfPlatform) -> Pulled:
    """Read correct submissions back; each solve by a known participant adds evidence for the
    challenge's competencies at the module's level. Re-pulling adds nothing twice."""
    require(principal, TRAINING_MANAGE, None)
    links = {
        link.ctfd_id: link
        for link in session.scalars(
            select(CtfChallengeLink).where(CtfChallengeLink.instance == platform.instance)
        )
    }
    cat = catalogue.shipped()
    modules = {m.id: m for m in session.scalars(select(TrainingModule))}
    solves = platform.correct_solves()
    emails = sorted({s.email for s in solves if s.email})
    people: dict[str, list[Participant]] = {}
    for p in session.scalars(select(Participant).where(Participant.email.in_(emails))):
        people.setdefault(p.email or "", []).append(p)
    added = unmatched = 0
    for solve in solves:
        link = links.get(solve.challenge_id)
        persons = people.get(solve.email or "", [])
        if link is None or not persons:
            unmatched += 1
            continue
        challenge = cat.challenges.get(link.challenge_key)
        competencies = list(challenge.competencies) if challenge else []
        for person in persons:
            added += record_evidence(
                session,
                person,
                competencies,
                modules[link.module_id].level,
                "ctf",
                f"{platform.instance}#{solve.submission_id}",
                solve.solved_at,
            )
    session.flush()
    audit.record(
        session,
        principal,
        "training.ctfd.pull",
        "ctf_instance",
        str(uuid.uuid5(uuid.NAMESPACE_URL, platform.instance)),
        details={
            "instance": platform.instance,
            "solves": len(solves),
            "evidence": added,
            "unmatched": unmatched,
        },
    )
    return Pulled(len(solves), added, unmatched)
