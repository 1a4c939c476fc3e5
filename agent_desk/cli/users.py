"""`agent-desk users add|list|deactivate`: who works here and in which role.

Acts as the desk's user (``AGENT_DESK_USER``), who needs the ``manage_users`` permission
(supervisors), with one exception to get started: while the table is empty, anyone may add the
first user, and that user must be a supervisor. Users are deactivated, never deleted, so the
names in the rule history and the review queue keep meaning something.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_desk.auth import Permission, Role, require
from agent_desk.cli.rules_versions import one_line_errors
from agent_desk.db.models import UserRecord
from agent_desk.i18n import Lang, t
from agent_desk.settings import Settings

_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


@contextmanager
def _open() -> Iterator[tuple[Settings, Engine]]:
    from agent_desk.db.engine import make_engine
    from agent_desk.settings import load_settings

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        yield settings, engine
    finally:
        engine.dispose()  # a CLI run leaves no connection behind


def _refuse(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(1)


def _count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(UserRecord)).one())


@click.group()
def users() -> None:
    """Users and their roles (agent, trainer, supervisor, ombudsman)."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="What they may do."
)
@one_line_errors
def add(name: str, role: str) -> None:
    """Add NAME with a role (or reactivate them).

    Needs a supervisor (AGENT_DESK_USER). To get started, the very first user may be added by
    anyone, and must be a supervisor: agent-desk users add NAME --role supervisor.
    """
    with _open() as (settings, engine):
        lang: Lang = settings.language
        if not _NAME.match(name):
            _refuse(t("users.bad_name", lang))
        with Session(engine) as session:
            if _count(session) == 0:
                if role != Role.SUPERVISOR:
                    _refuse(t("users.first_must_be_supervisor", lang))
            else:
                require(engine, settings.user, Permission.MANAGE_USERS)
            row = session.exec(select(UserRecord).where(UserRecord.name == name)).first()
            if row is not None and row.active:
                _refuse(t("users.exists", lang, name=name, role=row.role))
            message = "users.reactivated" if row is not None else "users.added"
            if row is None:
                row = UserRecord(name=name, role=role)
            row.role, row.active = role, True
            session.add(row)
            session.commit()
        click.echo(t(message, lang, name=name, role=role))


@users.command("list")
@one_line_errors
def list_users() -> None:
    """Everyone with a role, active or not (needs a supervisor)."""
    with _open() as (settings, engine):
        lang: Lang = settings.language
        with Session(engine) as session:
            if _count(session) == 0:
                click.echo(t("users.none", lang))
                return
            require(engine, settings.user, Permission.MANAGE_USERS)
            rows = session.exec(select(UserRecord).order_by(col(UserRecord.name))).all()
        click.echo(t("users.header", lang))
        for r in rows:
            active = t("users.yes" if r.active else "users.no", lang)
            click.echo(f"{r.name} | {r.role} | {active} | {r.created_at:%Y-%m-%d}")


@users.command("deactivate")
@click.argument("name")
@one_line_errors
def deactivate(name: str) -> None:
    """Deactivate NAME: from then on they act as an agent. The last supervisor stays."""
    with _open() as (settings, engine):
        lang: Lang = settings.language
        require(engine, settings.user, Permission.MANAGE_USERS)
        with Session(engine) as session:
            row = session.exec(select(UserRecord).where(UserRecord.name == name)).first()
            if row is None:
                _refuse(t("users.unknown", lang, name=name))
                return
            if row.role == Role.SUPERVISOR and row.active:
                supervisors = session.exec(
                    select(func.count())
                    .select_from(UserRecord)
                    .where(UserRecord.role == Role.SUPERVISOR.value)
                    .where(col(UserRecord.active))
                ).one()
                if supervisors <= 1:
                    _refuse(t("users.last_supervisor", lang, name=name))
            row.active = False
            session.add(row)
            session.commit()
        click.echo(t("users.deactivated", lang, name=name))
