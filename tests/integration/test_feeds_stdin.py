"""JSON Lines on stdin: byte streams with good and bad lines, an open pipe, a broken stream."""

from __future__ import annotations

import asyncio
import io
import json
import os
import time

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    FeedEvent,
    FeedProblem,
    FeedStatusChanged,
    UtteranceReceived,
)
from agent_desk.feeds.stdin import StdinFeed
from tests.support.feeds import collect


def _line(**obj: object) -> bytes:
    return json.dumps(obj).encode() + b"\n"


async def test_good_and_bad_lines_each_get_their_answer() -> None:
    data = (
        _line(type="call_started", call_id="c7", lang="nl")
        + _line(type="partial", id="u1", speaker="customer", text="mijn")
        + _line(id="u1", speaker="customer", text="mijn vader is overleden", t=1.5)
        + b"\n"
        + b"   \r\n"
        + b"{this is not json\n"
        + b'{"id": "u2", "speaker": "customer", "text": "caf\xe9"}\n'
        + _line(id="u3", speaker="caller")
        + _line(type="hangup", call_id="c7")
        + _line(id="u1", speaker="customer", text="mijn vader is overleden")  # resent
        + _line(id="u4", speaker="AGENT", text="gecondoleerd")
        + b'{"id": "u5", "speaker": "agent", "text": "zonder regeleinde"}'
    )
    events = await collect(StdinFeed(io.BytesIO(data)))
    assert events[0] == FeedStatusChanged("connected", "reading JSON Lines from stdin")
    assert events[1] == CallStarted("c7", "nl")
    utts = [(e.utterance.id, e.utterance.final) for e in events if isinstance(e, UtteranceReceived)]
    assert utts == [("u1", False), ("u1", True), ("u2", True), ("u4", True), ("u5", True)]
    problems = [e.message for e in events if isinstance(e, FeedProblem)]
    assert problems[0].startswith("stdin line 6: not valid JSON")
    assert problems[1].startswith("stdin line 7: invalid UTF-8")
    assert problems[2] == "stdin line 8: utterance 'u3': missing field 'text'; skipped"
    assert "unknown event type 'hangup'" in problems[3]
    assert len(problems) == 4
    assert not any("overleden" in p for p in problems)
    assert events[-2:] == [FeedStatusChanged("ended", "end of input"), CallEnded("c7")]


async def test_an_overlong_line_is_skipped_and_the_next_one_read() -> None:
    big = _line(id="u1", speaker="customer", text="x" * 5000)
    data = big + _line(id="u2", speaker="customer", text="ok")
    events = await collect(StdinFeed(io.BytesIO(data), max_line_bytes=1000))
    assert FeedProblem("stdin line 1: line longer than 1,000 bytes; skipped") in events
    utts = [e.utterance.id for e in events if isinstance(e, UtteranceReceived)]
    assert utts == ["u2"]
    assert CallStarted("stdin", None) in events


async def test_call_ended_on_input_ends_the_feed() -> None:
    data = (
        _line(id="u1", speaker="customer", text="hoi")
        + _line(type="call_ended")
        + _line(id="u2", speaker="customer", text="na het einde")
    )
    events = await collect(StdinFeed(io.BytesIO(data), call_id="c1"))
    assert events[-2:] == [FeedStatusChanged("ended", "call ended"), CallEnded("c1")]
    assert [e.utterance.id for e in events if isinstance(e, UtteranceReceived)] == ["u1"]


async def test_an_open_pipe_does_not_block_the_event_loop_and_aclose_stops_it() -> None:
    read_fd, write_fd = os.pipe()
    reader = open(read_fd, "rb", buffering=0)  # noqa: SIM115 - closed below, after the feed
    try:
        feed = StdinFeed(reader)
        out: list[FeedEvent] = []
        got = asyncio.Event()

        async def consume() -> None:
            async for event in feed.events():
                out.append(event)
                if isinstance(event, UtteranceReceived):
                    got.set()

        task = asyncio.create_task(consume())
        os.write(write_fd, _line(id="u1", speaker="customer", text="hallo"))
        await asyncio.wait_for(got.wait(), timeout=2)
        # The reader thread is now blocked on the pipe; the loop must stay free.
        ticks = 0
        started = time.monotonic()
        while time.monotonic() - started < 0.1:
            await asyncio.sleep(0.005)
            ticks += 1
        assert ticks >= 5
        await feed.aclose()
        await asyncio.wait_for(task, timeout=1)
        assert out[-1] == FeedStatusChanged("ended", "feed closed")
    finally:
        os.close(write_fd)  # EOF lets the reader thread finish
        await asyncio.sleep(0.05)
        reader.close()


class _Broken(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> bytes:
        raise OSError("device gone")


async def test_a_stream_that_fails_is_reported_and_ends_the_call() -> None:
    events = await collect(StdinFeed(_Broken()))  # type: ignore[arg-type]
    assert FeedProblem("stdin: cannot read input (OSError)") in events
    assert events[-1] == CallEnded("stdin")
