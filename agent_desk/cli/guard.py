"""`agent-desk guard check`: judge suggestions for a conversation, JSON in, JSON out.

The public contract is in docs/architecture.md: one JSON document on stdin, one on stdout.
Invalid input: one clear line on stderr naming the field (``error: <field>: <what>``, said in the
``language`` setting, Dutch by default), exit status 2, nothing on stdout.
A rule file that does not validate: its problems on stderr in the ``language`` setting, exit
status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from agent_desk.i18n import Lang
    from guards.document import InputError

#: A guard-check request is a conversation and some suggestions; beyond this it is not one.
MAX_INPUT_BYTES = 5_000_000


def _number(value: int, lang: Lang) -> str:
    """1,000,000 in English, 1.000.000 in Dutch."""
    return f"{value:,}".replace(",", "." if lang == "nl" else ",")


def _refuse(message: str) -> NoReturn:
    """The one line invalid input gets: ``error: `` (the contract's marker, in every language)
    and what is wrong; exit status 2."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(2)


def input_error(exc: InputError, lang: Lang) -> str:
    """``field: what is wrong`` for an invalid request, every field of it, in ``lang``."""
    from agent_desk.i18n import t
    from agent_desk.problems import problem_message

    if exc.problems:
        return "; ".join(f"{p.field}: {problem_message(p, lang)}" for p in exc.problems)
    if not exc.code:
        return str(exc)
    message = t(f"cli.guard.{exc.code}", lang, **exc.params)
    return f"{exc.field}: {message}" if exc.field else message


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
    from agent_desk.cli.language import settings_error, settings_language
    from agent_desk.i18n import t
    from guards.document import InputError, check, parse_request
    from guards.engine import Guard
    from guards.rules import RuleSetError, load_rule_set

    ui = settings_language()
    raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        _refuse(t("cli.guard.too_large", ui, limit=_number(MAX_INPUT_BYTES, ui)))
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        _refuse(t("cli.guard.not_utf8", ui))
    except json.JSONDecodeError as exc:
        # The JSON parser's own words stay English; the line number is ours.
        _refuse(t("cli.guard.not_json", ui, line=exc.lineno, detail=exc.msg))
    try:
        request = parse_request(data)
    except InputError as exc:
        _refuse(input_error(exc, ui))
    try:
        if rules_file is not None:
            rule_set = load_rule_set(rules_file)
        else:
            from agent_desk.rulesource import load_active_rules
            from agent_desk.settings import SettingsError, load_settings

            try:
                rule_set, _ = load_active_rules(load_settings())
            except SettingsError as exc:
                _refuse(settings_error(exc, ui))
    except RuleSetError as exc:
        from agent_desk.problems import problem_line

        for problem in exc.problems:
            click.echo(problem_line(problem, ui), err=True)
        raise SystemExit(1) from None
    try:
        answer = check(request, Guard(rule_set), lang)  # type: ignore[arg-type]
    except InputError as exc:
        _refuse(input_error(exc, ui))
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
