"""`aman demo`: a believable federation, created idempotently through the same services as the API.

Twenty-seven national bodies of OIC member states, their constituents, contacts, working groups
and one login per role. Passwords are derived from the installation's secret key, so every run
prints the same credentials without storing them anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments.demo import load_assessment_demo
from aman.auth import service as auth_service
from aman.auth.schemas import GrantIn, UserIn
from aman.cli_support import operator
from aman.db import make_engine, make_sessionmaker, transaction, utcnow
from aman.evidence.models import ScanRun
from aman.intel.demo import load_intel_demo
from aman.registry import service as registry
from aman.registry.models import Contact, Country, Member, Organisation, WorkingGroup
from aman.registry.schemas import ContactIn, MemberIn, OrganisationIn, WGMemberIn, WorkingGroupIn
from aman.scanners.checks_demo import load_checks_demo
from aman.scanners.pqc.demo import load_scan_demo
from aman.settings import Settings
from aman.training.demo import load_training_demo

DEMO_COUNTRIES = [
    "MY",
    "OM",
    "AE",
    "ID",
    "AZ",
    "BN",
    "EG",
    "SA",
    "QA",
    "BH",
    "KW",
    "JO",
    "MA",
    "TN",
    "DZ",
    "TR",
    "PK",
    "BD",
    "NG",
    "SN",
    "CI",
    "KZ",
    "UZ",
    "KG",
    "MV",
    "SD",
    "LB",
]
CLASSES = (
    ["full"] * 18 + ["general"] * 4 + ["professional"] * 2 + ["affiliate"] * 2 + ["commercial"]
)
BODY_NAMES = {
    "full": "National CERT of {c}",
    "general": "National Cyber Security Centre of {c}",
    "professional": "{c} Academic and Research CSIRT",
    "affiliate": "{c} Financial Sector CSIRT",
    "commercial": "{c} Telecom Security Operations",
}
ORG_TEMPLATES = {
    "telecom": ["{c} Mobile Telecom", "{c} Fibre Networks"],
    "finance": ["Central Bank of {c}", "{c} National Bank"],
    "energy": ["{c} Power Grid Company", "{c} Oil and Gas Corporation"],
    "government": ["{c} e-Government Authority", "{c} Ministry of Digital Economy"],
    "health": ["{c} National Hospital Group"],
    "cloud-it": ["{c} Government Cloud", "{c} Data Centre Company"],
    "transport": ["{c} Civil Aviation Authority", "{c} Ports Authority"],
    "water": ["{c} Water and Sewerage Company"],
    "education": ["{c} University Network"],
    "manufacturing": ["{c} Petrochemical Industries"],
}
WORKING_GROUPS = (
    (
        "5G Security Working Group",
        "5g",
        ("MY", "AE"),
        "Maintains the federation's 5G security baseline and cross-recognition of certifications.",
    ),
    (
        "Cloud Security Working Group",
        "cloud",
        ("OM", "SA"),
        "Cloud security standard, data sovereignty guidance and IaC checks.",
    ),
    (
        "AI Security Working Group",
        "ai",
        ("EG", "QA"),
        "Secure development and deployment of AI systems; model supply chain.",
    ),
    (
        "Post-Quantum Cryptography Working Group",
        "pqc",
        ("ID", "TR"),
        "Migration roadmaps, cryptographic inventories and readiness scanning.",
    ),
    (
        "Blockchain Working Group",
        "blockchain",
        ("BN", "AZ"),
        "Security of distributed-ledger services in member states.",
    ),
)


@dataclass(frozen=True)
class Credential:
    role: str
    email: str
    password: str
    scope: str


def demo_password(settings: Settings, email: str) -> str:
    mac = hmac.new(
        settings.resolved_secret_key().encode(), f"demo:{email}".encode(), hashlib.sha256
    )
    return base64.b32encode(mac.digest()).decode()[:20].lower()


def _members(session: Session) -> dict[str, Member]:
    existing = {m.country_code: m for m in session.scalars(select(Member))}
    countries = {
        c.code: c for c in session.scalars(select(Country).where(Country.code.in_(DEMO_COUNTRIES)))
    }
    rng = random.Random(27)
    full_ids: list[uuid.UUID] = []
    for i, code in enumerate(DEMO_COUNTRIES):
        klass = CLASSES[i]
        sponsors = [] if klass in ("full", "general") else rng.sample(full_ids[:10], 2)
        if code not in existing:
            name = BODY_NAMES[klass].format(c=countries[code].name_en)
            existing[code] = registry.create_member(
                session,
                operator(),
                MemberIn(
                    name=name,
                    short_name=f"{countries[code].alpha3}-CERT",
                    country_code=code,
                    membership_class=klass,
                    joined_on=date(2009 + i % 15, 1 + i % 12, 1),
                    website=f"https://cert.{code.lower()}.example",
                    sponsor_ids=sponsors,
                ),
            )
        if klass == "full":
            full_ids.append(existing[code].id)
    return existing


def _organisations(session: Session, members: dict[str, Member]) -> None:
    have = {(o.member_id, o.name) for o in session.scalars(select(Organisation))}
    countries = {c.code: c.name_en for c in session.scalars(select(Country))}
    for code, member in members.items():
        rng = random.Random(f"orgs-{code}")
        core = ["telecom", "finance", "government"]
        extra = rng.sample([s for s in ORG_TEMPLATES if s not in core], rng.randint(0, 3))
        sectors = [*core, *extra]
        for sector in sectors:
            # Draw every random value before deciding to skip, so re-runs draw the same ones.
            name = rng.choice(ORG_TEMPLATES[sector]).format(c=countries[code])
            size_band = rng.choice(["medium", "large", "very-large"])
            if (member.id, name) in have:
                continue
            registry.create_organisation(
                session,
                operator(),
                OrganisationIn(
                    member_id=member.id,
                    name=name,
                    sector=sector,
                    size_band=size_band,
                    critical_infrastructure=sector
                    in ("telecom", "finance", "energy", "water", "health", "transport"),
                ),
            )


def _contacts(session: Session, members: dict[str, Member]) -> None:
    have = {(c.member_id, c.email) for c in session.scalars(select(Contact))}
    now = utcnow()
    for code, member in members.items():
        rng = random.Random(f"contacts-{code}")
        for role, local, day_and_night in (("primary", "duty", True), ("alternate", "head", False)):
            email = f"{local}@cert.{code.lower()}.example"
            verified = now - timedelta(days=rng.choice([3, 20, 45, 90, 200, 400]))
            phone = f"+{rng.randint(20, 998)} {rng.randint(1000000, 9999999)}"
            fingerprint = "".join(rng.choice("0123456789ABCDEF") for _ in range(40))
            if (member.id, email) in have:
                continue
            registry.create_contact(
                session,
                operator(),
                ContactIn(
                    member_id=member.id,
                    name=f"{'Duty officer' if day_and_night else 'Head'}, {code}",
                    role=role,
                    email=email,
                    phone=phone,
                    pgp_fingerprint=fingerprint,
                    available_24_7=day_and_night,
                    last_verified_at=verified,
                ),
            )


def _working_groups(session: Session, members: dict[str, Member]) -> None:
    have = set(session.scalars(select(WorkingGroup.name)))
    for name, domain, leads, description in WORKING_GROUPS:
        if name in have:
            continue
        rng = random.Random(name)
        others = rng.sample([c for c in DEMO_COUNTRIES if c not in leads], 6)
        registry.create_working_group(
            session,
            operator(),
            WorkingGroupIn(
                name=name,
                domain=domain,
                description=description,
                members=[WGMemberIn(member_id=members[c].id, role="co-lead") for c in leads]
                + [WGMemberIn(member_id=members[c].id) for c in others],
            ),
        )


def _users(session: Session, settings: Settings, members: dict[str, Member]) -> list[Credential]:
    my, om = members["MY"], members["OM"]
    my_org = session.scalars(
        select(Organisation).where(Organisation.member_id == my.id).order_by(Organisation.name)
    ).first()
    assert my_org is not None
    plan = [
        (
            "federation-admin",
            "admin@aman.example",
            "Federation administrator",
            None,
            None,
            "the federation",
        ),
        (
            "member-admin",
            "admin@cert.my.example",
            "Member administrator (MY)",
            my.id,
            None,
            my.name,
        ),
        ("analyst", "analyst@cert.my.example", "Threat analyst (MY)", my.id, None, my.name),
        ("assessor", "assessor@cert.my.example", "Assessor", my.id, my_org.id, my_org.name),
        ("viewer", "viewer@cert.om.example", "Viewer (OM)", om.id, None, om.name),
        (
            "member-admin",
            "admin@cert.om.example",
            "Member administrator (OM)",
            om.id,
            None,
            om.name,
        ),
    ]
    creds = []
    for role, email, name, member_id, org_id, scope in plan:
        password = demo_password(settings, email)
        if auth_service.find_user_by_email(session, email) is None:
            auth_service.create_user(
                session,
                operator(),
                UserIn(
                    email=email,
                    display_name=name,
                    password=password,
                    grants=[GrantIn(role=role, member_id=member_id, organisation_id=org_id)],
                ),
            )
        creds.append(Credential(role, email, password, scope))
    return creds


def load_demo(settings: Settings) -> list[Credential]:
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            registry.ensure_federation(session, "Aman Demo Federation", ["ar", "en", "fr"])
            members = _members(session)
            _organisations(session, members)
            _contacts(session, members)
            _working_groups(session, members)
            credentials = _users(session, settings, members)
            load_intel_demo(session, members)
        with transaction(make_sessionmaker(engine)) as session:
            load_assessment_demo(session, operator())
        with transaction(make_sessionmaker(engine)) as session:
            load_training_demo(session, operator())
        with transaction(make_sessionmaker(engine)) as session:
            if not session.scalar(select(ScanRun.id).limit(1)):
                load_scan_demo(session, settings)  # runs also fill the PQC assessments
                load_checks_demo(session, settings)
        return credentials
    finally:
        engine.dispose()
