"""Open5GS configuration (``<nf>.yaml`` and the ``<nf>.yaml.in`` templates) -> NetworkFunction.

Layout (Open5GS 2.7+): ``<nf>.sbi.server[]`` (address, port, optional ``scheme`` and TLS
keys), ``<nf>.sbi.client.{nrf,scp,sepp}[].uri``, ``<nf>.default.tls.{server,client}`` for
defaults, ``amf.security.{integrity,ciphering}_order``, ``udm.hnet[]`` (id, scheme, key
file), ``sepp.n32.server[]`` (``scheme``, ``n32f``) and ``sepp.n32.client.sepp[]``. The
older list form ``<nf>.sbi: [{addr, port}]`` is read too. A server's scheme is its own
``scheme``, else the ``default.tls.server.scheme``, else ``http`` (the Open5GS default).
Templates carry ``@sysconfdir@``-style placeholders, which PyYAML cannot parse: they are
replaced by the directories they stand for before parsing (line numbers are unchanged).
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
    KeyRole,
    NasSecurity,
    NetworkFunction,
    OAuth,
    Peer,
    Setting,
    TlsSettings,
)
from aman.scanners.fiveg.yamlnav import Doc, flag, integer, items, mapping, names, text

NF_TYPES = frozenset(
    {"amf", "ausf", "bsf", "nrf", "nssf", "pcf", "scp", "sepp", "smf", "udm", "udr", "smsf"}
    | {"lmf", "nef", "upf", "eir"}
)
PLACEHOLDERS = {
    "sysconfdir": "/etc",
    "localstatedir": "/var",
    "prefix": "/usr",
    "bindir": "/usr/bin",
    "libdir": "/usr/lib",
    "datadir": "/usr/share",
}
_PLACEHOLDER = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)@")
_SERVER_KEYS = ("private_key", "cert", "verify_client", "verify_client_cacert", "sslkeylogfile")


def substitute(source: str) -> str:
    """Replace ``@name@`` template placeholders with the directories they stand for."""
    return _PLACEHOLDER.sub(
        lambda m: PLACEHOLDERS.get(m.group(1).lower(), f"/{m.group(1)}"), source
    )


def is_template(rel: str) -> bool:
    return rel.endswith(".yaml.in") or rel.endswith(".yml.in")


def nf_section(data: Any, rel: str) -> str | None:
    """The top-level key that configures this file's network function, or None."""
    if not isinstance(data, dict) or isinstance(data.get("configuration"), dict):
        return None
    candidates: list[str] = [
        str(k) for k, v in data.items() if k in NF_TYPES and isinstance(v, dict)
    ]
    stem = re.sub(r"\d+$", "", PurePosixPath(rel).name.split(".", 1)[0].lower())
    if stem in candidates:
        return stem
    if len(candidates) == 1:
        return candidates[0]
    return max(candidates, key=lambda k: len(data[k])) if candidates else None


def _key(role: KeyRole, field: str, value: Any, line: int, scheme: int | None = None) -> KeyRef:
    raw = text(value) or ""
    inline = "-----BEGIN" in raw or (
        len(raw) >= 64 and re.fullmatch(r"[0-9a-fA-F]+", raw) is not None
    )
    return KeyRef(role, field, raw, inline, line, scheme)


class _Reader:
    """State for one file: the document, the NF section and what has been collected."""

    def __init__(self, doc: Doc, nf: str) -> None:
        self.doc = doc
        self.nf = nf
        self.section = mapping(doc.data[nf])
        tls = mapping(mapping(self.section.get("default")).get("tls"))
        self.default_server = mapping(tls.get("server"))
        self.default_client = mapping(tls.get("client"))
        self.keys: list[KeyRef] = []
        self.keylog: list[Setting] = []

    def line(self, *loc: str | int) -> int:
        return self.doc.line(self.nf, *loc)

    def server_settings(
        self, entry: dict[str, Any], line: int, where: str
    ) -> tuple[str, TlsSettings]:
        """Scheme and TLS of a server entry, defaults applied; records keys and key logs."""
        merged = {k: self.default_server.get(k) for k in _SERVER_KEYS}
        merged.update({k: entry[k] for k in _SERVER_KEYS if k in entry})
        scheme = (
            text(entry.get("scheme")) or text(self.default_server.get("scheme")) or "http"
        ).lower()
        if merged["private_key"] is not None:
            self.keys.append(
                _key("tls-server", f"{where}.private_key", merged["private_key"], line)
            )
        if text(merged["sslkeylogfile"]):
            self.keylog.append(
                Setting(f"{where}.sslkeylogfile", str(merged["sslkeylogfile"]), line)
            )
        tls = TlsSettings(
            verify_client=flag(merged["verify_client"]) is True,
            client_ca=text(merged["verify_client_cacert"]),
            certificate=text(merged["cert"]),
            line=line,
        )
        return scheme, tls

    def client_settings(self, entry: dict[str, Any], line: int, where: str) -> None:
        for field in ("client_private_key",):
            value = entry.get(field, self.default_client.get(field))
            if value is not None:
                self.keys.append(_key("tls-client", f"{where}.{field}", value, line))
        keylog = entry.get("client_sslkeylogfile", self.default_client.get("client_sslkeylogfile"))
        if text(keylog):
            self.keylog.append(Setting(f"{where}.client_sslkeylogfile", str(keylog), line))

    def sbi(self) -> tuple[list[Endpoint], list[Peer]]:
        sbi = self.section.get("sbi")
        endpoints: list[Endpoint] = []
        peers: list[Peer] = []
        servers = items(sbi) if isinstance(sbi, list) else items(mapping(sbi).get("server"))
        for i, raw in enumerate(servers):
            entry = mapping(raw)
            loc: tuple[str | int, ...] = (
                ("sbi", i) if isinstance(sbi, list) else ("sbi", "server", i)
            )
            line = self.line(*loc)
            scheme, tls = self.server_settings(entry, line, f"{self.nf}.sbi.server[{i}]")
            address = (
                text(entry.get("address")) or text(entry.get("addr")) or text(entry.get("dev"))
            )
            endpoints.append(
                Endpoint("sbi", scheme, address, integer(entry.get("port")), tls, line)
            )
        for role, raw_list in mapping(mapping(sbi).get("client")).items():
            for i, raw in enumerate(items(raw_list)):
                entry = mapping(raw)
                line = self.line("sbi", "client", role, i)
                if text(entry.get("uri")):
                    peers.append(Peer(str(role), str(entry["uri"]), line))
                self.client_settings(entry, line, f"{self.nf}.sbi.client.{role}[{i}]")
        if not servers and not peers and (self.default_server or self.default_client):
            self.client_settings({}, self.line("default"), f"{self.nf}.default.tls.client")
        return endpoints, peers

    def nas(self) -> NasSecurity | None:
        security = self.section.get("security")
        if self.nf != "amf":
            return None
        sec = mapping(security)
        return NasSecurity(
            integrity=names(sec.get("integrity_order")),
            ciphering=names(sec.get("ciphering_order")),
            integrity_line=self.line("security", "integrity_order") if security else None,
            ciphering_line=self.line("security", "ciphering_order") if security else None,
        )

    def hnet(self) -> tuple[HomeNetworkKey, ...] | None:
        if self.nf != "udm":
            return None
        out = []
        for i, raw in enumerate(items(self.section.get("hnet"))):
            entry = mapping(raw)
            line = self.line("hnet", i)
            scheme = integer(entry.get("scheme"))
            key = None
            if entry.get("key") is not None:
                key = _key("hnet", f"udm.hnet[{i}].key", entry["key"], line, scheme)
                self.keys.append(key)
            out.append(HomeNetworkKey(integer(entry.get("id")), scheme, key, line))
        return tuple(out)

    def n32(self) -> tuple[list[Endpoint], list[Peer]]:
        n32 = mapping(self.section.get("n32"))
        endpoints: list[Endpoint] = []
        peers: list[Peer] = []
        for i, raw in enumerate(items(n32.get("server"))):
            entry = mapping(raw)
            line = self.line("n32", "server", i)
            scheme, tls = self.server_settings(entry, line, f"sepp.n32.server[{i}]")
            address, port = text(entry.get("address")), integer(entry.get("port"))
            endpoints.append(Endpoint("n32c", scheme, address, port, tls, line))
            n32f = mapping(entry.get("n32f"))
            f_scheme = (text(n32f.get("scheme")) or scheme).lower()
            f_line = self.line("n32", "server", i, "n32f") if n32f else line
            f_addr = text(n32f.get("address")) or address
            endpoints.append(
                Endpoint("n32f", f_scheme, f_addr, integer(n32f.get("port")) or port, tls, f_line)
            )
        for i, raw in enumerate(items(mapping(n32.get("client")).get("sepp"))):
            entry = mapping(raw)
            line = self.line("n32", "client", "sepp", i)
            if text(entry.get("uri")):
                peers.append(Peer("sepp", str(entry["uri"]), line))
            n32f_uri = text(mapping(entry.get("n32f")).get("uri"))
            if n32f_uri:
                peers.append(
                    Peer("sepp-n32f", n32f_uri, self.line("n32", "client", "sepp", i, "n32f"))
                )
            self.client_settings(entry, line, f"sepp.n32.client.sepp[{i}]")
        return endpoints, peers


def parse(doc: Doc, rel: str, source: str) -> NetworkFunction | None:
    """The network function an Open5GS file configures, or None if it is not one."""
    nf = nf_section(doc.data, rel)
    if nf is None:
        return None
    reader = _Reader(doc, nf)
    endpoints, peers = reader.sbi()
    n32_endpoints, n32_peers = reader.n32() if nf == "sepp" else ([], [])
    hnet = reader.hnet()
    return NetworkFunction(
        vendor="open5gs",
        nf_type=nf,
        path=rel,
        line=doc.line(nf),
        endpoints=tuple(endpoints + n32_endpoints),
        peers=tuple(peers + n32_peers),
        nas=reader.nas(),
        hnet=hnet,
        oauth=OAuth(supported=False, enabled=None) if nf == "nrf" else None,
        keylog=tuple(reader.keylog),
        keys=tuple(reader.keys),
        source_digest=input_hash(source),
    )
