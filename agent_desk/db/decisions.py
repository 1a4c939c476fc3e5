"""The decision log: append every guard decision, read them back per call (access requests)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.db.models import DecisionPublic, DecisionRecord
from guards.types import Decision, Suggestion


class DecisionLog:
    def __init__(self, engine: Engine, desk_id: str) -> None:
        self.engine = engine
        self.desk_id = desk_id

    def record(
        self,
        call_ref: str,
        items: Iterable[tuple[Suggestion, Decision]],
        event_types: Sequence[str] = (),
        set_aside_types: Sequence[str] = (),
    ) -> int:
        """Append decisions in one transaction; returns how many were written. ``event_types``
        are the customer's life events then; ``set_aside_types`` what the classifier veto set
        aside (kept apart, never counted as the customer's events)."""
        rows = [
            DecisionRecord(
                decision_id=d.decision_id,
                call_ref=call_ref,
                desk_id=self.desk_id,
                rule_set_version=d.rule_set_version,
                suggestion_id=s.id,
                action_id=s.action_id,
                kind=s.kind.value,
                verdict=d.verdict.value,
                rules=[r.rule for r in d.reasons],
                event_types=sorted(set(event_types)),
                set_aside_types=sorted(set(set_aside_types)),
            )
            for s, d in items
        ]
        with Session(self.engine) as session:
            session.add_all(rows)
            session.commit()
        return len(rows)

    def for_call(self, call_ref: str) -> list[DecisionPublic]:
        with Session(self.engine) as session:
            stmt = (
                select(DecisionRecord)
                .where(DecisionRecord.call_ref == call_ref)
                .order_by(col(DecisionRecord.id))
            )
            return [DecisionPublic.model_validate(r) for r in session.exec(stmt)]
