"""Create a table, or adopt the one an older agent-desk made with ``create_all`` before the
schema was migrated: add the columns and indexes it lacks, keep its rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


def create_or_adopt(
    name: str,
    columns: Callable[[], Sequence[Any]],
    indexes: Sequence[tuple[str, Sequence[str], bool]] = (),
    adopt_defaults: Mapping[str, str] | None = None,
) -> None:
    """``columns`` builds fresh Column (and constraint) objects: each belongs to one table.
    ``adopt_defaults`` gives a server default for a NOT NULL column added to a table that
    may already hold rows (older rows get that value)."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(name):
        op.create_table(name, *columns())
    else:
        have = {c["name"] for c in inspector.get_columns(name)}
        for column in columns():
            if not isinstance(column, sa.Column) or column.name in have or column.primary_key:
                continue
            default = (adopt_defaults or {}).get(column.name)
            if default is not None:
                column.server_default = sa.DefaultClause(default)
            elif not column.nullable:
                column.nullable = True  # an old row has no value to give it
            op.add_column(name, column)
    existing = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes(name)}
    for index_name, cols, unique in indexes:
        if index_name not in existing:
            op.create_index(index_name, name, list(cols), unique=unique)
