"""Oversight records: overrides of held suggestions, emergency brakes (cases a supervisor closes)
and the customer's consent to note a life event.

Every free-text field (an override reason, a brake reason, a closing note, a consent note) goes
through :func:`agent_desk.redact.redact` here, at the one door into the database, so no caller
can forget it. Nothing from the transcript is ever passed in: life events are kept as types only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.db.models import (
    MAX_NOTE_CHARS,
    BrakePublic,
    BrakeRecord,
    ConsentPublic,
    ConsentRecord,
    OverridePublic,
    OverrideRecord,
    utcnow,
)
from agent_desk.redact import redact
from guards.types import Decision, Suggestion, Verdict

#: How long a consented life-event note is kept unless policy says otherwise (GDPR art. 5(1)(e):
#: no longer than needed). Twelve months covers the follow-up of most life events.
CONSENT_RETENTION_DAYS = 365


class CaseNotFound(LookupError):
    """No brake case with that id."""


def _clean(text: str) -> str:
    return redact(text.strip())[:MAX_NOTE_CHARS]


def overridden_rules(decision: Decision) -> list[str]:
    """The enforced rules that held the suggestion: what the agent overrode."""
    enforced = [r for r in decision.reasons if r.enforcement == "enforce"]
    holding = [r.rule for r in enforced if r.verdict is Verdict.HOLD]
    return holding or [r.rule for r in enforced]


class OversightLog:
    def __init__(self, engine: Engine, desk_id: str) -> None:
        self.engine = engine
        self.desk_id = desk_id

    # -- overrides -----------------------------------------------------------------------------
    def record_override(
        self,
        call_ref: str,
        suggestion: Suggestion,
        decision: Decision,
        reason: str,
        event_types: Iterable[str] = (),
    ) -> OverridePublic:
        row = OverrideRecord(
            decision_id=decision.decision_id,
            call_ref=call_ref,
            desk_id=self.desk_id,
            rule_set_version=decision.rule_set_version,
            suggestion_id=suggestion.id,
            action_id=suggestion.action_id,
            kind=suggestion.kind.value,
            rules=overridden_rules(decision),
            event_types=sorted(set(event_types)),
            reason=_clean(reason),
        )
        return OverridePublic.model_validate(self._add(row))

    def overrides(self, call_ref: str | None = None) -> list[OverridePublic]:
        stmt = select(OverrideRecord).order_by(col(OverrideRecord.id))
        if call_ref is not None:
            stmt = stmt.where(OverrideRecord.call_ref == call_ref)
        with Session(self.engine) as session:
            return [OverridePublic.model_validate(r) for r in session.exec(stmt)]

    # -- emergency brakes ----------------------------------------------------------------------
    def record_brake(
        self,
        call_ref: str,
        reason: str,
        rule_set_version: str,
        event_types: Iterable[str] = (),
    ) -> BrakePublic:
        row = BrakeRecord(
            call_ref=call_ref,
            desk_id=self.desk_id,
            rule_set_version=rule_set_version,
            event_types=sorted(set(event_types)),
            reason=_clean(reason),
        )
        return BrakePublic.model_validate(self._add(row))

    def brakes(self, call_ref: str | None = None, status: str | None = None) -> list[BrakePublic]:
        stmt = select(BrakeRecord).order_by(col(BrakeRecord.id))
        if call_ref is not None:
            stmt = stmt.where(BrakeRecord.call_ref == call_ref)
        if status is not None:
            stmt = stmt.where(BrakeRecord.status == status)
        with Session(self.engine) as session:
            return [BrakePublic.model_validate(r) for r in session.exec(stmt)]

    def close_brake(self, brake_id: int, note: str, closed_by: str) -> BrakePublic:
        """A supervisor closes the case with a (redacted) note."""
        with Session(self.engine) as session:
            row = session.get(BrakeRecord, brake_id)
            if row is None:
                raise CaseNotFound(f"no emergency-brake case with id {brake_id}")
            row.status = "closed"
            row.closed_at = utcnow()
            row.closed_by = closed_by[:64]
            row.closing_note = _clean(note)
            session.add(row)
            session.commit()
            session.refresh(row)
            return BrakePublic.model_validate(row)

    # -- consent -------------------------------------------------------------------------------
    def record_consent(
        self,
        call_ref: str,
        event_type: str,
        note: str = "",
        *,
        retention_days: int = CONSENT_RETENTION_DAYS,
        now: datetime | None = None,
    ) -> ConsentPublic:
        at = now or utcnow()
        row = ConsentRecord(
            call_ref=call_ref,
            desk_id=self.desk_id,
            event_type=event_type,
            consented_at=at,
            retain_until=at + timedelta(days=retention_days),
            note=_clean(note),
        )
        return ConsentPublic.model_validate(self._add(row))

    def consents(self, call_ref: str | None = None) -> list[ConsentPublic]:
        stmt = select(ConsentRecord).order_by(col(ConsentRecord.id))
        if call_ref is not None:
            stmt = stmt.where(ConsentRecord.call_ref == call_ref)
        with Session(self.engine) as session:
            return [ConsentPublic.model_validate(r) for r in session.exec(stmt)]

    # -- plumbing ------------------------------------------------------------------------------
    def _add(
        self, row: OverrideRecord | BrakeRecord | ConsentRecord
    ) -> OverrideRecord | BrakeRecord | ConsentRecord:
        with Session(self.engine) as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return row
