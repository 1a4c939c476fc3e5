"""The decision log keeps what the classifier veto set aside: ``decision.set_aside_types``.

Life-event types the rules heard and the opt-in classifier veto judged look-alikes, apart from
``event_types`` (which the humane KPIs count): types only, never text. Decisions logged before
this revision get an empty list. A database an older agent-desk made with ``create_all`` may
already have the column: it is then left as it is.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "decision"
COLUMN = "set_aside_types"


def _has_column() -> bool:
    columns = sa.inspect(op.get_bind()).get_columns(TABLE)
    return COLUMN in {c["name"] for c in columns}


def upgrade() -> None:
    if _has_column():
        return
    # SQLite copies the table in batch mode when it must; PostgreSQL alters it in place.
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(
            sa.Column(COLUMN, sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column(COLUMN)
