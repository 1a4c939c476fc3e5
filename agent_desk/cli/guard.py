"""`agent-desk guard check`: judge suggestions for a conversation, JSON in, JSON out.

The public contract is in docs/architecture.md: one JSON document on stdin, one on stdout.
Invalid input: one clear line on stderr naming the field, exit status 2, nothing on stdout.
A rule file that does not validate: its problems on stderr in the ``language`` setting (Dutch by
default), exit status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

#: A guard-check request is a conversation and some suggestions; beyond this it is not one.
MAX_INPUT_BYTES = 5_000_000


@click.group()
def guard() -> None:
    """The ethics guard: judge next-best-action suggestions."""


@guard.command("check")
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rule set to judge with (default: the published rule set).",
)
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    help="Language of the conversation and of the explanations (default: the input's `lang`, "
    "else detected).",
)
def check(rules_file: Path | None, lang: str | None) -> None:
    """Read one JSON request on stdin, write the decisions as one JSON document."""
    from guards.document import InputError, check, parse_request
    from guards.engine import Guard
    from guards.rules import RuleSetError, load_rule_set

    raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        click.echo(f"error: input is larger than {MAX_INPUT_BYTES:,} bytes", err=True)
        raise SystemExit(2)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        click.echo("error: input is not UTF-8 text", err=True)
        raise SystemExit(2) from None
    except json.JSONDecodeError as exc:
        click.echo(f"error: input is not valid JSON (line {exc.lineno}: {exc.msg})", err=True)
        raise SystemExit(2) from None
    try:
        request = parse_request(data)
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    try:
        if rules_file is not None:
            rule_set = load_rule_set(rules_file)
        else:
            from agent_desk.rulesource import load_active_rules
            from agent_desk.settings import SettingsError, load_settings

            try:
                rule_set, _ = load_active_rules(load_settings())
            except SettingsError as exc:
                click.echo(f"error: {exc}", err=True)
                raise SystemExit(2) from None
    except RuleSetError as exc:
        from agent_desk.cli.language import settings_language
        from agent_desk.problems import problem_line

        lang_ui = settings_language()
        for problem in exc.problems:
            click.echo(problem_line(problem, lang_ui), err=True)
        raise SystemExit(1) from None
    try:
        answer = check(request, Guard(rule_set), lang)  # type: ignore[arg-type]
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
