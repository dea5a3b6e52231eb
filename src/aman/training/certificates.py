"""Certificates of completion: issued for a completed module or programme, rendered to PDF,
verifiable by anyone at `/verify/{code}`.

The verification code is 160 random bits (base32, in groups of four) shown once at issue and
printed on the PDF; only its SHA-256 is stored, so a database leak does not reveal valid codes.
Verification discloses the holder's name, the title, the issue date and the validity, and
nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import TRAINING_DELIVER, TRAINING_READ
from aman.db import utcnow
from aman.errors import Conflict, NotFound
from aman.registry.models import Member
from aman.training.access import is_self, member_node, require
from aman.training.delivery import _enrolment, cohort_programme
from aman.training.models import Certificate, Cohort, ModuleResult, Participant, TrainingModule
from aman.training.schemas import CertificateIn, VerificationOut
from aman.training.service import programme_modules

CODE_BYTES = 20  # 160 bits
VERIFY_PATH = "/verify/"


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "ignore")).hexdigest()


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Issued:
    certificate: Certificate
    code: str
    verify_url: str


def _title(session: Session, cohort: Cohort, module_id: str | None) -> tuple[str, str]:
    """(title in the cohort's language, English title) of the module or the programme."""
    if module_id is not None:
        module = session.get(TrainingModule, module_id)
        assert module is not None
        local = (module.translations.get(cohort.language) or {}).get("title") or module.title
        return local, module.title
    programme = cohort_programme(session, cohort)
    local = (programme.translations.get(cohort.language) or {}).get("title") or programme.title
    return local, programme.title


def _completed(session: Session, enrolment_id: uuid.UUID, module_ids: set[str]) -> bool:
    done = session.scalar(
        select(func.count()).where(
            ModuleResult.enrolment_id == enrolment_id,
            ModuleResult.module_id.in_(module_ids),
            ModuleResult.status == "completed",
        )
    )
    return done == len(module_ids)


def issue(
    session: Session,
    principal: Principal,
    enrolment_id: uuid.UUID,
    data: CertificateIn,
    base_url: str,
) -> Issued:
    """Issue a certificate for a completed module (or the whole programme) and render it."""
    enrolment, cohort, person = _enrolment(session, principal, enrolment_id)
    require(principal, TRAINING_DELIVER, cohort.member_id)
    wanted = {pm.module_id for pm in programme_modules(session, cohort.programme_id)}
    if data.module_id is not None and data.module_id not in wanted:
        raise NotFound(f"{data.module_id} is not part of the cohort's programme")
    if not _completed(session, enrolment.id, {data.module_id} if data.module_id else wanted):
        raise Conflict("the participant has not completed " + (data.module_id or "the programme"))
    kind = "module" if data.module_id else "programme"
    if session.scalar(
        select(Certificate.id).where(
            Certificate.enrolment_id == enrolment.id,
            Certificate.kind == kind,
            Certificate.module_id == data.module_id
            if data.module_id
            else Certificate.module_id.is_(None),
            Certificate.revoked_at.is_(None),
        )
    ):
        raise Conflict("a certificate was already issued for this; revoke it to issue another")
    code, now = new_code(), utcnow()
    local_title, title = _title(session, cohort, data.module_id)
    cert = Certificate(
        code_hash=code_hash(code),
        member_id=cohort.member_id,
        participant_id=person.id,
        enrolment_id=enrolment.id,
        kind=kind,
        module_id=data.module_id,
        programme_id=cohort.programme_id if kind == "programme" else None,
        holder_name=person.name,
        title=title,
        issued_at=now,
        valid_until=_add_years(now.date(), data.valid_years) if data.valid_years else None,
    )
    url = base_url.rstrip("/") + VERIFY_PATH + code
    member = session.get(Member, cohort.member_id)
    cert.pdf = render_pdf(
        cert, local_title, member.name if member else "", code, url, cohort.language
    )
    session.add(cert)
    session.flush()
    audit.record(
        session,
        principal,
        "training.certificate.issue",
        "training_certificate",
        cert.id,
        member_id=cohort.member_id,
        details={"kind": kind, "module": data.module_id},
    )
    return Issued(cert, code, url)


def revoke(session: Session, principal: Principal, certificate_id: uuid.UUID) -> Certificate:
    cert = get(session, principal, certificate_id)
    require(principal, TRAINING_DELIVER, cert.member_id)
    if cert.revoked_at is None:
        cert.revoked_at = utcnow()
        audit.record(
            session,
            principal,
            "training.certificate.revoke",
            "training_certificate",
            cert.id,
            member_id=cert.member_id,
        )
    return cert


def get(session: Session, principal: Principal, certificate_id: uuid.UUID) -> Certificate:
    cert = session.get(Certificate, certificate_id)
    person = session.get(Participant, cert.participant_id) if cert else None
    if (
        cert is None
        or person is None
        or not (
            principal.can(TRAINING_READ, member_node(cert.member_id)) or is_self(principal, person)
        )
    ):
        raise NotFound("no such certificate")
    return cert


def list_for_participant(
    session: Session, principal: Principal, participant_id: uuid.UUID
) -> list[Certificate]:
    from aman.training.delivery import get_participant

    person = get_participant(session, principal, participant_id)
    stmt = select(Certificate).where(Certificate.participant_id == person.id)
    return list(session.scalars(stmt.order_by(Certificate.issued_at)))


def verify(session: Session, code: str, today: date | None = None) -> VerificationOut:
    """Public: what the code certifies. Unknown codes raise NotFound (no other detail)."""
    normal = normalise(code)
    if len(normal) < 32:
        raise NotFound("unknown verification code")
    cert = session.scalar(select(Certificate).where(Certificate.code_hash == code_hash(normal)))
    if cert is None:
        raise NotFound("unknown verification code")
    today = today or utcnow().date()
    status = (
        "revoked"
        if cert.revoked_at is not None
        else "expired"
        if cert.valid_until is not None and cert.valid_until < today
        else "valid"
    )
    return VerificationOut(
        valid=status == "valid",
        status=status,
        holder_name=cert.holder_name,
        title=cert.title,
        issued_on=cert.issued_at.date(),
        valid_until=cert.valid_until,
    )


_LABELS = {
    "en": (
        "Certificate of completion",
        "awarded to",
        "for completing",
        "Issued by",
        "Issued on",
        "Valid until",
        "Verify at",
    ),
    "fr": (
        "Certificat de réussite",
        "décerné à",
        "pour avoir suivi",
        "Délivré par",
        "Délivré le",
        "Valable jusqu'au",
        "Vérifier sur",
    ),
    "ar": ("شهادة إتمام", "تُمنح إلى", "لإتمام", "صادرة عن", "تاريخ الإصدار", "صالحة حتى", "للتحقق"),
}


def certificate_html(
    cert: Certificate, title: str, member: str, code: str, url: str, lang: str
) -> str:
    """The certificate as a self-contained HTML page (no external assets: air-gapped)."""
    labels = _LABELS.get(lang, _LABELS["en"])
    e = html.escape
    direction = "rtl" if lang == "ar" else "ltr"
    until = cert.valid_until.isoformat() if cert.valid_until else "—"
    issued: datetime = cert.issued_at
    return f"""<!doctype html>
<html lang="{e(lang)}" dir="{direction}"><head><meta charset="utf-8">
<title>{e(labels[0])}: {e(cert.holder_name)}</title>
<style>
@page {{ size: A4 landscape; margin: 18mm; }}
body {{ font-family: "Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans",
  sans-serif; color: #1b2a3a; text-align: center; border: 3px double #1b5e7a; padding: 14mm 10mm; }}
h1 {{ font-size: 30pt; margin: 0 0 8mm; color: #1b5e7a; }}
.name {{ font-size: 26pt; font-weight: bold; margin: 4mm 0 8mm; }}
.title {{ font-size: 18pt; margin: 2mm 0 10mm; }}
.meta {{ font-size: 11pt; margin: 1mm 0; }}
.code {{ font-family: "DejaVu Sans Mono", monospace; font-size: 11pt; margin-top: 10mm; }}
</style></head><body>
<h1>{e(labels[0])}</h1>
<div class="meta">{e(labels[1])}</div>
<div class="name">{e(cert.holder_name)}</div>
<div class="meta">{e(labels[2])}</div>
<div class="title">{e(title)}</div>
<div class="meta">{e(labels[3])}: {e(member)}</div>
<div class="meta">{e(labels[4])}: {issued.date().isoformat()} · {e(labels[5])}: {until}</div>
<div class="code" dir="ltr">{e(labels[6])}: {e(url)}<br>{e(code)}</div>
</body></html>"""


def render_pdf(cert: Certificate, title: str, member: str, code: str, url: str, lang: str) -> bytes:
    """PDF through WeasyPrint (Pango shapes Arabic); imported lazily, it is heavy."""
    from weasyprint import HTML

    pdf = HTML(string=certificate_html(cert, title, member, code, url, lang)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
