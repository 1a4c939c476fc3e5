"""Schema migrations (Alembic), configured in code and shipped inside the package.

:func:`upgrade` brings a database to the newest schema. It is what :func:`make_engine` calls on
every start, so it must be cheap when nothing is to do and safe when two desks start at once:
the whole upgrade runs in one transaction that first takes a lock (``pg_advisory_xact_lock`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite); the second desk waits, then finds nothing to do.
Both backends have transactional DDL, so a failed upgrade leaves the schema as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

_HERE = Path(__file__).resolve().parent
#: An arbitrary, fixed key for PostgreSQL's advisory lock ("agent-desk schema" in ASCII digits).
_PG_LOCK_KEY = 0x61676465736B


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    cfg.set_main_option("path_separator", "os")
    return cfg


@cache
def head() -> str:
    """The newest revision the code knows."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:  # pragma: no cover - the package ships its migrations
        raise RuntimeError("no migrations found")
    return revision


def current(engine: Engine) -> str | None:
    """The database's revision (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision`` under the migration lock; a no-op when already there."""
    if revision == "head" and current(engine) == head():
        return
    with _locked(engine) as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade to ``revision`` (``base`` drops every table the migrations made)."""
    with _locked(engine) as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that holds the database-wide migration lock."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            # One process owns an in-memory database: nobody to race with.
            with engine.begin() as conn:
                yield conn
            return
        # pysqlite opens transactions lazily and never for DDL; a separate engine that
        # issues BEGIN IMMEDIATE takes SQLite's write lock before the version is even read.
        locker = create_engine(engine.url, poolclass=NullPool, connect_args={"timeout": 60})
        event.listen(locker, "connect", _autocommit_driver)
        event.listen(locker, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        try:
            with locker.begin() as conn:
                yield conn
        finally:
            locker.dispose()
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        yield conn


def _autocommit_driver(dbapi_conn: Any, _record: Any) -> None:
    # Leave transaction control to the BEGIN above (SQLAlchemy's documented pysqlite recipe).
    dbapi_conn.isolation_level = None
