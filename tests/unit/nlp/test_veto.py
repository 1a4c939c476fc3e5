"""The classifier's second opinion (nlp/veto.py): what it sets aside, what it adds, what it
keeps, how it is switched on, and that a missing model leaves the rules alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nlp import options
from nlp.detector import Detector, build_pipeline, get_detector
from nlp.veto import Veto, sentences, train, veto_path


@pytest.fixture(scope="module")
def vetoed() -> Detector:
    return Detector(veto=True)


@pytest.fixture(scope="module")
def rules_only() -> Detector:
    return Detector(veto=False)


LOOK_ALIKES = [
    (
        "Het aantal scheidingen in onze straat is echt gek, maar goed, mijn factuur klopt niet.",
        "nl",
    ),
    (
        # ("mensen met schulden" is a rule veto since round 13: the rules no longer hear it)
        "Er staat een artikel over schulden in jullie blad, maar ik bel over mijn wachtwoord.",
        "nl",
    ),
    ("The divorce rate in my street is crazy, anyway, my bill is wrong.", "en"),
]


@pytest.mark.parametrize(("text", "lang"), LOOK_ALIKES)
def test_look_alikes_the_rules_hear_are_set_aside(
    vetoed: Detector, rules_only: Detector, text: str, lang: str
) -> None:
    heard = [e.type for e in rules_only.detect(text, lang).events if e.asserted]
    assert heard, "the rules must hear something here, or this case tests nothing"
    detection = vetoed.detect(text, lang)
    assert [e for e in detection.events if e.asserted] == []
    # set aside, not forgotten: what the rules heard is still there to show
    assert [e.type for e in detection.set_aside] == heard


@pytest.mark.parametrize("model", [False, True], ids=["rules", "rules+spancat"])
def test_a_batch_is_judged_text_by_text(model: bool) -> None:
    """In a batch of turns in both languages, some the prefilter drops, the classifier reads
    each turn's own words: every result is the one that turn gets alone (with the trained
    span model on too, which takes the batch another way through the pipeline)."""
    detector = Detector(model=model, veto=True)
    texts = [
        "Goedemiddag, ik bel over mijn factuur.",
        LOOK_ALIKES[0][0],
        "My mum died last week.",
        "Ik ben mijn baan kwijt.",
        LOOK_ALIKES[2][0],
        "Ik ga terug naar Marokko, voorgoed, volgende maand.",
        "the app keeps crashing",
    ]
    batch = detector.detect_many(texts)
    alone = [detector.detect(t) for t in texts]
    assert batch == alone
    assert [e.type.value for e in batch[2].events] == ["bereavement"]
    assert batch[1].set_aside
    assert batch[4].set_aside


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        ("Mijn vader is vorige week overleden.", "nl", "bereavement"),
        ("Ik ben mijn baan kwijt.", "nl", "job_loss"),
        ("I was made redundant last month.", "en", "job_loss"),
        ("My mum died last week.", "en", "bereavement"),
    ],
)
def test_plain_events_are_kept(vetoed: Detector, text: str, lang: str, kind: str) -> None:
    detection = vetoed.detect(text, lang)
    assert [e.type.value for e in detection.events if e.asserted] == [kind]
    assert detection.set_aside == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # No pattern knows these words; the classifier has heard enough like them.
        (
            "Ik ga terug naar Marokko, voorgoed, volgende maand.",
            "nl",
            ("moving", "Ik ga terug naar Marokko, voorgoed, volgende maand."),
        ),
        (
            "Right. My brother is autistic and I do his money and his appointments now.",
            "en",
            ("caring", "My brother is autistic and I do his money and his appointments now."),
        ),
    ],
)
def test_a_type_the_rules_did_not_hear_is_added_with_its_sentence(
    vetoed: Detector, rules_only: Detector, text: str, lang: str, expected: tuple[str, str]
) -> None:
    assert rules_only.detect(text, lang).events == [], "the rules must miss it for this test"
    [event] = vetoed.detect(text, lang).events
    assert event.asserted
    assert (event.type.value, event.text) == expected
    assert text[event.start : event.end] == event.text


LONG_TURNS = [
    # An event in one sentence of a long turn: the rest of the turn dilutes its words, so the
    # whole scores it near zero; its own sentence does not (round 17 set these aside).
    (
        "Yeah hi, um, I am ringing because the app keeps logging me out and I cannot see my "
        "statements or my savings, it has been like that all week and the chat bot is useless, "
        "really annoying, I tried reinstalling twice. Also my husband left me in March. Anyway, "
        "can you reset it for me, I have the card reader here?",
        "en",
        "separation",
    ),
    (
        "Ja goedemiddag, ik bel eigenlijk over de app want die doet het al een week niet, ik kan "
        "niet inloggen, ik heb hem al twee keer opnieuw geinstalleerd en de chat helpt ook niet, "
        "echt irritant. Mijn man is in maart bij me weggegaan. Maar goed, kunt u de app "
        "resetten, ik heb de kaartlezer hier?",
        "nl",
        "separation",
    ),
]


@pytest.mark.parametrize(("text", "lang", "kind"), LONG_TURNS)
def test_an_event_in_a_long_turn_is_judged_on_its_sentence(
    vetoed: Detector, rules_only: Detector, text: str, lang: str, kind: str
) -> None:
    veto = Veto.load(veto_path(lang))
    assert veto is not None
    [whole] = veto.probabilities([text])
    assert whole[kind] < veto.thresholds.set_aside, "the whole turn must score it low"
    assert [e.type.value for e in rules_only.detect(text, lang).asserted] == [kind]
    detection = vetoed.detect(text, lang)
    assert [e.type.value for e in detection.asserted] == [kind]
    assert detection.set_aside == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Goedemiddag. Ik ga terug naar Marokko, voorgoed, volgende maand. Kan ik mijn "
            "rekening dan nog gebruiken?",
            "nl",
            ("moving", "Ik ga terug naar Marokko, voorgoed, volgende maand."),
        ),
        (
            "Hello, good morning. Right, so, my brother is autistic and I do his money and his "
            "appointments now. Can I get access to his account online?",
            "en",
            (
                "caring",
                "Right, so, my brother is autistic and I do his money and his appointments now.",
            ),
        ),
    ],
)
def test_a_sentence_can_add_what_the_whole_turn_drowns(
    vetoed: Detector, rules_only: Detector, text: str, lang: str, expected: tuple[str, str]
) -> None:
    assert rules_only.detect(text, lang).events == [], "the rules must miss it for this test"
    veto = Veto.load(veto_path(lang))
    assert veto is not None
    assert veto.probabilities([text])[0][expected[0]] < veto.thresholds.add
    [event] = vetoed.detect(text, lang).events
    assert event.asserted
    assert (event.type.value, event.text) == expected
    assert text[event.start : event.end] == event.text


def test_a_look_alike_type_beside_a_real_event_is_set_aside(
    vetoed: Detector, rules_only: Detector
) -> None:
    text = "Hi. Yes. My wife passed away at the hospice last night."
    assert sorted(e.type.value for e in rules_only.detect(text, "en").asserted) == [
        "bereavement",
        "illness",
    ]
    detection = vetoed.detect(text, "en")
    assert [e.type.value for e in detection.asserted] == ["bereavement"]
    assert [e.type.value for e in detection.set_aside] == ["illness"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # the rules heard the type, negated: the classifier does not overrule ConText
        ("Nee hoor, mijn vader is niet overleden, hij leeft nog.", "nl"),
        ("No, my dad did not die, he is fine.", "en"),
        # someone else's, or a maybe: nothing is added
        ("Mijn buurman gaat terug naar Marokko, voorgoed.", "nl"),
        ("Misschien ga ik ooit terug naar Marokko.", "nl"),
        ("If my brother needs it, I would do his money and his appointments.", "en"),
    ],
)
def test_what_is_not_the_customers_own_stays_so(vetoed: Detector, text: str, lang: str) -> None:
    assert vetoed.detect(text, lang).asserted == []


def test_sentences_are_the_evidence_units() -> None:
    text = "  Ja. Ik ga verhuizen!  Kan dat?\nNee "
    assert [text[a:b] for a, b in sentences(text)] == ["Ja.", "Ik ga verhuizen!", "Kan dat?", "Nee"]
    assert sentences("   ") == []


def test_a_missing_model_leaves_the_rules_alone(tmp_path: Path) -> None:
    text, lang = LOOK_ALIKES[0]
    detection = Detector(veto=tmp_path).detect(text, lang)
    assert [e for e in detection.events if e.asserted]
    assert detection.set_aside == []


@pytest.fixture
def veto_setting() -> Iterator[None]:
    yield
    options.configure(veto=True)


@pytest.mark.usefixtures("veto_setting")
def test_the_setting_switches_the_shared_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    from agent_desk.settings import load_settings

    text, lang = LOOK_ALIKES[2]
    assert get_detector().detect(text, lang).set_aside != []  # on by default
    monkeypatch.setenv("AGENT_DESK_NLP_VETO", "false")
    load_settings()
    assert not options.veto_enabled()
    assert get_detector().detect(text, lang).set_aside == []
    monkeypatch.setenv("AGENT_DESK_NLP_VETO", "true")
    load_settings()
    assert get_detector().detect(text, lang).set_aside != []


def test_training_is_reproducible() -> None:
    data = [
        ("mijn vader is overleden", ["bereavement"]),
        ("ik ben ontslagen", ["job_loss"]),
        ("mijn pas is kwijt", []),
        ("de app doet het niet", []),
    ] * 5
    texts = ["mijn moeder is overleden", "de app is kwijt"]
    a = train("nl", data).probabilities(texts)
    b = train("nl", data).probabilities(texts)
    assert a == b
    assert a[0]["bereavement"] > a[1]["bereavement"]
    assert a[0]["bereavement"] > a[0]["job_loss"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_shipped_model_reads_the_rules_tokens(lang: str) -> None:
    """The classifier scores the rule pipeline's own Doc: the tokenizer it was trained with
    (saved beside it), the one ``Veto.load`` gives it and the rules' must be the same, or it
    would read other words than it learned ("ww." one word or two)."""
    import spacy

    saved = spacy.load(veto_path(lang)).tokenizer.to_bytes(exclude=["vocab"])
    loaded = Veto.load(veto_path(lang))
    assert loaded is not None
    assert loaded.nlp.tokenizer.to_bytes(exclude=["vocab"]) == saved
    assert build_pipeline(lang).tokenizer.to_bytes(exclude=["vocab"]) == saved


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # unpunctuated speech-to-text: the rules read it with a full stop appended
        ("mijn moeder is vorige week overleden en nu moet ik haar rekening opzeggen", "nl"),
        ("Ik bel over mijn WW. Ik ben ontslagen. Kan de termijn later", "nl"),
        ("My MUM passed away. I need to close her account. Can you help", "en"),
    ],
)
def test_the_rules_doc_scores_as_the_text_itself(text: str, lang: str) -> None:
    """What the detector hands the classifier (the rules' Doc of the text as they read it, a
    full stop appended to an unpunctuated line) scores exactly as the text on its own, and
    case does not change a score."""
    from nlp.detector import closed

    veto = Veto.load(veto_path(lang))
    assert veto is not None
    alone, sentences_alone = veto.score_texts([text])
    doc = build_pipeline(lang).make_doc(closed(text))
    from_rules, sentences_from_rules = veto.score_texts([text], [doc])
    assert sentences_from_rules == sentences_alone
    assert from_rules.tolist() == alone.tolist()
    assert veto.probabilities([text]) == veto.probabilities([text.lower()])


def test_a_look_alike_the_rules_know_is_not_added() -> None:
    """The classifier adds a type the rules did not hear, unless their veto patterns know the
    sentence as a look-alike of that type."""
    import spacy

    from nlp.types import EventType
    from nlp.veto import Thresholds

    veto = Veto(spacy.blank("nl"), Thresholds(set_aside=0.02, add=0.7))
    text = "De vaste lasten lopen gewoon door."
    scores = {t.value: 0.0 for t in EventType} | {"financial_difficulty": 0.9}
    by_sentence = [((0, len(text)), scores)]
    added, _ = veto.second_opinion(text, [], scores, by_sentence)
    assert [e.type.value for e in added] == ["financial_difficulty"]
    money = frozenset({EventType.FINANCIAL_DIFFICULTY})
    kept, _ = veto.second_opinion(text, [], scores, by_sentence, lambda s: money)
    assert kept == []
    others = frozenset({EventType.ILLNESS})
    kept, _ = veto.second_opinion(text, [], scores, by_sentence, lambda s: others)
    assert [e.type.value for e in kept] == ["financial_difficulty"]


def test_costs_that_go_on_after_a_death_are_no_money_trouble(vetoed: Detector) -> None:
    # the embedded demo's turn: the guard must hold the credit card, not block it for debts
    text = "O, fijn. Want de vaste lasten lopen natuurlijk gewoon door, de huur en zo."
    assert vetoed.detect(text, "nl").events == []
    assert [
        e.type.value
        for e in vetoed.detect("De huur loopt door en ik kan hem niet meer betalen.", "nl").asserted
    ] == ["financial_difficulty"]
