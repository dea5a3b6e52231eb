"""Per-asset quantum risk, readiness scores and the prioritised migration list.

Pure functions over an :class:`Inventory` and findings. An *asset use* is one place a
quantum-vulnerable public-key algorithm protects something: an endpoint's key exchange,
an SSH host key, a certificate key, a key file, a line of code. Each gets its IR 8547
status, its CNSA 2.0 deadline and, for key establishment, Mosca exposure; the list is
ordered by a priority that puts what is disallowed today first (below 112-bit security,
classically breakable now), then harvest-now-decrypt-later exposure, then the nearest
deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from aman.evidence.model import Finding, Status
from aman.scanners.pqc.inventory import AlgorithmRecord, Inventory, ProtocolRecord
from aman.scanners.pqc.risk import (
    CnsaCategory,
    Ir8547Status,
    RiskProfile,
    cnsa_deadline,
    ir8547_status,
    mosca,
)

UseKind = Literal["key-exchange", "signature", "certificate", "key", "code"]
_ADVICE = {
    "key-exchange": "enable a hybrid ML-KEM key exchange (X25519MLKEM768 / mlkem768x25519-sha256)",
    "signature": "plan ML-DSA host or signing keys",
    "certificate": "re-issue with ML-DSA (pilot now), or at least RSA-3072/P-256 meanwhile",
    "key": "replace with an ML-KEM or ML-DSA key",
    "code": "move the call behind a crypto-agile interface and migrate to ML-KEM/ML-DSA",
}


@dataclass(frozen=True, slots=True)
class MigrationItem:
    """One quantum-vulnerable use, its deadlines, exposure and rank."""

    asset: str
    kind: UseKind
    algorithm: str
    classical_bits: int | None
    ir8547_status: str
    deadline: date | None
    cnsa_category: str
    cnsa_exclusive_by: date
    hndl_exposed: bool
    exposure_years: float | None
    crqc_probability: float | None
    data_class: str | None
    priority: float
    action: str
    rank: int = 0


def _years_until(moment: date | None, on: date) -> float | None:
    return None if moment is None else (moment - on).days / 365.25


def _priority(hndl: float | None, status: Ir8547Status, years_left: float | None) -> float:
    score = 0.0
    if hndl is not None and hndl > 0:
        score += 50 + min(30.0, hndl * 5)
    if status is Ir8547Status.DISALLOWED:  # broken or forbidden today: before anything else
        score += 90
    elif status is Ir8547Status.DEPRECATED:
        score += 25
    if years_left is not None:
        score += max(0.0, 20 - 2 * years_left)
    return round(min(score, 100.0), 2)


def _item(
    asset: str,
    kind: UseKind,
    algo: AlgorithmRecord,
    category: CnsaCategory,
    profile: RiskProfile,
    on: date,
    data_class: str | None = None,
) -> MigrationItem | None:
    if not algo.quantum_vulnerable:
        return None
    ir = ir8547_status(True, algo.classical_bits, on)
    cnsa = cnsa_deadline(category)
    deadlines = [d for d in (ir.next_deadline, cnsa.exclusive_by) if d is not None]
    deadline = min(deadlines) if deadlines else None
    exposure = probability = None
    exposed = False
    used_class = None
    if kind == "key-exchange" or (kind == "code" and algo.primitive in ("key-agree", "pke")):
        m = mosca(profile, data_class)
        exposure, probability, exposed, used_class = (
            m.exposure_years,
            m.probability,
            m.at_risk,
            m.data_class,
        )
    return MigrationItem(
        asset=asset,
        kind=kind,
        algorithm=algo.name,
        classical_bits=algo.classical_bits,
        ir8547_status=ir.status.value,
        deadline=deadline,
        cnsa_category=category.value,
        cnsa_exclusive_by=cnsa.exclusive_by,
        hndl_exposed=exposed,
        exposure_years=exposure,
        crqc_probability=probability,
        data_class=used_class,
        priority=_priority(exposure, ir.status, _years_until(deadline, on)),
        action=_ADVICE[kind],
    )


def _category(proto: ProtocolRecord, default: CnsaCategory) -> CnsaCategory:
    return CnsaCategory(proto.cnsa_category) if proto.cnsa_category else default


def _key_exchange(proto: ProtocolRecord, inv: Inventory) -> AlgorithmRecord | None:
    """The quantum-vulnerable key exchange a default client gets, None when PQ-protected."""
    if proto.protocol == "tls":
        if proto.pq_groups and proto.preferred_group in proto.pq_groups:
            return None
        name = proto.negotiated_group or (proto.groups[0] if proto.groups else None)
    else:
        safe = [k for k in proto.kex if (a := inv.algorithm(k)) and a.quantum_vulnerable is False]
        if safe and proto.kex and proto.kex[0] in safe:
            return None
        name = next((k for k in proto.kex if k not in safe), None)
    found = inv.algorithm(name) if name else None
    if found is not None and found.quantum_vulnerable is False:
        return None
    return found


def migration_items(inv: Inventory, profile: RiskProfile, on: date) -> list[MigrationItem]:
    """Every quantum-vulnerable use in the inventory, ranked (1 = migrate first)."""
    items: list[MigrationItem | None] = []
    for proto in inv.protocols:
        if not proto.reachable:
            continue
        default = (
            CnsaCategory.WEB_CLOUD if proto.protocol == "tls" else CnsaCategory.OPERATING_SYSTEMS
        )
        category = _category(proto, default)
        kex = _key_exchange(proto, inv)
        if kex is not None:
            items.append(
                _item(proto.target, "key-exchange", kex, category, profile, on, proto.data_class)
            )
        for name in proto.host_key_algorithms[:1]:
            algo = inv.algorithm(name)
            if algo is not None:
                items.append(_item(proto.target, "signature", algo, category, profile, on))
    certs = {c.fingerprint: c for c in inv.certificates}
    for cert in certs.values():
        algo = inv.algorithm(cert.public_key)
        if algo is not None and not (cert.self_issued and cert.is_ca):
            where = cert.locations[0] if cert.locations else cert.fingerprint[:16]
            asset = f"{where} ({cert.subject})"
            items.append(_item(asset, "certificate", algo, CnsaCategory.WEB_CLOUD, profile, on))
    for key in inv.keys:
        algo = inv.algorithm(key.algorithm)
        if algo is not None:
            items.append(_item(key.ref, "key", algo, CnsaCategory.CUSTOM_LEGACY, profile, on))
    for use in inv.code_uses:
        algo = inv.algorithm(use.algorithm)
        if algo is not None:
            asset = f"{use.path}:{use.line}"
            items.append(_item(asset, "code", algo, CnsaCategory.CUSTOM_LEGACY, profile, on))
    return rank([i for i in items if i is not None])


def rank(items: Iterable[MigrationItem]) -> list[MigrationItem]:
    """Sort by priority (desc), then deadline, then asset; number them from 1."""
    ordered = sorted(
        items, key=lambda i: (-i.priority, i.deadline or date.max, i.asset, i.algorithm)
    )
    return [replace(item, rank=n) for n, item in enumerate(ordered, start=1)]


# --- readiness -----------------------------------------------------------------------------

_CREDIT = {Status.PASS: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}


def readiness_by_target(findings: Sequence[Finding]) -> dict[str, float]:
    """0-100 per target: the severity-weighted share of its applicable checks that pass.

    Warnings earn half credit; errors and not-applicable results are left out; a target
    with nothing scorable is absent.
    """
    totals: dict[str, list[float]] = {}
    for f in findings:
        credit = _CREDIT.get(f.status)
        weight = max(f.severity.weight, 1)
        if credit is None:
            continue
        acc = totals.setdefault(f.target, [0.0, 0.0])
        acc[0] += credit * weight
        acc[1] += weight
    return {t: round(100 * got / total, 1) for t, (got, total) in totals.items() if total}


def organisation_readiness(endpoint_scores: dict[str, float]) -> float | None:
    """The mean of the endpoint scores (each endpoint counts once), None when none."""
    if not endpoint_scores:
        return None
    return round(sum(endpoint_scores.values()) / len(endpoint_scores), 1)
