"""Dutch or English per utterance, also for very short turns; an explicit language wins."""

from __future__ import annotations

import pytest

from nlp.detector import Detector
from nlp.langid import identify


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ja, goedemiddag.", "nl"),
        ("Nee hoor.", "nl"),
        ("Dank u wel.", "nl"),
        ("Mijn moeder is overleden.", "nl"),
        ("Eh, ik weet het niet.", "nl"),
        ("Oké, doei!", "nl"),
        ("Yes, thanks.", "en"),
        ("No worries, mate.", "en"),
        ("My husband passed away.", "en"),
        ("I dunno, really.", "en"),
        ("That's brilliant, cheers.", "en"),
        ("Thank you so much.", "en"),
    ],
)
def test_identifies_short_utterances(text: str, lang: str) -> None:
    assert identify(text) == lang


def test_no_evidence_falls_back_to_the_default() -> None:
    assert identify("1234 5678") == "nl"
    assert identify("", default="en") == "en"


def test_explicit_language_wins(detector: Detector) -> None:
    # An English sentence analysed as Dutch because the caller says so: no English events.
    assert detector.detect("My husband passed away.", "nl").lang == "nl"
    assert detector.detect("My husband passed away.").lang == "en"


def test_unknown_language_is_identified_not_trusted(detector: Detector) -> None:
    assert detector.detect("Mijn moeder is overleden.", "de").lang == "nl"
