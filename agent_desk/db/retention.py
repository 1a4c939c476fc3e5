"""Retention and access requests: delete what is no longer needed, export what is kept about a call.

GDPR art. 5(1)(e) (storage limitation): :func:`purge` deletes decisions and reactions older than
the policy's number of days, consents past their ``retain_until``, and review cases closed more
than that many days ago. Open cases are kept whatever their age: a supervisor has not looked yet.
GDPR art. 15 (right of access): :func:`export_call` gathers every record about one call reference
as plain JSON. Both are gated by a permission in the CLI and the app (:mod:`agent_desk.auth`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.db.models import (
    BrakePublic,
    BrakeRecord,
    ConsentPublic,
    ConsentRecord,
    DecisionPublic,
    DecisionRecord,
    OverridePublic,
    OverrideRecord,
    ReactionPublic,
    ReactionRecord,
    utcnow,
)


@dataclass(frozen=True)
class PurgeCounts:
    cutoff: datetime
    decisions: int
    reactions: int
    consents: int
    overrides: int
    brakes: int
    #: Open cases older than the cutoff, kept on purpose.
    open_cases_kept: int
    dry_run: bool

    @property
    def total(self) -> int:
        return self.decisions + self.reactions + self.consents + self.overrides + self.brakes

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["cutoff"] = self.cutoff.isoformat()
        return data


def purge(
    engine: Engine, older_than_days: int, *, dry_run: bool = False, now: datetime | None = None
) -> PurgeCounts:
    """Delete (or with ``dry_run`` only count) what the retention policy no longer allows,
    in one transaction."""
    if older_than_days < 0:
        raise ValueError("older_than_days must be 0 or more")
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    targets = (
        ("decisions", DecisionRecord, col(DecisionRecord.created_at) < cutoff),
        ("reactions", ReactionRecord, col(ReactionRecord.created_at) < cutoff),
        ("consents", ConsentRecord, col(ConsentRecord.retain_until) < now),
        (
            "overrides",
            OverrideRecord,
            (col(OverrideRecord.status) == "closed") & (col(OverrideRecord.closed_at) < cutoff),
        ),
        (
            "brakes",
            BrakeRecord,
            (col(BrakeRecord.status) == "closed") & (col(BrakeRecord.closed_at) < cutoff),
        ),
    )
    counts: dict[str, int] = {}
    with Session(engine) as session:
        for name, table, condition in targets:
            counted = session.exec(select(func.count()).select_from(table).where(condition)).one()
            counts[name] = int(counted)
            if not dry_run and counts[name]:
                session.exec(delete(table).where(condition))
        kept = 0
        for case_table in (OverrideRecord, BrakeRecord):
            kept += int(
                session.exec(
                    select(func.count())
                    .select_from(case_table)
                    .where(col(case_table.status) != "closed")
                    .where(col(case_table.created_at) < cutoff)
                ).one()
            )
        if not dry_run:
            session.commit()
    return PurgeCounts(cutoff=cutoff, open_cases_kept=kept, dry_run=dry_run, **counts)


def export_call(engine: Engine, call_ref: str) -> dict[str, Any]:
    """Everything stored about one call, as JSON-ready data (an access request, GDPR art. 15).
    Decision records hold kinds, verdicts, rule ids and life-event types (``event_types``, and
    apart ``set_aside_types``: what the classifier veto set aside); no transcript text is stored
    anywhere."""

    def rows(table: Any, public: Any) -> list[dict[str, Any]]:
        stmt = select(table).where(table.call_ref == call_ref).order_by(col(table.id))
        return [public.model_validate(r).model_dump(mode="json") for r in session.exec(stmt)]

    with Session(engine) as session:
        data: dict[str, Any] = {
            "call_ref": call_ref,
            "exported_at": utcnow().isoformat(),
            "decisions": rows(DecisionRecord, DecisionPublic),
            "reactions": rows(ReactionRecord, ReactionPublic),
            "overrides": rows(OverrideRecord, OverridePublic),
            "brakes": rows(BrakeRecord, BrakePublic),
            "consents": rows(ConsentRecord, ConsentPublic),
        }
    return data
