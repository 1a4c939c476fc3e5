"""Humane KPIs: what the guard and the agents did for customers, counted from the decision log,
the agents' reactions and the review cases.

"Count sleepless nights of customers, not handling seconds." Every figure here is about calls and
rules, never about a person: there is no per-agent or per-desk breakdown, no score of an agent,
and nothing about anyone's emotions (the EU AI Act rules out inferring emotions at work).
Overrides are counted per *rule*, because a rule that agents keep overriding is a rule to look at.

Definitions (a suggestion counts once per call, on the day it first qualified):
- harmful offers prevented: a sales or retention suggestion held or blocked while a vulnerability
  event (bereavement, separation, job loss, payment trouble, illness, domestic abuse, caring) was
  current;
- help offered: a service, care, referral or advice suggestion shown (show or guide), or a
  collections suggestion shown with guidance;
- help accepted: the agent accepted a help suggestion;
- offers shown during a life event (target 0): a sales or retention suggestion the guard showed,
  or the agent revealed with an override, while a vulnerability event was current;
- brake pulls, overrides per rule, and the median time from a case (override or brake) being
  opened to being closed, over the cases closed in the period.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.db.models import (
    BrakeRecord,
    DecisionRecord,
    OverrideRecord,
    ReactionRecord,
    as_utc,
)
from guards.types import COMMERCIAL_KINDS, SuggestionKind, Verdict
from nlp.types import VULNERABILITY_EVENTS

COMMERCIAL = frozenset(k.value for k in COMMERCIAL_KINDS)
#: Help shown as it is: service, care, referral and advice.
HELP = frozenset(
    k.value
    for k in (
        SuggestionKind.SERVICE,
        SuggestionKind.CARE,
        SuggestionKind.REFERRAL,
        SuggestionKind.ADVICE,
    )
)
#: Collections is help only when shown with guidance (a payment arrangement offered with care).
COLLECTIONS = SuggestionKind.COLLECTIONS.value
VULNERABLE = frozenset(e.value for e in VULNERABILITY_EVENTS)
SHOWN = frozenset({Verdict.SHOW.value, Verdict.GUIDE.value})
STOPPED = frozenset({Verdict.HOLD.value, Verdict.BLOCK.value})

#: The daily series (keys of ``Kpis.per_day[date]``), every one present on every day listed.
SERIES = (
    "harmful_prevented",
    "help_offered",
    "help_accepted",
    "offers_shown_during_event",
    "overrides",
    "brake_pulls",
    "cases_closed",
)


@dataclass(frozen=True)
class Kpis:
    harmful_prevented: int
    help_offered: int
    help_accepted: int
    offers_shown_during_event: int
    #: Rule id -> how often agents overrode it (never per agent or desk).
    overrides_per_rule: dict[str, int]
    brake_pulls: int
    median_hours_to_close: float | None
    #: ISO date (UTC) -> series name (:data:`SERIES`) -> count, for plots.
    per_day: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "harmful_prevented": self.harmful_prevented,
            "help_offered": self.help_offered,
            "help_accepted": self.help_accepted,
            "offers_shown_during_event": self.offers_shown_during_event,
            "overrides_per_rule": dict(self.overrides_per_rule),
            "brake_pulls": self.brake_pulls,
            "median_hours_to_close": self.median_hours_to_close,
            "per_day": {d: dict(s) for d, s in self.per_day.items()},
        }


def _day(at: datetime) -> str:
    aware = as_utc(at)
    assert aware is not None
    return aware.astimezone(UTC).date().isoformat()


class _Once:
    """Counts each (call, suggestion) once, on the day it first qualified."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, str], datetime] = {}

    def add(self, call_ref: str, suggestion_id: str, at: datetime) -> None:
        key = (call_ref, suggestion_id)
        aware = as_utc(at)
        assert aware is not None
        if key not in self.first or aware < self.first[key]:
            self.first[key] = aware

    def __len__(self) -> int:
        return len(self.first)

    def days(self) -> Iterable[str]:
        return (_day(at) for at in self.first.values())


def compute_kpis(engine: Engine, since: datetime | None = None) -> Kpis:
    """The humane KPIs over everything recorded since ``since`` (all time when ``None``)."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)

    prevented, offered, accepted, shown = _Once(), _Once(), _Once(), _Once()
    per_rule: Counter[str] = Counter()
    daily: dict[str, Counter[str]] = {}

    def bump(day: str, series: str, n: int = 1) -> None:
        daily.setdefault(day, Counter())[series] += n

    with Session(engine) as session:
        decisions = select(DecisionRecord)
        if since is not None:
            decisions = decisions.where(col(DecisionRecord.created_at) >= since)
        for d in session.exec(decisions):
            vulnerable = bool(VULNERABLE.intersection(d.event_types))
            if d.kind in COMMERCIAL and vulnerable:
                if d.verdict in STOPPED:
                    prevented.add(d.call_ref, d.suggestion_id, d.created_at)
                elif d.verdict in SHOWN:
                    shown.add(d.call_ref, d.suggestion_id, d.created_at)
            if (d.kind in HELP and d.verdict in SHOWN) or (
                d.kind == COLLECTIONS and d.verdict == Verdict.GUIDE.value
            ):
                offered.add(d.call_ref, d.suggestion_id, d.created_at)

        reactions = select(ReactionRecord).where(ReactionRecord.reaction == "accepted")
        if since is not None:
            reactions = reactions.where(col(ReactionRecord.created_at) >= since)
        for r in session.exec(reactions):
            if r.kind in HELP or r.kind == COLLECTIONS:
                accepted.add(r.call_ref, r.suggestion_id, r.created_at)

        overrides = select(OverrideRecord)
        if since is not None:
            overrides = overrides.where(col(OverrideRecord.created_at) >= since)
        for o in session.exec(overrides):
            per_rule.update(o.rules)
            bump(_day(o.created_at), "overrides")
            if o.kind in COMMERCIAL and VULNERABLE.intersection(o.event_types):
                shown.add(o.call_ref, o.suggestion_id, o.created_at)

        brakes = select(BrakeRecord)
        if since is not None:
            brakes = brakes.where(col(BrakeRecord.created_at) >= since)
        brake_pulls = 0
        for b in session.exec(brakes):
            brake_pulls += 1
            bump(_day(b.created_at), "brake_pulls")

        hours: list[float] = []
        tables: tuple[type[OverrideRecord] | type[BrakeRecord], ...] = (OverrideRecord, BrakeRecord)
        for table in tables:
            closed = select(col(table.created_at), col(table.closed_at)).where(
                col(table.status) == "closed"
            )
            if since is not None:
                closed = closed.where(col(table.closed_at) >= since)
            for created_at, closed_at in session.exec(closed):
                opened, shut = as_utc(created_at), as_utc(closed_at)
                if opened is None or shut is None:
                    continue
                hours.append((shut - opened).total_seconds() / 3600)
                bump(_day(shut), "cases_closed")

    for series, once in (
        ("harmful_prevented", prevented),
        ("help_offered", offered),
        ("help_accepted", accepted),
        ("offers_shown_during_event", shown),
    ):
        for day in once.days():
            bump(day, series)

    return Kpis(
        harmful_prevented=len(prevented),
        help_offered=len(offered),
        help_accepted=len(accepted),
        offers_shown_during_event=len(shown),
        overrides_per_rule=dict(sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
        brake_pulls=brake_pulls,
        median_hours_to_close=round(statistics.median(hours), 2) if hours else None,
        per_day={day: {s: daily[day].get(s, 0) for s in SERIES} for day in sorted(daily)},
    )
