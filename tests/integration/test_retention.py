"""Retention on both backends: purge deletes what policy no longer allows and keeps open cases;
an access request exports everything about one call and nothing about another."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.db.decisions import DecisionLog
from agent_desk.db.models import (
    BrakeRecord,
    ConsentRecord,
    DecisionRecord,
    OverrideRecord,
    ReactionRecord,
)
from agent_desk.db.oversight import OversightLog
from agent_desk.db.retention import export_call, purge
from guards.types import Decision, Reason, Suggestion, Verdict

NOW = datetime.now(UTC)
CARD = Suggestion(
    id="s2", title="Creditcard", kind="sales", customer_value=0.3, org_value=0.8,
    action_id="bank.sales.credit-card", script="Mevrouw Jansen, wat fijn dat u belt!",
)  # fmt: skip
HELD = Decision(
    decision_id="d-1", suggestion_id="s2", verdict=Verdict.HOLD, rule_set_version="default@1.0.0",
    reasons=(Reason(rule="vulnerability.no-commercial", dimension="place_time", message="x",
                    verdict=Verdict.HOLD),),
)  # fmt: skip


def _count(engine: Engine, table: Any) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def _backdate(engine: Engine, table: Any, call_ref: str, days: int) -> None:
    with Session(engine) as session:
        for row in session.exec(select(table).where(col(table.call_ref) == call_ref)):
            row.created_at = NOW - timedelta(days=days)
            if getattr(row, "closed_at", None) is not None:
                row.closed_at = NOW - timedelta(days=days - 1)
            session.add(row)
        session.commit()


def _history(engine: Engine) -> None:
    """An old call (100 days) and a recent one (2 days), each with everything a desk records."""
    for call, days in (("call-old", 100), ("call-new", 2)):
        DecisionLog(engine, "desk-1").record(call, [(CARD, HELD)], event_types=["bereavement"])
        log = OversightLog(engine, "desk-1")
        log.record_reaction(call, CARD, HELD, "dismissed", "customer_declined")
        closed = log.record_override(call, CARD, HELD, "Klant vroeg erom")
        log.close_override(closed.id, "Akkoord", "sanne")
        log.record_override(call, CARD, HELD, "Nog niet bekeken")  # stays open
        brake = log.record_brake(call, "Noodrem", "default@1.0.0", ["bereavement"])
        log.close_brake(brake.id, "Besproken", "sanne")
        log.record_consent(call, "bereavement", retention_days=30, now=NOW - timedelta(days=days))
        for table in (DecisionRecord, ReactionRecord, OverrideRecord, BrakeRecord):
            _backdate(engine, table, call, days)


def test_purge_deletes_old_data_and_keeps_open_cases(engine: Engine) -> None:
    _history(engine)
    counts = purge(engine, 90)
    assert (counts.decisions, counts.reactions, counts.consents) == (1, 1, 1)
    assert (counts.overrides, counts.brakes, counts.open_cases_kept) == (1, 1, 1)
    assert counts.total == 5
    assert _count(engine, DecisionRecord) == 1
    assert _count(engine, ReactionRecord) == 1
    assert _count(engine, ConsentRecord) == 1
    log = OversightLog(engine, "desk-1")
    # The old call keeps only its open override: nobody has looked at it yet.
    old = log.review_queue("all")
    assert sorted((i.call_ref, i.kind, i.status) for i in old if i.call_ref == "call-old") == [
        ("call-old", "override", "open"),
    ]
    assert len([i for i in old if i.call_ref == "call-new"]) == 3
    # Purging again finds nothing more.
    assert purge(engine, 90).total == 0


def test_a_dry_run_counts_and_deletes_nothing(engine: Engine) -> None:
    _history(engine)
    counts = purge(engine, 1, dry_run=True)
    assert counts.dry_run
    assert (counts.decisions, counts.reactions, counts.overrides, counts.brakes) == (2, 2, 2, 2)
    assert _count(engine, DecisionRecord) == 2
    assert _count(engine, OverrideRecord) == 4


def test_consents_go_when_their_retention_date_passes_whatever_the_window(engine: Engine) -> None:
    log = OversightLog(engine, "desk-1")
    log.record_consent("call-1", "illness", retention_days=10, now=NOW - timedelta(days=11))
    log.record_consent("call-2", "illness", retention_days=10, now=NOW - timedelta(days=9))
    assert purge(engine, 3650).consents == 1
    assert [c.call_ref for c in log.consents()] == ["call-2"]


def test_export_gathers_everything_about_one_call(engine: Engine) -> None:
    _history(engine)
    data = export_call(engine, "call-new")
    assert json.loads(json.dumps(data)) == data
    assert data["call_ref"] == "call-new"
    sizes = {k: len(data[k]) for k in ("decisions", "reactions", "overrides", "brakes", "consents")}
    assert sizes == {"decisions": 1, "reactions": 1, "overrides": 2, "brakes": 1, "consents": 1}
    everything = json.dumps(data)
    assert "call-old" not in everything
    assert "Jansen" not in everything  # no script or transcript text is ever stored
    assert data["decisions"][0]["rules"] == ["vulnerability.no-commercial"]
    assert data["consents"][0]["event_type"] == "bereavement"
    assert export_call(engine, "nobody")["decisions"] == []
