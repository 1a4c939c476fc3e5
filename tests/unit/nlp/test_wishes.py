"""The customer's wishes about being sold to: no offers at all, or not interested in this one."""

from __future__ import annotations

import pytest

from nlp.detector import Detector


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        ("Ik hoef geen aanbiedingen, dank u.", "nl", "no_offers"),
        ("Geen reclame graag.", "nl", "no_offers"),
        ("Nee, daar heb ik geen behoefte aan.", "nl", "not_interested"),
        ("Daar ben ik nu echt niet mee bezig, hoor.", "nl", "not_interested"),
        ("No offers please.", "en", "no_offers"),
        ("Don't try to sell me anything.", "en", "no_offers"),
        ("Don't send offers.", "en", "no_offers"),
        ("And please stop emailing me all those deals.", "en", "no_offers"),
        ("I don't want any newsletters or ads.", "en", "no_offers"),
        ("Ik hoef echt geen nieuwe producten.", "nl", "no_offers"),
        ("Not interested.", "en", "not_interested"),
        ("No thanks, I'm fine.", "en", "not_interested"),
        ("Nee, dat hoeft niet.", "nl", "not_interested"),
        ("Ik hoef geen creditcard, dank u.", "nl", "not_interested"),
        ("Ik wil geen nieuwe lening.", "nl", "not_interested"),
        ("I don't need a credit card, thanks.", "en", "not_interested"),
        ("I don't want another loan.", "en", "not_interested"),
    ],
)
def test_wish_is_heard(detector: Detector, text: str, lang: str, kind: str) -> None:
    wishes = detector.detect(text, lang).wishes
    assert kind in {w.kind for w in wishes}
    for w in wishes:
        assert text[w.start : w.end] == w.text


def test_ordinary_question_is_no_wish(detector: Detector) -> None:
    assert detector.detect("Kunt u mijn adres wijzigen?", "nl").wishes == []
    assert detector.detect("Can you change my address?", "en").wishes == []
    # asking about products, or stopping something that is not selling, is no wish
    assert detector.detect("Do you have any deals on mortgages at the moment?", "en").wishes == []
    assert detector.detect("Can you stop sending me paper statements?", "en").wishes == []
    assert detector.detect("Welke producten hebben jullie voor studenten?", "nl").wishes == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Something of their own that is no longer needed, not a refusal of an offer.
        ("Dat potje hoeft niet meer, de hond is er niet meer.", "nl"),
        ("Mijn spaarrekening hoeft niet opgeheven te worden.", "nl"),
        ("Ik hoef me toch geen zorgen te maken?", "nl"),
        ("I don't need to pay the fine, do I?", "en"),
        ("I don't want to lose my account.", "en"),
    ],
)
def test_not_needing_something_else_is_no_wish(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).wishes == []
