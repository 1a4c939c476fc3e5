"""Life events as customers say them, in Dutch and English, with their context flags.

Each case pins the events (type + the flags that are set) and that every span is exact.
"""

from __future__ import annotations

import pytest

from nlp.detector import Detector
from tests.unit.nlp.conftest import summary

NL_CASES = [
    # bereavement: inflections, euphemisms, who died
    ("Ik bel omdat mijn moeder vorige week is overleden.", [("bereavement",)]),
    ("Mijn vader overleed in maart.", [("bereavement",)]),
    ("Hij is vorige maand heengegaan.", [("bereavement",)]),
    ("Mijn man is afgelopen zondag rustig ingeslapen.", [("bereavement",)]),
    ("Ik ben vorig jaar mijn vrouw verloren.", [("bereavement",)]),
    ("Mijn buurvrouw is overleden.", [("bereavement", "other")]),
    ("Mijn vader overleed twintig jaar geleden.", [("bereavement", "historical")]),
    ("Wat gebeurt er met de hypotheek als ik overlijd?", [("bereavement", "hypothetical")]),
    # separation, separable verbs
    ("We gaan uit elkaar.", [("separation",)]),
    ("Mijn man en ik zijn uit elkaar gegaan.", [("separation",)]),
    ("We gaan níet scheiden, hoor.", [("separation", "negated")]),
    ("We liggen in scheiding.", [("separation",)]),
    ("Nee, het is mijn zus die gaat scheiden.", [("separation", "other")]),
    # job loss
    ("Ze hebben hem ontslagen.", [("job_loss",)]),
    ("Mijn man is ontslagen.", [("job_loss",)]),
    ("Ik ben mijn baan kwijt.", [("job_loss",)]),
    ("Stel dat ik mijn baan verlies, wat dan?", [("job_loss", "hypothetical")]),
    ("Ik ben bang dat ik mijn baan verlies.", [("job_loss", "hypothetical")]),
    ("Ik ben gelukkig niet ontslagen.", [("job_loss", "negated")]),
    ("Mijn collega is ontslagen.", [("job_loss", "other")]),
    ("Ik ben eruit geknikkerd bij de zaak.", [("job_loss",)]),
    # financial difficulty
    ("Ik kom niet rond.", [("financial_difficulty",)]),
    # "kunnen niet" states what the customer cannot do: a fact, not a possibility
    ("We kunnen gewoon niet rond komen.", [("financial_difficulty",)]),
    ("Het is heel lastig om rond te komen.", [("financial_difficulty",)]),
    ("Ik kan niet ontslagen worden, ik heb een vast contract.", [("job_loss", "negated")]),
    ("Ik kan ontslagen worden als de afdeling sluit.", [("job_loss", "hypothetical")]),
    ("Ik sta al maanden rood.", [("financial_difficulty",)]),
    ("We zitten diep in de schulden.", [("financial_difficulty",)]),
    ("Ik kan de huur niet meer betalen.", [("financial_difficulty",)]),
    ("Ik heb geen schulden.", [("financial_difficulty", "negated")]),
    # illness
    ("Ik heb vorige maand de diagnose kanker gekregen.", [("illness",)]),
    ("Ik zit al weken thuis met een burn-out.", [("illness",)]),
    # moving, new child, retirement, marriage
    ("We gaan volgende maand verhuizen.", [("moving",)]),
    ("We hebben een kindje gekregen.", [("new_child",)]),
    ("Mijn vrouw is zwanger.", [("new_child",)]),
    ("Ik ga in mei met pensioen.", [("retirement",)]),
    ("We gaan in juni trouwen.", [("marriage",)]),
    # domestic abuse, caring
    ("Mijn man slaat me.", [("domestic_abuse",)]),
    ("Ik zorg elke dag voor mijn vader.", [("caring",)]),
    ("Ik ben mantelzorger voor mijn moeder.", [("caring",)]),
]

EN_CASES = [
    ("My husband passed away, it'll be two weeks on Friday.", [("bereavement",)]),
    ("My mum died last week.", [("bereavement",)]),
    ("What would happen to the mortgage if my husband died?", [("bereavement", "hypothetical")]),
    ("I lost my dad in January.", [("bereavement",)]),
    ("My neighbour died.", [("bereavement", "other")]),
    ("A friend of mine passed away.", [("bereavement", "other")]),
    ("My father died twenty years ago.", [("bereavement", "historical")]),
    ("My dad died when I was ten.", [("bereavement", "historical")]),
    ("Me and my partner, we've split up.", [("separation",)]),
    ("We're getting divorced.", [("separation",)]),
    ("No, we're not splitting up, quite the opposite.", [("separation", "negated")]),
    ("My sister is in the middle of a divorce.", [("separation", "other")]),
    ("I was let go last week.", [("job_loss",)]),
    ("They made me redundant.", [("job_loss",)]),
    ("My husband was laid off in March.", [("job_loss",)]),
    ("What happens with my mortgage if I lose my job?", [("job_loss", "hypothetical")]),
    ("I didn't lose my job.", [("job_loss", "negated")]),
    ("I didn’t lose my job.", [("job_loss", "negated")]),
    ("Money's been really tight.", [("financial_difficulty",)]),
    ("I'm a month behind on the rent.", [("financial_difficulty",)]),
    ("I can't afford the repayments.", [("financial_difficulty",)]),
    ("I’m in debt.", [("financial_difficulty",)]),
    ("I was diagnosed with breast cancer.", [("illness",)]),
    ("We're moving house next month.", [("moving",)]),
    ("My wife is pregnant.", [("new_child",)]),
    ("I retired last year.", [("retirement",)]),
    ("We're getting married in June.", [("marriage",)]),
    ("My partner controls all my money.", [("domestic_abuse",)]),
    ("I look after my mum, she has dementia.", [("caring",), ("illness", "other")]),
    ("We're running out of money before the end of the month.", [("financial_difficulty",)]),
    ("We're not together anymore, so I need my own account.", [("separation",)]),
]


def _check(detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]) -> None:
    detection = detector.detect(text, lang)
    assert sorted(summary(detection)) == sorted(expected)
    for e in detection.events:
        assert text[e.start : e.end] == e.text


@pytest.mark.parametrize(("text", "expected"), NL_CASES)
def test_dutch(detector: Detector, text: str, expected: list[tuple[str, ...]]) -> None:
    _check(detector, text, "nl", expected)


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_english(detector: Detector, text: str, expected: list[tuple[str, ...]]) -> None:
    _check(detector, text, "en", expected)


def test_asserted_means_the_customers_own_current_situation(detector: Detector) -> None:
    own = detector.detect("Mijn man is ontslagen.", "nl")
    other = detector.detect("Mijn buurman is ontslagen.", "nl")
    assert [e.asserted for e in own.events] == [True]
    assert [e.asserted for e in other.events] == [False]


def test_two_events_in_one_turn_each_keep_their_own_context(detector: Detector) -> None:
    text = "We gaan níet scheiden, hoor. We gaan in juni trouwen."
    got = sorted(summary(detector.detect(text, "nl")))
    assert got == [("marriage",), ("separation", "negated")]


def test_terminator_ends_negation_scope(detector: Detector) -> None:
    text = "Het ging niet goed met haar, maar mijn moeder is vorige week overleden."
    assert summary(detector.detect(text, "nl")) == [("bereavement",)]


def test_pseudo_trigger_does_not_negate(detector: Detector) -> None:
    assert summary(detector.detect("No doubt about it, my husband died in May.", "en")) == [
        ("bereavement",)
    ]


def test_negation_inside_the_evidence_is_not_a_negation(detector: Detector) -> None:
    detection = detector.detect("Ik kan niet rondkomen.", "nl")
    assert summary(detection) == [("financial_difficulty",)]


def test_pronoun_takes_the_role_of_the_person_named_before(detector: Detector) -> None:
    text = "Mijn broer werkte bij de drukkerij. Ze hebben hem ontslagen."
    assert summary(detector.detect(text, "nl")) == [("job_loss", "other")]


def test_spans_are_exact_offsets_into_the_original_text(detector: Detector) -> None:
    text = "Eh, goedemiddag.   Mijn MOEDER is vorige week Overleden!"
    (event,) = detector.detect(text, "nl").events
    assert (event.start, event.end, event.text) == (46, 55, "Overleden")
    assert text[event.start : event.end] == "Overleden"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # An answer ("not really", "nee", "no idea") before a comma and a new subject is not
        # about what follows: the event after it is the customer's, asserted.
        ("Not really, I lost my job yesterday.", "en", [("job_loss",)]),
        ("Not at the moment, my wife just got made redundant.", "en", [("job_loss",)]),
        ("Not my job, my husband lost his job.", "en", [("job_loss",)]),
        ("Niet echt, ik ben gisteren ontslagen.", "nl", [("job_loss",)]),
        ("Geen idee eigenlijk, mijn vader is vorige week overleden.", "nl", [("bereavement",)]),
        # ... while a negation inside the clause still counts.
        ("No, I haven't lost my job.", "en", [("job_loss", "negated")]),
        ("Nee, ik ben niet ontslagen.", "nl", [("job_loss", "negated")]),
    ],
)
def test_a_clause_break_ends_a_negation(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert summary(detector.detect(text, lang)) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("als ik mijn baan kwijtraak, wat dan?", "nl", [("job_loss", "hypothetical")]),
        ("Ik ben bang dat mijn man zijn werk kwijtraakt.", "nl", [("job_loss", "hypothetical")]),
        ("My husband did not pass away.", "en", [("bereavement", "negated")]),
        # Leaving a job of one's own accord is not a separation.
        ("Nee, ik ben niet ontslagen, ik ben zelf weggegaan.", "nl", [("job_loss", "negated")]),
        ("Ik ben weggegaan bij mijn man.", "nl", [("separation",)]),
    ],
)
def test_verb_forms_and_leaving_a_job(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert summary(detector.detect(text, lang)) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # A state that has lasted for years is still the customer's situation now ...
        ("Ik heb al jaren schulden.", "nl", [("financial_difficulty",)]),
        ("Ik zorg al zeven jaar voor mijn moeder.", "nl", [("caring",)]),
        ("Ik ben al drie jaar werkloos.", "nl", [("job_loss",)]),
        ("I've had debts for years.", "en", [("financial_difficulty",)]),
        ("She's had cancer for a long time.", "en", [("illness",)]),
        ("I've been out of work for three years.", "en", [("job_loss",)]),
        # ... while what happens once lies that far back,
        ("Ik ben al tien jaar gescheiden.", "nl", [("separation", "historical")]),
        ("Mijn moeder is al jaren dood.", "nl", [("bereavement", "historical")]),
        # and a stretch told as finished is over.
        ("I had debts for years.", "en", [("financial_difficulty", "historical")]),
        (
            "I looked after my grandmother for years when I still lived at home.",
            "en",
            [("caring", "historical")],
        ),
        ("Ik heb zeven jaar voor haar gezorgd, elke dag.", "nl", [("caring", "historical")]),
        # A trigger for some types does not hide another type's trigger on the same words.
        ("Ik heb jaren geleden een hartaanval gehad.", "nl", [("illness", "historical")]),
    ],
)
def test_how_long_a_situation_has_lasted(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert summary(detector.detect(text, lang)) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Whose situation it is: a relative who lives elsewhere is outside the household ...
        (
            "Mijn zus wordt mishandeld door haar vriend, ze woont in Rotterdam.",
            "nl",
            [("domestic_abuse", "other")],
        ),
        ("My daughter just had a baby, she lives in Rotterdam.", "en", [("new_child", "other")]),
        # ... but "me" in the evidence is the customer, wherever the abuser lives,
        ("Mijn ex slaat me, hij woont in Utrecht.", "nl", [("domestic_abuse",)]),
        # a relative who lives with the customer is household,
        ("My mum lives with us and she has cancer.", "en", [("illness",)]),
        # the person after a genitive owns the event ("de kraamzorg van mijn schoonzus"),
        (
            "Ik vraag het voor de kraamzorg van mijn schoonzus.",
            "nl",
            [("new_child", "other")],
        ),
        # and whom the customer nurses is cared for, not the one with the event.
        ("I'm nursing my father at our home.", "en", [("caring",)]),
        # The customer's own account is the customer's money trouble.
        ("My account is overdrawn.", "en", [("financial_difficulty",)]),
        # Close to it is not there yet.
        ("Ik denk dat ik tegen een burn-out aan zit.", "nl", [("illness", "hypothetical")]),
        ("I think I'm heading for a burnout.", "en", [("illness", "hypothetical")]),
        # "if you" asks about people in general.
        ("Is there any arrangement if you split up?", "en", [("separation", "hypothetical")]),
        ("Back in the nineties I was unemployed.", "en", [("job_loss", "historical")]),
        # Debt restructuring is money trouble, not a reorganisation at work.
        ("I'm in the WSNP, the debt restructuring.", "en", [("financial_difficulty",)]),
    ],
)
def test_whose_situation_and_how_real(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert summary(detector.detect(text, lang)) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The heating died on us last night.", "en"),
        ("Ik sterf van de honger, laten we het snel doen.", "nl"),
        ("Al mijn plantjes zijn doodgegaan in de hittegolf.", "nl"),
        ("I work on the oncology ward, nights.", "en"),
        ("Ik werk op de oncologie en heb vaak nachtdienst.", "nl"),
        ("The cancer charity took the donation twice.", "en"),
        ("Moet ik mijn zakelijke en privé-uitgaven scheiden?", "nl"),
        ("No, there's no money problems, I just prefer to pay per quarter.", "en"),
        ("Ik heb hem niet meer nodig sinds ik geen auto meer heb.", "nl"),
        ("Ik ben blut na dat weekendje Parijs, haha.", "nl"),
        ("The company I work for is moving offices to Amsterdam.", "en"),
    ],
)
def test_look_alikes_heard_in_calls(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Taking it back: a self-correction denies what was just said ...
        (
            "Mijn vrouw is ontslagen, nee wacht, ze is overgeplaatst naar Zwolle.",
            "nl",
            [("job_loss", "negated")],
        ),
        (
            "My husband was laid off, no sorry, I said that wrong, he was moved to another team.",
            "en",
            [("job_loss", "negated")],
        ),
        # ... "not yet" makes it a plan, a form ticked in error is no care at all,
        (
            "I've been made redundant, well, not yet, they've only announced it.",
            "en",
            [("job_loss", "hypothetical")],
        ),
        (
            "We verhuizen, of nou ja, dat willen we, het huis is nog niet gevonden.",
            "nl",
            [
                ("moving", "hypothetical"),
            ],
        ),
        ("The box saying I'm a carer was ticked by mistake.", "en", [("caring", "negated")]),
        # ... and a correction of *who* is not a denial.
        (
            "Mijn moeder is overleden, nee wacht, mijn schoonmoeder bedoel ik.",
            "nl",
            [("bereavement",)],
        ),
        # A profession that deals with the event speaks for someone else, in any clause.
        (
            "Ik ben bewindvoerder en mantelzorger van mijn tante.",
            "nl",
            [("caring",)],
        ),
        (
            "Ik ben schuldhulpverlener, hoe lang duurt een betalingsregeling bij jullie meestal?",
            "nl",
            [("financial_difficulty", "other")],
        ),
        (
            "I'm a notary, I need the balance of the account on the date of death.",
            "en",
            [("bereavement", "other")],
        ),
        # Speech-to-text drops the apostrophe: "my friends dad" is the friend's father.
        ("my colleagues dad passed away last night", "en", [("bereavement", "other")]),
        # "me and my brother" includes the customer.
        (
            "Me and my sister go to mum's every morning to wash and dress her.",
            "en",
            [("caring",)],
        ),
        # A present anchor stops a time frame from another clause.
        (
            "We zijn in 2009 gescheiden, maar nu is hij overleden.",
            "nl",
            [("separation", "historical"), ("bereavement",)],
        ),
        # A question about the consequences of a fact does not reach back over the comma.
        (
            "Mijn dochter woont thuis en is zwanger, moet de baby dan apart verzekerd worden?",
            "nl",
            [("new_child",)],
        ),
        # Trying for a baby is a wish. (Round 21: a payment holiday is a product, not money
        # trouble, even hypothetical: 11 of 11 dev lines asking for one carry none.)
        ("We're trying for a baby, is IVF covered?", "en", [("new_child", "hypothetical")]),
        ("I'm just curious how a payment holiday works.", "en", []),
        # Starting to live together is a move and a partnership.
        (
            "Mijn vriend en ik gaan samenwonen in maart.",
            "nl",
            [
                ("marriage",),
                ("moving",),
            ],
        ),
        # Wording: choosing between essentials, nothing coming in, a foster child, living apart.
        ("Deze maand is het de huur of de boodschappen.", "nl", [("financial_difficulty",)]),
        ("It's heat or eat in our house now.", "en", [("financial_difficulty",)]),
        ("Since March there's nothing coming in at all.", "en", [("financial_difficulty",)]),
        ("We are fostering two boys from next month.", "en", [("new_child",)]),
        ("We wonen apart sinds de zomer.", "nl", [("separation",)]),
        ("Dad didn't make it, he passed in the night.", "en", [("bereavement",)]),
        # Dutch main-clause "tegen ... aan": close to it, not there yet.
        ("Ik loop echt tegen een burn-out aan.", "nl", [("illness", "hypothetical")]),
        # The customer as subject of a clause inside the phrase is not the event's subject,
        (
            "Our old neighbour from when we lived in Delft has died.",
            "en",
            [
                ("bereavement", "other"),
            ],
        ),
        (
            "Mijn collega van toen ik nog bij de bank werkte is overleden.",
            "nl",
            [
                ("bereavement", "other"),
            ],
        ),
        # except for care, which sits inside that clause.
        (
            "Ik heb een zieke vader die ik elke dag verzorg.",
            "nl",
            [
                ("illness", "other"),
                ("caring",),
            ],
        ),
    ],
)
def test_round_10_families(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert sorted(summary(detector.detect(text, lang))) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We've broken up with our old broadband provider.", "en"),
        ("Ik ga van jullie scheiden als dit zo doorgaat, haha.", "nl"),
        ("I nearly had a heart attack when the bill came.", "en"),
        ("Ik kreeg bijna een hartaanval van die rekening.", "nl"),
        ("My phone contract ends in June, what can you offer?", "en"),
        ("My dad didn't make it to the appointment, can we rebook?", "en"),
        ("Die update is echt dood, niks werkt meer.", "nl"),
        ("My mobile is dead, I'm on my wife's phone.", "en"),
        ("Onze werkgever gaat verhuizen naar Utrecht.", "nl"),
        ("Mijn schoonmoeder komt bij ons wonen.", "nl"),
        ("Ik leef nog hoor, maar de brief was gericht aan mijn nabestaanden.", "nl"),
        ("Die brief over nabestaandenpensioen is voor de vorige bewoner.", "nl"),
        ("I'm retired from Facebook, email me instead.", "en"),
        ("Please cancel the change of address, the sale fell through.", "en"),
    ],
)
def test_round_10_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


def test_a_relative_moving_in_is_not_the_customers_move(detector: Detector) -> None:
    for text, lang in [
        ("My grandad moved in with us in May.", "en"),
        ("Mijn vader is bij ons ingetrokken.", "nl"),
    ]:
        assert "moving" not in [e.type.value for e in detector.detect(text, lang).events]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # A possessive pronoun right before the evidence owns it, after a preposition too.
        (
            "Mijn zoon is werkloos en mijn schoondochter vroeg of ik kon bellen over hun "
            "achterstand.",
            "nl",
            [("job_loss", "other"), ("financial_difficulty", "other")],
        ),
        (
            "My son asked me to ring about their arrears.",
            "en",
            [
                ("financial_difficulty", "other"),
            ],
        ),
        # Asking in general, or far off.
        (
            "Ik wil in het algemeen weten hoe jullie met een betalingsachterstand omgaan.",
            "nl",
            [
                ("financial_difficulty", "hypothetical"),
            ],
        ),
        ("I'm twenty-five, retirement is years away.", "en", [("retirement", "hypothetical")]),
        # "Een hoop" is a lot, not a hope; "nee grapje" takes it back.
        ("Ik heb een hoop schulden bij de belastingdienst.", "nl", [("financial_difficulty",)]),
        (
            "Ik ben blut, nee grapje, ik wil mijn limiet verhogen.",
            "nl",
            [
                ("financial_difficulty", "negated"),
            ],
        ),
        # A hedge is not a person in the story.
        (
            "Mijn buurvrouw wordt volgens mij geslagen door haar man.",
            "nl",
            [
                ("domestic_abuse", "other"),
            ],
        ),
        # Wording: Flemish and regional forms, euphemisms, errands, a date set.
        ("Ik heb vorige week mijn C4 gekregen.", "nl", [("job_loss",)]),
        ("Ik ben sinds de zomer op rust.", "nl", [("retirement",)]),
        ("Mijn opa is vorige week van ons weggenomen.", "nl", [("bereavement",)]),
        (
            "Ik breng mijn moeder elke week naar de dialyse.",
            "nl",
            [
                ("caring",),
                ("illness", "other"),
            ],
        ),
        ("Our wedding is next month and the venue wants paying.", "en", [("marriage",)]),
        ("We had to borrow from my brother to pay the rent.", "en", [("financial_difficulty",)]),
        ("I do my mums shopping and her meds every day.", "en", [("caring",)]),
        ("We're ending our registered partnership.", "en", [("separation",)]),
        ("We've had a foster child placed with us since May.", "en", [("new_child",)]),
        ("we are newly wed", "en", [("marriage",)]),
        ("We zijn van Utrecht naar een dorp in Friesland getrokken.", "nl", [("moving",)]),
        ("We proberen al maanden zwanger te worden.", "nl", [("new_child", "hypothetical")]),
    ],
)
def test_round_11_families(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert sorted(summary(detector.detect(text, lang))) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Het loket is verhuisd naar de tweede verdieping.", "nl"),
        ("We verhuizen al onze telefoonnummers naar de cloud.", "nl"),
        ("Mijn aanvraag voor de vergunning is ingetrokken.", "nl"),
        ("We zamelen geld in voor weduwen en wezen in Oeganda.", "nl"),
        ("De scheidingsmuur tussen de tuinen is van ons.", "nl"),
        ("Haha, ik ben blut na die festivals, maar ik bel over mijn pas.", "nl"),
        ("De ontvangst is dood hier in de kelder.", "nl"),
        ("Our branch is relocating to Utrecht next year.", "en"),
        ("The gig was sick last night, anyway, my card is blocked.", "en"),
        ("Our team got slaughtered on Saturday, ha.", "en"),
        ("I'm a wedding photographer and need cover for my gear.", "en"),
        ("The tablet I bought in May already died.", "en"),
        ("My old email address is dead, can you update it?", "en"),
        ("My nan lives in a retirement village and loves it.", "en"),
        ("I'm totally skint, haha, anyway I'd like a new PIN.", "en"),
    ],
)
def test_round_11_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # A relative who lives with the customer is household, said in a later clause.
        (
            "I look after my father since his stroke, he lives with us now.",
            "en",
            [("caring",), ("illness",)],
        ),
        (
            "Mijn schoonvader is ontslagen, hij woont sinds de zomer bij ons in.",
            "nl",
            [("job_loss",)],
        ),
        # The customer said it of themselves; a later clause about someone else does not move it.
        (
            "I'm unemployed since the shop closed, and my daughter, who lives on her own, "
            "is in debt too.",
            "en",
            [("job_loss",), ("financial_difficulty", "other")],
        ),
        # "Against my ex": the ex is the one the order is against, the customer is protected.
        (
            "There's a restraining order against my ex-partner now.",
            "en",
            [("domestic_abuse",)],
        ),
        # Someone else's relative, someone's client, a club's coach.
        (
            "Mijn collega wordt volgens mij door haar man geslagen.",
            "nl",
            [("domestic_abuse", "other")],
        ),
        ("Een cliënte van ons wordt thuis mishandeld.", "nl", [("domestic_abuse", "other")]),
        # Writing about it, asking in general.
        (
            "Ik schrijf een artikel over scheiden en geld, hoe regelen jullie dat?",
            "nl",
            [("separation", "other")],
        ),
        (
            "I'm a reporter working on a piece about people in debt.",
            "en",
            [("financial_difficulty", "other")],
        ),
        # Long ago: a decade named, a war.
        (
            "Mijn opa is eind jaren zeventig ontslagen.",
            "nl",
            [("job_loss", "other", "historical")],
        ),
        # A dismissal because of retirement is retirement.
        ("Mijn ontslag wegens pensionering gaat in per 1 mei.", "nl", [("retirement",)]),
        ("My grandfather died in the war.", "en", [("bereavement", "historical")]),
        # "Now that" states a fact, whatever wish came before.
        (
            "We want to redo the kitchen now that I've stopped working after forty years.",
            "en",
            [("retirement",)],
        ),
        # Wording.
        ("Er is een kleintje bijgekomen, een jongen.", "nl", [("new_child",)]),
        ("Mijn functie is bij de reorganisatie komen te vervallen.", "nl", [("job_loss",)]),
        ("Ik sta sinds maart onder bewind.", "nl", [("financial_difficulty",)]),
        ("Ik ga in juni op pensioen.", "nl", [("retirement",)]),
        ("Mijn man is er sinds de zomer niet meer.", "nl", [("bereavement",)]),
        ("Ik heb hem eruit gezet na die ruzie.", "nl", [("separation",)]),
        ("Hij heeft me bij de keel gegrepen.", "nl", [("domestic_abuse",)]),
        ("We eloped last month.", "en", [("marriage",)]),
        ("Since my husband walked out I pay everything alone.", "en", [("separation",)]),
        ("My mum went in her sleep on Friday.", "en", [("bereavement",)]),
        ("I was retrenched in May.", "en", [("job_loss",)]),
        ("My employer has filed for bankruptcy.", "en", [("job_loss",)]),
        ("I sort out his insulin every morning.", "en", [("caring",)]),
    ],
)
def test_round_12_families(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert sorted(summary(detector.detect(text, lang))) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Het is mijn eigen schuld, ik heb het verkeerde nummer ingetikt.", "nl"),
        ("Ik loop al maanden zwanger van het idee om over te stappen.", "nl"),
        ("Ik verzorg de ledenadministratie van onze voetbalclub.", "nl"),
        ("Ik doe vrijwilligerswerk bij de voedselbank.", "nl"),
        ("Feyenoord heeft de trainer ontslagen.", "nl"),
        ("Dat is echt ziek, die nieuwe bundel.", "nl"),
        ("Mijn kamerplant is dood.", "nl"),
        ("We are separating the paper and the plastic.", "en"),
        ("I can't manage the stairs anymore since my knee op, so about the stairlift.", "en"),
        ("My wife is expecting a parcel from you.", "en"),
        ("I want to cancel the pregnancy yoga add-on.", "en"),
        ("Why is there a deceased tick box on this form?", "en"),
        ("My son's Minecraft villager died.", "en"),
        ("The card terminal in my shop died again.", "en"),
    ],
)
def test_round_12_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Round 13 (batch 7 read). Spoken "mekaar"; broke; unpaid bills with "geen".
        ("Wij zijn sinds de zomer uit mekaar.", "nl", [("separation",)]),
        ("We zitten financieel echt aan de grond.", "nl", [("financial_difficulty",)]),
        ("Ik heb twee maanden geen premie kunnen betalen.", "nl", [("financial_difficulty",)]),
        ("Ik zit sinds kort in de schuldregeling.", "nl", [("financial_difficulty",)]),
        # A creditor's threat is a fact, not a fear.
        ("De deurwaarder dreigt met beslag op mijn loon.", "nl", [("financial_difficulty",)]),
        # Back to the parents after a split; abuse said in subordinate order.
        (
            "Na de scheiding ben ik teruggegaan naar mijn ouders.",
            "nl",
            [("separation",), ("moving",)],
        ),
        (
            "Omdat mijn ex-man me sloeg ben ik weggegaan.",
            "nl",
            [("domestic_abuse",), ("separation",)],
        ),
        ("Hij heeft me gisteren weer geduwd.", "nl", [("domestic_abuse",)]),
        # Care tasks, adoption, a death in subordinate order, reaching pension age.
        ("Ik zet elke ochtend haar medicijnen klaar.", "nl", [("caring",)]),
        ("We hebben net ons adoptiezoontje opgehaald.", "nl", [("new_child",)]),
        (
            "Sinds mijn moeder er niet meer is, doe ik de administratie.",
            "nl",
            [("bereavement",)],
        ),
        ("Ik bereik volgend jaar de AOW-leeftijd.", "nl", [("retirement",)]),
        # Undecided, taken back afterwards, someone who does not live with the customer.
        ("We weten nog niet of we gaan verhuizen.", "nl", [("moving", "hypothetical")]),
        (
            "We dachten dat hij ontslagen werd, maar het bleek loos alarm.",
            "nl",
            [("job_loss", "negated")],
        ),
        (
            "Mijn vriendin heeft schulden, ze woont niet bij mij.",
            "nl",
            [("financial_difficulty", "other")],
        ),
        # A correction of who inside one turn: the customer's event is taken back.
        (
            "Ik zei dat mijn man ontslagen is, ik bedoel dat mijn broer ontslagen is.",
            "nl",
            [("job_loss", "negated"), ("job_loss", "other")],
        ),
        (
            "Nee, niet ik ga scheiden, mijn dochter gaat scheiden.",
            "nl",
            [("separation", "negated"), ("separation", "other")],
        ),
        # ... but a plain "nee" before two people's news takes nothing back.
        (
            "Nee, mijn man is ontslagen, en mijn broer ook ontslagen.",
            "nl",
            [("job_loss",), ("job_loss", "other")],
        ),
        # English, round 13: a temporary stay after a split (round 21: no move "for now",
        # batches 8-18), a partner who left, "expired",
        # made it official, the state pension starting, a future parent, a baby born, control
        # and shouting, bills too high, childhood, a fear taken back, a housemate's couple.
        (
            "I'm staying with my sister for now, since the divorce.",
            "en",
            [("separation",)],
        ),
        (
            "Since my wife left I can't pay the rent.",
            "en",
            [("separation",), ("financial_difficulty",)],
        ),
        ("My father-in-law expired last Thursday.", "en", [("bereavement",)]),
        ("We made it official at the town hall last week.", "en", [("marriage",)]),
        ("My AOW starts in August.", "en", [("retirement",)]),
        ("I'm going to be a dad in March.", "en", [("new_child",)]),
        ("My daughter was born last week.", "en", [("new_child",)]),
        ("He controls all the money.", "en", [("domestic_abuse",)]),
        ("My partner keeps shouting at me and the kids.", "en", [("domestic_abuse",)]),
        ("The rent is now too high for me.", "en", [("financial_difficulty",)]),
        (
            "I grew up in a shelter because my father beat my mother.",
            "en",
            [("domestic_abuse", "historical")],
        ),
        (
            "They thought it was cancer but it wasn't, thank God.",
            "en",
            [("illness", "negated")],
        ),
        ("My flatmate's boyfriend hits her.", "en", [("domestic_abuse", "other")]),
        # ... but "it is not spreading" takes nothing back.
        ("I have cancer but it is not spreading, so I keep working.", "en", [("illness",)]),
        # "It's my father's pension" ('s = is): the father is the customer's family.
        ("It's my father's pension, he died on Sunday.", "en", [("bereavement",)]),
    ],
)
def test_round_13_families(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert sorted(summary(detector.detect(text, lang))) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Round 13: an organisation moves, money is "moved", people in general, waste water,
        # a power cut, a removal firm's employee, an address typo, phone reception.
        ("Onze afdeling verhuist in maart naar Utrecht.", "nl"),
        ("Hoe verhuis ik mijn spaargeld naar een andere bank?", "nl"),
        ("Wij zijn een stichting voor mensen met schulden, kunnen we folders krijgen?", "nl"),
        ("Het is een gescheiden rioolstelsel.", "nl"),
        ("Alles is dood hier, de stroom is al een uur weg.", "nl"),
        ("Ik werk bij een verhuisbedrijf en heb een vraag over de zakelijke rekening.", "nl"),
        ("Ik wil mijn adres aanpassen, de postcode klopt niet.", "nl"),
        ("My husband walked the dog and then we talked about the loan.", "en"),
        ("When my husband went to the doctor he had to wait for hours.", "en"),
        ("She has an expired passport, can she still open an account?", "en"),
        ("I am due in court on Monday so I can't come to the office.", "en"),
        ("We're throwing stuff out before the big clear-out.", "en"),
        ("I will not be able to make the appointment on Monday.", "en"),
        ("We are splitting the internet between three housemates.", "en"),
        ("Can you correct my address, there's a typo in the street name?", "en"),
    ],
)
def test_round_13_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Round 14 (batch 8 read). Idioms and indirect wording.
        ("Ze hebben me na twintig jaar de laan uitgestuurd.", "nl", [("job_loss",)]),
        ("Sinds de sluiting van de fabriek zit ik thuis.", "nl", [("job_loss",)]),
        ("Mijn broer is vorig jaar om het leven gekomen.", "nl", [("bereavement",)]),
        ("We hebben vanochtend afscheid genomen van oma.", "nl", [("bereavement",)]),
        ("Ik ben daarvoor minder gaan werken, hij heeft veel zorg nodig.", "nl", [("caring",)]),
        ("Ik ben dag en nacht bezig met mijn man.", "nl", [("caring",)]),
        ("ik woon in een blijf van mijn lijfhuis", "nl", [("domestic_abuse",)]),
        ("Er is een derde op komst.", "nl", [("new_child",)]),
        ("Nu ik niet meer hoef te werken heb ik eindelijk tijd.", "nl", [("retirement",)]),
        ("Ik zit al maanden thuis met een burn out.", "nl", [("illness",)]),
        ("Ze hebben een plekje gevonden op mijn long.", "nl", [("illness",)]),
        ("Ik kan de rekening niet in één keer betalen.", "nl", [("financial_difficulty",)]),
        # Moving in with a partner: moving and marriage (the corpus guideline).
        ("Ik woon nu bij mijn vriendin in.", "nl", [("moving",), ("marriage",)]),
        (
            "Na de scheiding ben ik naar een studio verhuisd.",
            "nl",
            [("separation",), ("moving",)],
        ),
        # A negation inside one event's evidence does not deny the next one.
        (
            "Het lukt niet meer met de betalingen sinds ik ziek ben.",
            "nl",
            [("financial_difficulty",), ("illness",)],
        ),
        # ... but it still denies an event it overlaps.
        ("We wonen niet meer samen.", "nl", [("marriage", "negated"), ("separation",)]),
        # A year in words is long ago; a fear that did not come true.
        (
            "Mijn ouders zijn in tweeëntachtig gescheiden.",
            "nl",
            [("separation", "other", "historical")],
        ),
        (
            "Ik was bang dat ik ontslagen zou worden, maar ik mag blijven.",
            "nl",
            [("job_loss", "negated", "hypothetical")],
        ),
        # Many people in a story are not the customer's family (and "in de oorlog" is long
        # ago: round 22 mended its trigger, written "in de|tijdens de oorlog").
        (
            "In de oorlog zijn duizenden mensen omgekomen.",
            "nl",
            [("bereavement", "other", "historical")],
        ),
        # English, round 14: care by role, retirement idioms, an indirect birth, job loss with
        # a negation inside, emigrating, a new tenant, moving in with a partner, a marriage that
        # broke down, control, "not feeling well", a wedding without a date, a general question,
        # a lodger, a correction of who.
        ("I'm a mantelzorger for my mother.", "en", [("caring",)]),
        ("I'm taking carer's leave to look after my husband.", "en", [("caring",)]),
        ("After thirty years I'm hanging up my boots.", "en", [("retirement",)]),
        ("I reach pensionable age in March.", "en", [("retirement",)]),
        ("The little one arrived three weeks early.", "en", [("new_child",)]),
        ("They didn't renew my contract.", "en", [("job_loss",)]),
        ("We're leaving the Netherlands in August for good.", "en", [("moving",)]),
        ("I'm the new tenant at number 12.", "en", [("moving",)]),
        (
            "I'm moving in with my girlfriend next month.",
            "en",
            [("moving",), ("marriage",)],
        ),
        ("Now that we're husband and wife we want one policy.", "en", [("marriage",)]),
        ("Our marriage broke down last year.", "en", [("separation",)]),
        ("He takes my bank card and checks my phone every night.", "en", [("domestic_abuse",)]),
        ("I'm not feeling well, it's my back again.", "en", [("illness",)]),
        ("We're engaged but there's no date yet.", "en", [("marriage", "hypothetical")]),
        ("My lodger lost his job.", "en", [("job_loss", "other")]),
        (
            "No, it's my sister who is getting divorced, not me.",
            "en",
            [("separation", "other")],
        ),
    ],
)
def test_round_14_families(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert sorted(summary(detector.detect(text, lang))) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wat een ziek verhaal, drie keer dezelfde factuur.", "nl"),
        ("Ik voel me mishandeld door jullie klantenservice.", "nl"),
        ("Wij zijn een verhuisbedrijf uit Zwolle.", "nl"),
        ("De chatbot zei dat mijn account 'overleden' was.", "nl"),
        ("Ik keek naar een realityshow en die twee zijn gescheiden.", "nl"),
        ("I work in palliative care and my shifts changed.", "en"),
        ("The chatbot said my contract was terminated, is it still active?", "en"),
        ("The letter says final notice but I paid it last week.", "en"),
        ("We're separating the gas and electricity between two suppliers.", "en"),
        ("I'm expecting the router today.", "en"),
        ("Heart attack moment when I opened the bill!", "en"),
        ("The stream died during the match.", "en"),
        ("We are leaving the Netherlands for a holiday on Friday.", "en"),
        ("I'm going back home to India for Diwali, will my card work there?", "en"),
        ("My son is not doing well at school.", "en"),
        ("My phone broke, can I get a new one on my contract?", "en"),
    ],
)
def test_round_14_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Round 15 (batch 9 read), Dutch. Retirement without the word.
        ("Vanaf volgende maand ben ik rentenier.", "nl", [("retirement",)]),
        ("Ik ben zesenzestig en net gestopt met werken.", "nl", [("retirement",)]),
        ("Mijn werkzame leven zit erop.", "nl", [("retirement",)]),
        ("Ik heb vorige week de zak gekregen.", "nl", [("job_loss",)]),
        # Put out by a partner is a separation, not a dismissal or the customer's move.
        ("Mijn vrouw heeft me het huis uit gezet.", "nl", [("separation",)]),
        ("Ik ben van mijn vent af.", "nl", [("separation",)]),
        ("Ik ga terug naar mijn ouders in Deventer.", "nl", [("moving",)]),
        # A partner moving in: moving and marriage (the corpus guideline).
        (
            "Mijn vriend komt na de zomer bij mij wonen.",
            "nl",
            [("moving",), ("marriage",)],
        ),
        ("Ik heb drie termijnen gemist.", "nl", [("financial_difficulty",)]),
        (
            "Hij heeft stiekem leningen op mijn naam afgesloten.",
            "nl",
            [("domestic_abuse",), ("financial_difficulty",)],
        ),
        ("Ik heb het aan mijn hart.", "nl", [("illness",)]),
        ("Ik ben vierentwintig uur per dag bij haar.", "nl", [("caring",)]),
        ("Ik mag niet zonder hem de deur uit.", "nl", [("domestic_abuse",)]),
        ("Ik mag van hem niemand zien.", "nl", [("domestic_abuse",)]),
        # A condition reaches over "en ik"; a separation considered and dropped; remarried.
        (
            "wat nou als ik ziek word en ik kan de hypotheek niet meer betalen",
            "nl",
            [("illness", "hypothetical"), ("financial_difficulty", "hypothetical")],
        ),
        (
            "We hebben overwogen om uit elkaar te gaan, maar we blijven bij elkaar.",
            "nl",
            [("separation", "negated")],
        ),
        (
            "Ik ben hertrouwd, dus die nabestaandenuitkering moet stoppen.",
            "nl",
            [("marriage",), ("bereavement", "historical")],
        ),
        # A cousin is someone else; an in-law's loss stays the customer's.
        ("Mijn neef is vorige week overleden.", "nl", [("bereavement", "other")]),
        ("Mijn schoonvader is vorige week overleden.", "nl", [("bereavement",)]),
        # An eviction is not a dismissal; a foster child taken in is not a move.
        ("De deurwaarder heeft ons eruit gezet.", "nl", [("financial_difficulty",)]),
        ("We hebben een pleegkindje in huis gekregen.", "nl", [("new_child",)]),
        # Round 15 (batch 9 read), English. Caring said by tasks and time given.
        ("I pop in every morning to do her insulin and her meals.", "en", [("caring",)]),
        ("I've gone part time to drive him to his treatments.", "en", [("caring",)]),
        # Retirement without the word; pushed out is job loss.
        ("I go on my AOW in March.", "en", [("retirement",)]),
        ("I'm finishing at 66, my last day is in June.", "en", [("retirement",)]),
        ("He threw me against the wall last night.", "en", [("domestic_abuse",)]),
        ("My partner took my passport and won't give it back.", "en", [("domestic_abuse",)]),
        ("We just drifted apart after the kids left.", "en", [("separation",)]),
        ("My doctor signed me off for six weeks.", "en", [("illness",)]),
        ("We're moving to Portugal for good in the spring.", "en", [("moving",)]),
        ("We had a quiet wedding at the registry office last month.", "en", [("marriage",)]),
        # A reason denied; cuts that spared the customer; a condition asked about.
        (
            "It's not that I can't pay, I just forgot to set it up.",
            "en",
            [("financial_difficulty", "negated")],
        ),
        ("There were redundancies but my team is safe.", "en", [("job_loss", "negated")]),
        ("Can I retire at 60 if I have enough saved?", "en", [("retirement", "hypothetical")]),
        # A decision against a plan does not deny a fact told before it.
        (
            "My husband died in May and we decided against the cremation.",
            "en",
            [("bereavement",)],
        ),
    ],
)
def test_round_15_families(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert sorted(summary(detector.detect(text, lang))) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Dat tariefplan bevalt me niet.", "nl"),
        ("Dat was me een bevalling, dat formulier.", "nl"),
        ("Mijn trouwring is gebroken bij het sporten.", "nl"),
        ("Mijn vriendin komt vaak bij mij in de winkel.", "nl"),
        ("Onze kerstboom is dood.", "nl"),
        ("The letter says 'deceased' but I'm very much alive.", "en"),
        ("The project is dead in the water, so cancel those contracts.", "en"),
        ("My ex keeps turning up at my door.", "en"),
        ("The keeper got injured in the match.", "en"),
        ("She left me the house and some money.", "en"),
        ("I'm calling from the undertaker's about an unpaid invoice.", "en"),
        ("I went on the pension website and it crashed.", "en"),
        ("After 20 years with you I'm stopping my contract at the end of the month.", "en"),
        ("I'm going part time to be honest with you.", "en"),
        ("I go over my budget every morning.", "en"),
        ("The guy on the phone, he locked me out of my account.", "en"),
    ],
)
def test_round_15_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Round 16 (batch 10 read), Dutch. A birth told by the family's size or the weight.
        ("Sinds vorige week zijn we met z'n drieën.", "nl", [("new_child",)]),
        ("Het is een jongetje, 3650 gram, en alles is goed.", "nl", [("new_child",)]),
        ("Gisteren kwam het ontslagbesluit.", "nl", [("job_loss",)]),
        # Money: bills piling up, a benefits reclaim, a large debt, "ik red het niet".
        (
            "Ik heb vier openstaande facturen en weet niet hoe ik ze moet betalen.",
            "nl",
            [("financial_difficulty",)],
        ),
        ("Ze hebben mijn huurtoeslag teruggevorderd.", "nl", [("financial_difficulty",)]),
        (
            "Ik heb een schuld van drieduizend euro bij de Belastingdienst.",
            "nl",
            [("financial_difficulty",)],
        ),
        ("Ik red het deze maand niet met de huur.", "nl", [("financial_difficulty",)]),
        # A new address; moving in with a partner is moving and marriage.
        ("We wonen hier sinds vorige week, dus het adres moet anders.", "nl", [("moving",)]),
        ("We hebben een seniorenwoning toegewezen gekregen.", "nl", [("moving",)]),
        (
            "Ik trek volgende maand bij mijn vriendin in.",
            "nl",
            [("moving",), ("marriage",)],
        ),
        ("We zijn in de echt verbonden op de boot.", "nl", [("marriage",)]),
        # Care told by its tasks; the parent cared for is someone else.
        ("Ik help mijn oude buurman met zijn administratie.", "nl", [("caring",)]),
        (
            "Ik breng mijn moeder drie keer per week naar de chemo.",
            "nl",
            [("caring",), ("illness", "other")],
        ),
        (
            "Ik rij elke dag naar Assen om mijn moeder te helpen sinds haar heupbreuk.",
            "nl",
            [("caring",), ("illness", "other")],
        ),
        ("Ik ben vervroegd uitgetreden.", "nl", [("retirement",)]),
        # (an uncle's death is someone else's since round 19: the guideline's household rule)
        ("Ik kom net van de begrafenis van mijn oom.", "nl", [("bereavement", "other")]),
        ("Hij heeft ALS gekregen.", "nl", [("illness",)]),
        ("Mijn moeder is sinds de val bedlegerig.", "nl", [("illness", "other")]),
        # A death in a hospice is the death; an errand for someone else is theirs; a first
        # marriage is long past.
        ("Mijn opa is in het hospice overleden.", "nl", [("bereavement",)]),
        (
            "Mijn zus vroeg of ik kon navragen hoe het zit met de WW, zij is ontslagen.",
            "nl",
            [("job_loss", "other"), ("job_loss", "other")],
        ),
        (
            "De kinderen uit zijn eerste huwelijk wonen bij hun moeder.",
            "nl",
            [("marriage", "historical")],
        ),
        # English round 16: batch 10's errors read.
        # A wedding told by the vows.
        ("We said yes to each other at the registry office on Saturday.", "en", [("marriage",)]),
        ("we exchanged vows in Vegas last month so can you update my name", "en", [("marriage",)]),
        # A threat to the customer's life if she leaves or tells.
        ("he told me he would kill me if i ever left him", "en", [("domestic_abuse",)]),
        ("She threatened to kill me if I went to the police.", "en", [("domestic_abuse",)]),
        # Leaving because of what the partner did.
        (
            "I left because of what he did to me, so the post must not go to him.",
            "en",
            [("separation",), ("domestic_abuse",)],
        ),
        # Payments that keep bouncing; money left until payday.
        ("my payments have bounced three months in a row now", "en", [("financial_difficulty",)]),
        (
            "I've got ten quid left till payday and the kids need shoes.",
            "en",
            [("financial_difficulty",)],
        ),
        # "We're struggling" said bare (and "not gonna lie" is no denial).
        ("Not gonna lie, we're struggling at the moment.", "en", [("financial_difficulty",)]),
        # A budget management scheme run by the council.
        (
            "The council put me in budget management, they pay my rent now.",
            "en",
            [("financial_difficulty",)],
        ),
        # Self-employed work lost.
        # (two spans, two events)
        (
            "My biggest client dropped me last month and I've had no work since.",
            "en",
            [("job_loss",), ("job_loss",)],
        ),
        # A contract that won't be renewed (speech-to-text "wont").
        ("my temp contract wont be extended so im out in june", "en", [("job_loss",)]),
        # A new home found, or a date to be out by.
        (
            "We finally found a new flat in Utrecht, we have to be out of this one by the end of "
            "May.",
            "en",
            [("moving",), ("moving",)],
        ),
        # Care told by running someone's life or the household, or hours cut to be with them.
        (
            "since his stroke i basically run his whole life, the bills, the pills, everything",
            "en",
            [("caring",), ("illness",)],
        ),
        (
            "I've cut my hours at work to be with my dad while he's in the hospice.",
            "en",
            [("caring",), ("illness", "other")],
        ),
        # A broken bone; a miscarriage is a loss (the corpus guideline), not a pregnancy.
        ("He fractured his hip in a fall and can't climb the stairs.", "en", [("illness",)]),
        (
            "I had a miscarriage two weeks ago, please cancel the maternity checks.",
            "en",
            [("bereavement",)],
        ),
        ("Our son was stillborn in March.", "en", [("bereavement",)]),
        ("Mijn vrouw heeft vorige week een miskraam gehad.", "nl", [("bereavement",)]),
        ("Onze dochter is dood geboren.", "nl", [("bereavement",)]),
        # Found by probing, not in the corpus: a death with its own recent time is current
        # whatever else was long; a couple of weeks is a time, not a couple; a dead terminal, a
        # watch or a van is a thing, not a terminal illness, "watching him die" or "Jan van Dijk".
        (
            "My husband was ill for years and he passed away on Monday.",
            "en",
            [("illness", "historical"), ("bereavement",)],
        ),
        (
            "Mijn vader is drie weken geleden overleden, hij was al jaren ziek.",
            "nl",
            [("bereavement",), ("illness", "other")],
        ),
        ("My wife died a couple of weeks ago.", "en", [("bereavement",)]),
        ("Mijn moeder is een stel weken terug overleden.", "nl", [("bereavement",)]),
        (
            "My dad's cancer was terminal and he died last week.",
            "en",
            [("illness", "other"), ("bereavement",)],
        ),
        ("My dad Jan van Dijk died last month.", "en", [("bereavement",)]),
        ("My father died twenty years ago.", "en", [("bereavement", "historical")]),
        # An illness that is gone is over; other people's news is their own predicate only.
        ("The cancer is gone now, the last scan was clear.", "en", [("illness", "historical")]),
        (
            "All my friends are married and I'm the one getting divorced.",
            "en",
            [("marriage", "other"), ("separation",)],
        ),
        # A professional calling for a client; a relative who lives on her own; a hedged prediction.
        (
            "I'm his budget coach, he has debts with four creditors.",
            "en",
            [("financial_difficulty", "other")],
        ),
        (
            "my gran lives on her own and she's got dementia, I sort her bills",
            "en",
            [("illness", "other"), ("caring",)],
        ),
        (
            "I reckon I'm going to lose my job after the merger.",
            "en",
            [("job_loss", "hypothetical")],
        ),
        # Widowed long ago; a scan that came back clear.
        (
            "I've been a widower for about twelve years, I just want the account in my name.",
            "en",
            [("bereavement", "historical")],
        ),
        (
            "The tumour was removed and the last scans came back clear.",
            "en",
            [("illness", "historical")],
        ),
        # Run-on speech: a death told after a question is not part of it.
        ("i want to ask about the funeral bill my mum died on tuesday", "en", [("bereavement",)]),
    ],
)
def test_round_16_families(
    detector: Detector, text: str, lang: str, expected: list[tuple[str, ...]]
) -> None:
    assert sorted(summary(detector.detect(text, lang))) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("De aannemer is met de noorderzon vertrokken.", "nl"),
        ("Met z'n vieren op vakantie, kan dat met deze kaart?", "nl"),
        ("Ik heb een openstaande factuur bij jullie, klopt dat bedrag?", "nl"),
        ("Ik heb een schuld van twaalf euro vijftig.", "nl"),
        ("Ik red het niet om voor vijf uur langs te komen.", "nl"),
        ("We wonen hier al twintig jaar.", "nl"),
        ("Ik help mijn collega met haar administratie.", "nl"),
        ("Ik breng mijn dochter naar school.", "nl"),
        ("Ik kom net van de kapper.", "nl"),
        ("Mijn zoon speelt een weduwnaar in de schoolmusical.", "nl"),
        ("Ik heb de film 'De bruid' besteld maar hij doet het niet.", "nl"),
        ("Dat was een bevalling om die app aan de praat te krijgen.", "nl"),
        ("De scheidsrechter is ontslagen.", "nl"),
        ("de vis in ons aquarium is dood", "nl"),
        # English round 16
        # the record disputed ("saying", quotes, a condolence quoted) and a word taken back
        ("i got a letter saying im deceased but im very much alive", "en"),
        ("your letter said 'sorry for your loss' but nobody has died", "en"),
        ("the app says this account is closed because of a death, i am very much alive", "en"),
        ('the letter says "retirement" but I am only going part-time', "en"),
        ('Is "widowed" the same as "single" on your form?', "en"),
        # deaths that are not: fiction, a payment terminal
        ("the film was so sad, everybody dies at the end", "en"),
        ("the payment terminal at my shop is dead, I need business support", "en"),
        # professionals and other people's news
        (
            "I'm a carer for clients at a home care agency, how does the allowance work in "
            "general?",
            "en",
        ),
        ("hi im writing my thesis on divorce in the netherlands, do you have numbers", "en"),
        ("everyone at work has a baby now haha, anyway my card is blocked", "en"),
        # contracts, clubs and parcels that are not the customer's event
        ("My contract ends in March, the phone contract I mean, what are the deals?", "en"),
        ("My football club is in financial trouble, is my direct debit safe?", "en"),
        ("My wife is expecting... a delivery from you, it's two days late.", "en"),
        # a relative moving in; a denial with "haven't been"
        ("my nephew has moved in with us while he studies", "en"),
        # "gone now" of a thing, not a person
        ("The snow is gone now, so the engineer can come.", "en"),
        ("I haven't been sick a single day in ten years, why did my premium go up?", "en"),
    ],
)
def test_round_16_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert [e for e in detector.detect(text, lang).events if e.asserted] == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # A speech-to-text turn ends on a word; patterns that need a mark after their words
        # ("we're struggling" + "," or ".") hear the end of the turn as one.
        ("to be honest with you we are struggling", "en", "financial_difficulty"),
        ("after twenty years she left us", "en", "separation"),
        ("the doctor signed me off", "en", "illness"),
        ("the scan says it's a girl", "en", "new_child"),
        ("my biggest client dropped me", "en", "job_loss"),
        ("we finally found a new place in", "en", "moving"),
    ],
)
def test_the_end_of_an_unpunctuated_turn_closes_it(
    detector: Detector, text: str, lang: str, expected: str
) -> None:
    bare = detector.detect(text, lang)
    stopped = detector.detect(text + ".", lang)
    assert [e.type for e in bare.asserted] == [e.type for e in stopped.asserted] == [expected]
    # The full stop is the detector's, not the customer's: the evidence stays inside the text.
    assert all(e.end <= len(text) and text[e.start : e.end] == e.text for e in bare.events)


@pytest.mark.parametrize(
    ("text", "lang", "asserted"),
    [
        # The "us" of a way to say someone died is not whose death it is: the person named
        # before is ("she" stands for the neighbour).
        ("It's about my neighbour. She is no longer with us since Sunday.", "en", False),
        ("My neighbour was taken from us last week.", "en", False),
        ("Het gaat over mijn buurvrouw. Ze is zondag van ons heengegaan.", "nl", False),
        # ... and the customer's own loss stays the customer's
        ("My dad was taken from us last week.", "en", True),
        ("She is no longer with us since Sunday.", "en", True),
        ("Mijn moeder is van ons heengegaan.", "nl", True),
    ],
)
def test_the_us_of_a_euphemism_for_death_does_not_say_whose_loss(
    detector: Detector, text: str, lang: str, asserted: bool
) -> None:
    [event] = detector.detect(text, lang).events
    assert event.type.value == "bereavement"
    assert event.asserted is asserted
    assert (event.experiencer == "other") is not asserted


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Round 18, found by probing: money trouble said in ordinary words.
        ("A debt collector keeps ringing me.", "en"),
        ("My debt adviser told me to ring you.", "en"),
        ("We're short every month.", "en"),
        ("i have had three final reminders and i dont know how im going to pay", "en"),
        ("Mijn rekening staat al weken in het rood.", "nl"),
        ("We staan al maanden flink in het rood.", "nl"),
    ],
)
def test_round_18_money_trouble(detector: Detector, text: str, lang: str) -> None:
    assert [e.type.value for e in detector.detect(text, lang).asserted] == ["financial_difficulty"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # someone's trade, not the customer's debts
        ("I'm a debt adviser calling for a client.", "en"),
        ("She works as a debt collector.", "en"),
        ("I am short of breath every week.", "en"),
        ("I got a final reminder but I paid it already.", "en"),
        # a light or a colour, not an account
        ("Ik stond bij het stoplicht, het stond op rood.", "nl"),
        ("Het lampje van de router staat op rood.", "nl"),
        ("Ik sta in het rood gekleed op de foto.", "nl"),
    ],
)
def test_round_18_look_alikes(detector: Detector, text: str, lang: str) -> None:
    heard = [e.type.value for e in detector.detect(text, lang).asserted]
    assert "financial_difficulty" not in heard


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Round 19: care for a neighbour is the customer's care (the annotation guideline),
        # also when the neighbour is described or named again with a pronoun.
        ("I cook for my elderly neighbour and help him shower every day.", "en"),
        ("Since her fall I've been looking after my neighbour, she has nobody else.", "en"),
        ("we take care of our elderly neighbour, his kids live in Australia", "en"),
        ("I help my neighbour with her meds and showering most mornings.", "en"),
        ("I've been my neighbour's carer for two years.", "en"),
        ("Ik kook voor mijn oude buurman en help hem met douchen.", "nl"),
        ("Sinds haar val zorg ik voor mijn buurvrouw.", "nl"),
        ("Ik doe de boodschappen voor mijn hoogbejaarde buurman.", "nl"),
        ("Ik help mijn buurvrouw elke ochtend met wassen en aankleden.", "nl"),
    ],
)
def test_round_19_care_for_a_neighbour(detector: Detector, text: str, lang: str) -> None:
    assert [e.type.value for e in detector.detect(text, lang).asserted] == ["caring"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # a pet, a house or plants for a while: no dependent person
        ("I look after my neighbour's cat while she's away.", "en"),
        ("we look after the neighbours' house when they're on holiday", "en"),
        ("Ik zorg voor de kat van de buren.", "nl"),
        ("Ik zorg voor mijn buurvrouw haar planten als ze op vakantie is.", "nl"),
    ],
)
def test_round_19_minding_a_neighbours_things_is_no_care(
    detector: Detector, text: str, lang: str
) -> None:
    assert detector.detect(text, lang).events == []


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # the neighbour is the carer
        ("My neighbour looks after her elderly mother.", "en", "caring"),
        ("Ik bel voor mijn buurman, hij zorgt voor zijn vrouw.", "nl", "caring"),
        # whose illness or divorce: the person "his" and "zijn" stand for
        ("I care for my dad since his stroke.", "en", "illness"),
        ("my mates been living in his car since his divorce", "en", "separation"),
        ("Mijn buurman zorgt voor zijn zieke vrouw.", "nl", "illness"),
    ],
)
def test_round_19_someone_elses(detector: Detector, text: str, lang: str, kind: str) -> None:
    events = [e for e in detector.detect(text, lang).events if e.type.value == kind]
    assert events
    assert all(e.experiencer == "other" for e in events)


def test_round_19_his_carer_is_the_customer(detector: Detector) -> None:
    [event] = detector.detect("Dad's getting on and I might end up being his carer.", "en").events
    assert event.type.value == "caring"
    assert event.hypothetical
    assert event.experiencer == "customer"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Round 19, found by probing: living on credit, an income that does not cover the basics
        ("I've been using my credit card to buy food.", "en"),
        ("We're living off the credit card at the moment.", "en"),
        ("My benefits barely cover the rent.", "en"),
        ("Ik leef van een uitkering en dat is niet genoeg.", "nl"),
        ("Mijn pensioen is lang niet genoeg om van te leven.", "nl"),
    ],
)
def test_round_19_money_trouble(detector: Detector, text: str, lang: str) -> None:
    assert [e.type.value for e in detector.detect(text, lang).asserted] == ["financial_difficulty"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # helping at a food bank, not needing one
        ("I volunteer at the food bank.", "en"),
        ("We donate to the food bank every month.", "en"),
        ("Our church collects for the food bank.", "en"),
        ("Wij doneren elke maand aan de voedselbank.", "nl"),
        ("Onze kerk zamelt spullen in voor de voedselbank.", "nl"),
        # points on a card, a mortgage question, a pay rise
        ("I put it on my credit card because I earn points.", "en"),
        ("Mijn salaris is niet genoeg voor een hypotheek op dit huis.", "nl"),
        ("Het loon is niet voldoende verhoogd dit jaar.", "nl"),
    ],
)
def test_round_19_money_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert "financial_difficulty" not in [
        e.type.value for e in detector.detect(text, lang).asserted
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Round 19, found by probing: a partner who left the home or went off with someone
        ("Mijn man is vorige maand het huis uit gegaan.", "nl"),
        ("Mijn man is uit huis gegaan.", "nl"),
        ("Hij is vorige maand vertrokken en woont nu bij een ander.", "nl"),
        ("She's run off with another man.", "en"),
        ("He went off with a woman from work.", "en"),
    ],
)
def test_round_19_a_partner_who_left(detector: Detector, text: str, lang: str) -> None:
    assert [e.type.value for e in detector.detect(text, lang).asserted] == ["separation"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mijn dochter woont bij een vriendin.", "nl"),
        ("We went off with some friends to Spain.", "en"),
        ("The dog ran off with a sock.", "en"),
    ],
)
def test_round_19_leaving_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


@pytest.mark.parametrize(
    ("text", "lang", "experiencer"),
    [
        # Round 19 (batches 12-14 say so in as many words): an aunt's, an uncle's or a
        # brother-in-law's death is someone else's; a parent-in-law's is the customer's loss.
        ("My uncle died last week.", "en", "other"),
        ("My brother-in-law died on Friday.", "en", "other"),
        ("Mijn tante is overleden.", "nl", "other"),
        ("Mijn zwager is vorige week gestorven.", "nl", "other"),
        ("My mother-in-law died.", "en", "customer"),
        ("Mijn schoonmoeder is overleden.", "nl", "customer"),
    ],
)
def test_round_19_whose_loss_in_the_wider_family(
    detector: Detector, text: str, lang: str, experiencer: str
) -> None:
    [event] = detector.detect(text, lang).events
    assert event.type.value == "bereavement"
    assert event.experiencer == experiencer


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # Round 19, from reading batch 14 (written anew, not its lines)
        ("De huur was niet meer op te brengen.", "nl", "financial_difficulty"),
        (
            "Na de huur heb ik nog veertig euro over voor de hele maand.",
            "nl",
            "financial_difficulty",
        ),
        ("ik zit sinds de zomer in de wee wee", "nl", "job_loss"),
        ("Ik heb een vertrekregeling getekend.", "nl", "job_loss"),
        ("Onze dochter is stilgeboren.", "nl", "bereavement"),
        ("Het is uit met mijn vriend.", "nl", "separation"),
        ("Onze vierde is gisteren geboren.", "nl", "new_child"),
        ("The firm I work for has gone bust.", "en", "job_loss"),
        ("I'm on disability benefit since my stroke.", "en", "illness"),
        ("Mum's funeral is on Thursday.", "en", "bereavement"),
        ("The wedding's booked for June.", "en", "marriage"),
        ("I'm taking the RVU next year.", "en", "retirement"),
    ],
)
def test_round_19_heard(detector: Detector, text: str, lang: str, kind: str) -> None:
    assert kind in [e.type.value for e in detector.detect(text, lang).asserted]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mijn opa is tachtig geworden.", "nl"),
        ("Dit is om je dood te schamen.", "nl"),
        ("Ik ben gebroken na die nachtdienst.", "nl"),
        ("We're celebrating our tenth anniversary.", "en"),
        ("I work as a midwife and have a question about home births.", "en"),
        ("There's a dead rat in the garden.", "en"),
        ("My sim card has died.", "en"),
        ("I've been watching Married at First Sight.", "en"),
    ],
)
def test_round_19_look_alikes(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


def test_round_19_a_company_going_bust_is_a_job_loss_not_money_trouble(detector: Detector) -> None:
    heard = [
        e.type.value
        for e in detector.detect("Het bedrijf waar ik werk is failliet.", "nl").asserted
    ]
    assert heard == ["job_loss"]
    heard = [
        e.type.value
        for e in detector.detect("My own business has gone bust and I owe the bank.", "en").asserted
    ]
    assert "financial_difficulty" in heard


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        ("De dokter vermoedt reuma.", "nl", "illness"),
        ("Ik loop tegen een burn-out aan.", "nl", "illness"),
        ("Mijn broer denkt erover om te scheiden.", "nl", "separation"),
    ],
)
def test_round_19_suspected_or_considered(
    detector: Detector, text: str, lang: str, kind: str
) -> None:
    [event] = [e for e in detector.detect(text, lang).events if e.type.value == kind]
    assert event.hypothetical


def test_round_19_a_disability_is_no_illness(detector: Detector) -> None:
    heard = [
        e.type.value
        for e in detector.detect("My son is disabled and I look after him.", "en").events
    ]
    assert heard == ["caring"]


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # Round 19, from reading batch 15 (written anew, not its lines)
        ("Eerlijk gezegd staat het water ons tot de lippen.", "nl", "financial_difficulty"),
        ("Mijn creditcard zit al maanden aan de limiet.", "nl", "financial_difficulty"),
        ("We staan al drie maanden achter met de huur.", "nl", "financial_difficulty"),
        ("Ik zit sinds vorige week in de ww.", "nl", "job_loss"),
        ("Mijn eigen zaak is op de fles gegaan.", "nl", "job_loss"),
        ("Ons volgende kindje is onderweg.", "nl", "new_child"),
        ("Hij heeft een contactverbod maar hij blijft me bedreigen.", "nl", "domestic_abuse"),
        (
            "I've got twenty pounds to last me till the end of the month.",
            "en",
            "financial_difficulty",
        ),
        ("They pushed me out after thirty years.", "en", "job_loss"),
        ("Our second is on the way.", "en", "new_child"),
        ("The removal van is booked for Friday.", "en", "moving"),
        ("I'm stopping work in May after forty years at the council.", "en", "retirement"),
    ],
)
def test_round_19_heard_from_batch_15(detector: Detector, text: str, lang: str, kind: str) -> None:
    assert kind in [e.type.value for e in detector.detect(text, lang).asserted]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Volgens de brief ben ik overleden.", "nl"),
        ("I work as an undertaker.", "en"),
        ("Someone is committing abuse of my account.", "en"),
        ("I want to break up with you, cancel it all.", "en"),
        ("Our dog is basically our baby.", "en"),
        ("I've lost my wedding ring.", "en"),
        ("I got moved over to you when my supplier went bust.", "en"),
        ("The smoke alarm sounds like it's dying.", "en"),
    ],
)
def test_round_19_look_alikes_from_batch_15(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


def test_round_19_a_stillbirth_is_a_loss_not_a_new_child(detector: Detector) -> None:
    heard = [e.type.value for e in detector.detect("Ons zoontje is stil geboren.", "nl").asserted]
    assert heard == ["bereavement"]


@pytest.mark.parametrize(
    ("text", "lang", "experiencer"),
    [
        # a role taken on after a death follows the death named beside it
        ("My aunt died and I'm the executor, what do you need?", "en", "other"),
        ("Mijn oom is overleden en ik ben executeur.", "nl", "other"),
        ("My dad died and I'm the executor.", "en", "customer"),
    ],
)
def test_round_19_the_executor_of_whose_estate(
    detector: Detector, text: str, lang: str, experiencer: str
) -> None:
    events = detector.detect(text, lang).events
    assert len(events) == 2
    assert all(e.type.value == "bereavement" and e.experiencer == experiencer for e in events)


def test_round_19_run_on_speech_after_a_pets_death(detector: Detector) -> None:
    text = "mijn kat is dood ik wil die verzekering voor hem opzeggen"
    assert detector.detect(text, "nl").asserted == []
    # ... but "fired me" is still the customer's own
    heard = detector.detect("my boss fired me on monday", "en").asserted
    assert [e.type.value for e in heard] == ["job_loss"]


def test_round_19_the_month_may_is_no_maybe(detector: Detector) -> None:
    [event] = detector.detect("My dad died in May.", "en").events
    assert not event.hypothetical
    [event] = detector.detect("We may have to sell the house and move.", "en").events
    assert event.hypothetical


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # Round 20, from reading batch 16 (written anew, not its lines)
        ("Ik zit sinds de zomer in de WW.", "nl", "job_loss"),
        ("We hebben nu budgetbegeleiding van de gemeente.", "nl", "financial_difficulty"),
        ("Ik sta inmiddels drie maanden achter met de huur.", "nl", "financial_difficulty"),
        ("Mijn broer heeft vorige week de strijd tegen kanker verloren.", "nl", "bereavement"),
        ("Wij zijn voogd geworden van de kinderen van mijn zus.", "nl", "new_child"),
        ("She lost her battle with cancer in the spring.", "en", "bereavement"),
        ("My dad is not with us anymore.", "en", "bereavement"),
        ("The cremation was on Monday, it was my nan.", "en", "bereavement"),
        ("I'm on the WW since March.", "en", "job_loss"),
        ("They're forcing me out early with a package.", "en", "job_loss"),
        ("We're moving back to the Netherlands after ten years in Spain.", "en", "moving"),
        ("We were made legal guardians of my nephew last month.", "en", "new_child"),
        ("The doctors found a blood clot on my lung.", "en", "illness"),
        ("I'm behind on everything since the summer.", "en", "financial_difficulty"),
    ],
)
def test_round_20_heard_from_batch_16(detector: Detector, text: str, lang: str, kind: str) -> None:
    assert kind in [e.type.value for e in detector.detect(text, lang).asserted]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Die website is echt ziek traag.", "nl"),
        ("Mijn oude telefoon gaat met pensioen, ik wil een nieuw toestel.", "nl"),
        ("De keukenzaak is failliet gegaan voordat ze de keuken hebben geleverd.", "nl"),
        ("Wij hebben een verhuisbedrijf en zoeken een zakelijke lening.", "nl"),
        ("De bibliotheek geeft een lezing over rouwverwerking.", "nl"),
        ("Jullie zijn mij nog vijftig euro schuldig.", "nl"),
        ("The travel agent went bust before we could fly, can I claim it back?", "en"),
        ("Actually you owe me money for the overcharge.", "en"),
        ("My colleague passed the file to me yesterday.", "en"),
        ("My favourite snooker player is retiring this year.", "en"),
    ],
)
def test_round_20_look_alikes_from_batch_16(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


def test_round_20_no_income_after_a_job_loss_is_not_yet_money_trouble(detector: Detector) -> None:
    # 26 of 28 dev lines with "no income" / "geen inkomen" are a job loss's consequence
    text = "My fixed-term contract ends in June so I'll have no income after that."
    assert [e.type.value for e in detector.detect(text, "en").asserted] == ["job_loss"]
    text = "Mijn contract wordt niet verlengd, dus straks heb ik geen inkomen meer."
    assert [e.type.value for e in detector.detect(text, "nl").asserted] == ["job_loss"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # an engagement with no date yet is a marriage not decided (the corpus guideline) ...
        ("We zijn verloofd, maar een datum is er nog niet: nog geen datum.", "nl"),
        ("We got engaged at Christmas but we have not set a date yet.", "en"),
    ],
)
def test_round_20_an_engagement_without_a_date(detector: Detector, text: str, lang: str) -> None:
    [event] = detector.detect(text, lang).events
    assert event.type.value == "marriage"
    assert event.hypothetical


def test_round_20_an_engagement_with_a_date_is_asserted(detector: Detector) -> None:
    # ... and one with a date, or nothing said, stays asserted
    heard = detector.detect("We're engaged and the wedding is on 5 May.", "en").asserted
    assert [e.type.value for e in heard] == ["marriage"]


@pytest.mark.parametrize(
    ("text", "lang", "experiencer"),
    [
        # the subject of a relative clause after a preposition owns its event
        ("Ik zorg voor mijn oma die dementie heeft.", "nl", "other"),
        ("I look after my grandad who has Parkinson's.", "en", "other"),
        # a child moving out leaves the household: the move is the child's
        ("Onze oudste gaat in september op kamers in Utrecht.", "nl", "other"),
        ("Our eldest is moving out to university in September.", "en", "other"),
        # moving out OF the parents' home is the customer's own move
        ("I finally moved out of my mum's flat last week.", "en", "customer"),
        # a relative who lives with the customer is household
        ("Mijn broer is zijn baan kwijt en woont nu weer bij ons.", "nl", "customer"),
        ("My mum has dementia and has lived with us since the spring.", "en", "customer"),
        # someone named in full is not the customer
        ("I'm calling about Anna de Boer, she has been made redundant.", "en", "other"),
    ],
)
def test_round_20_whose_event(detector: Detector, text: str, lang: str, experiencer: str) -> None:
    events = [e for e in detector.detect(text, lang).events if e.type.value != "caring"]
    assert events
    assert all(e.experiencer == experiencer for e in events)


@pytest.mark.parametrize(
    ("text", "lang", "flag"),
    [
        ("Ik heb die WW uiteindelijk nooit aangevraagd.", "nl", "negated"),
        ("Mijn man slaat me helemaal niet, ik wil alleen een eigen rekening.", "nl", "negated"),
        ("We talked about a divorce, but we've sorted things out.", "en", "negated"),
        ("i lost my job sorry i mean my bank card", "en", "negated"),
        ("Ik wil weten wat er met de huur gebeurt als ik alleen ga wonen.", "nl", "hypothetical"),
        ("If she gets worse I'll probably end up caring for her.", "en", "hypothetical"),
        ("We zijn in '85 getrouwd.", "nl", "historical"),
        ("I got divorced in two thousand and three.", "en", "historical"),
    ],
)
def test_round_20_context(detector: Detector, text: str, lang: str, flag: str) -> None:
    [event] = detector.detect(text, lang).events
    assert getattr(event, flag)


def test_round_20_a_repeated_not_is_emphasis(detector: Detector) -> None:
    # "..., echt niet" after "ik kan ... niet betalen" repeats the "not" the evidence says
    [event] = detector.detect("Ik kan de huur niet betalen, echt niet.", "nl").events
    assert event.type.value == "financial_difficulty"
    assert not event.negated


def test_round_20_a_tag_question_is_no_question(detector: Detector) -> None:
    [event] = detector.detect("I got laid off, alright?", "en").events
    assert not event.hypothetical


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # Round 20, from reading batch 17 (written anew, not its lines)
        ("Ik zit sinds maart onder bewind.", "nl", "financial_difficulty"),
        ("ik ben aangemeld voor schuld hulp", "nl", "financial_difficulty"),
        ("Ze heffen zijn hele afdeling op, dus hij moet weg.", "nl", "job_loss"),
        ("Ze is er vandoor met een ander en ik zit met de kinderen.", "nl", "separation"),
        ("Mijn vriendin woont sinds oktober bij mij in.", "nl", "marriage"),
        ("We gaan naar een kleiner appartement in de stad.", "nl", "moving"),
        ("He knocked me about again last night.", "en", "domestic_abuse"),
        ("We're getting wed in the spring.", "en", "marriage"),
        ("My girlfriend moved in last week.", "en", "marriage"),
        ("We moved on Friday and the heating doesn't work.", "en", "moving"),
        ("We're in a terrible way financially since the flood.", "en", "financial_difficulty"),
        ("The council placed her with us in June.", "en", "new_child"),
        ("Het lukt me niet om de energierekening op te brengen.", "nl", "financial_difficulty"),
    ],
)
def test_round_20_heard_from_batch_17(detector: Detector, text: str, lang: str, kind: str) -> None:
    assert kind in [e.type.value for e in detector.detect(text, lang).asserted]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ik heb de sleutel van mijn huurwoning verloren.", "nl"),
        ("Ik werd doorverbonden met de afdeling Overlijden.", "nl"),
        ("Ik wil zakelijk en privé gescheiden houden.", "nl"),
        ("Mijn vader is gisteren uit het ziekenhuis ontslagen.", "nl"),
        ("Mijn moeder is aan haar heup geopereerd.", "nl"),
        ("The boiler installer went bankrupt, who honours the warranty?", "en"),
        ("I'm skint till Friday ha, anyway it's about my PIN.", "en"),
        ("My contract ends in May and I want a new phone.", "en"),
        ("I run a removal company and need a parking permit.", "en"),
        ("Me and this app are practically married.", "en"),
        ("My phone and I are practically married, I check it all day.", "en"),
    ],
)
def test_round_20_look_alikes_from_batch_17(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # Round 21, from reading batch 18 (written anew, not its lines)
        ("Wij hebben sinds vorig jaar een bewindvoerder.", "nl", "financial_difficulty"),
        (
            "Die aanmaning van 200 euro, dat kan ik gewoon niet betalen.",
            "nl",
            "financial_difficulty",
        ),
        ("Mijn broer is vorige maand uit het leven gestapt.", "nl", "bereavement"),
        (
            "Ik zat via het uitzendbureau bij een bakkerij en die opdracht is beëindigd.",
            "nl",
            "job_loss",
        ),
        ("Wij leven nu apart, hij heeft een kamer in de stad.", "nl", "separation"),
        ("Ik woon sinds maart op een geheim adres.", "nl", "moving"),
        ("We hebben eindelijk een eigen huurwoning in Zwolle.", "nl", "moving"),
        ("Ik ga elke ochtend bij mijn moeder langs voor haar pillen.", "nl", "caring"),
        ("Mijn man heeft suiker, hij moet nu elke dag prikken.", "nl", "illness"),
        ("Hij laat me geen geld opnemen van onze rekening.", "nl", "domestic_abuse"),
        ("The warehouse I worked at went into administration last week.", "en", "job_loss"),
        ("I took a voluntary redundancy package in March.", "en", "job_loss"),
        ("My late brother's girls live with us now and we are their guardians.", "en", "new_child"),
        ("I've got a chest infection and I'm off work.", "en", "illness"),
        ("I go over every evening, helping with her personal care.", "en", "caring"),
        ("My husband went on his pension in June.", "en", "retirement"),
        ("We've just bought our first house together.", "en", "marriage"),
        ("She fled with the kids to a secret address.", "en", "moving"),
        ("After the split I'm living with my brother's now, he has a spare room.", "en", "moving"),
        ("He died in March and I'm calling about his account.", "en", "bereavement"),
        ("I'm calling about my mum's account, she passed away on Friday.", "en", "bereavement"),
    ],
)
def test_round_21_heard_from_batch_18(detector: Detector, text: str, lang: str, kind: str) -> None:
    assert kind in [e.type.value for e in detector.detect(text, lang).asserted]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ik wil mijn studieschuld bij DUO in één keer aflossen.", "nl"),
        ("Er belde iemand namens een incassobureau, volgens mij is het oplichting.", "nl"),
        ("Na twintig jaar gaan we uit elkaar, jullie en ik: ik stap over.", "nl"),
        ("Mijn pasje is gebroken, kan ik een nieuwe krijgen?", "nl"),
        ("Ik werk als verpleegkundige op de IC en heb een vraag over mijn polis.", "nl"),
        ("Mijn spaarrekening wordt verhuisd naar een nieuw systeem, klopt dat?", "nl"),
        ("In die serie wordt de buurvrouw weduwe, zo zielig.", "nl"),
        ("Wat moet je allemaal regelen na een overlijden? Het is voor een werkstuk.", "nl"),
        ("Ik ben praktisch met jullie getrouwd, zo lang ben ik al klant.", "nl"),
        ("Stuur mij geen nieuwsbrief over pensioen meer.", "nl"),
        ("My nephew's employer went bust, can he still get his bonus?", "en"),
        ("A fake debt collector keeps texting me, it's a scam.", "en"),
        ("The abuse from your customer service staff is shocking.", "en"),
        ("I work at a women's refuge and need a business account.", "en"),
        ("The card terminal in the shop keeps declining my card.", "en"),
        ("My grandad left me something in his will.", "en"),
        ("In the school play I'm playing a widow.", "en"),
        ("I want to divorce my broadband provider, it's hopeless.", "en"),
    ],
)
def test_round_21_look_alikes_from_batch_18(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


@pytest.mark.parametrize(
    ("text", "lang", "experiencer"),
    [
        # someone who goes to live with their own parents or new partner: the move is theirs
        ("Onze dochter is bij haar vriend gaan wonen.", "nl", "other"),
        ("Ik ben na de scheiding bij mijn ouders ingetrokken.", "nl", "customer"),
        # a child who has moved out
        ("My daughter's just moved out to share a flat in Leiden.", "en", "other"),
        # a relative clause says who lives with the customer (household)
        ("Mijn vader, die bij ons woont, heeft longkanker.", "nl", "customer"),
        ("We've taken my mum in, she has dementia.", "en", "customer"),
        # a relative round the corner lives elsewhere
        ("My dad lives round the corner and has just been diagnosed with cancer.", "en", "other"),
    ],
)
def test_round_21_whose_event(detector: Detector, text: str, lang: str, experiencer: str) -> None:
    events = [e for e in detector.detect(text, lang).events if e.type.value != "caring"]
    assert events
    assert all(e.experiencer == experiencer for e in events)


@pytest.mark.parametrize(
    ("text", "lang", "flag"),
    [
        ("Mijn moeder is in zeventig overleden, de grafrechten lopen af.", "nl", "historical"),
        ("Er zijn ontslagen op komst bij ons op de afdeling.", "nl", "hypothetical"),
        ("Er is een ontslagronde aangekondigd.", "nl", "hypothetical"),
        ("Er zijn ontslagen aangekondigd op mijn werk.", "nl", "hypothetical"),
    ],
)
def test_round_21_context(detector: Detector, text: str, lang: str, flag: str) -> None:
    [event] = detector.detect(text, lang).events
    assert getattr(event, flag)


def test_round_21_a_number_after_in_is_no_year(detector: Detector) -> None:
    # "in zestig dagen" is a period, not the sixties
    text = "Ik ben ontslagen en moet in zestig dagen een nieuwe baan vinden."
    [event] = detector.detect(text, "nl").events
    assert event.type.value == "job_loss"
    assert not event.historical


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # batches 8-18 hear no move in a stay "for now" at a relative's; "until I find a place"
        # still is one
        ("He hit me again, I'm at my sister's for now.", "en"),
        ("We split up and I'm staying with my mum for a while.", "en"),
    ],
)
def test_round_21_a_stay_for_now_is_no_move(detector: Detector, text: str, lang: str) -> None:
    assert "moving" not in [e.type.value for e in detector.detect(text, lang).asserted]


def test_round_21_a_stay_until_a_home_is_found_is_a_move(detector: Detector) -> None:
    text = "We split up and I'm staying with my mum until I find a place."
    assert "moving" in [e.type.value for e in detector.detect(text, "en").asserted]


def test_round_21_a_payment_holiday_is_a_product_not_money_trouble(detector: Detector) -> None:
    # 11 of 11 dev lines asking for a payment holiday carry no financial_difficulty
    heard = detector.detect("I got laid off, can I have a payment holiday?", "en").asserted
    assert [e.type.value for e in heard] == ["job_loss"]


def test_round_21_a_partners_operation_is_the_care(detector: Detector) -> None:
    # batches 15 and 18: the operation the customer nurses a partner through is not an
    # illness of its own; the customer's own operation still is
    heard = detector.detect("I'm looking after my wife after her operation.", "en").asserted
    assert [e.type.value for e in heard] == ["caring"]
    heard = detector.detect("I had an operation on my heart last week.", "en").asserted
    assert [e.type.value for e in heard] == ["illness"]


@pytest.mark.parametrize(
    "text",
    [
        # a bailiff alone, and "so-called" as spaCy splits it ("so - called")
        "A bailiff rang me but I think it's a scam, can you check?",
        "There's a so-called bailiff at my door asking for cash.",
    ],
)
def test_round_21_a_scam_bailiff_is_no_money_trouble(detector: Detector, text: str) -> None:
    assert detector.detect(text, "en").asserted == []


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # round 22 (batch 19 read); each was missed by round 21's rules
        ("Mijn vriend vernedert me waar de kinderen bij zijn.", "nl", "domestic_abuse"),
        ("Hij slaat me als hij gedronken heeft.", "nl", "domestic_abuse"),
        ("Mijn man houdt mijn bankpas in, ik krijg zakgeld.", "nl", "domestic_abuse"),
        ("De energierekening van december ga ik echt niet redden.", "nl", "financial_difficulty"),
        (
            "Ik heb de boodschappen deze maand met de creditcard betaald.",
            "nl",
            "financial_difficulty",
        ),
        ("Ik ben al maanden mijn schoonvader aan het verzorgen.", "nl", "caring"),
        ("Mijn vrouw is vannacht bevallen van een gezonde zoon.", "nl", "new_child"),
        ("My boyfriend cracked my ribs last month.", "en", "domestic_abuse"),
        ("He checks my messages every night.", "en", "domestic_abuse"),
        ("She won't let me see my friends.", "en", "domestic_abuse"),
        (
            "We've been putting the groceries on the credit card since March.",
            "en",
            "financial_difficulty",
        ),
        ("We are drowning in bills since the baby came.", "en", "financial_difficulty"),
        ("I have problems to pay the rent this month.", "en", "financial_difficulty"),
        ("Every morning I help my dad out of bed.", "en", "caring"),
        ("The company I worked for went bust in May.", "en", "job_loss"),
        ("Since my wife walked out I have to do it all alone.", "en", "separation"),
    ],
)
def test_round_22_heard_from_batch_19(detector: Detector, text: str, lang: str, kind: str) -> None:
    assert kind in [e.type.value for e in detector.detect(text, lang).asserted]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Met wie spreek ik? U spreekt met het incassobureau, ik bel over een klant.", "nl"),
        ("Er kwam een brief van een weduwe in Ghana die geld wil overmaken.", "nl"),
        ("We vieren ons veertigjarig huwelijk, kan ik een extra pas bestellen?", "nl"),
        ("Klopt niet, we zijn nog steeds getrouwd hoor.", "nl"),
        ("Hang on, the kids are screaming, one second.", "en"),
        ("My twins are turning eighteen, do they need their own account?", "en"),
        ("Can I retire my old credit card?", "en"),
        ("I'd like to make a will, can you help?", "en"),
        ("I've stopped work for a bit to study.", "en"),
        ("I saw a film about domestic abuse and want to donate to a refuge charity.", "en"),
        ("This queue will be the death of me.", "en"),
    ],
)
def test_round_22_look_alikes_from_batch_19(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


@pytest.mark.parametrize(
    ("text", "lang", "kind", "flag"),
    [
        # numbers said as one word, and as digits (the regex in the number list never matched)
        (
            "Mijn eerste man is zevenenveertig jaar geleden verongelukt.",
            "nl",
            "bereavement",
            "historical",
        ),
        ("Mijn vader is 28 jaar geleden overleden.", "nl", "bereavement", "historical"),
        ("My father died 28 years ago.", "en", "bereavement", "historical"),
        # "in de|tijdens de oorlog" was "in de de oorlog"
        ("Tijdens de oorlog is mijn opa omgekomen.", "nl", "bereavement", "historical"),
        ("Mijn opa is in de oorlog gestorven.", "nl", "bereavement", "historical"),
    ],
)
def test_round_22_context(detector: Detector, text: str, lang: str, kind: str, flag: str) -> None:
    events = [e for e in detector.detect(text, lang).events if e.type.value == kind]
    assert events
    assert all(getattr(e, flag) for e in events)


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        # Round 23 (batch 20 read): sentences written anew for each wording
        ("Zij heeft me vorige week tegen de kast geduwd.", "nl", "domestic_abuse"),
        ("Hij heeft een gps-tracker onder mijn fiets geplakt.", "nl", "domestic_abuse"),
        ("Mijn vriend controleert al mijn appjes, elke avond.", "nl", "domestic_abuse"),
        ("Hij beslist wat ik mag kopen en waar ik heen ga.", "nl", "domestic_abuse"),
        ("Ik mocht van hem niet bellen met mijn zus.", "nl", "domestic_abuse"),
        ("Ze hielden mijn verblijfspas achter, mijn schoonouders.", "nl", "domestic_abuse"),
        ("Ik weet echt niet waar ik dat geld vandaan moet halen.", "nl", "financial_difficulty"),
        ("Ik sta sinds vorige week bij mijn zus ingeschreven, daar ben ik nu.", "nl", "moving"),
        ("Sinds de breuk huur ik nu een studio in Zwolle.", "nl", "moving"),
        ("Hij heeft me eruit geschopt na zes jaar samen.", "nl", "separation"),
        ("The doctor told me it's the sugar diabetes.", "en", "illness"),
        ("Please be careful, my ex is dangerous.", "en", "domestic_abuse"),
        ("When he's been drinking he beats my sister and me.", "en", "domestic_abuse"),
        ("My brother helps a bit but I do all the caring.", "en", "caring"),
        ("This month it's which bill do we pay first, honestly.", "en", "financial_difficulty"),
        ("my wife went off with another man in the spring", "en", "separation"),
        ("I went with pension last month after forty years.", "en", "retirement"),
    ],
)
def test_round_23_heard_from_batch_20(detector: Detector, text: str, lang: str, kind: str) -> None:
    assert kind in [e.type.value for e in detector.detect(text, lang).asserted]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mijn dochter is een klein beetje verkouden, ik bel even voor haar.", "nl"),
        ("We staan als schuldeiser op de lijst bij die failliete winkel.", "nl"),
        ("Hoeveel mensen in onze wijk hebben schulden, weet u dat?", "nl"),
        ("Er staat een verhuisbus van de buren voor mijn inrit.", "nl"),
        ("Zijn personage in dat spel is alweer dood, nu wil hij betalen.", "nl"),
        ("The number was engaged for an hour this morning.", "en"),
        ("The honeymoon period on my tariff ended.", "en"),
        ("Thanks so much, I'm in your debt.", "en"),
        ("My phone broke last week and I can't log in.", "en"),
        ("The airline went bust and I want a chargeback.", "en"),
        ("There's a dead spot upstairs, no wifi at all.", "en"),
        ("I'm expecting a parcel today, can you hold?", "en"),
        ("The card machine stopped working at the till.", "en"),
    ],
)
def test_round_23_look_alikes_from_batch_20(detector: Detector, text: str, lang: str) -> None:
    assert detector.detect(text, lang).asserted == []


def test_round_23_a_partner_who_moved_in_with_someone_else_left() -> None:
    """ "He's moved in with his new girlfriend": a separation, and not the customer's move."""
    detection = Detector(veto=False).detect("He has moved in with another woman since June.", "en")
    assert [e.type.value for e in detection.asserted] == ["separation"]
