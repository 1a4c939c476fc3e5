"""Baseline: the decision log, oversight records, consents, users and reactions.

Adopts a database an older agent-desk created with ``create_all`` (no ``alembic_version``):
missing tables, columns and indexes are added and its rows are kept.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from agent_desk.db.migrations._adopt import create_or_adopt

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _s(name: str, length: int, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Integer(), primary_key=True, nullable=False)


def _decision() -> list[sa.Column[Any]]:
    return [
        _s("decision_id", 64),
        _s("call_ref", 80),
        _s("desk_id", 64),
        _s("rule_set_version", 64),
        _s("suggestion_id", 200),
        _s("action_id", 80, nullable=True),
        _s("kind", 20),
        _s("verdict", 10),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        _id(),
        sa.Column("created_at", TZ, nullable=False),
    ]


def _review() -> list[sa.Column[Any]]:
    """The review columns overrides and brake cases share."""
    return [
        _s("reason", 500),
        _s("status", 10),
        sa.Column("closed_at", TZ, nullable=True),
        _s("closed_by", 64, nullable=True),
        _s("closing_note", 500, nullable=True),
        _id(),
        sa.Column("created_at", TZ, nullable=False),
    ]


def _override_log() -> list[sa.Column[Any]]:
    return [
        _s("decision_id", 64),
        _s("call_ref", 80),
        _s("desk_id", 64),
        _s("rule_set_version", 64),
        _s("suggestion_id", 200),
        _s("action_id", 80, nullable=True),
        _s("kind", 20),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        *_review(),
    ]


def _brake_case() -> list[sa.Column[Any]]:
    return [
        _s("call_ref", 80),
        _s("desk_id", 64),
        _s("rule_set_version", 64),
        sa.Column("event_types", sa.JSON(), nullable=False),
        *_review(),
    ]


def _consent() -> list[sa.Column[Any]]:
    return [
        _s("call_ref", 80),
        _s("desk_id", 64),
        _s("event_type", 40),
        sa.Column("consented_at", TZ, nullable=False),
        sa.Column("retain_until", TZ, nullable=False),
        _s("note", 500),
        _id(),
    ]


def _app_user() -> list[sa.Column[Any]]:
    return [
        _s("name", 64),
        _s("role", 20),
        sa.Column("active", sa.Boolean(), nullable=False),
        _id(),
        sa.Column("created_at", TZ, nullable=False),
    ]


def _reaction() -> list[sa.Column[Any]]:
    return [
        _s("decision_id", 64),
        _s("call_ref", 80),
        _s("desk_id", 64),
        _s("suggestion_id", 200),
        _s("action_id", 80, nullable=True),
        _s("kind", 20),
        _s("reaction", 12),
        _s("reason_code", 24, nullable=True),
        _id(),
        sa.Column("created_at", TZ, nullable=False),
    ]


def _ix(table: str, *columns: str, unique: bool = False) -> list[tuple[str, list[str], bool]]:
    return [(f"ix_{table}_{c}", [c], unique) for c in columns]


def upgrade() -> None:
    create_or_adopt(
        "decision", _decision, _ix("decision", "call_ref", "created_at", "decision_id", "verdict")
    )
    create_or_adopt(
        "override_log",
        _override_log,
        _ix("override_log", "call_ref", "created_at", "decision_id", "status"),
        adopt_defaults={"status": "open"},
    )
    create_or_adopt(
        "brake_case",
        _brake_case,
        _ix("brake_case", "call_ref", "created_at", "status"),
        adopt_defaults={"status": "open"},
    )
    create_or_adopt("consent", _consent, _ix("consent", "call_ref", "retain_until"))
    create_or_adopt("app_user", _app_user, _ix("app_user", "name", unique=True))
    create_or_adopt(
        "reaction",
        _reaction,
        _ix("reaction", "call_ref", "created_at", "decision_id", "reaction"),
    )


def downgrade() -> None:
    for table in ("reaction", "app_user", "consent", "brake_case", "override_log", "decision"):
        op.drop_table(table)
