"""STARTTLS preambles (SMTP, IMAP, POP3) that upgrade a plaintext stream before a probe.

The reply checks are pure functions over already-read lines so they can be tested without
sockets; the coroutine only moves lines. Every read is bounded in length and count, since
a hostile server may stream an endless greeting.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum

MAX_LINE = 4096
MAX_LINES = 64


class StartTLS(StrEnum):
    """Plaintext protocols whose STARTTLS upgrade the prober can perform."""

    SMTP = "smtp"
    IMAP = "imap"
    POP3 = "pop3"


DEFAULT_PORTS: dict[StartTLS, int] = {StartTLS.SMTP: 25, StartTLS.IMAP: 143, StartTLS.POP3: 110}


class StartTLSError(Exception):
    """The server did not complete the STARTTLS upgrade; the message says where."""


def smtp_reply_complete(line: str) -> bool:
    """True for the last line of an SMTP reply ("250 ok" rather than "250-more")."""
    return len(line) >= 3 and line[:3].isdigit() and (len(line) == 3 or line[3] != "-")


def smtp_reply_code(lines: list[str]) -> int:
    """Reply code of a complete SMTP reply; all lines must share it (RFC 5321 §4.2)."""
    if not lines or not lines[-1][:3].isdigit():
        raise StartTLSError(f"malformed SMTP reply: {lines[-1:]!r}")
    code = int(lines[-1][:3])
    if any(not ln.startswith(str(code)) for ln in lines):
        raise StartTLSError("SMTP reply lines disagree on the reply code")
    return code


def smtp_offers_starttls(ehlo_lines: list[str]) -> bool:
    """True when an EHLO reply lists the STARTTLS extension (RFC 3207)."""
    return any(ln[4:].strip().upper().split(" ")[0] == "STARTTLS" for ln in ehlo_lines[1:])


def imap_tagged_status(line: str, tag: str) -> str | None:
    """Status word (OK/NO/BAD) of a tagged IMAP response line, None for other lines."""
    parts = line.split(" ", 2)
    if len(parts) >= 2 and parts[0] == tag:
        return parts[1].upper()
    return None


def pop3_ok(line: str) -> bool:
    """True for a POP3 positive response."""
    return line.startswith("+OK")


async def _read_line(reader: asyncio.StreamReader) -> str:
    try:
        raw = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        raise StartTLSError("connection closed during STARTTLS preamble") from exc
    except asyncio.LimitOverrunError as exc:
        raise StartTLSError("over-long line in STARTTLS preamble") from exc
    if len(raw) > MAX_LINE:
        raise StartTLSError("over-long line in STARTTLS preamble")
    return raw.decode("latin-1").rstrip("\r\n")


async def _smtp_reply(reader: asyncio.StreamReader) -> tuple[int, list[str]]:
    lines: list[str] = []
    while len(lines) < MAX_LINES:
        line = await _read_line(reader)
        lines.append(line)
        if smtp_reply_complete(line):
            return smtp_reply_code(lines), lines
    raise StartTLSError("SMTP reply with too many lines")


async def _smtp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ehlo: str) -> None:
    code, _ = await _smtp_reply(reader)
    if code != 220:
        raise StartTLSError(f"SMTP greeting {code}, expected 220")
    writer.write(f"EHLO {ehlo}\r\n".encode("ascii"))
    code, lines = await _smtp_reply(reader)
    if code != 250:
        raise StartTLSError(f"SMTP EHLO answered {code}")
    if not smtp_offers_starttls(lines):
        raise StartTLSError("SMTP server does not offer STARTTLS")
    writer.write(b"STARTTLS\r\n")
    code, _ = await _smtp_reply(reader)
    if code != 220:
        raise StartTLSError(f"SMTP STARTTLS answered {code}")


async def _imap(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    greeting = await _read_line(reader)
    if not greeting.upper().startswith("* OK"):
        raise StartTLSError(f"IMAP greeting {greeting[:40]!r}")
    writer.write(b"a1 STARTTLS\r\n")
    for _ in range(MAX_LINES):
        status = imap_tagged_status(await _read_line(reader), "a1")
        if status == "OK":
            return
        if status is not None:
            raise StartTLSError(f"IMAP STARTTLS answered {status}")
    raise StartTLSError("IMAP server never answered STARTTLS")


async def _pop3(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    if not pop3_ok(await _read_line(reader)):
        raise StartTLSError("POP3 greeting is not +OK")
    writer.write(b"STLS\r\n")
    if not pop3_ok(await _read_line(reader)):
        raise StartTLSError("POP3 STLS refused")


async def negotiate_starttls(
    protocol: StartTLS,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    ehlo_name: str = "aman-scanner.invalid",
) -> None:
    """Run the plaintext upgrade; on return the next bytes written start the TLS handshake.

    Bytes a server pipelines after its go-ahead stay in ``reader`` and reach the TLS
    parser, which reports them as garbage rather than trusting them.
    """
    if protocol is StartTLS.SMTP:
        await _smtp(reader, writer, ehlo_name)
    elif protocol is StartTLS.IMAP:
        await _imap(reader, writer)
    else:
        await _pop3(reader, writer)
