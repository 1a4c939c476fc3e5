"""JSON Lines on stdin (``agent-desk live --stdin``): any platform can pipe a transcript in.

One JSON object per line, the same shape as an SSE event's data, with an optional ``type``
(``utterance`` by default, ``partial``, ``call_started``, ``call_ended``). Each bad line becomes a
:class:`FeedProblem` and the call goes on; end of input ends the call.

Lines are read in a dedicated daemon thread, not ``asyncio.to_thread``: a blocking read on a
terminal or an idle pipe can last forever, and a worker of the default executor would then hold up
the application's exit. The thread hands lines over through a bounded queue (backpressure instead of
unbounded memory when the pipe is faster than the screen).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import BinaryIO

from agent_desk.feeds.base import (
    CallEnded,
    Feed,
    FeedEvent,
    FeedProblem,
    FeedStatusChanged,
)
from agent_desk.feeds.parse import MAX_EVENT_BYTES, EventParser, with_end_status
from nlp.types import Lang

_DISCARD_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    raw: bytes
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class _End:
    problem: str | None = None


class StdinFeed(Feed):
    name = "stdin"

    def __init__(
        self,
        stream: BinaryIO | None = None,
        *,
        call_id: str = "stdin",
        lang: Lang | None = None,
        max_line_bytes: int = MAX_EVENT_BYTES,
        queue_size: int = 1000,
    ) -> None:
        self._stream = stream
        self.max_line_bytes = max_line_bytes
        self.queue_size = queue_size
        self.parser = EventParser(default_call_id=call_id, lang=lang)
        self._closed = asyncio.Event()
        self._stop = threading.Event()

    async def aclose(self) -> None:
        self._closed.set()
        self._stop.set()

    async def events(self) -> AsyncIterator[FeedEvent]:
        stream = self._stream if self._stream is not None else sys.stdin.buffer
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[_Line | _End] = asyncio.Queue(maxsize=self.queue_size)
        reader = threading.Thread(
            target=self._read, args=(stream, loop, queue), name="agent-desk-stdin", daemon=True
        )
        reader.start()
        yield FeedStatusChanged("connected", "reading JSON Lines from stdin")
        closed = asyncio.ensure_future(self._closed.wait())
        try:
            while True:
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait({getter, closed}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    await asyncio.gather(getter, return_exceptions=True)
                    yield FeedStatusChanged("ended", "feed closed")
                    return
                item = getter.result()
                if isinstance(item, _End):
                    if item.problem:
                        yield FeedProblem(f"stdin: {item.problem}")
                    break
                for event in self._handle(item):
                    yield event
                    if isinstance(event, CallEnded):
                        return
        finally:
            closed.cancel()
            self._stop.set()
        yield FeedStatusChanged("ended", "end of input")
        yield CallEnded(self.parser.call_id or self.parser.default_call_id)

    def _handle(self, line: _Line) -> list[FeedEvent]:
        where = f"stdin line {line.number}"
        if line.problem is not None:
            return [FeedProblem(f"{where}: {line.problem}")]
        if not line.raw.strip():
            return []  # blank lines separate nothing in JSON Lines; skip them quietly
        return with_end_status(self.parser.parse_bytes(line.raw, where))

    # -- the reader thread ---------------------------------------------------------------------
    def _read(
        self,
        stream: BinaryIO,
        loop: asyncio.AbstractEventLoop,
        queue: asyncio.Queue[_Line | _End],
    ) -> None:
        end = _End()
        number = 0
        try:
            while not self._stop.is_set():
                raw = stream.readline(self.max_line_bytes + 1)
                if not raw:
                    break
                number += 1
                if len(raw) > self.max_line_bytes and not raw.endswith(b"\n"):
                    self._discard_rest_of_line(stream)
                    item = _Line(
                        number, b"", f"line longer than {self.max_line_bytes:,} bytes; skipped"
                    )
                else:
                    item = _Line(number, raw)
                if not self._put(loop, queue, item):
                    return
        except Exception as exc:
            # Whatever the stream does (closed file, a text stream passed by mistake...), the feed
            # reports it and ends; the message names the error kind, not the data.
            end = _End(f"cannot read input ({type(exc).__name__})")
        self._put(loop, queue, end)

    @staticmethod
    def _discard_rest_of_line(stream: BinaryIO) -> None:
        while True:
            more = stream.readline(_DISCARD_CHUNK)
            if not more or more.endswith(b"\n"):
                return

    def _put(
        self,
        loop: asyncio.AbstractEventLoop,
        queue: asyncio.Queue[_Line | _End],
        item: _Line | _End,
    ) -> bool:
        """Hand ``item`` to the event loop, waiting while the queue is full; False once stopped."""
        if self._stop.is_set() or loop.is_closed():
            return False
        put = queue.put(item)
        try:
            future = asyncio.run_coroutine_threadsafe(put, loop)
        except RuntimeError:  # the loop closed meanwhile: nobody is listening any more
            put.close()  # never scheduled: close it so it is not reported as never awaited
            return False
        while True:
            try:
                future.result(timeout=0.2)
                return True
            except FutureTimeout:
                if self._stop.is_set():
                    future.cancel()
                    return False
            except (Exception, asyncio.CancelledError):
                return False
