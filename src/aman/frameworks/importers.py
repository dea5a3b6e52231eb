"""One entry point for every import format: a file in, validated packs out (no database).

Each format module reports problems its own way; here they become one `InvalidInput` whose
errors name the file, the line or row, and the requirement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from aman.errors import FieldError, InvalidInput
from aman.frameworks import ciso_assistant, oscal, tabular
from aman.frameworks.loader import load_pack
from aman.frameworks.schemas import Domain, LicenceClass, Pack, PackMeta

Format = Literal["pack", "oscal-catalog", "oscal-profile", "ciso-assistant", "csv", "xlsx"]
FORMATS: tuple[str, ...] = (
    "pack",
    "oscal-catalog",
    "oscal-profile",
    "ciso-assistant",
    "csv",
    "xlsx",
)


@dataclass(frozen=True)
class ImportRequest:
    """Metadata the source format may lack; ignored where the file carries it."""

    fmt: Format
    pack_id: str | None = None
    version: str | None = None
    title: str | None = None
    publisher: str = "imported"
    licence: str = "see source"
    licence_class: LicenceClass = LicenceClass.FULL_TEXT
    domains: tuple[Domain, ...] = (Domain.GENERAL,)
    source_url: str | None = None
    header_map: dict[str, str] = field(default_factory=dict)
    base_catalog: Pack | None = None


@dataclass(frozen=True)
class Imported:
    packs: list[Pack]
    warnings: list[str]


def _need(value: str | None, name: str, fmt: str) -> str:
    if not value:
        raise InvalidInput(
            f"{fmt} import needs --{name.replace('_', '-')}",
            [FieldError(name, "required for this format")],
        )
    return value


def _oscal(path: Path, req: ImportRequest) -> Imported:
    info = oscal.PackInfo(
        pack_id=_need(req.pack_id, "pack_id", req.fmt),
        publisher=req.publisher,
        licence=req.licence,
        licence_class=req.licence_class,
        domains=req.domains,
        version=req.version,
        source_url=req.source_url,
    )
    try:
        if req.fmt == "oscal-catalog":
            result = oscal.load_oscal_catalog(path, info)
        else:
            if req.base_catalog is None:
                raise InvalidInput(
                    "a profile selects from a catalog: give --catalog PACK@VERSION",
                    [FieldError("catalog", "required for oscal-profile")],
                )
            result = oscal.load_oscal_profile(path, req.base_catalog, info)
    except (oscal.OscalImportError, ValueError) as exc:
        raise InvalidInput(f"{path.name}: {exc}", [FieldError("file", str(exc))]) from exc
    return Imported([result.pack], list(result.warnings))


def _tabular(path: Path, req: ImportRequest) -> Imported:
    settings = None
    if req.fmt == "csv" or req.pack_id:
        meta = PackMeta(
            id=_need(req.pack_id, "pack_id", req.fmt),
            version=_need(req.version, "version", req.fmt),
            title=req.title or req.pack_id or "",
            publisher=req.publisher,
            licence=req.licence,
            licence_class=req.licence_class,
            domains=list(req.domains),
            source_url=req.source_url,
            publication_date=dt.date.today(),
        )
        settings = tabular.PackSettings(meta=meta)
    if req.fmt == "csv":
        assert settings is not None
        result = tabular.import_csv(path, settings, req.header_map)
    else:
        result = tabular.import_xlsx(path, settings, req.header_map)
    if result.pack is None or result.errors:
        raise InvalidInput(
            f"{path.name}: {len(result.errors)} problem(s); nothing imported",
            [FieldError(e.column or "row", e.message, e.line) for e in result.errors],
        )
    return Imported([result.pack], result.warnings)


def _ciso(path: Path, req: ImportRequest) -> Imported:
    options = ciso_assistant.CAOptions(
        licence_class=req.licence_class, domains=req.domains, pack_id=req.pack_id
    )
    try:
        result = ciso_assistant.load_library(path, options)
    except ciso_assistant.CAImportError as exc:
        raise InvalidInput(
            f"{path.name}: not an importable CISO Assistant library",
            [FieldError("file", e) for e in exc.errors],
        ) from exc
    packs = [ciso_assistant.attach_mapping_sets(p, result.mapping_sets) for p in result.packs]
    return Imported(packs, result.warnings)


def _pack(path: Path) -> Imported:
    result = load_pack(path)
    if result.pack is None or result.errors:
        raise InvalidInput(
            f"{path.name}: {len(result.errors)} problem(s)",
            [FieldError(e.ref_id or e.code, e.message, e.line) for e in result.errors],
        )
    return Imported([result.pack], [str(w) for w in result.warnings])


def read_file(path: Path, req: ImportRequest) -> Imported:
    if req.fmt == "pack":
        return _pack(path)
    if req.fmt in ("oscal-catalog", "oscal-profile"):
        return _oscal(path, req)
    if req.fmt in ("csv", "xlsx"):
        return _tabular(path, req)
    return _ciso(path, req)
