"""`agent-desk supervise`: open the supervisor screen (rules, dry-run, publish, history, review
queue, KPIs) on the configured database. What the user may do follows their role."""

from __future__ import annotations

from pathlib import Path

import click

from agent_desk.settings import SettingsError, load_settings


@click.command()
@click.option("--user", default=None, help="Work as this user (default: the `user` setting).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="UI language.")
@click.option(
    "--conversations",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of conversations the dry-run replays (default: the shipped library).",
)
def supervise(user: str | None, lang: str | None, conversations: Path | None) -> None:
    """Open the supervisor screen."""
    from agent_desk.cli.errors import Refused
    from agent_desk.cli.language import option_language, settings_error
    from agent_desk.cli.terminal import require_terminal

    overrides: dict[str, str] = {}
    if user:
        overrides["user"] = user
    if lang:
        overrides["language"] = lang
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        ui = option_language(lang)
        raise Refused(settings_error(exc, ui), ui) from exc
    require_terminal(settings.language, "supervise")
    from agent_desk.screens.supervisor import SupervisorApp

    SupervisorApp(settings=settings, conversations=conversations).run()
