"""Evidence files: size- and type-limited, stored once by SHA-256 under the data directory,
never executed, served back only as attachments."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments.models import Evidence
from aman.assessments.packs import pack_tree
from aman.assessments.service import check_editable, get_assessment
from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import ASSESSMENTS_WRITE
from aman.errors import FieldError, InvalidInput, NotFound, PayloadTooLarge

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
# Extension → (media type, magic prefixes that the content must start with; empty: text).
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".json": ("application/json", ()),
    ".xml": ("application/xml", ()),
    ".md": ("text/markdown", ()),
}


def check_content(filename: str, content: bytes, max_bytes: int = MAX_EVIDENCE_BYTES) -> str:
    """The media type of an acceptable evidence file, or InvalidInput saying why not."""
    if len(content) > max_bytes:
        raise PayloadTooLarge(
            f"evidence files are limited to {max_bytes} bytes",
            [FieldError("file", f"{len(content)} bytes")],
        )
    if not content:
        raise InvalidInput("the file is empty", [FieldError("file", "empty")])
    extension = Path(filename).suffix.lower()
    if extension not in ALLOWED:
        raise InvalidInput(
            f"{extension or 'no extension'} files are not accepted as evidence",
            [FieldError("file", f"allowed: {', '.join(sorted(ALLOWED))}")],
        )
    media_type, magics = ALLOWED[extension]
    if magics and not content.startswith(magics):
        raise InvalidInput(
            f"the content is not a {extension} file",
            [FieldError("file", "content does not match the extension")],
        )
    if not magics:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"a {extension} file must be UTF-8 text",
                [FieldError("file", f"invalid byte at {exc.start}")],
            ) from exc
    return media_type


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def store_blob(root: Path, content: bytes) -> str:
    """Write once, atomically; the same content is stored once whoever uploads it."""
    digest = hashlib.sha256(content).hexdigest()
    path = blob_path(root, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    return digest


def _check_ref(session: Session, pack_uuid: uuid.UUID, ref_id: str) -> None:
    node = pack_tree(session, pack_uuid)[0].by_ref.get(ref_id)
    if node is None or not node.assessable:
        raise InvalidInput(
            f"no assessable requirement {ref_id!r}", [FieldError("ref_id", "unknown requirement")]
        )


def add_file(
    session: Session,
    principal: Principal,
    root: Path,
    assessment_id: uuid.UUID,
    ref_id: str,
    filename: str,
    content: bytes,
    title: str = "",
) -> Evidence:
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    check_editable(a)
    _check_ref(session, a.pack_uuid, ref_id)
    media_type = check_content(filename, content)
    digest = store_blob(root, content)
    row = Evidence(
        assessment_id=a.id,
        ref_id=ref_id,
        kind="file",
        title=(title or Path(filename).name)[:300],
        sha256=digest,
        media_type=media_type,
        size=len(content),
        added_by=principal.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "evidence.add",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"ref_id": ref_id, "sha256": digest, "size": len(content)},
    )
    return row


def add_url(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    ref_id: str,
    url: str,
    title: str,
) -> Evidence:
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    check_editable(a)
    _check_ref(session, a.pack_uuid, ref_id)
    row = Evidence(
        assessment_id=a.id,
        ref_id=ref_id,
        kind="url",
        title=title or url[:300],
        url=url,
        added_by=principal.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "evidence.add",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"ref_id": ref_id, "url": url},
    )
    return row


def list_evidence(
    session: Session, principal: Principal, assessment_id: uuid.UUID, ref_id: str | None = None
) -> list[Evidence]:
    a = get_assessment(session, principal, assessment_id)
    stmt = select(Evidence).where(Evidence.assessment_id == a.id)
    if ref_id:
        stmt = stmt.where(Evidence.ref_id == ref_id)
    return list(session.scalars(stmt.order_by(Evidence.added_at)))


def open_file(
    session: Session,
    principal: Principal,
    root: Path,
    assessment_id: uuid.UUID,
    evidence_id: uuid.UUID,
) -> tuple[Evidence, Path]:
    a = get_assessment(session, principal, assessment_id)
    row = session.get(Evidence, evidence_id)
    if row is None or row.assessment_id != a.id or row.sha256 is None:
        raise NotFound("no such evidence file")
    path = blob_path(root, row.sha256)
    if not path.is_file():
        raise NotFound("the stored file is missing")
    return row, path
