"""Tables. Decision records keep kinds, ids and rule ids, never raw transcript text.

SQLModel families in the FastAPI-template shape: ``*Base`` (shared fields), the ``table=True``
class, and ``*Public`` for what leaves the process (exports, APIs).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class DecisionBase(SQLModel):
    decision_id: str = Field(index=True, max_length=64)
    call_ref: str = Field(index=True, max_length=80)
    desk_id: str = Field(max_length=64)
    rule_set_version: str = Field(max_length=64)
    suggestion_id: str = Field(max_length=200)
    action_id: str | None = Field(default=None, max_length=80)
    kind: str = Field(max_length=20)
    verdict: str = Field(index=True, max_length=10)
    #: Ids of the rules that fired (no message text: that is derivable from the rule set version).
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Life-event types current at decision time (types only, no evidence text).
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class DecisionRecord(DecisionBase, table=True):
    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class DecisionPublic(DecisionBase):
    id: int
    created_at: datetime
