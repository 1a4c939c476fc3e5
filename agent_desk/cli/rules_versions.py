"""`agent-desk rules draft|approve|publish|history|export`: rule-set versions in the database.

Every command acts as the desk's user (setting ``user``, ``AGENT_DESK_USER``) and is checked
against that user's role. A failure is one clear line on stderr (a refused publish adds one line
per reason, an invalid file one per problem) and exit status 1.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from agent_desk.i18n import Lang, t

P = ParamSpec("P")
R = TypeVar("R")


class _Context:
    """Settings, engine and repository, opened once per command."""

    def __init__(self) -> None:
        from agent_desk.db.engine import make_engine
        from agent_desk.db.rulesets import RuleRepository
        from agent_desk.settings import load_settings

        self.settings = load_settings()
        self.lang: Lang = self.settings.language
        self.user = self.settings.user
        self.engine = make_engine(self.settings.database_url)
        self.repo = RuleRepository(self.engine, lang=self.lang)

    def t(self, key: str, **values: object) -> str:
        return t(f"rulestore.cli.{key}", self.lang, **values)

    def __enter__(self) -> _Context:
        return self

    def __exit__(self, *_: object) -> None:
        self.engine.dispose()  # a CLI run leaves no connection behind


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    raise SystemExit(1)


def _lang() -> Lang:
    from agent_desk.settings import SettingsError, load_settings

    try:
        return load_settings().language
    except SettingsError:
        return "en"


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a supervisor can cause or meet into clear lines and exit 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from sqlalchemy.exc import SQLAlchemyError

        from agent_desk.auth import PermissionDenied
        from agent_desk.db.rulesets import PublishRefused, RuleStoreError
        from agent_desk.problems import problem_line
        from agent_desk.settings import SettingsError
        from guards.yamlsrc import DataError

        try:
            return command(*args, **kwargs)
        except SettingsError as exc:
            from agent_desk.cli.language import settings_error, settings_language

            _fail([settings_error(exc, settings_language())])
        except PermissionDenied as exc:
            _fail([exc.describe(_lang())])
        except PublishRefused as exc:
            _fail([str(exc).splitlines()[0], *(f"- {r}" for r in exc.reasons)])
        except RuleStoreError as exc:
            _fail([str(exc)])
        except DataError as exc:
            lang = _lang()
            _fail([problem_line(p, lang) for p in exc.problems])
        except SQLAlchemyError as exc:
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            error = first[0][:200] if first else type(exc).__name__
            _fail([t("rulestore.cli.db_unreachable", _lang(), error=error)])
        raise AssertionError("unreachable")  # pragma: no cover - _fail always exits

    return wrapper


def _rule_text(file: Path) -> str:
    """The YAML to store: the file as written, or merged when it extends or includes others
    (a stored version stands on its own)."""
    import yaml

    from guards.rules import load_rule_set

    rule_set = load_rule_set(file)  # validates with the file's own name and lines
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    if isinstance(raw, dict) and (raw.get("extends") or raw.get("includes")):
        merged = yaml.safe_dump(rule_set.export(), allow_unicode=True, sort_keys=False)
        return f"# Merged from {file.name} and the files it extends or includes.\n{merged}"
    return file.read_text(encoding="utf-8")


@click.command("draft")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--tests",
    "tests_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rule tests to keep with this version (default: FILE's .tests.yaml if there is one; "
    "without tests, publishing runs the shipped default tests).",
)
@click.option("--update", "update_id", type=int, help="Save FILE over draft ID instead.")
@click.option("--revision", type=int, help="With --update: the revision you edited.")
@one_line_errors
def draft(file: Path, tests_file: Path | None, update_id: int | None, revision: int | None) -> None:
    """Import FILE as a new draft (prints its id), or save it over a draft with --update."""
    from agent_desk.db.rulesets import compile_version
    from guards.ruletests import default_tests_path

    with _Context() as ctx:
        text = _rule_text(file)
        if update_id is not None:
            if revision is None:
                _fail([ctx.t("revision_needed")])
                return
            v = ctx.repo.save_draft(update_id, text, ctx.user, expected_revision=revision)
            click.echo(ctx.t("saved", id=v.id, label=v.label, revision=v.revision, user=ctx.user))
        else:
            sibling = default_tests_path(file)
            tests_path = tests_file or (sibling if sibling.is_file() else None)
            tests = tests_path.read_text(encoding="utf-8") if tests_path else None
            v = ctx.repo.import_yaml(text, ctx.user, source=file.name, tests_yaml=tests)
            rules = len(compile_version(v).rules)
            click.echo(
                ctx.t("drafted", id=v.id, label=v.label, revision=v.revision, rules=rules,
                      user=ctx.user)
            )  # fmt: skip
        loosened = ctx.repo.loosening(v.id)
        if loosened:
            click.echo(ctx.t("loosens"))
            for line in loosened:
                click.echo(f"  - {line}")


@click.command("approve")
@click.argument("version_id", metavar="ID", type=int)
@click.option("--revision", type=int, help="The revision you reviewed (refused if it changed).")
@one_line_errors
def approve(version_id: int, revision: int | None) -> None:
    """Approve draft ID as the second supervisor (not its author or last editor)."""
    with _Context() as ctx:
        v = ctx.repo.approve(version_id, ctx.user, expected_revision=revision)
        click.echo(ctx.t("approved", label=v.label, id=v.id, revision=v.revision, user=ctx.user))


@click.command("publish")
@click.argument("version_id", metavar="ID", type=int)
@one_line_errors
def publish(version_id: int) -> None:
    """Publish draft ID (runs its rule tests; retires the version now published)."""
    with _Context() as ctx:
        v = ctx.repo.publish(version_id, ctx.user)
        click.echo(ctx.t("published", label=v.label, id=v.id, user=ctx.user))


@click.command("history")
@click.option("--id", "version_id", type=int, help="Only this version.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@one_line_errors
def history(version_id: int | None, limit: int) -> None:
    """Who changed which rule-set version how and when, newest first."""
    from agent_desk.db.rulesets import change_note

    with _Context() as ctx:
        published = ctx.repo.published()
        what = f"{published.label} (id {published.id})" if published else ctx.t("shipped_default")
        click.echo(ctx.t("in_force", what=what))
        changes = ctx.repo.history(version_id)[:limit]
        if not changes:
            click.echo(ctx.t("no_history"))
        for c in changes:
            note = change_note(c, ctx.lang)
            summary = f"  {note}" if note else ""
            action = t(f"rulestore.action.{c.action}", ctx.lang)
            if action == f"rulestore.action.{c.action}":
                action = c.action
            click.echo(
                f"{c.at:%Y-%m-%d %H:%M} UTC  {c.actor:<12} {action:<10} {c.label} "
                f"(id {c.version_id}, rev {c.revision}){summary}"
            )


@click.command("export")
@click.argument("version_id", metavar="ID", type=int)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
@one_line_errors
def export(version_id: int, output: Path | None) -> None:
    """Print version ID's YAML (or write it to a file); anyone may read the rules."""
    with _Context() as ctx:
        text = ctx.repo.export_yaml(version_id)
        if output is None:
            click.echo(text, nl=not text.endswith("\n"))
            return
        output.write_text(text, encoding="utf-8")
        click.echo(ctx.t("exported", label=ctx.repo.get(version_id).label, file=output))
