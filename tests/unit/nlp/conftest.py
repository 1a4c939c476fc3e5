"""One rules-only detector for the whole NLP test session: building the pipelines takes about a
second."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.matcher import Matcher

from nlp.detector import Detection, Detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    # The rules and ConText alone: the classifier's second opinion has its own tests
    # (test_veto.py), and would hide a pattern that stopped matching.
    d = Detector(veto=False)
    d.warm_up()
    return d


def summary(detection: Detection) -> list[tuple[str, ...]]:
    """Events as (type, flags...) tuples: what a reader of the guard would care about."""
    out = []
    for e in detection.events:
        flags = [e.type.value]
        if e.negated:
            flags.append("negated")
        if e.hypothetical:
            flags.append("hypothetical")
        if e.experiencer == "other":
            flags.append("other")
        if e.historical:
            flags.append("historical")
        out.append(tuple(flags))
    return out


def gated_and_plain(
    detector: Detector, lang: str, component: str
) -> Callable[[str], tuple[set[tuple[int, int, int]], set[tuple[int, int, int]]]]:
    """For one matching component: a function giving, for a text, what its gated matching finds
    and what one plain spaCy Matcher with all its patterns finds (the doc run through the
    components before it first)."""
    pipe = detector.pipeline(lang)
    compiled = pipe.get_pipe(component)._c  # type: ignore[attr-defined]
    matcher = Matcher(pipe.vocab)
    for key, _, tp in compiled.compiled:
        matcher.add(key, [tp])
    names = [name for name, _ in pipe.pipeline]
    before = names[: names.index(component)]

    def both(text: str) -> tuple[set[tuple[int, int, int]], set[tuple[int, int, int]]]:
        doc = pipe.make_doc(text)
        for name in before:
            doc = pipe.get_pipe(name)(doc)
        return {(m, s, e) for m, s, e, _ in compiled(doc)}, set(matcher(doc))

    return both
