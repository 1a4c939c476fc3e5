"""Helpers for feed tests: drain a feed with a time limit."""

from __future__ import annotations

import asyncio

from agent_desk.feeds.base import Feed, FeedEvent


async def collect(feed: Feed, limit_s: float = 5.0) -> list[FeedEvent]:
    """Every event the feed yields until it ends; fails the test if it takes over ``limit_s``."""
    out: list[FeedEvent] = []

    async def run() -> None:
        async for event in feed.events():
            out.append(event)

    await asyncio.wait_for(run(), timeout=limit_s)
    return out
