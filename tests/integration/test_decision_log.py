"""The decision log on both backends: what a supervisor and an access request read back."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from agent_desk.cli.decisionlog import CallDecisionLog
from agent_desk.db.decisions import DecisionLog
from agent_desk.db.engine import make_engine
from agent_desk.session import CallSession
from guards.rules import load_rule_set
from guards.types import Decision, Reason, Suggestion, Verdict
from nlp.detector import Detector
from nlp.types import Utterance
from tests.unit.test_session import LOOK_ALIKE, REPO, OfferSource


def _pair(i: int, verdict: Verdict = Verdict.HOLD) -> tuple[Suggestion, Decision]:
    s = Suggestion(
        id=f"s{i}", title="Creditcard", kind="sales", customer_value=0.2, org_value=0.8,
        action_id="bank.sales.credit-card",
    )  # fmt: skip
    d = Decision(
        decision_id=f"d{i}", suggestion_id=s.id, verdict=verdict, rule_set_version="default@1",
        reasons=(Reason(rule="vulnerability.no-sales", dimension="empathy", message="x"),),
    )  # fmt: skip
    return s, d


def test_decisions_round_trip_per_call_without_transcript_text(engine: Engine) -> None:
    log = DecisionLog(engine, desk_id="desk-7")
    log.record("call-1", [_pair(1), _pair(2, Verdict.SHOW)], event_types=["bereavement"])
    log.record("call-2", [_pair(3)])

    rows = log.for_call("call-1")
    assert [r.suggestion_id for r in rows] == ["s1", "s2"]
    assert rows[0].verdict == "hold"
    assert rows[0].rules == ["vulnerability.no-sales"]
    assert rows[0].event_types == ["bereavement"]
    assert rows[0].desk_id == "desk-7"
    # The schema has no column that could hold what the customer said.
    columns = {c["name"] for c in inspect(engine).get_columns("decision")}
    assert not columns & {"text", "transcript", "utterance", "script", "message"}


def test_two_desks_write_at_once_and_nothing_is_lost(engine: Engine) -> None:
    desks = [DecisionLog(engine, desk_id=f"desk-{n}") for n in range(2)]
    errors: list[BaseException] = []

    def write(log: DecisionLog) -> None:
        try:
            for i in range(25):
                log.record("shared-call", [_pair(i)])
        except BaseException as exc:  # pragma: no cover - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(d,)) for d in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    with engine.connect() as conn:
        per_desk = dict(
            conn.execute(text("SELECT desk_id, COUNT(*) FROM decision GROUP BY desk_id")).all()
        )
    assert per_desk == {"desk-0": 25, "desk-1": 25}


def test_what_the_classifier_set_aside_is_kept_apart_from_the_events(engine: Engine) -> None:
    log = DecisionLog(engine, desk_id="desk-7")
    log.record(
        "call-1", [_pair(1)], event_types=["bereavement"], set_aside_types=["separation"] * 2
    )
    log.record("call-1", [_pair(2)], event_types=["bereavement"])
    first, second = log.for_call("call-1")
    # Kinds only, deduplicated and sorted like the events; never among the events.
    assert (first.event_types, first.set_aside_types) == (["bereavement"], ["separation"])
    assert (second.event_types, second.set_aside_types) == (["bereavement"], [])


def test_a_call_without_a_screen_logs_what_the_classifier_set_aside(tmp_path: Path) -> None:
    session = CallSession(
        rule_set=load_rule_set(REPO / "fixtures" / "rules" / "default.yaml"),
        nba=OfferSource(), lang="nl", detector=Detector(veto=True),
    )  # fmt: skip
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    calls = CallDecisionLog(session, url, "desk-1", "nl")

    async def call() -> None:
        utterance = Utterance(id="u1", speaker="customer", t=0.0, text=LOOK_ALIKE)
        step = await session.process(utterance)
        assert [e.type.value for e in step.set_aside] == ["separation"]
        calls.record(step.judged)
        await calls.finish()

    asyncio.run(call())
    engine = make_engine(url)
    try:
        (row,) = DecisionLog(engine, "desk-1").for_call(session.call_id)
    finally:
        engine.dispose()
    assert row.verdict == "show"  # the look-alike does not hold the loan ...
    assert row.event_types == []  # ... is not among the customer's events ...
    assert row.set_aside_types == ["separation"]  # ... and the log says it was set aside
