"""`agent-desk live`: guard a live call from a stream, a pipe or Amazon Connect.

``--stdin`` reads JSON Lines utterances (docs/feeds.md) and prints the judged timeline as JSON
Lines, so any contact-centre platform can pipe a transcript through the guard. ``--sse URL``
and ``--connect`` open the call screen (or print the timeline with ``--no-ui``). Either way every
new decision goes to the decision log; without a screen a summary line ends the call on stderr.
"""

from __future__ import annotations

import asyncio

import click

from agent_desk.settings import SettingsError, load_settings


@click.command()
@click.option("--stdin", "use_stdin", is_flag=True, help="Read JSON Lines utterances from stdin.")
@click.option("--sse", "sse_url", metavar="URL", help="Follow a Server-Sent Events stream.")
@click.option("--connect", "use_connect", is_flag=True,
              help="Follow an Amazon Connect Contact Lens call (connect_* settings).")  # fmt: skip
@click.option("--no-ui", is_flag=True, help="Print a JSON Lines timeline instead of the screen.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
              help="Call and reason language (default: the language setting).")  # fmt: skip
def live(
    use_stdin: bool, sse_url: str | None, use_connect: bool, no_ui: bool, lang: str | None
) -> None:
    """Guard a live call. With --stdin the timeline goes to stdout (the pipe is the input)."""
    from agent_desk.cli.errors import Misused, Refused
    from agent_desk.cli.language import option_language, refusal
    from agent_desk.cli.terminal import require_terminal
    from agent_desk.i18n import t
    from agent_desk.rulesource import load_active_rules
    from agent_desk.wiring import WiringError, make_feed, make_nba
    from guards.rules import RuleSetError

    chosen = [n for n, on in (("stdin", use_stdin), ("sse", bool(sse_url)),
                              ("connect", use_connect)) if on]  # fmt: skip
    if len(chosen) > 1:
        ui = option_language(lang)
        raise Misused(t("cli.live.one_source", ui), ui)
    overrides: dict[str, object] = {}
    if chosen:
        overrides["feed"] = chosen[0]
    if sse_url:
        overrides["feed_url"] = sse_url
    if lang:
        overrides["language"] = lang
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        ui = option_language(lang)
        raise Refused(refusal(exc, ui), ui) from exc
    if settings.feed == "replay":
        raise Misused(t("cli.live.no_source", settings.language), settings.language)
    on_screen = not (no_ui or settings.feed == "stdin")
    if on_screen:
        require_terminal(settings.language, "live")
    try:
        # Without a screen the rules are loaded here (the screen loads its own).
        rule_set = None if on_screen else load_active_rules(settings)[0]
        feed = make_feed(settings, None)
        nba = make_nba(settings, None)
    except (WiringError, RuleSetError) as exc:
        raise Refused(refusal(exc, settings.language), settings.language) from exc
    if rule_set is not None:
        from agent_desk.cli.decisionlog import CallDecisionLog
        from agent_desk.cli.timeline import print_timeline
        from agent_desk.session import CallSession

        session = CallSession(
            rule_set=rule_set,
            nba=nba,
            lang=settings.language,
            reason_lang=settings.language,
            nba_timeout_s=settings.nba_timeout_s,
        )
        # The guard advises and keeps a record: every new decision goes to the decision log
        # (spooled on this desk while the database is away), as on the call screen.
        decisions = CallDecisionLog(
            session, settings.database_url, settings.desk_id, settings.language
        )
        asyncio.run(print_timeline(feed, session, decisions=decisions, lang=settings.language))
        return
    from agent_desk.app import AgentDeskApp

    AgentDeskApp(settings=settings, feed=feed, nba=nba).run()
