"""Warninglists: values that are almost never malicious, so correlating or alerting on them is
noise (MISP's idea). Pure and in-memory: a lookup costs microseconds.

Each list has a name that is shown next to the suppressed value, so an analyst sees *why* a
value does not correlate rather than silently missing it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

NETWORK_LISTS: dict[str, tuple[str, ...]] = {
    "rfc1918-private": ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
    "rfc6598-shared-address-space": ("100.64.0.0/10",),
    "loopback": ("127.0.0.0/8", "::1/128"),
    "link-local": ("169.254.0.0/16", "fe80::/10"),
    "multicast": ("224.0.0.0/4", "ff00::/8"),
    "unspecified-and-reserved": ("0.0.0.0/8", "240.0.0.0/4", "255.255.255.255/32", "::/128"),
    "rfc5737-documentation": ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"),
    "rfc3849-ipv6-documentation": ("2001:db8::/32",),
    "ipv6-unique-local": ("fc00::/7",),
    "public-dns-resolvers": (
        "8.8.8.8/32",
        "8.8.4.4/32",
        "1.1.1.1/32",
        "1.0.0.1/32",
        "9.9.9.9/32",
        "149.112.112.112/32",
        "208.67.222.222/32",
        "208.67.220.220/32",
        "2001:4860:4860::8888/128",
        "2001:4860:4860::8844/128",
        "2606:4700:4700::1111/128",
    ),
}
# Registrable domains so widely used that an indicator on them is almost always a false positive.
BENIGN_DOMAINS = frozenset(
    {
        "akamai.net",
        "akamaiedge.net",
        "amazon.com",
        "amazonaws.com",
        "apple.com",
        "azure.com",
        "azureedge.net",
        "bing.com",
        "cloudflare.com",
        "cloudfront.net",
        "digicert.com",
        "facebook.com",
        "fastly.net",
        "github.com",
        "githubusercontent.com",
        "gmail.com",
        "google.com",
        "googleapis.com",
        "gstatic.com",
        "icloud.com",
        "instagram.com",
        "letsencrypt.org",
        "linkedin.com",
        "live.com",
        "microsoft.com",
        "microsoftonline.com",
        "msftconnecttest.com",
        "office.com",
        "office365.com",
        "outlook.com",
        "skype.com",
        "twitter.com",
        "ubuntu.com",
        "whatsapp.net",
        "wikipedia.org",
        "windows.com",
        "windowsupdate.com",
        "yahoo.com",
        "youtube.com",
        "zoom.us",
    }
)
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost", "local", "arpa"})
# Digests of the empty input: any file "matching" them is an empty file.
EMPTY_HASHES = frozenset(
    {
        "d41d8cd98f00b204e9800998ecf8427e",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    }
)


@lru_cache(maxsize=1)
def _ranges() -> dict[int, list[tuple[int, int, str]]]:
    """(first, last, list name) integer ranges per IP version: a lookup is a few comparisons."""
    ranges: dict[int, list[tuple[int, int, str]]] = {4: [], 6: []}
    for name, cidrs in NETWORK_LISTS.items():
        for cidr in cidrs:
            net = ipaddress.ip_network(cidr)
            first = int(net.network_address)
            ranges[net.version].append((first, first + net.num_addresses - 1, name))
    return ranges


def ip_list(value: str) -> str | None:
    try:
        if "/" in value:
            net = ipaddress.ip_network(value, strict=False)
            version, low = net.version, int(net.network_address)
            high = low + net.num_addresses - 1
        else:
            address = ipaddress.ip_address(value)
            version, low = address.version, int(address)
            high = low
    except ValueError:
        return None
    for first, last, name in _ranges()[version]:
        if first <= low and high <= last:
            return name
    return None


def domain_list(value: str) -> str | None:
    domain = value.lower().rstrip(".")
    labels = domain.split(".")
    if labels[-1] in RESERVED_TLDS:
        return "reserved-tlds"
    for i in range(len(labels) - 1):
        if ".".join(labels[i:]) in BENIGN_DOMAINS:
            return "benign-domains"
    return None


def hash_list(value: str) -> str | None:
    return "empty-file-hashes" if value.lower() in EMPTY_HASHES else None


def match(kind: str, value: str) -> str | None:
    """The name of the warninglist containing `value` (of correlation `kind`), or None."""
    if kind in ("ipv4-addr:value", "ipv6-addr:value"):
        return ip_list(value)
    if kind in ("domain-name:value", "email-addr:value"):
        return domain_list(value.rsplit("@", 1)[-1])
    if kind == "url:value":
        host = value.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].split(":")[0]
        return ip_list(host) or domain_list(host)
    if ":hashes." in kind:
        return hash_list(value)
    return None
