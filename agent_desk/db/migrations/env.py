"""Alembic environment, configured in code: :func:`agent_desk.db.migrations.upgrade` hands in
a connection that already holds the migration lock, so this only runs the scripts on it."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from agent_desk.db import models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "agent-desk migrations run through agent_desk.db.migrations.upgrade(engine), "
        "which supplies the connection"
    )

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    compare_type=True,
    # SQLite can only ALTER a table by copying it; batch mode does that for later migrations.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
