"""Oversight records: overrides of held suggestions, emergency brakes (cases a supervisor closes),
the customer's consent to note a life event, and the agent's reactions to shown suggestions.

The review queue puts overrides and brakes side by side, oldest first, with their context (rules,
life-event types, reason, desk, time; for an override also what the classifier veto set aside,
from the decision log) for a supervisor or ombudsman to close with a note.

Every free-text field (an override reason, a brake reason, a closing note, a consent note) goes
through :func:`agent_desk.redact.redact` here, at the one door into the database, so no caller
can forget it. Nothing from the transcript is ever passed in: life events are kept as types only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, TypeVar, get_args

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.auth import Permission, require
from agent_desk.db.models import (
    MAX_NOTE_CHARS,
    BrakePublic,
    BrakeRecord,
    ConsentPublic,
    ConsentRecord,
    DecisionRecord,
    OverridePublic,
    OverrideRecord,
    ReactionPublic,
    ReactionRecord,
    as_utc,
    utcnow,
)
from agent_desk.redact import redact
from guards.types import Decision, Suggestion, Verdict

#: How long a consented life-event note is kept unless policy says otherwise (GDPR art. 5(1)(e):
#: no longer than needed). Twelve months covers the follow-up of most life events.
CONSENT_RETENTION_DAYS = 365


CaseKind = Literal["override", "brake"]
ReactionKind = Literal["accepted", "dismissed", "overridden"]
#: Why an agent dismissed a suggestion: codes only, never free text (see the call screen).
REASON_CODES = ("not_relevant", "customer_declined", "not_now", "other")


class CaseNotFound(LookupError):
    """No brake case (or override) with that id."""


class CaseAlreadyClosed(ValueError):
    """The case was closed before; its note is not overwritten."""


@dataclass(frozen=True)
class ReviewItem:
    """One case in the review queue: an override of a held suggestion or an emergency brake."""

    kind: CaseKind
    id: int
    created_at: datetime
    call_ref: str
    desk_id: str
    rule_set_version: str
    #: Rules involved: for an override the hold it overrode; a brake names none.
    rules: tuple[str, ...]
    event_types: tuple[str, ...]
    #: The agent's reason, redacted.
    reason: str
    status: str
    #: For overrides: the suggestion's catalogue action and kind.
    action_id: str | None = None
    suggestion_kind: str | None = None
    decision_id: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    closing_note: str | None = None
    #: For overrides: the life-event types the classifier veto set aside when the overridden
    #: decision was logged (from the decision log; shown apart, never counted). Empty for brakes.
    set_aside_types: tuple[str, ...] = ()

    @classmethod
    def of_override(cls, o: OverridePublic) -> ReviewItem:
        return cls(
            kind="override", id=o.id, created_at=o.created_at, call_ref=o.call_ref,
            desk_id=o.desk_id, rule_set_version=o.rule_set_version, rules=tuple(o.rules),
            event_types=tuple(o.event_types), reason=o.reason, status=o.status,
            action_id=o.action_id, suggestion_kind=o.kind, decision_id=o.decision_id,
            closed_at=o.closed_at, closed_by=o.closed_by, closing_note=o.closing_note,
        )  # fmt: skip

    @classmethod
    def of_brake(cls, b: BrakePublic) -> ReviewItem:
        return cls(
            kind="brake", id=b.id, created_at=b.created_at, call_ref=b.call_ref,
            desk_id=b.desk_id, rule_set_version=b.rule_set_version, rules=(),
            event_types=tuple(b.event_types), reason=b.reason, status=b.status,
            closed_at=b.closed_at, closed_by=b.closed_by, closing_note=b.closing_note,
        )  # fmt: skip


def _clean(text: str) -> str:
    return redact(text.strip())[:MAX_NOTE_CHARS]


_Row = TypeVar("_Row", OverrideRecord, BrakeRecord, ConsentRecord, ReactionRecord)
_Case = TypeVar("_Case", OverrideRecord, BrakeRecord)


def _close(row: OverrideRecord | BrakeRecord, note: str, closed_by: str) -> None:
    if row.status == "closed":
        when = as_utc(row.closed_at)
        raise CaseAlreadyClosed(
            f"case {row.id} was already closed"
            + (f" on {when:%Y-%m-%d %H:%M} UTC" if when else "")
            + (f" by {row.closed_by}" if row.closed_by else "")
        )
    row.status = "closed"
    row.closed_at = utcnow()
    row.closed_by = closed_by[:64]
    row.closing_note = _clean(note)


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

    def overrides(
        self, call_ref: str | None = None, status: str | None = None
    ) -> list[OverridePublic]:
        stmt = select(OverrideRecord).order_by(col(OverrideRecord.id))
        if call_ref is not None:
            stmt = stmt.where(OverrideRecord.call_ref == call_ref)
        if status is not None:
            stmt = stmt.where(OverrideRecord.status == status)
        with Session(self.engine) as session:
            return [OverridePublic.model_validate(r) for r in session.exec(stmt)]

    def close_override(self, override_id: int, note: str, closed_by: str) -> OverridePublic:
        """A supervisor (or ombudsman) closes the override case with a (redacted) note."""
        row = self._close_row(OverrideRecord, override_id, note, closed_by, "override")
        return OverridePublic.model_validate(row)

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
        row = self._close_row(BrakeRecord, brake_id, note, closed_by, "emergency-brake case")
        return BrakePublic.model_validate(row)

    def _close_row(
        self,
        model: type[_Case],
        case_id: int,
        note: str,
        closed_by: str,
        what: str,
    ) -> _Case:
        """Close one case row under a row lock, so two reviewers cannot both close it."""
        with Session(self.engine) as session:
            row = session.get(model, case_id, with_for_update=True)
            if row is None:
                raise CaseNotFound(f"no {what} with id {case_id}")
            _close(row, note, closed_by)
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    # -- the review queue -----------------------------------------------------------------------
    def review_queue(self, status: str = "open") -> list[ReviewItem]:
        """Overrides and brakes with their context, oldest first. ``status``: ``open``,
        ``closed`` or ``all``."""
        if status not in ("open", "closed", "all"):
            raise ValueError(f"status must be open, closed or all, not {status!r}")
        wanted = None if status == "all" else status
        overrides = self.overrides(status=wanted)
        set_aside = self._set_aside_for(overrides)
        items = [
            replace(
                ReviewItem.of_override(o),
                set_aside_types=set_aside.get((o.call_ref, o.decision_id), ()),
            )
            for o in overrides
        ]
        items += [ReviewItem.of_brake(b) for b in self.brakes(status=wanted)]
        return sorted(items, key=lambda i: (i.created_at, i.kind, i.id))

    def _set_aside_for(
        self, overrides: list[OverridePublic]
    ) -> dict[tuple[str, str], tuple[str, ...]]:
        """(call, decision id) -> what the classifier veto set aside when that decision was
        logged, from the decision log (types only)."""
        ids = sorted({o.decision_id for o in overrides})
        if not ids:
            return {}
        stmt = select(
            DecisionRecord.call_ref, DecisionRecord.decision_id, DecisionRecord.set_aside_types
        ).where(col(DecisionRecord.decision_id).in_(ids))
        found: dict[tuple[str, str], set[str]] = {}
        with Session(self.engine) as session:
            for call_ref, decision_id, kinds in session.exec(stmt):
                found.setdefault((call_ref, decision_id), set()).update(kinds or ())
        return {key: tuple(sorted(kinds)) for key, kinds in found.items() if kinds}

    def close_case(self, kind: CaseKind, case_id: int, note: str, user: str) -> ReviewItem:
        """Close an override or brake as ``user``, who needs the review permission (supervisor
        or ombudsman). The app and the CLI both close cases through here."""
        require(self.engine, user, Permission.REVIEW_CASES)
        if kind == "override":
            return ReviewItem.of_override(self.close_override(case_id, note, user))
        if kind == "brake":
            return ReviewItem.of_brake(self.close_brake(case_id, note, user))
        raise ValueError(f"a case is an override or a brake, not {kind!r}")

    # -- reactions -----------------------------------------------------------------------------
    def record_reaction(
        self,
        call_ref: str,
        suggestion: Suggestion,
        decision: Decision,
        reaction: ReactionKind,
        reason_code: str | None = None,
    ) -> ReactionPublic:
        """What the agent did with a shown suggestion (codes only: the humane KPIs count help
        accepted). A free-text reason is never stored here; an unknown code becomes ``other``."""
        if reaction not in get_args(ReactionKind):
            raise ValueError(f"reaction must be accepted, dismissed or overridden: {reaction!r}")
        code = None
        if reason_code is not None:
            code = reason_code if reason_code in REASON_CODES else "other"
        row = ReactionRecord(
            decision_id=decision.decision_id,
            call_ref=call_ref,
            desk_id=self.desk_id,
            suggestion_id=suggestion.id,
            action_id=suggestion.action_id,
            kind=suggestion.kind.value,
            reaction=reaction,
            reason_code=code,
        )
        return ReactionPublic.model_validate(self._add(row))

    def reactions(self, call_ref: str | None = None) -> list[ReactionPublic]:
        stmt = select(ReactionRecord).order_by(col(ReactionRecord.id))
        if call_ref is not None:
            stmt = stmt.where(ReactionRecord.call_ref == call_ref)
        with Session(self.engine) as session:
            return [ReactionPublic.model_validate(r) for r in session.exec(stmt)]

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
    def _add(self, row: _Row) -> _Row:
        with Session(self.engine) as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return row
