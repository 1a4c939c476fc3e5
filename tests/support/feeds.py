"""Helpers for feed tests: drain a feed with a time limit; a feed a test pushes into."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from agent_desk.feeds.base import CallEnded, CallStarted, Feed, FeedEvent, UtteranceReceived
from nlp.types import Utterance


async def collect(feed: Feed, limit_s: float = 5.0) -> list[FeedEvent]:
    """Every event the feed yields until it ends; fails the test if it takes over ``limit_s``."""
    out: list[FeedEvent] = []

    async def run() -> None:
        async for event in feed.events():
            out.append(event)

    await asyncio.wait_for(run(), timeout=limit_s)
    return out


class PushFeed(Feed):
    """A live feed a test pushes utterances into, as a contact-centre platform would."""

    name = "push"

    def __init__(self, call_id: str | None = None) -> None:
        self.queue: asyncio.Queue[Utterance | None] = asyncio.Queue()
        #: A call id the platform announces; None: the feed makes one up ("push").
        self.call_id = call_id

    def push(self, *utterances: Utterance) -> None:
        for u in utterances:
            self.queue.put_nowait(u)

    def end(self) -> None:
        self.queue.put_nowait(None)

    async def events(self) -> AsyncIterator[FeedEvent]:
        yield CallStarted(self.call_id or "push", "nl", platform=self.call_id is not None)
        while (u := await self.queue.get()) is not None:
            yield UtteranceReceived(u)
        yield CallEnded("push")
