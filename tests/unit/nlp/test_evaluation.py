"""The metric functions: per-type scores, flag accuracy over matched events, hard negatives."""

from __future__ import annotations

import pytest

from nlp.detector import Detection
from nlp.evaluation import GoldItem, evaluate, gold_event, split_of
from nlp.types import EventType, LifeEvent


def _ev(t: str, start: int, end: int, **flags: object) -> LifeEvent:
    return LifeEvent(type=EventType(t), text="x" * (end - start), start=start, end=end, **flags)  # type: ignore[arg-type]


def test_frozen_split_rule() -> None:
    assert split_of("nl-0005") == "test"
    assert split_of("en-0010") == "test"
    assert split_of("nl-0007") == "dev"
    assert split_of("no-number") == "dev"
    # a later annotation batch never grows the frozen test split
    assert split_of("nl-b2-0005") == "dev"
    assert split_of("en-b2-0010") == "dev"


def test_gold_span_is_found_in_the_text() -> None:
    g = gold_event("mijn moeder is overleden", {"type": "bereavement", "text": "overleden"})
    assert (g.start, g.end) == (15, 24)
    assert g.asserted


def test_scores() -> None:
    text = "mijn moeder is overleden"
    items = [
        GoldItem(
            "a1", "nl", text, "", (gold_event(text, {"type": "bereavement", "text": "overleden"}),)
        ),
        GoldItem("a2", "nl", "ik heb het zat", "hard_negative", ()),
        GoldItem(
            "a3",
            "nl",
            "ik ben ontslagen",
            "",
            (
                gold_event(
                    "ik ben ontslagen", {"type": "job_loss", "text": "ontslagen", "negated": True}
                ),
            ),
        ),
    ]
    dets = [
        Detection(lang="nl", events=[_ev("bereavement", 15, 24)]),
        Detection(lang="nl", events=[_ev("illness", 0, 2)]),
        Detection(lang="nl", events=[_ev("job_loss", 7, 16)]),
    ]
    r = evaluate(items, dets)
    assert r.per_type[EventType.BEREAVEMENT].f1 == 1.0
    assert r.per_type[EventType.ILLNESS].fp == 1
    assert r.per_type[EventType.JOB_LOSS].fp == 1  # gold is negated, prediction asserted
    assert r.micro.tp == 1
    assert r.micro.precision == pytest.approx(1 / 3)
    assert r.matched == 2
    assert r.flag_accuracy("negated") == 0.5
    assert r.flag_accuracy("experiencer") == 1.0
    assert r.hard_negative_rate == 1.0
    assert r.to_dict()["micro"]["tp"] == 1


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="length"):
        evaluate([], [Detection(lang="nl")])
