"""How the rules and the classifier cut an utterance into tokens: one tokenizer for both.

The rule pipeline (:func:`nlp.detector.build_pipeline`) and the trained second opinion
(:mod:`nlp.veto`) read the same tokens: the classifier scores the rules' own Doc instead of
tokenizing every utterance again, and it is trained on text cut the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

#: ``doc.user_data`` key: {a token read as a word that speech-to-text split into pieces ("over
#: leden", "a o w"): the index after its last piece} (:class:`nlp.components.Speller`).
JOINED = "life_events.joined"

#: Written abbreviations worth keeping as one token; the rest of spaCy's Dutch list ("me.",
#: "pas.", "ww.", "al.", "best.", and their capitalised forms "WW.", "ING.", "Gem.") are
#: ordinary words or acronyms at the end of a spoken sentence.
_DUTCH_ABBREVIATIONS_TEXT = (
    "bijv. enz. etc. ca. evt. blz. nr. dhr. mevr. mr. dr. drs. ir. prof. vgl. zgn. dwz. ong."
)
_DUTCH_ABBREVIATIONS = frozenset(_DUTCH_ABBREVIATIONS_TEXT.split())


def spoken_blank(lang: str) -> Language:
    """``spacy.blank(lang)`` with the tokenizer set for speech (see :func:`for_speech`)."""
    import spacy

    nlp = spacy.blank(lang)
    for_speech(nlp)
    return nlp


def for_speech(nlp: Language) -> None:
    """Set ``nlp``'s tokenizer for spoken text: in Dutch, a word with a full stop ("me.",
    "ww.") at the end of a sentence is that word and a full stop, not an abbreviation."""
    if nlp.lang != "nl":
        return
    tokenizer: Any = nlp.tokenizer
    rules = tokenizer.rules or {}
    tokenizer.rules = {
        k: v
        for k, v in rules.items()
        if not (k.endswith(".") and k[:-1].isalpha() and len(k) > 2)
        or k.lower() in _DUTCH_ABBREVIATIONS
    }
