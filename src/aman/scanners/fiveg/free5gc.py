"""free5GC configuration (``<nf>cfg.yaml``) -> NetworkFunction.

Layout: ``info`` plus ``configuration`` with ``sbi.scheme`` (http or https), ``sbi.tls``
(or ``sbi.cert`` on the NRF) holding ``pem`` and ``key`` paths, ``sbi.rootcert`` (the NRF's
CA), ``sbi.oauth`` (NRF), peer URIs such as ``nrfUri``, ``security.integrityOrder`` and
``cipheringOrder`` (AMF) and ``SuciProfile[]`` (UDM) with hexadecimal ``PrivateKey`` values
inline. free5GC has no setting for TLS client-certificate verification on the SBI, so a
TLS server is always recorded without it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from aman.evidence.model import input_hash
from aman.scanners.fiveg.model import (
    Endpoint,
    HomeNetworkKey,
    KeyRef,
    NasSecurity,
    NetworkFunction,
    OAuth,
    Peer,
    TlsSettings,
)
from aman.scanners.fiveg.yamlnav import Doc, flag, integer, items, mapping, names, text

NF_TYPES = frozenset(
    {"amf", "ausf", "bsf", "chf", "n3iwf", "nef", "nrf", "nssf", "pcf", "smf", "udm", "udr"}
    | {"upf", "sepp", "tngf", "af"}
)


def is_free5gc(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("configuration"), dict)


def nf_type(data: dict[str, Any], rel: str) -> str:
    """From ``info.description`` ("AMF initial local configuration"), else the file name."""
    description = text(mapping(data.get("info")).get("description")) or ""
    first = description.split(" ", 1)[0].lower()
    if first in NF_TYPES:
        return first
    stem = PurePosixPath(rel).name.split(".", 1)[0].lower()
    stem = re.sub(r"cfg$", "", stem)
    return stem if stem in NF_TYPES else stem or "unknown"


def _sbi(doc: Doc, cfg: dict[str, Any]) -> tuple[list[Endpoint], list[KeyRef]]:
    if "sbi" not in cfg:
        return [], []
    sbi = mapping(cfg.get("sbi"))
    line = doc.line("configuration", "sbi")
    scheme = (text(sbi.get("scheme")) or "http").lower()
    keys: list[KeyRef] = []
    cert = None
    for block in ("tls", "cert"):
        pair = mapping(sbi.get(block))
        if text(pair.get("key")):
            loc = doc.line("configuration", "sbi", block, "key")
            keys.append(KeyRef("tls-server", f"sbi.{block}.key", str(pair["key"]), False, loc))
        cert = cert or text(pair.get("pem"))
    root = mapping(sbi.get("rootcert"))
    if text(root.get("key")):
        loc = doc.line("configuration", "sbi", "rootcert", "key")
        keys.append(KeyRef("ca", "sbi.rootcert.key", str(root["key"]), False, loc))
    address = text(sbi.get("bindingIPv4")) or text(sbi.get("registerIPv4"))
    tls = TlsSettings(verify_client=False, certificate=cert, line=line)
    return [Endpoint("sbi", scheme, address, integer(sbi.get("port")), tls, line)], keys


def _peers(doc: Doc, cfg: dict[str, Any]) -> list[Peer]:
    out = []
    for key, value in cfg.items():
        uri = text(value)
        if not (isinstance(key, str) and key.lower().endswith("uri") and uri):
            continue
        if re.match(r"^https?://", uri, re.I):
            role = key.removesuffix("Uri").removesuffix("uri") or key
            out.append(Peer(role, uri, doc.line("configuration", key)))
    return out


def _nas(doc: Doc, cfg: dict[str, Any], nf: str) -> NasSecurity | None:
    if nf != "amf":
        return None
    sec = mapping(cfg.get("security"))
    present = "security" in cfg
    return NasSecurity(
        integrity=names(sec.get("integrityOrder")),
        ciphering=names(sec.get("cipheringOrder")),
        integrity_line=doc.line("configuration", "security", "integrityOrder") if present else None,
        ciphering_line=doc.line("configuration", "security", "cipheringOrder") if present else None,
    )


def _suci(doc: Doc, cfg: dict[str, Any], nf: str) -> tuple[HomeNetworkKey, ...] | None:
    if nf != "udm":
        return None
    out = []
    for i, raw in enumerate(items(cfg.get("SuciProfile"))):
        entry = mapping(raw)
        line = doc.line("configuration", "SuciProfile", i)
        scheme = integer(entry.get("ProtectionScheme"))
        key = None
        value = text(entry.get("PrivateKey"))
        if value:
            field = f"SuciProfile[{i}].PrivateKey"
            key = KeyRef(
                "hnet",
                field,
                value,
                True,
                doc.line("configuration", "SuciProfile", i, "PrivateKey"),
                scheme,
            )
        out.append(HomeNetworkKey(i + 1, scheme, key, line))
    return tuple(out)


def parse(doc: Doc, rel: str, source: str) -> NetworkFunction | None:
    """The network function a free5GC file configures, or None if it is not one."""
    if not is_free5gc(doc.data):
        return None
    cfg = mapping(doc.data["configuration"])
    nf = nf_type(doc.data, rel)
    endpoints, keys = _sbi(doc, cfg)
    hnet = _suci(doc, cfg, nf)
    keys += [h.key for h in hnet or () if h.key is not None]
    oauth = None
    if nf == "nrf":
        sbi = mapping(cfg.get("sbi"))
        line = doc.line("configuration", "sbi", "oauth") if "oauth" in sbi else None
        oauth = OAuth(supported=True, enabled=flag(sbi.get("oauth")) is True, line=line)
    return NetworkFunction(
        vendor="free5gc",
        nf_type=nf,
        path=rel,
        line=doc.line("configuration"),
        endpoints=tuple(endpoints),
        peers=tuple(_peers(doc, cfg)),
        nas=_nas(doc, cfg, nf),
        hnet=hnet,
        oauth=oauth,
        keys=tuple(keys),
        source_digest=input_hash(source),
    )
