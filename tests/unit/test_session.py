"""The call session with the classifier's second opinion: what it sets aside travels in its own
list, is kept per utterance, and nothing that counts life events (the guard's state, the NBA
request, the decision log's event types) ever sees it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent_desk.nba.base import NBAContext, NBASource
from agent_desk.session import CallSession, Step
from guards.rules import RuleSet, load_rule_set
from guards.types import Suggestion, Verdict
from nlp.detector import Detector
from nlp.types import EventType, Utterance

REPO = Path(__file__).resolve().parents[2]
#: The rules hear a separation in it ("scheidingen"); the classifier veto sets it aside.
LOOK_ALIKE = (
    "Het aantal scheidingen in onze straat is echt gek, maar goed, mijn factuur klopt niet."
)


class OfferSource(NBASource):
    """Proposes one sales offer and keeps every context it was asked with."""

    name = "offers"

    def __init__(self) -> None:
        self.contexts: list[NBAContext] = []

    async def propose(self, context: NBAContext) -> list[Suggestion]:
        self.contexts.append(context)
        return [
            Suggestion(id="loan", title="Lening", kind="sales", customer_value=0.5, org_value=0.6)
        ]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set(REPO / "fixtures" / "rules" / "default.yaml")


@pytest.fixture(scope="module")
def vetoed() -> Detector:
    return Detector(veto=True)


def _session(rules: RuleSet, detector: Detector, nba: NBASource | None = None) -> CallSession:
    return CallSession(rule_set=rules, nba=nba, lang="nl", detector=detector)


def _say(session: CallSession, text: str, uid: str = "u1", speaker: str = "customer") -> Step:
    utterance = Utterance(id=uid, speaker=speaker, t=0.0, text=text)  # type: ignore[arg-type]
    return asyncio.run(session.process(utterance))


def test_set_aside_events_are_carried_apart_and_never_counted(
    rules: RuleSet, vetoed: Detector
) -> None:
    source = OfferSource()
    session = _session(rules, vetoed, source)
    step = _say(session, LOOK_ALIKE)
    assert step.events == ()
    assert [e.type for e in step.set_aside] == [EventType.SEPARATION]
    assert [(o.event.type, o.utterance_id) for o in session.set_aside] == [
        (EventType.SEPARATION, "u1")
    ]
    # Nothing that counts life events sees it.
    assert session.asserted_event_types() == []
    assert session.state().asserted == ()
    assert source.contexts[-1].events == frozenset()
    (judged,) = step.judged
    assert judged.decision.verdict is Verdict.SHOW
    # The replay timeline says what was heard and set aside, apart from the events.
    line = step.timeline_line()
    assert line["events"] == []
    assert [e["type"] for e in line["set_aside"]] == ["separation"]


def test_without_the_veto_the_same_words_count_and_hold_the_offer(rules: RuleSet) -> None:
    step = _say(_session(rules, Detector(veto=False), OfferSource()), LOOK_ALIKE)
    assert [e.type for e in step.events] == [EventType.SEPARATION]
    assert step.set_aside == ()
    assert "set_aside" not in step.timeline_line()
    (judged,) = step.judged
    assert judged.decision.verdict is Verdict.HOLD


def test_a_later_version_of_the_utterance_replaces_what_was_set_aside(
    rules: RuleSet, vetoed: Detector
) -> None:
    session = _session(rules, vetoed)
    _say(session, LOOK_ALIKE)
    assert session.set_aside
    step = _say(session, "Ik ga scheiden van mijn man.")  # same id: the final replaces it
    assert step.set_aside == ()
    assert session.set_aside == []
    assert session.asserted_event_types() == ["separation"]


def test_agent_speech_sets_nothing_aside(rules: RuleSet, vetoed: Detector) -> None:
    session = _session(rules, vetoed)
    step = _say(session, LOOK_ALIKE, speaker="agent")
    assert step.events == ()
    assert step.set_aside == ()
    assert session.set_aside == []


def test_the_set_aside_kinds_are_given_apart_for_the_decision_log(
    rules: RuleSet, vetoed: Detector
) -> None:
    session = _session(rules, vetoed)
    _say(session, LOOK_ALIKE)
    # Kinds only, what a decision row keeps beside the verdict; never counted as asserted.
    assert session.set_aside_event_types() == ["separation"]
    assert session.asserted_event_types() == []
    _say(session, "Ik ga scheiden van mijn man.")  # same id: the final replaces it
    assert session.set_aside_event_types() == []
    assert session.asserted_event_types() == ["separation"]
    assert _session(rules, Detector(veto=False)).set_aside_event_types() == []
