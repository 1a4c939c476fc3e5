"""The headless call loop shared by `replay --no-ui` and `live --no-ui`: feed in, one JSON line per
utterance out (events and judged suggestions), flushed as it happens so it works in a pipe."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click

from agent_desk.feeds.base import CallEnded, Feed, FeedProblem, FeedStatusChanged, UtteranceReceived
from agent_desk.session import CallSession


async def print_timeline(feed: Feed, session: CallSession, out: TextIO | None = None) -> int:
    """Run the call to its end; returns how many utterances went through the pipeline."""
    out = out or sys.stdout
    count = 0
    try:
        async for event in feed.events():
            if isinstance(event, UtteranceReceived):
                step = await session.process(event.utterance)
                if not event.utterance.final:
                    continue
                out.write(json.dumps(step.timeline_line(), ensure_ascii=False) + "\n")
                out.flush()
                count += 1
            elif isinstance(event, FeedProblem):
                click.echo(f"feed problem: {event.message}", err=True)
            elif isinstance(event, FeedStatusChanged) and event.state in ("error", "reconnecting"):
                click.echo(f"feed {event.state}: {event.detail}", err=True)
            elif isinstance(event, CallEnded):
                break
    finally:
        await feed.aclose()
        if session.nba is not None:
            await session.nba.aclose()
    return count
