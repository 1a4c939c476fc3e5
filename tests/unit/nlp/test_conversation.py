"""Conversation state: customer events accumulate, agent speech never counts, corrections update."""

from __future__ import annotations

from nlp.conversation import ConversationTracker
from nlp.detector import Detector
from nlp.types import Speaker, Utterance


def _u(uid: str, speaker: Speaker, text: str, final: bool = True) -> Utterance:
    return Utterance(id=uid, speaker=speaker, text=text, final=final)


def test_events_accumulate_in_order_with_their_utterance(detector: Detector) -> None:
    t = ConversationTracker(detector, "nl")
    t.observe(_u("u1", "customer", "Mijn moeder is vorige week overleden."))
    t.observe(_u("u2", "customer", "En ik sta nu ook nog rood."))
    assert [(o.utterance_id, o.event.type.value) for o in t.events] == [
        ("u1", "bereavement"),
        ("u2", "financial_difficulty"),
    ]
    assert len(t.asserted) == 2


def test_agent_speech_never_creates_a_customer_event(detector: Detector) -> None:
    t = ConversationTracker(detector, "nl")
    d = t.observe(_u("a1", "agent", "Gecondoleerd met het overlijden van uw moeder."))
    t.observe(_u("s1", "system", "Klant is ontslagen volgens CRM."))
    assert d.events == []
    assert t.events == []


def test_correction_updates_the_earlier_event(detector: Detector) -> None:
    t = ConversationTracker(detector, "nl")
    t.observe(_u("u1", "customer", "We gaan scheiden, en dan de rekening..."))
    assert [o.event.asserted for o in t.events] == [True]
    t.observe(_u("u2", "customer", "Nee, het is mijn zus die gaat scheiden."))
    assert t.asserted == []
    assert [o.event.experiencer for o in t.events] == ["other", "other"]


def test_correction_generalises_to_english_and_negation(detector: Detector) -> None:
    t = ConversationTracker(detector, "en")
    t.observe(_u("u1", "customer", "I lost my job."))
    t.observe(_u("u2", "customer", "Sorry, I mean I didn't lose my job, they cut my hours."))
    assert t.asserted == []
    assert t.events[0].event.negated


def test_a_later_unrelated_negation_does_not_undo_an_event(detector: Detector) -> None:
    t = ConversationTracker(detector, "nl")
    t.observe(_u("u1", "customer", "Mijn man is overleden."))
    t.observe(_u("u2", "customer", "Ik ben niet ontslagen, ik werk gewoon."))
    assert [o.event.type.value for o in t.asserted] == ["bereavement"]


def test_final_replaces_its_partials(detector: Detector) -> None:
    t = ConversationTracker(detector, "nl")
    t.observe(_u("u1", "customer", "Ik ben ontslagen", final=False))
    t.observe(_u("u1", "customer", "Ik ben ontslagen en ik sta rood.", final=False))
    t.observe(_u("u1", "customer", "Ik ben ontslagen en ik sta rood, dus ja."))
    assert sorted(o.event.type.value for o in t.events) == ["financial_difficulty", "job_loss"]


def test_wishes_come_only_from_the_customer(detector: Detector) -> None:
    t = ConversationTracker(detector, "nl")
    t.observe(_u("a1", "agent", "U hoeft geen aanbiedingen te ontvangen, toch?"))
    assert t.wishes == []
    t.observe(_u("u1", "customer", "Nee, ik hoef geen aanbiedingen."))
    assert [w.kind for w in t.wishes] == ["no_offers"]
