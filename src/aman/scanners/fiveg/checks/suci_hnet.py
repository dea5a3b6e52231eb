"""The UDM has home-network keys for SUCI Profile A or B, with a valid scheme each."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.common.outcome import Outcome, failed, passed, warned
from aman.scanners.fiveg.checks._base import AuditContext, req, ts33501
from aman.scanners.fiveg.model import HomeNetworkKey, KeyFacts, NetworkFunction

EXPECTED = {1: "X25519", 2: "EC-secp256r1"}
PROFILE = {0: "null scheme", 1: "Profile A", 2: "Profile B"}

CHECK = Check(
    id="5g.suci.hnet",
    domain="5g",
    title="SUCI home-network keys with Profile A or B",
    severity=Severity.HIGH,
    rationale=(
        "Subscription identifiers are concealed (SUCI) with the home network's public key "
        "using ECIES Profile A (X25519) or Profile B (secp256r1). Without a key, or with the "
        "null scheme, the SUPI is sent in clear; schemes 0x3-0xB are reserved and invalid."
    ),
    remediation="Configure at least one Profile A or B key per UDM, each with a unique key id.",
    references=(ts33501("6.12.2"), ts33501("Annex C")),
    requirements=req("5G-PRV-01"),
)


def _issue(entry: HomeNetworkKey, facts: dict[int, KeyFacts]) -> str | None:
    scheme = entry.scheme
    if scheme is None:
        return "no protection scheme"
    if scheme == 0:
        return "null scheme (identifier sent in clear)"
    if 3 <= scheme <= 11 or not 0 <= scheme <= 15:
        return f"invalid protection scheme {scheme:#x}"
    if scheme >= 12:
        return None  # operator-specific schemes are reviewed, not failed
    if entry.key is None:
        return f"{PROFILE[scheme]} without a key"
    fact = facts.get(entry.key.line)
    if fact and fact.algorithm and fact.algorithm != EXPECTED[scheme]:
        return f"{PROFILE[scheme]} needs an {EXPECTED[scheme]} key, found {fact.algorithm}"
    return None


def evaluate_nf(nf: NetworkFunction, ctx: AuditContext) -> Outcome | None:
    if nf.hnet is None:
        return None
    if not nf.hnet:
        return failed("no home network key: SUCI can only use the null scheme", line=nf.line)
    facts = {k.ref.line: k for k in nf.facts_for("hnet")}
    rows: list[dict[str, Any]] = []
    for entry in nf.hnet:
        rows.append(
            {
                "id": entry.key_id,
                "scheme": entry.scheme,
                "line": entry.line,
                "issue": _issue(entry, facts),
            }
        )
    ids = [e.key_id for e in nf.hnet]
    bad = [r for r in rows if r["issue"]]
    if len(set(ids)) != len(ids) or None in ids:
        bad.append({"id": None, "line": nf.hnet[0].line, "issue": "missing or duplicate key id"})
    if bad:
        return failed(
            f"home network key {bad[0]['id']}: {bad[0]['issue']}",
            line=int(bad[0]["line"]),
            keys=rows,
        )
    proprietary = [r for r in rows if (r["scheme"] or 0) >= 12]
    if proprietary:
        return warned("operator-specific protection scheme in use: review it", keys=rows)
    return passed(f"{len(rows)} home network key(s), Profile A/B", keys=rows)
