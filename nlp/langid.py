"""Dutch-or-English identification of one utterance, with no model to download.

Spoken turns are short ("ja", "nee hoor", "okay thanks"), so two cheap signals are combined:
function words (the most frequent words of each language, which short turns consist of), and
character n-grams typical of one language's spelling ("ij", "sch", "oe" vs "th", "wh", "ing").
Ties go to Dutch: the product runs in Dutch contact centres.
"""

from __future__ import annotations

import re

from nlp.types import Lang

_NL_WORDS_TEXT = """
    de het een en van ik je jij u we wij ze zij hij is zijn ben bent was waren heb hebt heeft
    hebben had niet geen wel ook maar dat die dit deze wat wie waar hoe waarom met voor op aan
    in uit bij naar om te tot door over onder als dan nog al er hier daar nu toen mijn mij me
    jouw uw ons onze hun haar hem zo ja nee hoor toch even eens heel erg graag dank bedankt
    goedemiddag goedemorgen dag doei oke oké kunnen kan kun moet moeten wil willen zou zal gaan
    ga gaat gewoon eigenlijk misschien weet weten zeg zeggen vader moeder man vrouw kind werk
    geld rekening betalen alstublieft alsjeblieft sorry eh uhm nou zeker klopt precies jawel
    welke omdat want dus zit zitten staat komt kom alles niks niets iets iemand niemand altijd
    nooit vandaag gisteren morgen week jaar maand sinds geleden overleden ontslagen gescheiden
"""
_NL_WORDS = frozenset(_NL_WORDS_TEXT.split())
_EN_WORDS_TEXT = """
    the a an and of i you we they he she it is are am was were be been have has had not no don't
    didn't can't won't i'm it's that's yes yeah this that these those what who where how why
    with for on at in out from to by about under if then still already there here now when my me
    your our their his her him so just really very please thanks thank hello hi good morning
    afternoon evening bye okay ok can could should would will shall must want going go get got
    know say said mum mom dad father mother husband wife child job work money account pay paying
    sorry um uh well sure right exactly which because since ago yesterday today tomorrow week
    year month nothing something someone anyone always never do does did passed died lost
    divorced moving married like mean think
"""
_EN_WORDS = frozenset(_EN_WORDS_TEXT.split())

# Character n-grams (with word-boundary spaces) that are far more frequent in one language.
_NL_GRAMS = (
    "ij",
    "sch",
    "oe",
    "aa",
    "uu",
    "ui",
    "eu",
    "ee",
    " de ",
    "cht",
    "en ",
    " ge",
    " ver",
    "lijk",
    "tje",
    "ijk",
    "heid",
    "nd ",
)
_EN_GRAMS = (
    "th",
    "wh",
    "ing",
    " the ",
    "ou",
    "ea",
    "ay",
    "y ",
    "ck",
    "tion",
    "'s",
    "'m",
    "'t",
    "n't",
    "ly ",
    "ght",
    "ow",
    " w",
)

# Function words of the languages a Dutch contact centre hears most besides Dutch and English.
# Only words that are not also Dutch or English words, so a Dutch or English turn never counts.
_OTHER_WORDS_TEXT = {
    "German": """
        ich nicht ist und der die das ein eine mein meine meinen mir mich sie wir ihr sind bin
        habe hat haben mit für auf wurde wurden aber auch noch schon jetzt wie warum weil dass
        vater mutter letzte woche gestorben verloren arbeit konto bitte danke nein guten tag
    """,
    "French": """
        je tu il elle nous vous ils est suis sont avec pour dans sur mais pas une des les du au
        aux mon ma mes ce cette qui que oui non merci bonjour père mère travail compte semaine
    """,
    "Turkish": """
        ve bir bu için ile ama çok değil var yok ben sen biz siz onlar benim annem babam iş
        hesap teşekkür merhaba evet hayır kaybettim istiyorum
    """,
    "Polish": """
        jest nie się że na w z do to jak ale czy mam mój moja ojciec matka praca konto dziękuję
        tak dzień dobry proszę zmarł zeszłym tygodniu
    """,
    "Spanish": """
        el la los las es y en que por con para una mi mis está estoy pero muy padre madre
        trabajo cuenta gracias hola sí semana pasada murió
    """,
}
_OTHER_WORDS = {
    name: frozenset(text.split()) - _NL_WORDS - _EN_WORDS
    for name, text in _OTHER_WORDS_TEXT.items()
}
#: Letters outside the Latin script: a turn written mostly in them is not Dutch or English.
_NON_LATIN = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u0750-\u077f\u0900-\u0dff"
    r"\u0e00-\u0eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"
)

_WORD = re.compile(r"[a-zà-ÿğışçöüœ']+")
#: Only the first part of a long text matters for its language; bounds the work on huge input.
_SAMPLE_CHARS = 2_000


def identify(text: str, default: Lang = "nl") -> Lang:
    """Best guess of the language of ``text``; ``default`` when there is no evidence at all."""
    sample = text[:_SAMPLE_CHARS].lower().replace("’", "'")
    words = _WORD.findall(sample)
    nl = sum(1 for w in words if w in _NL_WORDS)
    en = sum(1 for w in words if w in _EN_WORDS)
    # Function words decide; character n-grams break ties and carry turns made of content words.
    padded = f" {' '.join(words)} "
    nl_grams = sum(padded.count(g) for g in _NL_GRAMS)
    en_grams = sum(padded.count(g) for g in _EN_GRAMS)
    score = 2.0 * (nl - en) + 0.5 * (nl_grams - en_grams)
    if score > 0:
        return "nl"
    if score < 0:
        return "en"
    return default


def other_language(text: str) -> str | None:
    """The name of the language ``text`` is clearly written in when that is neither Dutch nor
    English ("German", "a non-Latin script"), else None.

    Only positive evidence counts: a turn with few or no known words (a name, a number, "ok")
    is not called foreign, so Dutch and English detection never loses a real turn to this.
    """
    sample = text[:_SAMPLE_CHARS].lower().replace("’", "'")
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters and len(_NON_LATIN.findall(sample)) > letters / 2:
        return "a non-Latin script"
    words = _WORD.findall(sample)
    if len(words) < 3:
        return None
    known = sum(1 for w in words if w in _NL_WORDS or w in _EN_WORDS)
    best, hits = max(
        ((name, sum(1 for w in words if w in vocab)) for name, vocab in _OTHER_WORDS.items()),
        key=lambda item: item[1],
    )
    return best if hits >= 2 and hits > known else None
