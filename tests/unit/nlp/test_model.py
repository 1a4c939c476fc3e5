"""The trained second opinion (nlp.model) and its training data (nlp.train_model).

The model is off by default (cross-validation on dev showed no gain over the rules; see
docs/quality.md); these tests check that turning it on keeps the detector's contract.
"""

from __future__ import annotations

import json
import re

import pytest

from nlp.components import EventHit
from nlp.detector import Detector, build_pipeline
from nlp.evaluation import split_of
from nlp.model import MODELS_DIR, SETTINGS_FILE, ModelSettings, SpanScore, combine
from nlp.train_model import CORPUS_DIR, load_dev, load_fixture_turns
from nlp.types import EventType

SHIPPED = all((MODELS_DIR / lang / SETTINGS_FILE).exists() for lang in ("nl", "en"))
needs_model = pytest.mark.skipif(not SHIPPED, reason="no trained model in nlp/models")


@pytest.fixture(scope="module")
def with_model() -> Detector:
    d = Detector(model=True, veto=False)  # the spancat beside the rules, nothing else
    d.warm_up()
    return d


def test_training_data_never_contains_a_frozen_test_line() -> None:
    for lang in ("nl", "en"):
        ids = [item.id for item in load_dev(lang)]
        assert ids
        assert all(split_of(i) == "dev" for i in ids)
        # Every dev line of the file is used: nothing else was dropped on the way.
        raw_ids = re.findall(r'"id"\s*:\s*"([^"]+)"', (CORPUS_DIR / f"{lang}.jsonl").read_text())
        assert len(ids) == sum(1 for i in raw_ids if split_of(i) == "dev")


def test_fixture_turns_are_customer_speech_with_their_gold() -> None:
    turns = load_fixture_turns("nl")
    assert any(t.events for t in turns)
    # The demo's bereavement disclosure is in, with its evidence located in the turn.
    demo = [t for t in turns if t.id.startswith("nl-demo-bereavement/") and t.events]
    assert demo
    assert all(t.text[e.start : e.end] for t in demo for e in t.events)


def _hit(kind: EventType, start: int, end: int) -> EventHit:
    return EventHit(kind, start, end, tuple(range(start, end)))


def test_combine_adds_only_types_the_rules_missed_and_respects_the_threshold() -> None:
    pipe = build_pipeline("en")
    doc = pipe.make_doc("I lost my job and we can't pay the rent")
    rules = [_hit(EventType.JOB_LOSS, 1, 4)]
    best = {
        EventType.JOB_LOSS: SpanScore(EventType.JOB_LOSS, 2, 4, 0.99),
        EventType.FINANCIAL_DIFFICULTY: SpanScore(EventType.FINANCIAL_DIFFICULTY, 6, 10, 0.8),
        EventType.MOVING: SpanScore(EventType.MOVING, 8, 10, 0.3),
    }
    out = combine(doc, rules, best, ModelSettings(threshold=0.5))
    assert [(h.type, h.start, h.end) for h in out] == [
        (EventType.JOB_LOSS, 1, 4),  # the rule's own span, not the model's
        (EventType.FINANCIAL_DIFFICULTY, 6, 10),
    ]
    assert out[1].literal == (6, 7, 8, 9)  # the whole span is evidence for ConText


def test_veto_drops_a_rule_hit_the_model_scores_low() -> None:
    pipe = build_pipeline("en")
    doc = pipe.make_doc("my cat died")
    rules = [_hit(EventType.BEREAVEMENT, 2, 3)]
    best = {EventType.BEREAVEMENT: SpanScore(EventType.BEREAVEMENT, 2, 3, 0.01)}
    assert combine(doc, rules, best, ModelSettings(threshold=0.5, veto=0.05)) == []
    assert len(combine(doc, rules, best, ModelSettings(threshold=0.5))) == 1


@needs_model
def test_shipped_models_are_small_and_say_how_they_were_made() -> None:
    for lang in ("nl", "en"):
        folder = MODELS_DIR / lang
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        assert size < 20_000_000
        meta = json.loads((folder / SETTINGS_FILE).read_text())
        assert 0 < meta["threshold"] <= 1
        assert "dev split" in meta["trained_on"]


@needs_model
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("nl", "mijn vader is vorige week overleden"),
        ("en", "my husband passed away last month"),
    ],
)
def test_with_the_model_clear_disclosures_are_still_heard_with_offsets(
    with_model: Detector, lang: str, text: str
) -> None:
    det = with_model.detect(text, lang)
    asserted = [e for e in det.events if e.asserted]
    assert [e.type for e in asserted] == [EventType.BEREAVEMENT]
    for e in det.events:
        assert text[e.start : e.end] == e.text


@needs_model
def test_model_events_go_through_context(with_model: Detector) -> None:
    # Whatever the model adds, a denial or a neighbour's event is never asserted.
    for text in (
        "we are not getting divorced, we are fine",
        "my neighbour lost her job last week",
        "what if I get made redundant next year",
    ):
        det = with_model.detect(text, "en")
        assert det.asserted == [], det.events


@needs_model
def test_model_keeps_ordinary_turns_and_bad_input_quiet(with_model: Detector) -> None:
    texts = ["", "\x00\x01\x02", "ja", "I'd like to change my address typo", "x" * 30_000]
    results = with_model.detect_many(texts, "en")
    assert len(results) == len(texts)
    assert results[0].events == []
    assert results[1].events == []
    assert results[4].truncated


@needs_model
def test_batch_and_single_detection_agree_with_the_model(with_model: Detector) -> None:
    texts = [
        "ik ben vorige maand ontslagen",
        "we krijgen in maart een kindje",
        "ik wil mijn adres wijzigen",
    ]
    batch = with_model.detect_many(texts, "nl")
    assert batch == [with_model.detect(t, "nl") for t in texts]
