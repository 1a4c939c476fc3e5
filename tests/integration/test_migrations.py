"""Schema migrations on SQLite and PostgreSQL: `upgrade head` gives exactly the models' schema,
downgrade undoes it, two desks starting at once both come up, and a database an older
agent-desk made with ``create_all`` is adopted with its rows kept."""

from __future__ import annotations

import threading
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from agent_desk.db import migrations
from agent_desk.db.engine import make_engine
from agent_desk.db.models import OverrideRecord

TABLES = {
    "decision", "override_log", "brake_case", "consent", "app_user", "reaction",
    "rule_set_version", "rule_change", "rule_dry_run",
}  # fmt: skip


def _diff(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, SQLModel.metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_head_gives_exactly_the_models_schema(engine: Engine) -> None:
    assert migrations.current(engine) == migrations.head()
    assert _tables(engine) == TABLES
    assert set(SQLModel.metadata.tables) == TABLES, "a new table needs a migration"
    assert _diff(engine) == []


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    migrations.downgrade(engine, "0001")
    assert _tables(engine) == TABLES - {"rule_set_version", "rule_change", "rule_dry_run"}
    migrations.downgrade(engine, "base")
    assert _tables(engine) == set()
    assert migrations.current(engine) is None
    migrations.upgrade(engine)
    assert _tables(engine) == TABLES
    assert _diff(engine) == []


_OLD_DECISION = (
    "INSERT INTO decision (decision_id, call_ref, desk_id, rule_set_version, suggestion_id, kind,"
    " verdict, rules, event_types, created_at) VALUES ('d-1', 'call-1', 'desk-1', '1.0.0', 's1',"
    " 'sales', 'hold', '[\"vulnerability.no-commercial\"]', '[\"bereavement\"]',"
    " CURRENT_TIMESTAMP)"
)


def _set_aside_column(engine: Engine) -> bool:
    return "set_aside_types" in {c["name"] for c in inspect(engine).get_columns("decision")}


def test_0003_adds_the_set_aside_kinds_to_decisions_already_logged(db_url: str) -> None:
    engine = create_engine(db_url, poolclass=NullPool)
    migrations.upgrade(engine, "0002")
    assert not _set_aside_column(engine)
    with engine.begin() as conn:
        conn.execute(text(_OLD_DECISION))
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head() == "0003"
    assert _diff(engine) == []
    from agent_desk.db.decisions import DecisionLog

    (row,) = DecisionLog(engine, "desk-1").for_call("call-1")
    assert (row.rules, row.event_types) == (["vulnerability.no-commercial"], ["bereavement"])
    assert row.set_aside_types == []
    # Back to 0002: the column goes, the decisions stay; and up again.
    migrations.downgrade(engine, "0002")
    assert not _set_aside_column(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT decision_id FROM decision")).scalars().all() == ["d-1"]
    migrations.upgrade(engine)
    assert _set_aside_column(engine)
    assert _diff(engine) == []
    (row,) = DecisionLog(engine, "desk-1").for_call("call-1")
    assert row.set_aside_types == []
    engine.dispose()


def test_make_engine_twice_is_a_no_op(db_url: str) -> None:
    first = make_engine(db_url)
    with first.begin() as conn:
        conn.execute(
            text("INSERT INTO app_user (name, role, active, created_at) "
                 "VALUES ('ans', 'supervisor', true, CURRENT_TIMESTAMP)")
        )  # fmt: skip
    second = make_engine(db_url)
    with second.connect() as conn:
        assert conn.execute(text("SELECT name FROM app_user")).scalars().all() == ["ans"]
    first.dispose()
    second.dispose()


def test_two_desks_starting_at_once_both_get_the_schema(db_url: str) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    engines: list[Engine] = []

    def start() -> None:
        try:
            barrier.wait()
            engines.append(make_engine(db_url))
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(engines) == 4
    assert migrations.current(engines[0]) == migrations.head()
    assert _diff(engines[0]) == []
    for e in engines:
        e.dispose()


# What `create_all` made before the override review columns, app_user and reaction existed.
_LEGACY_OVERRIDE_LOG = """
CREATE TABLE override_log (
    decision_id VARCHAR(64) NOT NULL, call_ref VARCHAR(80) NOT NULL, desk_id VARCHAR(64) NOT NULL,
    rule_set_version VARCHAR(64) NOT NULL, suggestion_id VARCHAR(200) NOT NULL,
    action_id VARCHAR(80), kind VARCHAR(20) NOT NULL, rules JSON NOT NULL,
    event_types JSON NOT NULL, reason VARCHAR(500) NOT NULL, id {serial} NOT NULL,
    created_at {ts} NOT NULL, PRIMARY KEY (id)
)"""


def test_a_database_made_by_create_all_is_adopted_and_keeps_its_rows(db_url: str) -> None:
    raw = create_engine(db_url, poolclass=NullPool)
    pg = raw.dialect.name == "postgresql"
    legacy = [SQLModel.metadata.tables[n] for n in ("decision", "brake_case", "consent")]
    SQLModel.metadata.create_all(raw, tables=legacy)
    with raw.begin() as conn:
        conn.execute(
            text(_LEGACY_OVERRIDE_LOG.format(serial="SERIAL" if pg else "INTEGER",
                                             ts="TIMESTAMP WITH TIME ZONE" if pg else "DATETIME"))
        )  # fmt: skip
        for column in ("call_ref", "created_at", "decision_id"):
            conn.execute(text(f"CREATE INDEX ix_override_log_{column} ON override_log ({column})"))
        conn.execute(
            text(
                "INSERT INTO override_log (decision_id, call_ref, desk_id, rule_set_version,"
                " suggestion_id, kind, rules, event_types, reason, created_at) VALUES"
                " ('d-1', 'call-1', 'desk-1', '1.0.0', 's1', 'sales', '[]', '[]', 'klant vroeg',"
                " CURRENT_TIMESTAMP)"
            )
        )
    raw.dispose()

    engine = make_engine(db_url)
    assert migrations.current(engine) == migrations.head()
    assert _tables(engine) == TABLES
    assert _diff(engine) == []
    from agent_desk.db.oversight import OversightLog

    (old,) = OversightLog(engine, "desk-1").overrides()
    assert (old.decision_id, old.reason, old.status) == ("d-1", "klant vroeg", "open")
    assert OverrideRecord.__tablename__ == "override_log"
    engine.dispose()
