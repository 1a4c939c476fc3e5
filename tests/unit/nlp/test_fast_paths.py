"""The shortcuts taken for speed change nothing a user would see.

The prefilter skips utterances with no pattern's anchor word, and the matcher runs only the
pattern groups whose words a doc contains; both must give exactly what the plain way gives.
Checked on the dev split of the corpus (never the frozen test split), the fixture conversations
and transcript-like variants of both (lower case without punctuation, upper case, no accents).
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from agent_desk.paths import conversations_dir, fixtures_dir
from nlp.components import LifeEventMatcher, _regex_substrings
from nlp.detector import Detector
from nlp.evaluation import split_of
from nlp.types import Lang
from tests.unit.nlp.conftest import gated_and_plain


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _texts(lang: Lang) -> list[str]:
    from agent_desk.library.load import load_conversation

    base: list[str] = []
    corpus = fixtures_dir() / "nlp-corpus" / f"{lang}.jsonl"
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            if split_of(raw["id"]) == "dev":
                base.append(raw["text"])
    for path in sorted(conversations_dir().glob("*.yaml")):
        conv = load_conversation(path)
        if conv.lang == lang:
            base.extend(u.text for u in conv.utterances)
    variants = (
        ["".join(c for c in t.lower() if c.isalnum() or c.isspace()) for t in base[::3]]
        + [t.upper() for t in base[1::7]]
        + [_strip_accents(t) for t in base[2::5]]
    )
    return base + variants


@pytest.fixture(scope="module")
def plain() -> Detector:
    d = Detector(prefilter=False, veto=False)  # as the shared rules-only `detector`
    d.warm_up()
    return d


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_prefilter_changes_no_result(detector: Detector, plain: Detector, lang: Lang) -> None:
    texts = _texts(lang)
    fast = detector.detect_many(texts, lang)
    slow = plain.detect_many(texts, lang)
    assert [d.model_dump() for d in fast] == [d.model_dump() for d in slow]
    # It has to skip something to be worth having: the fixture calls' small talk at least.
    pipe = detector.pipeline(lang)
    prefilter = pipe.get_pipe("life_events").prefilter  # type: ignore[attr-defined]
    assert prefilter is not None
    assert not prefilter.always
    skipped = sum(not prefilter(pipe.make_doc(t), t.lower()) for t in texts)
    assert skipped > len(texts) // 10


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("component", ["life_events", "life_event_context"])
def test_gated_matching_finds_what_one_plain_matcher_finds(
    detector: Detector, lang: Lang, component: str
) -> None:
    both = gated_and_plain(detector, lang, component)
    # Every other text: one plain Matcher with all patterns takes milliseconds per doc.
    for text in _texts(lang)[::2]:
        gated, plain = both(text)
        assert gated == plain, text


def test_regex_conditions_are_necessary() -> None:
    assert _regex_substrings("^[a-z]+kanker$") == {"kanker"}
    assert _regex_substrings("^[a-z]+(tumor|infarct|breuk)$") == {"tumor", "infarct", "breuk"}
    # Unsure shapes give no condition, so the pattern is never skipped.
    assert _regex_substrings("^(ab|cdef)$") is None
    assert _regex_substrings("^ex(-| )?man") is None
    assert _regex_substrings("colou?r") == {"colo"}


@pytest.mark.parametrize(
    ("text", "lang", "etype"),
    [
        ("ik heb een hersentumor", "nl", "illness"),
        ("mijn man had vorige week een hartinfarct", "nl", "illness"),
        ("I'm off work with appendicitis", "en", "illness"),
    ],
)
def test_compound_illness_words_are_heard(
    detector: Detector, text: str, lang: Lang, etype: str
) -> None:
    assert etype in {e.type.value for e in detector.detect(text, lang).events}


def test_prefilter_is_built_from_the_pattern_data(detector: Detector) -> None:
    for lang in ("nl", "en"):
        matcher = detector.pipeline(lang).get_pipe("life_events")
        assert isinstance(matcher, LifeEventMatcher)
        assert matcher.prefilter is not None


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_fast_path_gives_what_the_components_give(
    detector: Detector, lang: Lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detector's shared-columns fast path against the components called one by one."""
    import nlp.detector

    texts = _texts(lang)
    assert nlp.detector._fast_path(detector.pipeline(lang)) is not None
    fast = detector.detect_many(texts, lang)
    monkeypatch.setattr(nlp.detector, "_fast_path", lambda pipe: None)
    slow = detector.detect_many(texts, lang)
    assert [d.model_dump() for d in fast] == [d.model_dump() for d in slow]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_window_check_skips_no_match(
    detector: Detector, lang: Lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Matcher call skipped because its window lacks a required word would have found
    nothing: the same detections with every call made."""
    from nlp.components import _DocWords

    texts = _texts(lang)
    fast = detector.detect_many(texts, lang)
    monkeypatch.setattr(_DocWords, "meets_in", lambda *args: True)
    every = detector.detect_many(texts, lang)
    assert [d.model_dump() for d in fast] == [d.model_dump() for d in every]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_warm_tokenizer_cache_makes_the_same_docs(detector: Detector, lang: Lang) -> None:
    """The detector's make_doc (tokenizer cache kept warm) against a fresh tokenizer."""
    from nlp.detector import _chunk_cache, build_pipeline

    extra = ["I'm sure it's fine, don't worry: my mum's ok.", "can't   won't\tdidn't"]
    texts = [*_texts(lang), *extra]
    make_doc = _chunk_cache(detector.pipeline(lang)).make_doc
    fresh = build_pipeline(lang).tokenizer
    for _ in range(2):  # cold, then warm
        for text in texts:
            got = [(t.text, t.norm_, t.whitespace_) for t in make_doc(text)]
            assert got == [(t.text, t.norm_, t.whitespace_) for t in fresh(text)], text
