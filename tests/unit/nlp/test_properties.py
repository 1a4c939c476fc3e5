"""The detector, property-based: utterances hypothesis writes from the patterns' own words
(in any order, case and punctuation) and from arbitrary Unicode.

* Any text gives a result, never an exception, and every event's evidence is the text at its
  character offsets.
* The speed shortcuts (prefilter, gated and windowed matching, the shared-columns fast path)
  give exactly what the plain pipeline gives. The corpus checks this on real lines
  (test_fast_paths.py); here the words come in combinations nobody wrote, which is where a gate
  that is too tight would show.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.components import _DocWords, _words_of
from nlp.detector import Detection, Detector
from nlp.types import Lang
from tests.unit.nlp.conftest import gated_and_plain

_CONTEXT_WORDS = {
    "nl": [
        "ik",
        "mijn",
        "we",
        "ons",
        "hij",
        "zij",
        "niet",
        "geen",
        "nooit",
        "als",
        "misschien",
        "vroeger",
        "vorig",
        "jaar",
        "gisteren",
        "bang",
        "dat",
        "buurvrouw",
        "collega",
        "vriend",
        "zus",
        "broer",
        "moeder",
        "vader",
        "man",
        "vrouw",
        "kat",
        "hond",
        "nee",
        "bedoel",
        "en",
        "maar",
        "want",
        "dus",
        "toen",
        "nu",
    ],
    "en": [
        "i",
        "my",
        "we",
        "our",
        "he",
        "she",
        "not",
        "no",
        "never",
        "if",
        "maybe",
        "years",
        "ago",
        "last",
        "year",
        "yesterday",
        "afraid",
        "neighbour",
        "colleague",
        "friend",
        "sister",
        "brother",
        "mother",
        "father",
        "husband",
        "wife",
        "cat",
        "dog",
        "no",
        "mean",
        "and",
        "but",
        "because",
        "so",
        "then",
        "now",
    ],
}
_PUNCT = [",", ".", "?", "!", ":", "-", "'s", "n't", "...", "(", ")"]


def _vocabulary(detector: Detector, lang: Lang) -> list[str]:
    pipe = detector.pipeline(lang)
    words: set[str] = set()
    for name in ("life_events", "life_event_context"):
        for _, _, tp in pipe.get_pipe(name)._c.compiled:  # type: ignore[attr-defined]
            words |= {w for w in _words_of(tp) if w.isprintable() and " " not in w}
    return sorted(words | set(_CONTEXT_WORDS[lang]))


@st.composite
def _utterances(draw: st.DrawFn, vocabulary: list[str]) -> str:
    parts = draw(
        st.lists(st.one_of(st.sampled_from(vocabulary), st.sampled_from(_PUNCT)), max_size=18)
    )
    case = draw(st.sampled_from([str, str.lower, str.upper, str.capitalize]))
    return case(" ".join(parts))


def _check_offsets(text: str, detection: Detection) -> None:
    for event in detection.events:
        assert 0 <= event.start < event.end <= len(text)
        assert text[event.start : event.end] == event.text


_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_shortcuts_change_nothing_on_utterances_nobody_wrote(
    detector: Detector, lang: Lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nlp.detector

    vocabulary = _vocabulary(detector, lang)
    plain = Detector(prefilter=False, veto=False)  # as the shared rules-only `detector`

    @_SETTINGS
    @given(st.lists(_utterances(vocabulary), min_size=1, max_size=8))
    def check(texts: list[str]) -> None:
        fast = detector.detect_many(texts, lang)
        with monkeypatch.context() as mp:
            mp.setattr(nlp.detector, "_fast_path", lambda pipe: None)
            mp.setattr(_DocWords, "meets_in", lambda *args: True)
            slow = plain.detect_many(texts, lang)
        assert [d.model_dump() for d in fast] == [d.model_dump() for d in slow]
        for text, detection in zip(texts, fast, strict=True):
            _check_offsets(text, detection)

    check()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("component", ["life_events", "life_event_context"])
def test_gated_matching_finds_what_one_plain_matcher_finds(
    detector: Detector, lang: Lang, component: str
) -> None:
    both = gated_and_plain(detector, lang, component)

    # Each example costs about a millisecond: enough of them to meet the rarer patterns.
    @settings(_SETTINGS, max_examples=600)
    @given(_utterances(_vocabulary(detector, lang)))
    def check(text: str) -> None:
        gated, plain = both(text)
        assert gated == plain

    check()


@_SETTINGS
@given(st.text(max_size=300), st.sampled_from([None, "nl", "en", "xx"]))
def test_any_text_gives_a_result_with_true_offsets(
    detector: Detector, text: str, lang: str | None
) -> None:
    detection = detector.detect(text, lang)
    assert detection.lang in ("nl", "en")
    _check_offsets(text, detection)
