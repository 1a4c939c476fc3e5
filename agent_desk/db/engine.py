"""Create database engines for the configured URL and make sure the schema exists.

SQLite gets WAL and a busy timeout so two desks on one machine can write at once; PostgreSQL gets
a small pool with pre-ping so a database that went away is noticed instead of hanging a call.
The schema is Alembic's (:mod:`agent_desk.db.migrations`), never ``create_all``.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from agent_desk.db import migrations, models  # noqa: F401  (models: the tables' metadata)

#: How long a desk keeps trying to switch a new SQLite file to WAL while another desk holds it.
SQLITE_BUSY_S = 15.0


def _switch_to_wal(cur: Any) -> None:
    """``PRAGMA journal_mode=WAL``, retried while the file is locked.

    The switch needs the file to itself, and SQLite answers "database is locked" at once instead
    of waiting for its busy timeout; two desks opening a new database together hit that (about
    one start in seven in tests/integration/test_migrations.py). WAL is then kept in the file.
    """
    deadline = time.monotonic() + SQLITE_BUSY_S
    delay = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with the schema migrated to the newest revision (idempotent, and
    safe when several desks start at once; see :mod:`agent_desk.db.migrations`)."""
    connect_args: dict[str, Any] = {}
    if url.startswith("sqlite"):
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False, "timeout": 15}
        engine = create_engine(url, echo=echo, connect_args=connect_args)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            _switch_to_wal(cur)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    else:
        engine = create_engine(
            url, echo=echo, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 5}
        )
    migrations.upgrade(engine)
    return engine
