"""Words that look like life events but are not one: pets, celebrities, idioms, lost cards."""

from __future__ import annotations

import pytest

from nlp.detector import Detector

NL_LOOKALIKES = [
    "Mijn hond is vorige week overleden.",
    "Onze kat is overleden, dus ik wil de dierenverzekering opzeggen.",
    "Die zanger is overleden, zag je dat op het nieuws?",
    "Ik ben het zat, dit is de derde keer dat ik bel.",
    "Ik word ziek van die wachtmuziek.",
    "Ik heb last van een schuldgevoel.",
    "Ik ben mijn pas kwijt.",
    "Ik ben mijn pinpas verloren.",
    "Wij scheiden ons afval heel netjes.",
    "Mijn telefoon is dood, ik bel met die van mijn zoon.",
    "Ik lach me dood om die reclame.",
    "Het is mijn schuld, ik had het eerder moeten melden.",
    "Ik wil mijn rekening verhuizen naar een andere bank.",
    "Ik ben geboren in 1975.",
    "Dat slaat nergens op.",
    "Ik maak me zorgen over de rente.",
]

EN_LOOKALIKES = [
    "My dog died last week.",
    "I was over the speed limit, will that affect my car insurance?",
    "Our cat passed away, so I want to cancel the pet insurance.",
    "That singer died, did you see it on the news?",
    "I'm sick of waiting on hold.",
    "I'm dying to know what the new rate is.",
    "I lost my card yesterday.",
    "My phone died halfway through the call.",
    "I was born in 1975.",
    "Can we split the bill into two payments?",
    "I'd like to move money to my savings account.",
    "You're breaking up, I can't hear you.",
    "Let me go and check my statement.",
    "I'm not interested in the credit card, thanks.",
    "I don't care about the colour of the card.",
]


def _asserted(detector: Detector, text: str, lang: str) -> list[str]:
    return [e.type.value for e in detector.detect(text, lang).events if e.asserted]


@pytest.mark.parametrize("text", NL_LOOKALIKES)
def test_dutch_lookalike_is_no_asserted_event(detector: Detector, text: str) -> None:
    assert _asserted(detector, text, "nl") == []


@pytest.mark.parametrize("text", EN_LOOKALIKES)
def test_english_lookalike_is_no_asserted_event(detector: Detector, text: str) -> None:
    assert _asserted(detector, text, "en") == []
