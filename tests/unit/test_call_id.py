"""A live call is named by the contact platform's call id (``CallStarted.platform``): the
decision log, the agent's reactions and the decisioning service then all name the same call."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent_desk.feeds.base import CallStarted
from agent_desk.feeds.parse import EventParser
from agent_desk.nba.base import NBAContext, NBASource
from agent_desk.session import MAX_CALL_REF, CallSession
from guards.rules import RuleSet, load_rule_set
from guards.types import Suggestion
from nlp.types import Utterance

REPO = Path(__file__).resolve().parents[2]


class Recorder(NBASource):
    """Proposes nothing and keeps the call id it was asked with."""

    name = "recorder"

    def __init__(self) -> None:
        self.call_ids: list[str] = []

    async def propose(self, context: NBAContext) -> list[Suggestion]:
        self.call_ids.append(context.call_id)
        return []


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set(REPO / "fixtures" / "rules" / "default.yaml")


def _say(session: CallSession, text: str, uid: str) -> None:
    asyncio.run(session.process(Utterance(id=uid, speaker="customer", t=0.0, text=text)))


def test_the_platform_call_id_names_the_call_towards_the_decisioning_service(
    rules: RuleSet,
) -> None:
    nba = Recorder()
    session = CallSession(rule_set=rules, nba=nba, lang="nl")
    assert session.start_call("contact-7781")
    _say(session, "Ik wil mijn rekening opzeggen.", "u1")
    assert session.call_id == "contact-7781"
    assert nba.call_ids == ["contact-7781"]


def test_the_call_id_does_not_change_once_the_call_is_heard(rules: RuleSet) -> None:
    session = CallSession(rule_set=rules, lang="nl")
    own = session.call_id
    _say(session, "Goedemorgen.", "u1")
    # decisions already logged keep their call
    assert not session.start_call("contact-2")
    assert session.call_id == own


@pytest.mark.parametrize("call_id", ["+31 6 12345678", "jan.devries@example.nl", "   "])
def test_an_id_holding_an_identifier_is_not_kept(rules: RuleSet, call_id: str) -> None:
    session = CallSession(rule_set=rules, lang="nl")
    own = session.call_id
    assert not session.start_call(call_id)
    assert session.call_id == own


def test_a_long_id_is_shortened_and_stays_unique(rules: RuleSet) -> None:
    a, b = "x" * 150 + "a", "x" * 150 + "b"
    first, second = CallSession(rule_set=rules), CallSession(rule_set=rules)
    assert first.start_call(a)
    assert second.start_call(b)
    assert len(first.call_id) == len(second.call_id) == MAX_CALL_REF
    assert first.call_id != second.call_id


def test_only_an_announced_call_id_is_the_platform_s() -> None:
    parser = EventParser(default_call_id="stdin")
    made_up = parser.deliver(Utterance(id="u1", speaker="customer", t=0.0, text="Hallo."))[0]
    assert isinstance(made_up, CallStarted)
    assert not made_up.platform
    announced = EventParser().parse_text('{"type": "call_started", "call_id": "c-9"}', "line 1")
    assert [e.platform for e in announced if isinstance(e, CallStarted)] == [True]
