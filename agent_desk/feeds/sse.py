"""Live conversation over Server-Sent Events (``text/event-stream``) with httpx.

The stream format is parsed by hand after the WHATWG HTML spec (section 9.2, "Server-sent events"):
``event:``, multi-line ``data:``, ``id:``, ``retry:``, comments, CR/LF/CRLF line ends, and an event
dispatched on a blank line. We do not use ``httpx-sse``: it is not a dependency yet, it is ~100
lines of the same parsing, and it has no reconnection, ``Last-Event-ID`` resume or size bounds,
which are the parts this feed is about.

Reconnection: exponential backoff with jitter, bounded, and the server's ``retry:`` honoured as the
base delay; each reconnect sends ``Last-Event-ID``, and events whose id was already delivered are
dropped, so an utterance is neither lost nor shown twice across a reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from agent_desk.feeds.base import (
    CallEnded,
    Feed,
    FeedEvent,
    FeedProblem,
    FeedStatusChanged,
)
from agent_desk.feeds.parse import (
    MAX_EVENT_BYTES,
    EventParser,
    decode_utf8,
    label,
    with_end_status,
)
from nlp.types import Lang

#: Connect quickly or report; a live stream may be quiet for a while (servers send ``:`` comments
#: as keep-alives), so the read timeout is longer.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=5.0, pool=5.0)

_EOL = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: ``initial * factor**(attempt-1)``, capped, minus jitter."""

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    #: Up to this fraction of each delay is taken off at random, so many desks reconnecting to a
    #: restarted server do not all arrive at the same instant.
    jitter: float = 0.5

    def delay(self, attempt: int, base: float | None = None) -> float:
        start = self.initial if base is None else base
        raw = min(self.maximum, start * self.factor ** max(0, attempt - 1))
        return max(0.0, raw * (1.0 - self.jitter * random.random()))


@dataclass(frozen=True, slots=True)
class SSEMessage:
    """One dispatched server-sent event."""

    event: str
    data: bytes
    #: The ``id:`` this event itself carried (None when it carried none).
    id: str | None
    #: Set when the event was skipped while reading (too large); ``data`` is then empty.
    problem: str | None = None


class SSEDecoder:
    """Incremental ``text/event-stream`` parser: feed it bytes, get the events completed so far.

    Bounded: a line or an event above ``max_event_bytes`` is discarded (reported once, at the blank
    line that ends it) instead of growing memory.
    """

    def __init__(self, max_event_bytes: int = MAX_EVENT_BYTES) -> None:
        self.max_event_bytes = max_event_bytes
        #: The stream's last event id as of the last dispatched event (what a reconnect resumes
        #: from). Events without an ``id:`` keep the previous one, as the spec says.
        self.last_event_id: str | None = None
        self._id_buffer: str | None = None
        #: Reconnection time the server asked for, in milliseconds.
        self.retry_ms: int | None = None
        # The unfinished line, kept in pieces so a long line costs linear time, not quadratic.
        self._parts: list[bytes] = []
        self._part_bytes = 0
        self._head = b""  # the first bytes, until we know whether they are a byte-order mark
        self._started = False
        self._pending_cr = False
        self._discarding_line = False
        self._reset()

    def _reset(self) -> None:
        self._event = b""
        self._data: list[bytes] = []
        self._size = 0
        self._id: str | None = None
        self._oversized = False

    def feed(self, chunk: bytes) -> list[SSEMessage]:
        out: list[SSEMessage] = []
        if not self._started:
            self._head += chunk
            if len(self._head) < 3 and b"\xef\xbb\xbf".startswith(self._head):
                return out  # could still become a byte-order mark
            self._started = True
            chunk, self._head = self._head.removeprefix(b"\xef\xbb\xbf"), b""
        if self._pending_cr:
            self._pending_cr = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]  # the second half of a CRLF split across two chunks
        pos, size = 0, len(chunk)
        while pos < size:
            m = _EOL.search(chunk, pos)
            if m is None:
                self._keep(chunk[pos:])
                break
            piece = chunk[pos : m.start()]
            pos = m.end()
            if pos == size and m.group() == b"\r":
                self._pending_cr = True
            if self._parts:
                piece = b"".join([*self._parts, piece])
                self._parts, self._part_bytes = [], 0
            if self._discarding_line:
                self._discarding_line = False  # the end of an oversized line: drop it
                continue
            self._line(piece, out)
        return out

    def _keep(self, piece: bytes) -> None:
        if self._discarding_line:
            return
        self._parts.append(piece)
        self._part_bytes += len(piece)
        if self._part_bytes > self.max_event_bytes:
            self._parts, self._part_bytes = [], 0
            self._discarding_line = True
            self._oversized = True

    def _line(self, line: bytes, out: list[SSEMessage]) -> None:
        if not line:
            self._dispatch(out)
            return
        if line.startswith(b":"):
            return  # comment / keep-alive
        name, sep, value = line.partition(b":")
        if sep and value.startswith(b" "):
            value = value[1:]
        if name == b"data":
            self._size += len(value) + 1
            if self._size > self.max_event_bytes:
                self._oversized = True
                self._data = []
            elif not self._oversized:
                self._data.append(value)
        elif name == b"event":
            self._event = value
        elif name == b"id":
            if b"\0" not in value:
                self._id = self._id_buffer = decode_utf8(value)[0]
        elif name == b"retry" and value.isdigit():
            self.retry_ms = int(value)
        # Other field names are ignored, as the spec says.

    def _dispatch(self, out: list[SSEMessage]) -> None:
        # Only now does the id count: an event cut off by a dropped connection was not received.
        self.last_event_id = self._id_buffer
        event = decode_utf8(self._event)[0] or "message"
        if self._oversized:
            out.append(
                SSEMessage(
                    event,
                    b"",
                    self._id,
                    problem=f"event larger than {self.max_event_bytes:,} bytes; skipped",
                )
            )
        elif self._data:
            out.append(SSEMessage(event, b"\n".join(self._data), self._id))
        # An event with no data is not dispatched (spec); its id still moved last_event_id.
        self._reset()


class _Fatal(Exception):
    """Retrying will not help (wrong URL, refused credentials, not an event stream)."""


class SSEFeed(Feed):
    """Utterances, partials and call events from a live SSE stream.

    Event types: ``utterance``, ``partial``, ``call_started``, ``call_ended`` (the ``event:`` field;
    for unnamed events the JSON ``type`` field, default ``utterance``). Stops after ``call_ended``,
    after ``aclose()``, on an error retrying cannot fix, or after ``max_attempts`` failed reconnects
    in a row (None: keep trying while the call lasts, which is what an agent on a call wants).
    """

    name = "sse"

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient | None = None,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        backoff: Backoff | None = None,
        max_attempts: int | None = None,
        headers: dict[str, str] | None = None,
        lang: Lang | None = None,
        call_id: str = "live",
    ) -> None:
        self.url = url
        self._client = client
        self._owns_client = client is None
        self.timeout = timeout
        self.backoff = backoff or Backoff()
        self.max_attempts = max_attempts
        self.headers = dict(headers or {})
        self.parser = EventParser(default_call_id=call_id, lang=lang)
        self.last_event_id: str | None = None
        #: How many times the stream was (re)opened successfully.
        self.connections = 0
        self._retry_ms: int | None = None
        self._closed = asyncio.Event()

    @property
    def _where(self) -> str:
        parts = urlsplit(self.url)
        return parts.netloc or self.url

    def _request_headers(self) -> dict[str, str]:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache", **self.headers}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        return headers

    async def aclose(self) -> None:
        """Stop the feed: a pending read is abandoned and the connection closed at once."""
        self._closed.set()

    async def events(self) -> AsyncIterator[FeedEvent]:
        client = self._client or httpx.AsyncClient(timeout=self.timeout)
        try:
            async with contextlib.aclosing(self._run(client)) as run:
                async for event in run:
                    yield event
        finally:
            if self._owns_client:
                await client.aclose()

    async def _run(self, client: httpx.AsyncClient) -> AsyncGenerator[FeedEvent, None]:
        attempt = 0
        yield FeedStatusChanged("connecting", f"connecting to {self._where}")
        while not self._closed.is_set():
            reason = "the server closed the stream"
            try:
                async with contextlib.aclosing(self._stream(client)) as stream:
                    async for event in stream:
                        if not isinstance(event, FeedStatusChanged | FeedProblem):
                            # Only real progress resets the backoff: a server that accepts and
                            # hangs up at once must not be hammered.
                            attempt = 0
                        yield event
                        if isinstance(event, CallEnded):
                            return
                if self._closed.is_set():
                    break
            except _Fatal as exc:
                yield FeedStatusChanged("error", f"{self._where}: {exc}")
                return
            except httpx.TimeoutException as exc:
                reason = _timeout_reason(exc, self.timeout)
            except httpx.HTTPError as exc:
                reason = _http_reason(exc)
            except _Retryable as exc:
                reason = str(exc)
            attempt += 1
            if self.max_attempts is not None and attempt > self.max_attempts:
                yield FeedStatusChanged(
                    "error", f"{self._where}: gave up after {attempt - 1} reconnects; {reason}"
                )
                return
            base = None if self._retry_ms is None else self._retry_ms / 1000
            delay = self.backoff.delay(attempt, base)
            yield FeedStatusChanged(
                "reconnecting", f"reconnect {attempt} in {delay:.1f}s: {reason}"
            )
            try:
                await asyncio.wait_for(self._closed.wait(), timeout=delay)
            except TimeoutError:
                continue
        yield FeedStatusChanged("ended", "feed closed")

    async def _stream(self, client: httpx.AsyncClient) -> AsyncGenerator[FeedEvent, None]:
        decoder = SSEDecoder()
        async with client.stream(
            "GET", self.url, headers=self._request_headers(), timeout=self.timeout
        ) as response:
            _check_response(response)
            self.connections += 1
            detail = f"connected to {self._where}"
            if self.last_event_id is not None:
                detail += " (resumed)"
            yield FeedStatusChanged("connected", detail)
            chunks = response.aiter_bytes().__aiter__()
            closed = asyncio.ensure_future(self._closed.wait())
            try:
                while True:
                    nxt = asyncio.ensure_future(anext(chunks))
                    done, _ = await asyncio.wait({nxt, closed}, return_when=asyncio.FIRST_COMPLETED)
                    if nxt not in done:
                        nxt.cancel()  # aclose() while waiting for the server
                        await asyncio.gather(nxt, return_exceptions=True)
                        return
                    try:
                        chunk = nxt.result()
                    except StopAsyncIteration:
                        return
                    for message in decoder.feed(chunk):
                        for event in self._handle(message):
                            yield event
                            if isinstance(event, CallEnded):
                                return
                    if decoder.last_event_id is not None:
                        self.last_event_id = decoder.last_event_id
                    if decoder.retry_ms is not None:
                        self._retry_ms = min(decoder.retry_ms, int(self.backoff.maximum * 1000))
            finally:
                closed.cancel()

    def _handle(self, message: SSEMessage) -> list[FeedEvent]:
        where = f"SSE event {label(message.id)}" if message.id else "SSE event"
        if message.id is not None and self.parser.seen_event_id(message.id):
            return []  # resent after a reconnect: already delivered
        if message.problem is not None:
            return [FeedProblem(f"{where}: {message.problem}")]
        return with_end_status(self.parser.parse_bytes(message.data, where, message.event))


class _Retryable(Exception):
    """A failure worth another attempt (5xx, 429...)."""


def _check_response(response: httpx.Response) -> None:
    status = response.status_code
    if status in (408, 425, 429) or status >= 500:
        raise _Retryable(f"HTTP {status} {response.reason_phrase}".rstrip())
    if status == 204:
        # The spec's way for a server to say "do not reconnect".
        raise _Fatal("the server asked not to reconnect (HTTP 204)")
    if status != 200:
        raise _Fatal(f"HTTP {status} {response.reason_phrase}".rstrip())
    ctype = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "text/event-stream":
        raise _Fatal(f"not an event stream (Content-Type {ctype or 'missing'})")


def _timeout_reason(exc: httpx.TimeoutException, timeout: httpx.Timeout) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {timeout.connect:g}s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"no data within {timeout.read:g}s"
    return "timed out"


def _http_reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect (server down or refusing connections)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection dropped"
    if isinstance(exc, httpx.ReadError):
        return "the connection dropped while reading"
    return f"network error ({type(exc).__name__})"
