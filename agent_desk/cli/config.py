"""`agent-desk config`: print the effective settings and where they come from, as TOML (the
comment line and a refusal in the ``language`` setting, Dutch by default)."""

from __future__ import annotations

import click

from agent_desk.settings import SettingsError, config_file, load_settings


@click.command()
def config() -> None:
    """Print the effective settings (file, environment, defaults)."""
    from agent_desk.cli.errors import Refused
    from agent_desk.cli.language import refusal, settings_language
    from agent_desk.i18n import t

    try:
        settings = load_settings()
    except SettingsError as exc:
        lang = settings_language()
        raise Refused(refusal(exc, lang), lang) from exc
    # A TOML comment in every language: the "# " is ours, the words come from the catalogue.
    click.echo(f"# {t('cli.config.file', settings.language, path=config_file())}")
    for name, value in settings.model_dump().items():
        click.echo(f"{name} = {value!r}")
