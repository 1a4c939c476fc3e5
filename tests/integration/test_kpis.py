"""Humane KPIs on both backends, from what desks really record: the decision log, the agents'
reactions, overrides and brakes. Counted per call and per rule, never per agent or desk."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.db.decisions import DecisionLog
from agent_desk.db.kpis import SERIES, compute_kpis
from agent_desk.db.models import BrakeRecord, DecisionRecord, OverrideRecord
from agent_desk.db.oversight import OversightLog
from guards.types import Decision, Reason, Suggestion, Verdict

NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date().isoformat()


def _s(sid: str, kind: str, action: str) -> Suggestion:
    return Suggestion(id=sid, title=action, kind=kind, customer_value=0.5, org_value=0.5,
                      action_id=action)  # fmt: skip


def _d(s: Suggestion, verdict: Verdict, *rules: str) -> Decision:
    return Decision(
        decision_id=f"d-{s.id}-{verdict.value}", suggestion_id=s.id, verdict=verdict,
        rule_set_version="default@1.0.0",
        reasons=tuple(Reason(rule=r, dimension="place_time", message="x", verdict=verdict)
                      for r in rules),
    )  # fmt: skip


CARD = _s("s2", "sales", "bank.sales.credit-card")
SAVINGS = _s("s3", "sales", "bank.sales.savings-account")
SUPPORT = _s("s1", "care", "bank.care.bereavement-support")
ARRANGEMENT = _s("s4", "collections", "bank.collections.payment-plan")
REMINDER = _s("s5", "collections", "bank.collections.reminder")
HOME = _s("s6", "sales", "bank.sales.home-insurance")


def _age(engine: Engine, table: type[DecisionRecord], call_ref: str, when: datetime) -> None:
    with Session(engine) as session:
        for row in session.exec(select(table).where(col(table.call_ref) == call_ref)):
            row.created_at = when
            session.add(row)
        session.commit()


def _record_a_week(engine: Engine) -> None:
    desk1, desk2 = DecisionLog(engine, "desk-1"), DecisionLog(engine, "desk-2")
    # A bereaved customer: the card is held, later blocked (one offer prevented, not two);
    # bereavement support is offered and accepted; a loosened rule let a savings offer through.
    desk1.record("call-a", [(CARD, _d(CARD, Verdict.HOLD, "vulnerability.no-commercial")),
                            (SUPPORT, _d(SUPPORT, Verdict.GUIDE, "empathy.acknowledge-first")),
                            (SAVINGS, _d(SAVINGS, Verdict.GUIDE))],
                 event_types=["bereavement"])  # fmt: skip
    desk1.record("call-a", [(CARD, _d(CARD, Verdict.BLOCK, "vulnerability.no-credit"))],
                 event_types=["bereavement", "financial_difficulty"])  # fmt: skip
    # A neutral call: a relevant offer shown is fine; a reminder without guidance is not help,
    # a payment plan with guidance is.
    plan = _d(ARRANGEMENT, Verdict.GUIDE, "collections.with-guidance")
    desk2.record("call-b", [(HOME, _d(HOME, Verdict.SHOW)), (REMINDER, _d(REMINDER, Verdict.SHOW)),
                            (ARRANGEMENT, plan)])  # fmt: skip
    # Moving house is a life event, not a vulnerable one: the home-insurance offer is fine.
    desk2.record("call-c", [(HOME, _d(HOME, Verdict.SHOW))], event_types=["moving"])
    # Six weeks ago: outside a 30-day window.
    desk2.record("call-old", [(CARD, _d(CARD, Verdict.HOLD, "vulnerability.no-commercial"))],
                 event_types=["job_loss"])  # fmt: skip
    _age(engine, DecisionRecord, "call-old", NOW - timedelta(days=42))
    _age(engine, DecisionRecord, "call-b", NOW - timedelta(days=1))

    o1, o2 = OversightLog(engine, "desk-1"), OversightLog(engine, "desk-2")
    o1.record_reaction("call-a", SUPPORT, _d(SUPPORT, Verdict.GUIDE), "accepted")
    o1.record_reaction("call-a", SAVINGS, _d(SAVINGS, Verdict.GUIDE), "dismissed", "not_now")
    o2.record_reaction("call-b", HOME, _d(HOME, Verdict.SHOW), "accepted")  # an offer, not help
    # The agent revealed the held card anyway: an offer shown during a life event after all.
    held = _d(CARD, Verdict.HOLD, "vulnerability.no-commercial")
    over_a = o1.record_override("call-a", CARD, held, "Klant vroeg zelf", ["bereavement"])
    o2.record_override("call-d", CARD, held, "Klant vroeg zelf")
    no_offers = _d(HOME, Verdict.HOLD, "autonomy.no-offers")
    o2.record_override("call-e", HOME, no_offers, "Klant wil het toch horen")
    brake = o1.record_brake("call-a", "Klant overstuur", "default@1.0.0", ["bereavement"])
    o2.record_brake("call-f", "Agressieve aanbieding", "default@1.0.0")

    # One override closed after 2 hours, one brake after 4: median 3 hours.
    o1.close_override(over_a.id, "Besproken", "sanne")
    o1.close_brake(brake.id, "Besproken", "sanne")
    with Session(engine) as session:
        for table, case_id, hours in ((OverrideRecord, over_a.id, 2), (BrakeRecord, brake.id, 4)):
            row = session.get(table, case_id)
            assert row is not None
            row.created_at = NOW - timedelta(hours=hours + 1)
            row.closed_at = NOW - timedelta(hours=1)
            session.add(row)
        session.commit()


def test_humane_kpis_count_help_and_harm_per_call(engine: Engine) -> None:
    _record_a_week(engine)
    k = compute_kpis(engine)
    assert k.harmful_prevented == 2  # call-a's card (held, then blocked) and call-old's card
    assert k.help_offered == 2  # bereavement support and the payment plan with guidance
    assert k.help_accepted == 1  # bereavement support; the accepted offer is not help
    assert k.offers_shown_during_event == 2  # the savings offer and the revealed card
    assert k.overrides_per_rule == {"vulnerability.no-commercial": 2, "autonomy.no-offers": 1}
    assert k.brake_pulls == 2
    assert k.median_hours_to_close == 3.0


def test_a_window_leaves_older_records_out_and_gives_daily_series(engine: Engine) -> None:
    _record_a_week(engine)
    k = compute_kpis(engine, since=NOW - timedelta(days=30))
    assert k.harmful_prevented == 1
    yesterday = (NOW - timedelta(days=1)).date().isoformat()
    assert set(k.per_day) == {yesterday, TODAY}
    for series in k.per_day.values():
        assert tuple(series) == SERIES
    assert k.per_day[yesterday]["help_offered"] == 1  # the payment plan
    assert sum(day["help_offered"] for day in k.per_day.values()) == k.help_offered
    assert sum(day["brake_pulls"] for day in k.per_day.values()) == k.brake_pulls
    assert sum(day["overrides"] for day in k.per_day.values()) == 3


def test_no_figure_is_about_an_agent_or_a_desk(engine: Engine) -> None:
    _record_a_week(engine)
    dumped = json.dumps(compute_kpis(engine).to_json())
    assert "desk" not in dumped
    assert "sanne" not in dumped


def test_an_empty_log_has_zeros_not_errors(engine: Engine) -> None:
    k = compute_kpis(engine, since=NOW - timedelta(days=7))
    assert (k.harmful_prevented, k.help_offered, k.offers_shown_during_event, k.brake_pulls) == (
        0, 0, 0, 0,
    )  # fmt: skip
    assert k.median_hours_to_close is None
    assert k.overrides_per_rule == {}
    assert k.per_day == {}


def test_a_kind_the_classifier_set_aside_never_makes_a_decision_vulnerable(
    engine: Engine,
) -> None:
    log = DecisionLog(engine, "desk-1")
    # The rules heard a bereavement and a separation; the classifier set them aside.
    log.record("call-x", [(CARD, _d(CARD, Verdict.HOLD, "autonomy.no-offers"))],
               set_aside_types=["bereavement", "separation"])  # fmt: skip
    log.record("call-x", [(SAVINGS, _d(SAVINGS, Verdict.SHOW))],
               set_aside_types=["bereavement"])  # fmt: skip
    (stored, _) = log.for_call("call-x")
    assert (stored.event_types, stored.set_aside_types) == ([], ["bereavement", "separation"])
    k = compute_kpis(engine)
    assert k.harmful_prevented == 0  # the held card was not held for a vulnerable customer
    assert k.offers_shown_during_event == 0  # the savings offer was not shown during one
