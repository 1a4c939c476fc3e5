"""The live SSE feed against real local servers: drops, garbage, silence, refusals."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import httpx

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    FeedEvent,
    FeedProblem,
    FeedStatusChanged,
    UtteranceReceived,
)
from agent_desk.feeds.parse import MAX_TEXT_CHARS
from agent_desk.feeds.sse import Backoff, SSEFeed
from tests.support.feeds import collect
from tests.support.servers import (
    RawSSEServer,
    SilentServer,
    SSECallServer,
    StatusServer,
    demo_call,
)

FAST = Backoff(initial=0.01, maximum=0.05)
SHORT = httpx.Timeout(connect=1.0, read=0.3, write=1.0, pool=1.0)


def _finals(events: list[FeedEvent]) -> list[str]:
    return [
        e.utterance.id for e in events if isinstance(e, UtteranceReceived) and e.utterance.final
    ]


def _states(events: list[FeedEvent]) -> list[str]:
    return [e.state for e in events if isinstance(e, FeedStatusChanged)]


def _problems(events: list[FeedEvent]) -> list[str]:
    return [e.message for e in events if isinstance(e, FeedProblem)]


async def test_a_whole_call_arrives_in_order() -> None:
    async with SSECallServer(demo_call(4)) as server:
        events = await collect(SSEFeed(f"{server.url}/stream", backoff=FAST))
    assert events[0] == FeedStatusChanged("connecting", f"connecting to 127.0.0.1:{server.port}")
    assert CallStarted("call-1", "nl") in events
    utts = [e.utterance for e in events if isinstance(e, UtteranceReceived)]
    assert [(u.id, u.final) for u in utts] == [
        (f"u{i}", final) for i in range(1, 5) for final in (False, True)
    ]
    assert utts[1].speaker == "customer"
    assert utts[3].speaker == "agent"
    assert utts[1].text == "zin nummer 1, met een é"
    assert events[-2:] == [FeedStatusChanged("ended", "call ended"), CallEnded("call-1")]
    assert _problems(events) == []


async def test_dropped_connections_resume_without_loss_or_duplicates() -> None:
    call = demo_call(6)
    # Drop twice mid-event; on each resume the server also resends one event already delivered.
    async with SSECallServer(call, drops=[4, 5], overlap=1) as server:
        feed = SSEFeed(f"{server.url}/stream", backoff=FAST)
        started = time.monotonic()
        events = await collect(feed)
        elapsed = time.monotonic() - started
    assert _finals(events) == [f"u{i}" for i in range(1, 7)]
    ids = [
        e.utterance.id + ("" if e.utterance.final else "p")
        for e in events
        if isinstance(e, UtteranceReceived)
    ]
    assert len(ids) == len(set(ids)), "an utterance was delivered twice"
    assert sum(isinstance(e, CallStarted) for e in events) == 1
    # The reconnects asked for exactly what had been delivered last.
    assert server.last_event_ids == [None, "e2p", "e4p"]
    reconnects = [
        e.detail for e in events if isinstance(e, FeedStatusChanged) and e.state == "reconnecting"
    ]
    assert len(reconnects) == 2
    assert all(d.startswith("reconnect 1 in ") and "connection dropped" in d for d in reconnects)
    assert _states(events).count("connected") == 3
    assert feed.parser.duplicates == 2
    assert elapsed < 2.0


async def test_garbage_is_reported_and_the_call_goes_on() -> None:
    huge = json.dumps({"id": "u2", "speaker": "customer", "text": "a" * 1_000_000})
    body = (
        b": keep-alive\n"
        b"this line has no colon at all\n\n"
        b"event: utterance\ndata: {not json\n\n"
        b"id: g1\nevent: utterance\ndata: [1, 2, 3]\n\n"
        b'event: sentiment\ndata: {"score": -1}\n\n'
        b'event: utterance\ndata: {"id": "u0", "speaker": "customer"}\n\n'
        b'event: utterance\ndata: {"id": "u1", "speaker": "customer", "text": "caf\xe9"}\n\n'
        + f"event: utterance\ndata: {huge}\n\n".encode()
        + b'event: utterance\ndata: {"id": "u3", "speaker": "klant", "text": "dank u"}\n\n'
        b'event: call_ended\ndata: {"call_id": "live"}\n\n'
    )
    async with RawSSEServer(body, chunk=4096) as server:
        events = await collect(SSEFeed(server.url, backoff=FAST))
    problems = _problems(events)
    assert any("not valid JSON" in p for p in problems)
    assert any(p.startswith("SSE event 'g1': expected a JSON object, got array") for p in problems)
    assert any("unknown event type 'sentiment'" in p for p in problems)
    assert any("missing field 'text'" in p for p in problems)
    assert any("invalid UTF-8" in p for p in problems)
    assert any("truncated to 20,000" in p for p in problems)
    assert _finals(events) == ["u1", "u2", "u3"]
    big = next(e for e in events if isinstance(e, UtteranceReceived) and e.utterance.id == "u2")
    assert len(big.utterance.text) == MAX_TEXT_CHARS
    assert events[-1] == CallEnded("live")
    assert "error" not in _states(events)


async def test_a_server_that_never_answers_times_out_is_retried_and_given_up() -> None:
    async with SilentServer() as server:
        feed = SSEFeed(server.url, timeout=SHORT, backoff=FAST, max_attempts=1)
        started = time.monotonic()
        events = await collect(feed)
        elapsed = time.monotonic() - started
    assert len(server.requests) == 2
    assert _states(events) == ["connecting", "reconnecting", "error"]
    reconnect = next(
        e for e in events if isinstance(e, FeedStatusChanged) and e.state == "reconnecting"
    )
    assert "no data within 0.3s" in reconnect.detail
    assert "gave up after 1 reconnects" in events[-1].detail  # type: ignore[union-attr]
    assert elapsed < 2.0


async def test_a_refused_connection_is_retried_with_growing_backoff() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens here
    events = await collect(SSEFeed(f"http://127.0.0.1:{port}/", backoff=FAST, max_attempts=3))
    details = [
        e.detail for e in events if isinstance(e, FeedStatusChanged) and e.state == "reconnecting"
    ]
    assert [d.split(" in ")[0] for d in details] == ["reconnect 1", "reconnect 2", "reconnect 3"]
    assert all("cannot connect" in d for d in details)
    assert _states(events)[-1] == "error"


async def test_errors_retrying_cannot_fix_end_the_feed_with_one_line() -> None:
    async with StatusServer(404) as server:
        events = await collect(SSEFeed(server.url, backoff=FAST))
    assert len(server.requests) == 1
    assert events[-1] == FeedStatusChanged("error", f"127.0.0.1:{server.port}: HTTP 404 Status")
    async with RawSSEServer(b"<html>hi</html>", content_type="text/html") as html:
        events = await collect(SSEFeed(html.url, backoff=FAST))
    assert events[-1].detail.endswith("not an event stream (Content-Type text/html)")  # type: ignore[union-attr]


async def test_a_server_error_is_retried_until_the_stream_works() -> None:
    async with StatusServer(503) as server:
        events = await collect(SSEFeed(server.url, backoff=FAST, max_attempts=2))
    assert len(server.requests) == 3
    assert "HTTP 503" in events[-1].detail  # type: ignore[union-attr]


async def test_aclose_stops_a_quiet_stream_at_once() -> None:
    async with SSECallServer(demo_call(1)[:3], hold=True) as server:
        feed = SSEFeed(server.url, backoff=FAST)
        out: list[FeedEvent] = []
        got_final = asyncio.Event()

        async def consume() -> None:
            async for event in feed.events():
                out.append(event)
                if isinstance(event, UtteranceReceived) and event.utterance.final:
                    got_final.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(got_final.wait(), timeout=3)
        await asyncio.sleep(0.05)  # the feed is now waiting for data that never comes
        started = time.monotonic()
        await feed.aclose()
        await asyncio.wait_for(task, timeout=3)
    assert time.monotonic() - started < 0.5
    assert out[-1] == FeedStatusChanged("ended", "feed closed")
    assert _finals(out) == ["u1"]


async def test_the_servers_retry_field_sets_the_reconnect_delay() -> None:
    # Our own backoff would wait 5 s; the server asks for 20 ms and is obeyed.
    async with SSECallServer(demo_call(2), drops=[3], retry_ms=20) as server:
        feed = SSEFeed(server.url, backoff=Backoff(initial=5.0, maximum=10.0))
        started = time.monotonic()
        events = await collect(feed)
    assert time.monotonic() - started < 1.0
    assert _finals(events) == ["u1", "u2"]
    assert "reconnect 1 in 0.0s: the connection dropped" in [
        e.detail for e in events if isinstance(e, FeedStatusChanged)
    ]
