"""The replay feed: a fixture's utterances on a clock, with the trainer's controls."""

from __future__ import annotations

import asyncio
import time

from agent_desk.feeds.base import CallEnded, CallStarted, FeedStatusChanged, UtteranceReceived
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.library.conversation import Conversation


def _conv(gaps: list[float]) -> Conversation:
    t, utts = 0.0, []
    for i, gap in enumerate([0.0, *gaps]):
        t += gap
        utts.append({"id": f"u{i + 1}", "t": t, "speaker": "customer", "text": f"zin {i + 1}"})
    return Conversation.model_validate(
        {"id": "c", "title": "c", "lang": "nl", "org": "bank", "utterances": utts}
    )


async def _ids(feed: ReplayFeed) -> list[str]:
    return [e.utterance.id async for e in feed.events() if isinstance(e, UtteranceReceived)]


async def test_fast_replay_yields_every_utterance_in_order_framed_by_call_events() -> None:
    feed = ReplayFeed(_conv([30.0, 60.0]), speed=None)
    started = time.monotonic()
    events = [e async for e in feed.events()]
    assert time.monotonic() - started < 5  # 90 call-seconds did not wait
    assert isinstance(events[0], CallStarted)
    assert isinstance(events[-1], CallEnded)
    assert [e.utterance.id for e in events if isinstance(e, UtteranceReceived)] == [
        "u1", "u2", "u3",
    ]  # fmt: skip
    assert any(isinstance(e, FeedStatusChanged) and e.state == "ended" for e in events)


async def test_speed_divides_the_gaps() -> None:
    feed = ReplayFeed(_conv([0.4, 0.4]), speed=2.0)
    started = time.monotonic()
    assert await _ids(feed) == ["u1", "u2", "u3"]
    assert time.monotonic() - started >= 0.38  # 0.8 call-seconds at x2


async def test_pause_holds_and_step_releases_exactly_one() -> None:
    feed = ReplayFeed(_conv([0.0, 0.0, 0.0]), speed=None)
    feed.pause()
    got: list[str] = []

    async def consume() -> None:
        async for e in feed.events():
            if isinstance(e, UtteranceReceived):
                got.append(e.utterance.id)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.05)
    assert got == []
    feed.step()
    await asyncio.sleep(0.05)
    assert got == ["u1"]
    feed.step()
    await asyncio.sleep(0.05)
    assert got == ["u1", "u2"]
    feed.resume()
    await asyncio.wait_for(task, 2)
    assert got == ["u1", "u2", "u3", "u4"]


async def test_seek_skips_ahead_without_waiting() -> None:
    feed = ReplayFeed(_conv([100.0, 100.0, 100.0]), speed=1.0)
    feed.seek(2)
    got: list[str] = []

    async def consume() -> None:
        async for e in feed.events():
            if isinstance(e, UtteranceReceived):
                got.append(e.utterance.id)
                if e.utterance.id == "u3":
                    feed.seek(3)

    await asyncio.wait_for(consume(), 3.0)
    assert got == ["u3", "u4"]


def test_speed_is_clamped_to_the_trainer_range() -> None:
    feed = ReplayFeed(_conv([1.0]), speed=1.0)
    feed.set_speed(1000)
    assert feed.speed == 64.0
    feed.set_speed(0.01)
    assert feed.speed == 0.25
