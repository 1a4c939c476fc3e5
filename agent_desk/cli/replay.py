"""`agent-desk replay FILE`: replay a conversation on a clock, as JSON Lines or on screen."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from agent_desk.feeds.base import FeedProblem, UtteranceReceived
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.library.load import load_conversation
from agent_desk.library.yamlio import DataFileError


async def _timeline(feed: ReplayFeed, rules: Path | None) -> None:
    from agent_desk.library.catalog import load_catalogs
    from agent_desk.nba.catalog import ScriptedSource
    from agent_desk.paths import catalog_dir, default_rules
    from agent_desk.session import CallSession
    from guards.rules import load_rule_set

    conv = feed.conversation
    session = CallSession(
        rule_set=load_rule_set(rules or default_rules()),
        nba=ScriptedSource(conv, load_catalogs(catalog_dir())),
        lang=conv.lang,
        customer=conv.customer,
        call_id=conv.id,
    )
    async for event in feed.events():
        if isinstance(event, UtteranceReceived):
            step = await session.process(event.utterance)
            sys.stdout.write(json.dumps(step.timeline_line(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif isinstance(event, FeedProblem):
            click.echo(f"feed problem: {event.message}", err=True)


@click.command()
@click.argument("conversation")
@click.option("--no-ui", is_flag=True, help="Print a JSON Lines timeline instead of the screen.")
@click.option("--speed", type=click.FloatRange(0.25, 64), default=1.0, show_default=True,
              help="Clock: 1 is real time, 4 four times as fast.")  # fmt: skip
@click.option("--fast", is_flag=True, help="As fast as possible (no waiting between utterances).")
@click.option("--rules", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Judge with this rule set instead of the default.")  # fmt: skip
def replay(conversation: str, no_ui: bool, speed: float, fast: bool, rules: Path | None) -> None:
    """Replay a library conversation (a file path or a conversation id)."""
    try:
        conv = load_conversation(conversation)
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if no_ui:
        from guards.rules import RuleSetError

        try:
            asyncio.run(_timeline(ReplayFeed(conv, speed=None if fast else speed), rules))
        except RuleSetError as exc:
            raise click.ClickException(str(exc)) from exc
        return
    from agent_desk.app import AgentDeskApp

    AgentDeskApp(conversation=conv, speed=None if fast else speed).run()
