"""Versioned guard rule sets: versions, their audit trail and the dry runs on record.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from agent_desk.db.migrations._adopt import create_or_adopt

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
ONE_PUBLISHED = "uq_rule_set_version_one_published"


def _s(name: str, length: int, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Integer(), primary_key=True, nullable=False)


def _version() -> list[Any]:
    return [
        _s("org", 64),
        _s("rule_set_id", 80),
        _s("version", 64),
        _s("status", 20),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        _s("digest", 64),
        sa.Column("revision", sa.Integer(), nullable=False),
        _s("author", 64),
        _s("updated_by", 64),
        _s("published_by", 64, nullable=True),
        _s("approved_by", 64, nullable=True),
        sa.Column("approved_revision", sa.Integer(), nullable=True),
        sa.Column("dry_run_summary", sa.Text(), nullable=True),
        sa.Column("tests_yaml", sa.Text(), nullable=True),
        _id(),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("published_at", TZ, nullable=True),
        sa.Column("approved_at", TZ, nullable=True),
        sa.UniqueConstraint("org", "rule_set_id", "version", name="uq_rule_set_version_label"),
    ]


def _change() -> list[Any]:
    return [
        _s("org", 64),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("rule_set_version.id"), nullable=False),
        _s("label", 150),
        _s("action", 20),
        _s("actor", 64),
        sa.Column("revision", sa.Integer(), nullable=False),
        _s("summary", 4000),
        _id(),
        sa.Column("at", TZ, nullable=False),
    ]


def _dry_run() -> list[Any]:
    return [
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("rule_set_version.id"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("against_version_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("loosened", sa.Integer(), nullable=False),
        _s("author", 64),
        _id(),
        sa.Column("created_at", TZ, nullable=False),
    ]


def upgrade() -> None:
    create_or_adopt(
        "rule_set_version",
        _version,
        [
            ("ix_rule_set_version_org", ["org"], False),
            ("ix_rule_set_version_status", ["status"], False),
        ],
    )
    indexes = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("rule_set_version")}
    if ONE_PUBLISHED not in indexes:
        # One published version per organisation, held by the database itself.
        published = sa.text("status = 'published'")
        op.create_index(
            ONE_PUBLISHED,
            "rule_set_version",
            ["org"],
            unique=True,
            sqlite_where=published,
            postgresql_where=published,
        )
    create_or_adopt(
        "rule_change",
        _change,
        [
            ("ix_rule_change_at", ["at"], False),
            ("ix_rule_change_org", ["org"], False),
            ("ix_rule_change_version_id", ["version_id"], False),
        ],
    )
    create_or_adopt(
        "rule_dry_run", _dry_run, [("ix_rule_dry_run_version_id", ["version_id"], False)]
    )


def downgrade() -> None:
    op.drop_table("rule_dry_run")
    op.drop_table("rule_change")
    op.drop_table("rule_set_version")
