"""The headless call loop shared by `replay --no-ui` and `live --no-ui`: feed in, one JSON line per
utterance out (events and judged suggestions), flushed as it happens so it works in a pipe.

A live call (`live --stdin`, `live --sse URL --no-ui`, `live --connect --no-ui`) hands every new
decision to the decision log, as the call screen does (:mod:`agent_desk.cli.decisionlog`), and ends
with a one-line summary on stderr. `replay --no-ui` passes no log: a replay of a library
conversation (training, development) is not a call with a customer and leaves no record.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, TextIO

import click

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    Feed,
    FeedProblem,
    FeedStatusChanged,
    UtteranceReceived,
)
from agent_desk.i18n import Lang, t
from agent_desk.session import CallSession

if TYPE_CHECKING:
    from agent_desk.cli.decisionlog import CallDecisionLog


async def print_timeline(
    feed: Feed,
    session: CallSession,
    out: TextIO | None = None,
    decisions: CallDecisionLog | None = None,
    lang: Lang | None = None,
) -> int:
    """Run the call to its end; returns how many utterances went through the pipeline.

    What goes wrong with the feed is said on stderr in ``lang`` (the ``language`` setting; by
    default the session's reason language): our words, the feed's own detail as it gives it.

    With ``decisions`` (live calls) each line's new decisions go to the decision log after the
    line is out; the writes run in a worker thread, so the timeline never waits for the database.
    Without it (``replay --no-ui``) nothing is recorded.
    """
    out = out or sys.stdout
    ui: Lang = lang or session.reason_lang or session.lang
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
                if decisions is not None and step.judged:
                    decisions.record(step.judged)
            elif isinstance(event, CallStarted) and event.platform:
                # The platform's call id names the call in the decision log and towards the
                # decisioning service (a made-up one does not).
                session.start_call(event.call_id)
            elif isinstance(event, FeedProblem):
                click.echo(t("cli.feed.problem", ui, message=event.message), err=True)
            elif isinstance(event, FeedStatusChanged) and event.state in ("error", "reconnecting"):
                click.echo(t(f"cli.feed.{event.state}", ui, detail=event.detail), err=True)
            elif isinstance(event, CallEnded):
                break
    finally:
        try:
            await feed.aclose()
            if session.nba is not None:
                await session.nba.aclose()
        finally:
            if decisions is not None:
                click.echo(await decisions.finish(), err=True)
    return count
