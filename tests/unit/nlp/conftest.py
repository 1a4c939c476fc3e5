"""One detector for the whole NLP test session: building the pipelines takes about a second."""

from __future__ import annotations

import pytest

from nlp.detector import Detection, Detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    d = Detector()
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
