"""The guard's own words in Dutch and English: life events, suggestion kinds and fixed messages.

Rule texts live in the rule files; what is here fills their placeholders (``{event}``,
``{kind}``, ``{wish}``) and phrases what no rule file can change (failing closed).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from guards.types import SuggestionKind
from nlp.types import EventType, Lang

EVENT_WORDS: dict[Lang, dict[EventType, str]] = {
    "nl": {
        EventType.BEREAVEMENT: "een overlijden",
        EventType.SEPARATION: "een scheiding",
        EventType.JOB_LOSS: "baanverlies",
        EventType.FINANCIAL_DIFFICULTY: "geldzorgen",
        EventType.ILLNESS: "ziekte",
        EventType.MOVING: "een verhuizing",
        EventType.NEW_CHILD: "een geboorte",
        EventType.RETIREMENT: "pensioen",
        EventType.MARRIAGE: "een huwelijk",
        EventType.DOMESTIC_ABUSE: "huiselijk geweld",
        EventType.CARING: "mantelzorg",
    },
    "en": {
        EventType.BEREAVEMENT: "a bereavement",
        EventType.SEPARATION: "a separation",
        EventType.JOB_LOSS: "losing a job",
        EventType.FINANCIAL_DIFFICULTY: "money worries",
        EventType.ILLNESS: "illness",
        EventType.MOVING: "a move",
        EventType.NEW_CHILD: "a new baby",
        EventType.RETIREMENT: "retirement",
        EventType.MARRIAGE: "a marriage",
        EventType.DOMESTIC_ABUSE: "domestic abuse",
        EventType.CARING: "caring for someone",
    },
}

KIND_WORDS: dict[Lang, dict[SuggestionKind, str]] = {
    "nl": {
        SuggestionKind.SALES: "een verkoopaanbod",
        SuggestionKind.RETENTION: "een aanbod om klant te blijven",
        SuggestionKind.SERVICE: "een service",
        SuggestionKind.CARE: "zorg of ondersteuning",
        SuggestionKind.ADVICE: "advies",
        SuggestionKind.REFERRAL: "een doorverwijzing",
        SuggestionKind.COLLECTIONS: "een betalingsachterstand bespreken",
    },
    "en": {
        SuggestionKind.SALES: "a sales offer",
        SuggestionKind.RETENTION: "an offer to keep the customer",
        SuggestionKind.SERVICE: "a service",
        SuggestionKind.CARE: "care or support",
        SuggestionKind.ADVICE: "advice",
        SuggestionKind.REFERRAL: "a referral",
        SuggestionKind.COLLECTIONS: "discussing arrears",
    },
}

WISH_WORDS: dict[Lang, dict[str, str]] = {
    "nl": {"no_offers": "geen aanbiedingen", "not_interested": "geen interesse"},
    "en": {"no_offers": "no offers", "not_interested": "not interested"},
}

AND: dict[Lang, str] = {"nl": "en", "en": "and"}

#: Shown when the guard cannot judge: the suggestion is blocked, never shown unjudged.
FAIL_CLOSED: dict[Lang, str] = {
    "nl": "Deze suggestie kon niet worden beoordeeld, dus wordt ze niet getoond ({why}).",
    "en": "This suggestion could not be judged, so it is not shown ({why}).",
}
FAIL_WHY: dict[str, dict[Lang, str]] = {
    "invalid": {
        "nl": "de suggestie is onvolledig of ongeldig",
        "en": "it is incomplete or invalid",
    },
    "timeout": {"nl": "het beoordelen duurde te lang", "en": "judging it took too long"},
    "error": {"nl": "er ging iets mis in de controle", "en": "something went wrong in the check"},
}
FAIL_GUIDANCE: dict[Lang, str] = {
    "nl": "Ga door met het gesprek zonder deze suggestie.",
    "en": "Carry on with the call without this suggestion.",
}

#: Marks reasons from rules that are being tried out and do not change the verdict.
ENFORCEMENT_MARK: dict[str, dict[Lang, str]] = {
    "warn": {"nl": "(waarschuwing) ", "en": "(warning) "},
    "dry_run": {"nl": "(proefdraaien) ", "en": "(dry run) "},
    "enforce": {"nl": "", "en": ""},
}


def join_words(words: Iterable[str], lang: Lang) -> str:
    """``a``, ``a en b``, ``a, b en c``: a list read aloud."""
    items = list(dict.fromkeys(words))
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {AND[lang]} {items[-1]}"


def events_in_words(events: Iterable[EventType], lang: Lang) -> str:
    return _events_in_words(tuple(events), lang)


@lru_cache(maxsize=4096)
def _events_in_words(events: tuple[EventType, ...], lang: Lang) -> str:
    return join_words((EVENT_WORDS[lang][e] for e in events), lang)
