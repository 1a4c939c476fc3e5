"""`agent-desk run [CONVERSATION]`: open the call screen (default: the demo conversation)."""

from __future__ import annotations

import click

from agent_desk.library.yamlio import DataFileError
from agent_desk.settings import SettingsError, load_settings


@click.command()
@click.argument("conversation", required=False)
@click.option("--speed", type=click.FloatRange(0.25, 64), default=None,
              help="Replay clock (default: replay_speed setting).")  # fmt: skip
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="UI language.")
def run(
    conversation: str | None = None, speed: float | None = None, lang: str | None = None
) -> None:
    """Open the call screen, replaying CONVERSATION (a file or library id; default the demo)."""
    from agent_desk.cli.errors import Refused
    from agent_desk.cli.language import find_conversation, option_language, refusal
    from agent_desk.cli.terminal import require_terminal

    try:
        overrides = {"language": lang} if lang else {}
        settings = load_settings(**overrides)
    except SettingsError as exc:
        ui = option_language(lang)
        raise Refused(refusal(exc, ui), ui) from exc
    try:
        conv = find_conversation(conversation) if conversation else None
    except DataFileError as exc:
        raise Refused(refusal(exc, settings.language), settings.language) from exc
    from agent_desk.app import AgentDeskApp
    from agent_desk.wiring import WiringError

    try:  # a feed or source setting that is missing stops here, before the screen
        app = AgentDeskApp(
            settings=settings, conversation=conv, speed=speed or settings.replay_speed
        )
    except WiringError as exc:
        raise Refused(refusal(exc, settings.language), settings.language) from exc
    require_terminal(settings.language, "run")
    app.run()
