"""`agent-desk replay FILE`: replay a conversation on a clock, as JSON Lines or on screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from agent_desk.library.yamlio import DataFileError


@click.command()
@click.argument("conversation")
@click.option("--no-ui", is_flag=True, help="Print a JSON Lines timeline instead of the screen.")
@click.option("--speed", type=click.FloatRange(0.25, 64), default=1.0, show_default=True,
              help="Clock: 1 is real time, 4 four times as fast.")  # fmt: skip
@click.option("--fast", is_flag=True, help="As fast as possible (no waiting between utterances).")
@click.option("--rules", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Judge with this rule set instead of the default.")  # fmt: skip
def replay(conversation: str, no_ui: bool, speed: float, fast: bool, rules: Path | None) -> None:
    """Replay a library conversation (a file path or a conversation id).

    The timeline has one JSON line per utterance: what was said, the life events heard and every
    active suggestion with the guard's verdict and the rules that fired at that moment.

    A replay keeps no decision log (training and development replays are not calls with a
    customer); `agent-desk live` does.
    """
    from agent_desk.cli.errors import Refused
    from agent_desk.cli.language import find_conversation, refusal, settings_language
    from agent_desk.feeds.replay import ReplayFeed
    from agent_desk.rulesource import load_active_rules
    from agent_desk.settings import SettingsError, load_settings
    from guards.rules import RuleSetError, load_rule_set

    try:
        settings = load_settings(feed="replay", **({"rules_file": rules} if rules else {}))
    except SettingsError as exc:
        ui = settings_language()
        raise Refused(refusal(exc, ui), ui) from exc
    try:
        conv = find_conversation(conversation)
        rule_set = load_rule_set(rules) if rules else None
        if no_ui and rule_set is None:
            rule_set = load_active_rules(settings)[0]
    except (DataFileError, RuleSetError) as exc:
        raise Refused(refusal(exc, settings.language), settings.language) from exc
    feed = ReplayFeed(conv, speed=None if fast else speed)
    from agent_desk.wiring import WiringError, make_nba

    if no_ui:
        from agent_desk.cli.timeline import print_timeline
        from agent_desk.session import CallSession

        assert rule_set is not None  # loaded above for a timeline
        try:
            nba = make_nba(settings, conv)
        except WiringError as exc:  # a missing source setting or plugin
            raise Refused(refusal(exc, settings.language), settings.language) from exc
        session = CallSession(
            rule_set=rule_set,
            nba=nba,
            lang=conv.lang,
            customer=conv.customer,
            call_id=conv.id,
            reason_lang=settings.language,
        )
        asyncio.run(print_timeline(feed, session, lang=settings.language))
        return
    from agent_desk.app import AgentDeskApp
    from agent_desk.cli.terminal import require_terminal

    try:
        app = AgentDeskApp(settings=settings, conversation=conv, feed=feed, rule_set=rule_set)
    except WiringError as exc:
        raise Refused(refusal(exc, settings.language), settings.language) from exc
    require_terminal(settings.language, "replay")
    app.run()
