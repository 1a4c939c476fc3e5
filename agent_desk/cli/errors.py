"""A refusal already said in the user's language, and shown in it: Click would put its own English
``Error:`` in front of a Dutch sentence."""

from __future__ import annotations

from typing import IO, Any

import click

from agent_desk.i18n import Lang, t


class Refused(click.ClickException):
    """Exit 1 with ``Fout: <message>`` (or ``Error: <message>``) on stderr."""

    def __init__(self, message: str, lang: Lang) -> None:
        super().__init__(message)
        self.lang: Lang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(t("cli.error", self.lang, message=self.format_message()), file=file, err=True)


class Misused(click.UsageError):
    """A command asked for something it cannot do (exit 2, as Click's usage errors): ``Fout:
    <message>`` and where the help is, in the user's language."""

    def __init__(self, message: str, lang: Lang, ctx: click.Context | None = None) -> None:
        super().__init__(message, ctx)
        self.lang: Lang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(t("cli.error", self.lang, message=self.format_message()), file=file, err=True)
        if self.ctx is not None:
            hint = t("cli.usage_hint", self.lang, command=self.ctx.command_path)
            click.echo(hint, file=file, err=True)
