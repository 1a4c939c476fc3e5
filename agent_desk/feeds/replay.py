"""Fixture replay: a conversation's utterances on a clock (real time, x N, or as fast as possible).

A trainer replay is this feed with a controllable clock: pause, resume, step one utterance,
change speed, seek. ``speed=None`` replays with no waiting at all (batch, tests, dry-runs).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    Feed,
    FeedEvent,
    FeedStatusChanged,
    UtteranceReceived,
)
from agent_desk.library.conversation import Conversation

MIN_SPEED = 0.25
MAX_SPEED = 64.0


class ReplayFeed(Feed):
    name = "replay"

    def __init__(self, conversation: Conversation, speed: float | None = 1.0) -> None:
        self.conversation = conversation
        self._speed = speed
        self._running = asyncio.Event()
        self._running.set()
        self._step_budget = 0
        self._wake = asyncio.Event()
        self._position = 0
        self._seek_to: int | None = None

    # -- clock controls (trainer) -------------------------------------------------------------
    @property
    def speed(self) -> float | None:
        return self._speed

    def set_speed(self, speed: float | None) -> None:
        if speed is not None:
            speed = min(MAX_SPEED, max(MIN_SPEED, speed))
        self._speed = speed
        self._wake.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()
        self._wake.set()

    def step(self) -> None:
        """Release exactly one more utterance while paused."""
        self._step_budget += 1
        self._wake.set()

    def seek(self, index: int) -> None:
        """Continue from utterance ``index`` (0-based) without waiting for the gap."""
        self._seek_to = max(0, min(index, len(self.conversation.utterances)))
        self._wake.set()

    @property
    def position(self) -> int:
        """How many utterances have been delivered."""
        return self._position

    # -- the feed -----------------------------------------------------------------------------
    def _status(self) -> FeedStatusChanged:
        if self.paused:
            return FeedStatusChanged("paused", "replay paused")
        label = "as fast as possible" if self._speed is None else f"x{self._speed:g}"
        return FeedStatusChanged("replay", f"replay {label}")

    async def _wait_gap(self, gap: float) -> None:
        """Sleep for ``gap`` call-seconds at the current speed; speed changes apply at once."""
        remaining = gap
        loop = asyncio.get_running_loop()
        while remaining > 0 and self._speed is not None and self._seek_to is None:
            if self.paused and self._step_budget == 0:
                return
            self._wake.clear()
            speed = self._speed
            started = loop.time()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=remaining / speed)
            except TimeoutError:
                return
            remaining -= (loop.time() - started) * speed

    async def events(self) -> AsyncIterator[FeedEvent]:
        conv = self.conversation
        yield CallStarted(conv.id, conv.lang)
        yield self._status()
        prev_t = conv.utterances[0].t if conv.utterances else 0.0
        while self._position < len(conv.utterances):
            if self._seek_to is not None:
                self._position, self._seek_to = self._seek_to, None
                if self._position >= len(conv.utterances):
                    break
                prev_t = conv.utterances[self._position].t
            while self.paused and self._step_budget == 0:
                yield self._status()
                self._wake.clear()
                await self._wake.wait()
                if not self.paused:
                    yield self._status()
            utterance = conv.utterances[self._position]
            stepping = self.paused and self._step_budget > 0
            if not stepping:
                await self._wait_gap(utterance.t - prev_t)
                if self._seek_to is not None:
                    continue
                if self.paused and self._step_budget == 0:
                    continue
            if self._step_budget > 0 and self.paused:
                self._step_budget -= 1
            prev_t = utterance.t
            self._position += 1
            yield UtteranceReceived(utterance.to_utterance(conv.lang))
        yield FeedStatusChanged("ended", "replay finished")
        yield CallEnded(conv.id)
