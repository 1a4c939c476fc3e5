"""Dutch or English per utterance, also for very short turns; an explicit language wins."""

from __future__ import annotations

import pytest

from nlp.detector import Detector
from nlp.langid import identify, other_language


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


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mein Vater ist letzte Woche gestorben.", "German"),
        ("Ich habe meine Arbeit verloren, was kann ich tun?", "German"),
        ("Mon père est décédé la semaine dernière.", "French"),
        ("Babamı kaybettim, hesabı kapatmak istiyorum.", "Turkish"),
        ("Mój ojciec zmarł w zeszłym tygodniu.", "Polish"),
        ("Mi padre murió la semana pasada.", "Spanish"),
        ("أبي توفي الأسبوع الماضي", "a non-Latin script"),
        ("Мой отец умер на прошлой неделе", "a non-Latin script"),
    ],
)
def test_other_languages_are_named(detector: Detector, text: str, language: str) -> None:
    assert other_language(text) == language
    # Read as Dutch, "gestorben" would pass for "gestorven": no guessing without a language.
    assert detector.detect(text).events == []


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "Noa Kramer.",
        "de la Rie is mijn naam",
        "Mijn man is Duits, hij zegt altijd 'ich bin müde'.",
        "Ik ben in de WW.",
        "I'm in Turkey with my mum, she's in hospital.",
    ],
)
def test_dutch_and_english_are_never_called_foreign(text: str) -> None:
    assert other_language(text) is None


def test_a_callers_language_still_wins_over_foreign_words(detector: Detector) -> None:
    detection = detector.detect("Mein Vater ist letzte Woche gestorben.", "nl")
    assert detection.lang == "nl"
