"""Oversight on the command line: `review`, `purge`, `export` and `kpis` (issue 6).

Each command opens the configured database and checks the user's permission first (setting
``user``; roles in ``agent-desk users``): reviewing cases needs a supervisor or ombudsman, purging
a supervisor, exporting and reading KPIs a supervisor or ombudsman. A refusal names the user, the
role and what was refused, and exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import click

from agent_desk.cli.errors import Refused
from agent_desk.notes import MIN_CLOSE_NOTE_CHARS

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from agent_desk.auth import Permission
    from agent_desk.db.oversight import ReviewItem
    from agent_desk.i18n import Lang


@contextmanager
def _opened(permission: Permission) -> Iterator[tuple[Engine, str, Lang]]:
    """The engine, the user and the UI language, once the user's permission is checked."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from agent_desk.auth import PermissionDenied, require
    from agent_desk.db.engine import make_engine
    from agent_desk.i18n import t
    from agent_desk.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        from agent_desk.cli.language import settings_error, settings_language

        ui = settings_language()
        raise Refused(settings_error(exc, ui), ui) from exc
    lang = settings.language
    engine: Engine | None = None
    try:
        engine = make_engine(settings.database_url)
        require(engine, settings.user, permission)
        yield engine, settings.user, lang
    except PermissionDenied as exc:
        raise Refused(t("oversight.denied", lang, detail=exc.describe(lang)), lang) from exc
    except (OperationalError, InterfaceError) as exc:
        error = (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0]
        raise Refused(t("oversight.db_unreachable", lang, error=error), lang) from exc
    finally:
        if engine is not None:
            engine.dispose()


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _event_names(types: tuple[str, ...] | list[str], lang: Lang) -> str:
    from agent_desk.i18n import t

    return ", ".join(t(f"event.{e}", lang).lower() for e in types) or "-"


def item_lines(item: ReviewItem, lang: Lang) -> list[str]:
    """A review case in a few plain lines."""
    from agent_desk.i18n import t

    lines = [
        t(
            "oversight.review.item",
            lang,
            kind=t(f"oversight.review.{item.kind}", lang),
            id=item.id,
            status=item.status,
            when=_when(item.created_at),
            desk=item.desk_id,
            call=item.call_ref,
            version=item.rule_set_version,
        )
    ]
    if item.kind == "override":
        lines.append(
            t(
                "oversight.review.item_action",
                lang,
                action=item.action_id or "-",
                suggestion_kind=item.suggestion_kind or "-",
            )
        )
        lines.append(t("oversight.review.item_rules", lang, rules=", ".join(item.rules) or "-"))
    lines.append(
        t("oversight.review.item_events", lang, events=_event_names(item.event_types, lang))
    )
    if item.set_aside_types:
        # Heard by the rules, set aside by the classifier veto: said only when it happened.
        names = _event_names(item.set_aside_types, lang)
        lines.append(t("oversight.review.item_set_aside", lang, events=names))
    lines.append(t("oversight.review.item_reason", lang, reason=item.reason))
    if item.status == "closed":
        lines.append(
            t(
                "oversight.review.item_closed",
                lang,
                when=_when(item.closed_at),
                by=item.closed_by or "-",
                note=item.closing_note or "",
            )
        )
    return lines


# -- review --------------------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Closed cases too, not only open ones.")
@click.pass_context
def review(ctx: click.Context, show_all: bool) -> None:
    """The review queue: overrides and emergency brakes, oldest first."""
    if ctx.invoked_subcommand is not None:
        return
    from agent_desk.auth import Permission
    from agent_desk.db.oversight import OversightLog
    from agent_desk.i18n import t

    with _opened(Permission.REVIEW_CASES) as (engine, _user, lang):
        items = OversightLog(engine, desk_id="review").review_queue("all" if show_all else "open")
    if not items:
        click.echo(t("oversight.review.empty" if show_all else "oversight.review.empty_open", lang))
        return
    for item in items:
        for line in item_lines(item, lang):
            click.echo(line)


@review.command("close")
@click.argument("kind", type=click.Choice(["override", "brake"]))
@click.argument("case_id", type=int)
@click.option(
    "--note",
    required=True,
    help=f"What was found and done, at least {MIN_CLOSE_NOTE_CHARS} characters "
    "(identifiers are redacted).",
)
def close(kind: str, case_id: int, note: str) -> None:
    """Close an override or brake case with a note."""
    from agent_desk.auth import Permission
    from agent_desk.db.oversight import CaseAlreadyClosed, CaseNotFound, OversightLog
    from agent_desk.i18n import t
    from agent_desk.notes import long_enough

    with _opened(Permission.REVIEW_CASES) as (engine, user, lang):
        what = t(f"oversight.review.{kind}", lang)
        if not long_enough(note, MIN_CLOSE_NOTE_CHARS):
            # The same floor as the supervisor screen's dialog.
            raise Refused(
                t("oversight.review.note_too_short", lang, min=MIN_CLOSE_NOTE_CHARS), lang
            )
        log = OversightLog(engine, desk_id="review")
        try:
            log.close_case(cast(Literal["override", "brake"], kind), case_id, note, user)
        except CaseNotFound as exc:
            raise Refused(
                t("oversight.review.not_found", lang, kind=what, id=case_id), lang
            ) from exc
        except CaseAlreadyClosed as exc:
            item = next(i for i in log.review_queue("all") if (i.kind, i.id) == (kind, case_id))
            raise Refused(
                t(
                    "oversight.review.already_closed",
                    lang,
                    kind=what,
                    id=case_id,
                    when=_when(item.closed_at),
                    by=item.closed_by or "-",
                ),
                lang,
            ) from exc
    click.echo(t("oversight.review.closed", lang, kind=what, id=case_id))


# -- retention -----------------------------------------------------------------------------------


@click.command()
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True,
              help="Delete decisions, reactions, closed cases older than DAYS.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def purge(days: int, dry_run: bool) -> None:
    """Delete data the retention policy no longer allows (open cases are kept)."""
    from agent_desk.auth import Permission
    from agent_desk.db.retention import purge as run_purge
    from agent_desk.i18n import t

    with _opened(Permission.PURGE_DATA) as (engine, _user, lang):
        counts = run_purge(engine, days, dry_run=dry_run)
    header = "oversight.purge.header_dry" if dry_run else "oversight.purge.header"
    click.echo(t(header, lang, days=days, cutoff=_when(counts.cutoff)))
    for name in ("decisions", "reactions", "consents", "overrides", "brakes"):
        click.echo(t(f"oversight.purge.{name}", lang, count=getattr(counts, name)))
    click.echo(t("oversight.purge.kept_open", lang, count=counts.open_cases_kept))


@click.command()
@click.option("--call", "call_ref", required=True, help="The call reference asked about.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON here (default: stdout).")  # fmt: skip
def export(call_ref: str, output: Path | None) -> None:
    """Everything stored about one call, as JSON (an access request, GDPR art. 15)."""
    from agent_desk.auth import Permission
    from agent_desk.db.retention import export_call
    from agent_desk.i18n import t

    with _opened(Permission.EXPORT_DATA) as (engine, _user, lang):
        data = export_call(engine, call_ref)
    sections = ("decisions", "reactions", "overrides", "brakes", "consents")
    payload = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        click.echo(payload)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(payload + "\n", encoding="utf-8")
    counts = {s: len(data[s]) for s in sections}
    if any(counts.values()):
        where = output or "stdout"
        message = t("oversight.export.written", lang, call=call_ref, path=where, **counts)
    else:
        message = t("oversight.export.nothing", lang, call=call_ref)
    click.echo(message, err=output is None)


# -- KPIs ----------------------------------------------------------------------------------------


@click.command()
@click.option("--since", "days", type=click.IntRange(min=1),
              help="Only the last DAYS days (default: all time).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the KPIs as JSON (with daily series).")
def kpis(days: int | None, as_json: bool) -> None:
    """Humane KPIs: harm prevented, help offered and accepted, overrides per rule, brakes."""
    from agent_desk.auth import Permission
    from agent_desk.db.kpis import compute_kpis
    from agent_desk.i18n import t

    since = datetime.now(UTC) - timedelta(days=days) if days else None
    with _opened(Permission.READ_KPIS) as (engine, _user, lang):
        result = compute_kpis(engine, since)
    if as_json:
        data: dict[str, Any] = {"since": since.isoformat() if since else None, **result.to_json()}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    say: Callable[..., None] = click.echo
    say(
        t("oversight.kpis.header", lang, since=_when(since))
        if since
        else t("oversight.kpis.header_all", lang)
    )
    for name in (
        "harmful_prevented",
        "help_offered",
        "help_accepted",
        "offers_shown_during_event",
        "brake_pulls",
    ):
        say(t(f"oversight.kpis.{name}", lang, value=getattr(result, name)))
    hours = result.median_hours_to_close
    value = (
        t("oversight.kpis.hours", lang, hours=f"{hours:g}")
        if hours is not None
        else t("oversight.kpis.no_closed", lang)
    )
    say(t("oversight.kpis.median_close", lang, value=value))
    if not result.overrides_per_rule:
        say(t("oversight.kpis.overrides_none", lang))
        return
    say(t("oversight.kpis.overrides_title", lang))
    for rule, count in result.overrides_per_rule.items():
        say(t("oversight.kpis.override_line", lang, rule=rule, count=count))
