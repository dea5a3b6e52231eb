"""The probe exchange as a bare asyncio Protocol, for plain (non-STARTTLS) targets.

Same semantics as the stream-based exchange in ``tls_probe`` (first event decides; EOF
is CLOSED, a reset RESET, unparseable bytes GARBAGE), without a StreamReader, a
StreamWriter and a read loop per connection: a probe is a callback or two, which is
what keeps client CPU near 0.3 ms per probe when thousands run per second.
"""

from __future__ import annotations

import asyncio

from aman.scanners.pqc import netguard
from aman.scanners.pqc.tls_records import FlightParser
from aman.scanners.pqc.tls_results import ProbeOutcome, ProbeResult, interpret_first_event
from aman.scanners.pqc.tls_wire import OversizedRecordError, ParseError


class FirstAnswerProtocol(asyncio.Protocol):
    """Writes one ClientHello, resolves ``done`` with the server's first answer."""

    def __init__(self, hello: bytes, max_read: int, done: asyncio.Future[ProbeResult]) -> None:
        self.hello = hello
        self.max_read = max_read
        self.done = done
        self.parser = FlightParser()
        self.total = 0
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(self.hello)

    def _finish(self, result: ProbeResult) -> None:
        if not self.done.done():
            self.done.set_result(result)
        if self.transport is not None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.done.done():
            return
        self.total += len(data)
        try:
            events = self.parser.feed(data)
        except OversizedRecordError as exc:
            self._finish(ProbeResult(ProbeOutcome.OVERSIZED_RECORD, detail=str(exc)))
            return
        except ParseError as exc:
            self._finish(ProbeResult(ProbeOutcome.GARBAGE, detail=str(exc)))
            return
        if events:
            try:
                outcome, hello, alert = interpret_first_event(events[0])
            except ParseError as exc:
                self._finish(ProbeResult(ProbeOutcome.GARBAGE, detail=str(exc)))
                return
            self._finish(ProbeResult(outcome, hello, alert))
        elif self.total > self.max_read:
            detail = f"no answer in {self.total} bytes"
            self._finish(ProbeResult(ProbeOutcome.GARBAGE, detail=detail))

    def eof_received(self) -> bool:
        detail = f"closed after {self.total} bytes"
        self._finish(ProbeResult(ProbeOutcome.CLOSED, detail=detail))
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done.done():
            return
        if exc is None:
            detail = f"closed after {self.total} bytes"
            self.done.set_result(ProbeResult(ProbeOutcome.CLOSED, detail=detail))
        else:
            detail = str(exc) or type(exc).__name__
            self.done.set_result(ProbeResult(ProbeOutcome.RESET, detail=detail))


async def exchange_plain(host: str, port: int, hello: bytes, max_read: int) -> ProbeResult:
    """Connect (behind the scope guard), send ``hello``, classify the first answer."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[ProbeResult] = loop.create_future()
    try:
        netguard.check(host, port)
        transport, _ = await loop.create_connection(
            lambda: FirstAnswerProtocol(hello, max_read, done), host, port
        )
    except OSError as exc:
        return ProbeResult(ProbeOutcome.CONNECT_FAILED, detail=str(exc) or type(exc).__name__)
    try:
        return await done
    finally:
        transport.close()
