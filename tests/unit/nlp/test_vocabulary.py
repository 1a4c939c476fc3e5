"""Everyday and official vocabulary for each life event, and the look-alikes that must stay quiet.

These sentences were written from how Dutch and English customers talk about their situation
(official terms, euphemisms, tasks instead of labels), not copied from the evaluation corpus.
"""

from __future__ import annotations

import pytest
import spacy

from nlp import components as _components  # noqa: F401 - registers the factories
from nlp.detector import Detector

NL_ASSERTED = [
    ("De uitvaart van mijn vader is volgende week donderdag.", "bereavement"),
    ("Ik moet de nalatenschap van mijn moeder afwikkelen.", "bereavement"),
    ("We hebben afscheid moeten nemen van mijn broer.", "bereavement"),
    ("We zijn bezig met het echtscheidingsconvenant.", "separation"),
    ("Mijn man woont niet meer thuis, hij heeft een ander.", "separation"),
    ("Ik heb een vaststellingsovereenkomst getekend.", "job_loss"),
    ("Door de reorganisatie is mijn functie vervallen.", "job_loss"),
    ("Het bedrijf waar ik werkte ging failliet.", "job_loss"),
    ("Er staat een deurwaarder aan de deur.", "financial_difficulty"),
    ("Ik moet elke euro omdraaien.", "financial_difficulty"),
    ("Ze hebben het gas afgesloten.", "financial_difficulty"),
    ("Ik zit in de bijstand.", "financial_difficulty"),
    ("Ik lag twee weken op de ic.", "illness"),
    ("Ik ben in behandeling bij de oncoloog.", "illness"),
    ("We hebben de verhuisdozen al gepakt.", "moving"),
    ("We hebben het huurcontract getekend.", "moving"),
    ("Ik ben vorige week bevallen van een zoon.", "new_child"),
    ("Er is een kindje op komst.", "new_child"),
    ("Mijn AOW gaat in mei in.", "retirement"),
    ("We hebben vorige maand het jawoord gegeven.", "marriage"),
    ("We zijn in ondertrouw.", "marriage"),
    ("Ik word thuis geslagen.", "domestic_abuse"),
    ("Hij controleert mijn telefoon en mijn rekening.", "domestic_abuse"),
    ("Ik voel me thuis niet veilig.", "domestic_abuse"),
    ("Ik help haar elke ochtend met wassen en aankleden.", "caring"),
    ("Ik regel de bankzaken van mijn dementerende moeder.", "caring"),
]

EN_ASSERTED = [
    ("My dad's funeral is on Friday.", "bereavement"),
    ("I'm the executor of my mum's estate.", "bereavement"),
    ("We're going through a divorce.", "separation"),
    ("He moved out last month and took the car.", "separation"),
    ("I was furloughed and then made redundant.", "job_loss"),
    ("The company went into administration.", "job_loss"),
    ("I've got a CCJ and the bailiffs keep coming round.", "financial_difficulty"),
    ("It's heat or eat in our house at the moment.", "financial_difficulty"),
    ("I'm on a debt management plan.", "financial_difficulty"),
    ("I'm halfway through chemo.", "illness"),
    ("I've been signed off work with stress.", "illness"),
    ("The removal van comes on Saturday.", "moving"),
    ("We've exchanged contracts on the new flat.", "moving"),
    ("I'm 30 weeks pregnant.", "new_child"),
    ("I'm on maternity leave.", "new_child"),
    ("I took early retirement in March.", "retirement"),
    ("We got married in June.", "marriage"),
    ("He won't let me see my friends.", "domestic_abuse"),
    ("He tracks my phone and has all my passwords.", "domestic_abuse"),
    ("I get carer's allowance for looking after my son.", "caring"),
    ("I help my dad shower and get dressed every morning.", "caring"),
]

NL_QUIET = [
    "Heeft u een en/of-rekening voor stellen?",
    "Wat kost een uitvaartverzekering bij jullie?",
    "Ik ben doodmoe van al dat wachten.",
    "Het is om te janken met die app.",
    "De scheidsrechter floot veel te vroeg.",
    "Ik heb een schuldgevoel dat ik zo laat bel.",
    "De verhuizing van de server duurt nog even.",
    "Mijn contract bij jullie loopt af, wat zijn de opties?",
    "Ik ben bewindvoerder van een cliënt.",
    "Heb ik recht op juridische bijstand via mijn polis?",
]

EN_QUIET = [
    "How much is your funeral plan?",
    "This queue is killing me.",
    "I'm sick and tired of this app.",
    "Can I speak to Ms Jones please?",
    "The payment is on the way.",
    "The statement is three months old.",
    "Can you move my appointment to Tuesday?",
    "I'm dying for a coffee.",
]


@pytest.mark.parametrize(("text", "etype"), NL_ASSERTED)
def test_dutch_vocabulary_is_heard(detector: Detector, text: str, etype: str) -> None:
    types = {e.type.value for e in detector.detect(text, "nl").asserted}
    assert etype in types


@pytest.mark.parametrize(("text", "etype"), EN_ASSERTED)
def test_english_vocabulary_is_heard(detector: Detector, text: str, etype: str) -> None:
    types = {e.type.value for e in detector.detect(text, "en").asserted}
    assert etype in types


@pytest.mark.parametrize("text", NL_QUIET)
def test_dutch_lookalikes_stay_quiet(detector: Detector, text: str) -> None:
    assert detector.detect(text, "nl").asserted == []


@pytest.mark.parametrize("text", EN_QUIET)
def test_english_lookalikes_stay_quiet(detector: Detector, text: str) -> None:
    assert detector.detect(text, "en").asserted == []


@pytest.mark.parametrize(
    "text",
    ["Hallo... ja. Nee!! Wat? ok", "...", "a. . b", "Eh?! (ja) dus.", "x", "Hij is overleden."],
)
def test_sentence_starts_match_spacys_sentencizer(text: str) -> None:
    ours = spacy.blank("nl")
    ours.add_pipe("array_sentencizer")
    theirs = spacy.blank("nl")
    theirs.add_pipe("sentencizer")
    assert [s.start for s in ours(text).sents] == [s.start for s in theirs(text).sents]
