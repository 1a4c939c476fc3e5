"""`agent-desk rules dry-run DRAFT.yaml`: what would change if this draft were published.

Replays the conversation library (or ``--conversations DIR``) with the draft and with the
published rules, prints a summary in plain words and one line per changed verdict, and writes the
full diff as JSON. A broken draft lists every problem and exits 1; an unusable conversation file
is listed and skipped.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from guards.rules import RuleSet

#: Changed verdicts printed one per line; the JSON diff has all of them.
MAX_LINES = 40


def _published(against: Path | None) -> tuple[RuleSet, str]:
    """The rule set to compare with, and one line saying where it came from."""
    from agent_desk.paths import default_rules
    from guards.rules import load_rule_set

    if against is not None:
        return load_rule_set(against), str(against)
    try:
        # S-rules' rule store: the organisation's published version (or its cached copy).
        rulesource = importlib.import_module("agent_desk.rulesource")
    except ImportError:
        return load_rule_set(default_rules()), f"{default_rules()} (shipped default)"
    from agent_desk.settings import load_settings

    active: tuple[RuleSet, str] = rulesource.load_active_rules(load_settings())
    return active


@click.command("dry-run")
@click.argument("draft", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--conversations", "folder",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of conversation files (default: the shipped library).")  # fmt: skip
@click.option("--against", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Compare with this rule set instead of the published one.")  # fmt: skip
@click.option("--json-out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Full diff as JSON here ('-': stdout; default: the data folder).")  # fmt: skip
def dry_run(draft: Path, folder: Path | None, against: Path | None, json_out: Path | None) -> None:
    """Replay conversations with DRAFT and with the published rules; show what changes."""
    from agent_desk.cli.errors import Refused
    from agent_desk.cli.language import settings_error, settings_language
    from agent_desk.dryrun import change_line, dry_run, load_conversations
    from agent_desk.i18n import t
    from agent_desk.paths import conversations_dir
    from agent_desk.problems import problem_line
    from agent_desk.settings import SettingsError, data_dir
    from guards.rules import RuleSetError, load_rule_set

    lang = settings_language()
    try:
        draft_rules = load_rule_set(draft)
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(problem_line(problem, lang), err=True)
        click.echo(t("oversight.dryrun.draft_invalid", lang, count=len(exc.problems)), err=True)
        raise SystemExit(1) from None
    try:
        published, source = _published(against)
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(problem_line(problem, lang), err=True)
        click.echo(t("oversight.dryrun.published_invalid", lang, count=len(exc.problems)), err=True)
        raise SystemExit(1) from None
    except SettingsError as exc:  # the published rules follow the settings (database, rules_file)
        raise Refused(settings_error(exc, lang), lang) from exc

    library = folder or conversations_dir()
    conversations, unusable = load_conversations(library, lang)
    out = sys.stderr if json_out is not None and str(json_out) == "-" else sys.stdout
    if not conversations:
        for line in unusable:
            click.echo(t("oversight.dryrun.skipped", lang, reason=line), err=True)
        click.echo(t("oversight.dryrun.no_conversations", lang, folder=library), err=True)
        raise SystemExit(1)
    report = asyncio.run(dry_run(draft_rules, published, conversations, unusable=unusable))

    click.echo(t("oversight.dryrun.published_from", lang, source=source), file=out)
    click.echo(report.summary(lang), file=out)
    for change in report.changes[:MAX_LINES]:
        click.echo("  " + change_line(change, lang), file=out)
    if len(report.changes) > MAX_LINES:
        click.echo(
            t("oversight.dryrun.more_lines", lang, count=len(report.changes) - MAX_LINES), file=out
        )
    for line in unusable:
        click.echo("  " + t("oversight.dryrun.skipped", lang, reason=line), file=out)

    payload = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    if json_out is not None and str(json_out) == "-":
        click.echo(payload)
        return
    if json_out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        json_out = data_dir() / "dry-runs" / f"dry-run-{draft_rules.id}-{stamp}.json"
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(payload + "\n", encoding="utf-8")
    click.echo(t("oversight.dryrun.json_written", lang, path=json_out), file=out)
