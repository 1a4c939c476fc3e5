"""Real local HTTP servers for the feed and NBA integration tests (127.0.0.1, ephemeral ports).

Each server is an ``asyncio.start_server`` speaking HTTP/1.1 by hand (one request per connection,
``Connection: close``), so a test can do what real servers do wrong: drop a stream mid-event, send
garbage, answer slowly or never. Use them as async context managers; leaving the block closes
the listening socket and every open connection.

``python -m tests.support.servers sse`` serves a short demo call for trying a feed by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class LocalServer:
    """Base: accept, parse one request, hand it to :meth:`handle`, close."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        # A connection accepted just now has a handler task that has not started yet: let it
        # start (and register its writer), or its socket would be left open.
        await asyncio.sleep(0)
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            request = await _read_request(reader)
            if request is not None:
                self.requests.append(request)
                await self.handle(request, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away: that is what some tests do on purpose
        finally:
            self._writers.discard(writer)
            self._tasks.discard(task)
            writer.close()
            # Closing finishes on a later turn of the loop; wait for it, so a test that ends
            # right after the server leaves no socket behind (pytest turns that into an error).
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return Request(method, path, headers, body)


async def send_response(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes = b"",
    content_type: str = "application/json",
    reason: str = "",
) -> None:
    reason = reason or {200: "OK", 204: "No Content", 401: "Unauthorized", 500: "Server Error"}.get(
        status, "Status"
    )
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()


async def send_json(writer: asyncio.StreamWriter, status: int, data: Any) -> None:
    await send_response(writer, status, json.dumps(data).encode())


async def start_event_stream(writer: asyncio.StreamWriter) -> None:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    await writer.drain()


async def send_chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    await writer.drain()


async def end_chunks(writer: asyncio.StreamWriter) -> None:
    writer.write(b"0\r\n\r\n")
    await writer.drain()


# -- SSE -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SSEEvent:
    id: str
    event: str
    data: dict[str, Any]

    def encode(self) -> bytes:
        # Multi-line data on purpose: clients must join data lines with "\n".
        body = json.dumps(self.data, ensure_ascii=False, indent=1)
        lines = [f"id: {self.id}", f"event: {self.event}"]
        lines += [f"data: {line}" for line in body.split("\n")]
        return ("\n".join(lines) + "\n\n").encode()


def demo_call(n: int = 6, call_id: str = "call-1") -> list[SSEEvent]:
    """A call: started, then per turn a partial and its final, then ended."""
    events = [SSEEvent("e0", "call_started", {"call_id": call_id, "lang": "nl"})]
    for i in range(1, n + 1):
        speaker = "CUSTOMER" if i % 2 else "agent"
        text = f"zin nummer {i}, met een é"
        events.append(
            SSEEvent(
                f"e{i}p",
                "partial",
                {"id": f"u{i}", "speaker": speaker, "text": text[:6], "t": float(i)},
            )
        )
        events.append(
            SSEEvent(
                f"e{i}",
                "utterance",
                {"id": f"u{i}", "speaker": speaker, "text": text, "t": float(i), "final": True},
            )
        )
    events.append(SSEEvent("e_end", "call_ended", {"call_id": call_id}))
    return events


class SSECallServer(LocalServer):
    """Streams a call, resuming after ``Last-Event-ID``.

    ``drops``: for the first connections, after how many events to drop the connection (mid-event:
    half an event is sent first, which a client must not dispatch). ``overlap``: on a resume, resend
    this many events before the one asked for (as servers that resume from a coarse cursor do), so
    the client's de-duplication is exercised. ``retry_ms`` is sent at the start of each stream.
    ``hold``: after the last event keep the stream open and silent instead of ending it.
    """

    def __init__(
        self,
        events: Sequence[SSEEvent],
        *,
        drops: Sequence[int] = (),
        overlap: int = 0,
        retry_ms: int | None = 10,
        gap_s: float = 0.0,
        hold: bool = False,
    ) -> None:
        super().__init__()
        self.hold = hold
        self.events = list(events)
        self.drops = list(drops)
        self.overlap = overlap
        self.retry_ms = retry_ms
        self.gap_s = gap_s
        self.last_event_ids: list[str | None] = []

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        last = request.headers.get("last-event-id")
        self.last_event_ids.append(last)
        start = 0
        if last is not None:
            ids = [e.id for e in self.events]
            start = max(0, ids.index(last) + 1 - self.overlap) if last in ids else 0
        drop_after = self.drops.pop(0) if self.drops else None
        await start_event_stream(writer)
        preamble = b": hello\n"
        if self.retry_ms is not None:
            preamble += f"retry: {self.retry_ms}\n\n".encode()
        await send_chunk(writer, preamble)
        for sent, event in enumerate(self.events[start:]):
            if drop_after is not None and sent == drop_after:
                await send_chunk(writer, event.encode()[:20])  # half an event, then gone
                writer.transport.abort()
                return
            await send_chunk(writer, event.encode())
            if self.gap_s:
                await asyncio.sleep(self.gap_s)
        if self.hold:
            await asyncio.Event().wait()  # keep the stream open, silent
        await end_chunks(writer)


class RawSSEServer(LocalServer):
    """Sends ``body`` (any bytes, garbage included) as an event stream in ``chunk``-byte pieces."""

    def __init__(self, body: bytes, chunk: int = 7, content_type: str = "text/event-stream"):
        super().__init__()
        self.body = body
        self.chunk = chunk
        self.content_type = content_type

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        if self.content_type != "text/event-stream":
            await send_response(writer, 200, self.body, content_type=self.content_type)
            return
        await start_event_stream(writer)
        for i in range(0, len(self.body), self.chunk):
            await send_chunk(writer, self.body[i : i + self.chunk])
        await end_chunks(writer)


class SilentServer(LocalServer):
    """Accepts connections and reads the request, then never answers."""

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        await asyncio.Event().wait()


class StatusServer(LocalServer):
    """Answers every request with one status code."""

    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        await send_json(writer, self.status, {"error": "nope"})


# -- decisioning service -------------------------------------------------------------------------
def suggestion(sid: str = "s1", kind: str = "sales", **extra: Any) -> dict[str, Any]:
    return {
        "id": sid,
        "title": f"Aanbod {sid}",
        "kind": kind,
        "script": "",
        "customer_value": 0.3,
        "org_value": 0.8,
        **extra,
    }


class DecisionServer(LocalServer):
    """A decisioning service. ``modes`` (consumed one per /suggestions request, then ``mode``):
    ``ok``, ``slow`` (answers after ``slow_s``), ``error`` (HTTP 500), ``garbage`` (not JSON),
    ``bad_schema`` (JSON of the wrong shape), ``refused`` (HTTP 400). Reactions are recorded."""

    def __init__(
        self,
        mode: str = "ok",
        modes: Sequence[str] = (),
        slow_s: float = 1.0,
        answer: list[dict[str, Any]] | None = None,
        reaction_status: int = 204,
    ) -> None:
        super().__init__()
        self.mode = mode
        self.modes = list(modes)
        self.slow_s = slow_s
        self.answer = answer if answer is not None else [suggestion()]
        self.reaction_status = reaction_status
        self.reactions: list[dict[str, Any]] = []

    @property
    def suggestion_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/suggestions")]

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        if request.method == "POST" and request.path.endswith("/reactions"):
            self.reactions.append(request.json())
            await send_response(writer, self.reaction_status)
            return
        if request.method != "POST" or not request.path.endswith("/suggestions"):
            await send_json(writer, 404, {"error": "not found"})
            return
        mode = self.modes.pop(0) if self.modes else self.mode
        if mode == "slow":
            await asyncio.sleep(self.slow_s)
            mode = "ok"
        if mode == "ok":
            await send_json(writer, 200, {"suggestions": self.answer})
        elif mode == "error":
            await send_json(writer, 500, {"error": "boom"})
        elif mode == "refused":
            await send_json(writer, 400, {"error": "bad request"})
        elif mode == "garbage":
            await send_response(writer, 200, b"<html>\xff\xfe oops", content_type="text/html")
        elif mode == "bad_schema":
            bad = [{"id": "s9", "title": "x", "kind": "timeshare", "org_value": 7}]
            await send_json(writer, 200, {"suggestions": bad})
        else:
            raise ValueError(mode)


# -- Amazon Connect Contact Lens -----------------------------------------------------------------
def segment(sid: str, role: str, content: str, begin_ms: int) -> dict[str, Any]:
    return {
        "Transcript": {
            "Id": sid,
            "ParticipantId": role.lower() + "-1",
            "ParticipantRole": role,
            "Content": content,
            "BeginOffsetMillis": begin_ms,
            "EndOffsetMillis": begin_ms + 900,
            "Sentiment": "NEGATIVE",
        }
    }


class ContactLensServer(LocalServer):
    """Serves ``pages`` (one per poll, in order) after checking the bearer token; the last page
    carries no NextToken (analysis complete). A page may be an int: answer with that status."""

    def __init__(self, pages: Sequence[list[dict[str, Any]] | int], token: str = "secret"):
        super().__init__()
        self.pages = list(pages)
        self.token = token
        self.served = 0

    async def handle(self, request: Request, writer: asyncio.StreamWriter) -> None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            await send_json(writer, 401, {"message": "unauthorized"})
            return
        page = self.pages[min(self.served, len(self.pages) - 1)]
        self.served += 1
        if isinstance(page, int):
            await send_json(writer, page, {"message": "try again"})
            return
        body: dict[str, Any] = {"Segments": page}
        if self.served < len(self.pages):
            body["NextToken"] = f"tok-{self.served}"
        await send_json(writer, 200, body)


async def _demo() -> None:
    async with SSECallServer(demo_call(), gap_s=0.3) as server:
        print(f"serving a demo call at {server.url}/stream (Ctrl-C stops)")
        await asyncio.Event().wait()


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["sse"]:
        raise SystemExit("usage: python -m tests.support.servers sse")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_demo())
