"""Training sessions on disk: saved after every answer, resumable after an interruption, and a
corrupt file is a clear error naming it (never a traceback, never the end of the listing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.library.conversation import Conversation
from agent_desk.training.headless import run_quiz
from agent_desk.training.quiz import Answer, Scored, quiz_points
from agent_desk.training.sessions import TrainingStore, TrainingStoreError, record
from guards.rules import RuleSet
from guards.types import Verdict
from nlp.types import EventType

B = EventType.BEREAVEMENT


async def _scored(demo: Conversation, rules: RuleSet, answers: list[Answer]) -> list[Scored]:
    return await run_quiz(demo, answers, rules, "nl")


async def test_a_session_interrupted_mid_way_is_resumed(
    tmp_path: Path, demo: Conversation, rules: RuleSet
) -> None:
    store = TrainingStore(tmp_path / "training")
    session = store.start("anna", demo, lang="en")
    assert session.questions == 3
    answers = [Answer(at=p.at, action=p.action, verdict=p.acceptable[0], events=[B])
               for p in quiz_points(demo)]  # fmt: skip
    scored = await _scored(demo, rules, answers)

    # The trainee answers the first question, then the laptop dies.
    record(session, scored[0])
    session.position = "u5"
    store.save(session)
    del session

    reopened = TrainingStore(tmp_path / "training")
    [open_session] = reopened.unfinished("anna")
    assert open_session.position == "u5"
    assert open_session.answered_keys() == {("u2", "bank.care.bereavement-support")}
    assert open_session.lang == "en"
    assert reopened.unfinished("bob") == []

    for s in scored[1:]:
        record(open_session, s)
        reopened.save(open_session)
    open_session.finish()
    reopened.save(open_session)
    assert reopened.unfinished() == []
    done = reopened.load(open_session.id)
    assert [r.at for r in done.results] == ["u2", "u8", "u8"]
    totals = done.totals()
    assert (totals.questions, totals.answered, totals.verdicts_ok) == (3, 3, 3)
    assert totals.events_heard == (B,)
    assert totals.events_missed == ()
    # Only complete files, no temporary leftovers from the atomic writes.
    assert [p.name for p in (tmp_path / "training").iterdir()] == [f"{done.id}.json"]


async def test_answering_a_question_again_replaces_the_answer(
    tmp_path: Path, demo: Conversation, rules: RuleSet
) -> None:
    store = TrainingStore(tmp_path)
    session = store.start("anna", demo)
    first = await _scored(demo, rules, [Answer(at="u8", action="bank.sales.credit-card",
                                               verdict="show")])  # fmt: skip
    again = await _scored(demo, rules, [Answer(at="u8", action="bank.sales.credit-card",
                                               verdict="hold")])  # fmt: skip
    for s in first:
        record(session, s)
    record(session, again[1])
    assert len(session.results) == 3
    assert session.results[1].verdict is Verdict.HOLD
    assert session.results[1].verdict_ok
    # The stored form turns back into what the screen shows.
    back = session.results[1].to_scored()
    assert back.answer is not None
    assert back.answer.verdict is Verdict.HOLD
    assert back.guard_verdict is again[1].guard_verdict
    assert back.point.gold_events == {B}


def test_a_corrupt_session_file_is_named_and_the_rest_still_lists(
    tmp_path: Path, demo: Conversation
) -> None:
    store = TrainingStore(tmp_path)
    good = store.start("anna", demo)
    (tmp_path / "20250101-000000-dead00.json").write_text('{"id": "20250101-000000-dead00", "tr')
    (tmp_path / "20250101-000000-bad000.json").write_text('{"id": "20250101-000000-bad000"}')
    with pytest.raises(TrainingStoreError, match=r"20250101-000000-dead00\.json: corrupt"):
        store.load("20250101-000000-dead00")
    with pytest.raises(TrainingStoreError, match=r"bad000\.json: corrupt .*trainee"):
        store.load("20250101-000000-bad000")
    sessions, problems = store.scan()
    assert [s.id for s in sessions] == [good.id]
    assert len(problems) == 2
    assert store.unfinished() == [good]


def test_missing_and_malformed_session_ids_are_clear_errors(tmp_path: Path) -> None:
    store = TrainingStore(tmp_path)
    with pytest.raises(TrainingStoreError, match="no such training session"):
        store.load("20250101-000000-000000")
    with pytest.raises(TrainingStoreError, match="not a training session id"):
        store.load("../../etc/passwd")


def test_the_default_store_lives_in_the_data_dir(demo: Conversation) -> None:
    from agent_desk.settings import data_dir

    session = TrainingStore().start("anna", demo)
    assert (data_dir() / "training" / f"{session.id}.json").is_file()
