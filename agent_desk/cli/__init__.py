"""The `agent-desk` command line. Subcommands load lazily so `--help` and the UI start fast.

Each subcommand lives in its own module in this package; register it in ``_COMMANDS``.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import click

_COMMANDS: dict[str, str] = {
    "run": "agent_desk.cli.run:run",
    "replay": "agent_desk.cli.replay:replay",
    "live": "agent_desk.cli.live:live",
    "fixtures": "agent_desk.cli.fixtures:fixtures",
    "config": "agent_desk.cli.config:config",
    "detect": "agent_desk.cli.detect:detect",
    "eval": "agent_desk.cli.eval:eval_group",
    "guard": "agent_desk.cli.guard:guard",
    "rules": "agent_desk.cli.rules:rules",
    "train": "agent_desk.cli.train:train",
    "users": "agent_desk.cli.users:users",
    "review": "agent_desk.cli.oversight:review",
    "purge": "agent_desk.cli.oversight:purge",
    "export": "agent_desk.cli.oversight:export",
    "kpis": "agent_desk.cli.oversight:kpis",
    "supervise": "agent_desk.cli.supervise:supervise",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that subcommand runs (click's documented pattern)."""

    lazy: ClassVar[dict[str, str]] = _COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attr = self.lazy[cmd_name].split(":")
            command: Any = getattr(importlib.import_module(module_name), attr)
            return command  # type: ignore[no-any-return]
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(package_name="agent-desk")
@click.pass_context
def main(ctx: click.Context) -> None:
    """agent-desk: hears customers' life events and guards next-best-action suggestions.

    Without a subcommand, opens the call screen on the demo conversation.
    """
    if ctx.invoked_subcommand is None:
        from agent_desk.cli.run import run

        ctx.invoke(run)
