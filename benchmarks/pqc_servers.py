"""Loopback server process for the PQC benchmark: N TLS endpoints (mixed PQ
configurations, round-robin over ``lab.TLS_PROFILES``) and M SSH endpoints.

Run as a child process: prints one JSON line with the ports, serves until stdin closes.
Servers run in their own process so that their CPU is not charged to the scanners.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from aman.scanners.pqc import lab

PROFILES = tuple(lab.TLS_PROFILES)
SSH_KEX = ("mlkem768x25519-sha256", "curve25519-sha256", "ext-info-s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tls", type=int, default=50)
    parser.add_argument("--ssh", type=int, default=0)
    parser.add_argument("--offset", type=int, default=0, help="first profile index")
    args = parser.parse_args()
    credentials: dict[str, lab.Credentials] = {}
    with lab.lab() as servers:
        tls = []
        for i in range(args.tls):
            profile = PROFILES[(args.offset + i) % len(PROFILES)]
            port = servers.serve(lab.tls_handler(lab.profile_context(profile, credentials)))
            tls.append({"port": port, "profile": profile})
        ssh = [servers.serve(lab.ssh_handler(SSH_KEX)) for _ in range(args.ssh)]
        sys.stdout.write(orjson.dumps({"tls": tls, "ssh": ssh}).decode() + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # serve until the parent closes our stdin


if __name__ == "__main__":
    main()
