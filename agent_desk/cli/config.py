"""`agent-desk config`: print the effective settings and where they come from."""

from __future__ import annotations

import click

from agent_desk.settings import SettingsError, config_file, load_settings


@click.command()
def config() -> None:
    """Print the effective settings (file, environment, defaults)."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"# config file: {config_file()}")
    for name, value in settings.model_dump().items():
        click.echo(f"{name} = {value!r}")
