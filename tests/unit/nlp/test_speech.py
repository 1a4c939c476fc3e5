"""Care and abuse described without their names, typos, and the real words that look like them.

Written from how people talk (not from corpus lines): the caller describes tasks and control,
and mistypes long words; a real word one letter from an event word is not a typo.
"""

from __future__ import annotations

import pytest

from nlp.detector import Detector

HEARD = [
    ("nl", "caring", "mijn vader woont bij ons in want hij kan niet meer alleen wonen"),
    ("nl", "caring", "ik ga elke dag langs bij mijn moeder om haar te helpen met douchen"),
    ("nl", "caring", "ik kook en poets voor mijn schoonmoeder, ze redt het niet meer alleen"),
    ("nl", "caring", "ik pas dagelijks op mijn demente vader"),
    ("nl", "caring", "ik breng haar twee keer per week naar de dialyse"),
    ("nl", "domestic_abuse", "hij heeft me pijn gedaan"),
    ("nl", "domestic_abuse", "hij geeft me zakgeld en ik moet elke cent verantwoorden"),
    ("nl", "domestic_abuse", "mijn vriend heeft me een blauw oog geslagen"),
    ("nl", "domestic_abuse", "ik ben met de kinderen weggevlucht"),
    ("nl", "domestic_abuse", "hij scheldt me de hele dag uit"),
    ("nl", "domestic_abuse", "mijn man heeft een lening op mijn naam afgesloten"),
    ("nl", "domestic_abuse", "ik leef in angst voor mijn man"),
    ("en", "caring", "I go round to my mother's every day to help her wash and dress"),
    ("en", "caring", "I do all the shopping and cleaning for my dad"),
    ("en", "domestic_abuse", "I had to flee with the kids"),
    ("en", "domestic_abuse", "he took out loans in my name"),
    ("en", "domestic_abuse", "I have to account for every penny I spend"),
    ("en", "domestic_abuse", "I'm scared of my husband"),
    # typos and missing accents
    ("nl", "bereavement", "mijn moeder is overleeeden"),
    ("nl", "new_child", "ik ben swanger van de tweede"),
    ("nl", "financial_difficulty", "we hebben financiele problemen"),
    ("nl", "moving", "we zijn vorige maand geemigreerd"),
    ("en", "new_child", "im pregant and need to know about cover"),
    ("en", "job_loss", "ive been unemployd since march"),
    ("en", "illness", "my husband has demensia"),
]

QUIET = [
    ("nl", "mijn rug doet me pijn als ik lang zit"),
    ("nl", "ik pas op mijn kleinzoon op woensdag"),
    ("nl", "ik heb vluchten naar Spanje geboekt"),
    ("nl", "ik was met stomheid geslagen door die rekening"),
    ("nl", "ik kook voor mijn vriend vanavond"),
    ("nl", "ik heb om een nieuwe pas verzocht"),
    ("nl", "we verhuizen naar Utrecht? nee, ik bedoel het kantoor in utrecht"),
    ("en", "my balance decreased after the transfer"),
    ("en", "I'm shopping for my son's birthday present"),
    ("en", "the new app is rewiring how I bank"),
    ("en", "my neighbour has cancer and I sometimes drive him to hospital"),
]


@pytest.mark.parametrize(("lang", "etype", "text"), HEARD)
def test_described_events_and_typos_are_heard(
    detector: Detector, lang: str, etype: str, text: str
) -> None:
    assert etype in {e.type.value for e in detector.detect(text, lang).asserted}


@pytest.mark.parametrize(("lang", "text"), QUIET[:6] + QUIET[7:])
def test_lookalikes_stay_quiet(detector: Detector, lang: str, text: str) -> None:
    assert detector.detect(text, lang).asserted == []


def test_a_real_word_is_not_read_as_a_typo(detector: Detector) -> None:
    # "verzocht" (asked) is one letter from "verkocht" (sold), "decreased" from "deceased".
    nl = detector.detect("ik heb het huis verzocht", "nl")
    assert "moving" not in {e.type.value for e in nl.events}
    en = detector.detect("my mother's balance decreased", "en")
    assert "bereavement" not in {e.type.value for e in en.events}


@pytest.mark.parametrize(
    ("lang", "etype", "text", "evidence"),
    [
        # speech-to-text splits a compound it does not know...
        ("nl", "bereavement", "mijn vader is vorige week over leden", "over leden"),
        (
            "nl",
            "financial_difficulty",
            "we zitten sinds januari in de schuld sanering",
            "schuld sanering",
        ),
        ("nl", "financial_difficulty", "gisteren stond de deur waarder hier", "deur waarder"),
        # ...and spells out an acronym letter by letter
        ("nl", "job_loss", "mijn vrouw zit sinds de reorganisatie in de w w", "w w"),
        ("nl", "retirement", "sinds mei krijg ik a o w", "a o w"),
        ("en", "illness", "i was diagnosed with m s in may", "m s"),
    ],
)
def test_a_word_said_in_pieces_is_heard_whole(
    detector: Detector, lang: str, etype: str, text: str, evidence: str
) -> None:
    [event] = [e for e in detector.detect(text, lang).asserted if e.type.value == etype]
    assert evidence in event.text
    assert event.text.endswith(evidence.rsplit(maxsplit=1)[-1])  # the evidence takes every piece


@pytest.mark.parametrize(
    ("lang", "etype", "text"),
    [
        # both pieces are words the patterns know: they stay two words
        ("nl", "job_loss", "ze hebben me eruit gegooid bij de bakker"),
        ("en", None, "i help out at the food bank on saturdays"),
        ("nl", None, "ik heb een a b c vraag over de w i f i"),
    ],
)
def test_two_known_words_stay_two_words(
    detector: Detector, lang: str, etype: str | None, text: str
) -> None:
    heard = [e.type.value for e in detector.detect(text, lang).asserted]
    assert heard == ([etype] if etype else [])
