"""The trained second opinion: a small spaCy span categoriser per language, beside the rules.

The rules (``life_events``) are the high-precision layer. The model is a ``spancat`` trained from
``spacy.blank`` on the labelled dev split and the fixture conversations (``python -m
nlp.train_model``); it scores short spans of the utterance for each of the 11 event types. The
``life_event_model`` component sits between the rule matcher and ConText and:

* **adds** an event the rules missed when its best span for that type scores at least
  ``threshold`` (the span is the evidence, so the event keeps character offsets);
* optionally **vetoes** a rule hit whose type the model scores below ``veto`` everywhere.

Every event, the model's included, then goes through the same ConText component for its
negated / hypothetical / experiencer / historical flags. Thresholds are chosen by
cross-validation and shipped in ``models/<lang>/settings.json`` beside the weights.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.types import EventType

#: Where the shipped models live: ``models/<lang>/`` (spaCy pipeline + settings.json).
MODELS_DIR = Path(__file__).parent / "models"
SPANS_KEY = "life_events"
SETTINGS_FILE = "settings.json"

__all__ = [
    "MODELS_DIR",
    "EventModel",
    "LifeEventModel",
    "ModelSettings",
    "SpanScore",
    "combine",
    "model_path",
]


@dataclass(frozen=True)
class ModelSettings:
    """How the model's scores become events (chosen by cross-validation on dev)."""

    #: Add an event the rules missed when its best span scores at least this.
    threshold: float = 0.5
    #: Drop a rule hit when the model's best span for its type scores below this (None: never).
    veto: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "veto": self.veto}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ModelSettings:
        veto = raw.get("veto")
        return cls(
            threshold=float(raw.get("threshold", 0.5)),
            veto=None if veto is None else float(veto),
        )


@dataclass(frozen=True)
class SpanScore:
    """The model's best span (token offsets) for one event type, and its score."""

    type: EventType
    start: int
    end: int
    score: float


class EventModel:
    """A trained spancat pipeline, applied to Docs made by the rule pipeline's tokenizer."""

    def __init__(self, nlp: Language, settings: ModelSettings | None = None) -> None:
        self.nlp = nlp
        self.settings = settings or ModelSettings()
        spancat: Any = nlp.get_pipe("spancat")
        self._spancat = spancat
        self._labels: list[EventType] = [EventType(label) for label in spancat.labels]

    @classmethod
    def load(cls, path: Path) -> EventModel:
        """Load a model written by :meth:`save` (spaCy's own format, no code executed)."""
        import spacy

        settings_path = path / SETTINGS_FILE
        settings = (
            ModelSettings.from_dict(json.loads(settings_path.read_text(encoding="utf-8")))
            if settings_path.exists()
            else ModelSettings()
        )
        return cls(spacy.load(path), settings)

    def save(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.nlp.to_disk(path)
        doc = {**self.settings.to_dict(), **(extra or {})}
        (path / SETTINGS_FILE).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")

    def best_spans(self, docs: Sequence[Doc]) -> list[dict[EventType, SpanScore]]:
        """Per doc, the highest-scoring span of each event type (all types, any score)."""
        out: list[dict[EventType, SpanScore]] = [{} for _ in docs]
        todo = [i for i, d in enumerate(docs) if len(d)]
        if not todo:
            return out
        indices, scores = self._spancat.predict([docs[i] for i in todo])
        offsets = indices.dataXd
        lengths = indices.lengths
        ops = self._spancat.model.ops
        offsets = ops.to_numpy(offsets).tolist()
        lengths = ops.to_numpy(lengths).tolist()
        scores = ops.to_numpy(scores)
        row = 0
        for i, n in zip(todo, lengths, strict=True):
            if n:
                block = scores[row : row + n]
                best_rows = block.argmax(axis=0).tolist()
                best_scores = block.max(axis=0).tolist()
                found = out[i]
                for j, label in enumerate(self._labels):
                    start, end = offsets[row + best_rows[j]]
                    found[label] = SpanScore(label, int(start), int(end), float(best_scores[j]))
            row += n
        return out


def combine(
    doc: Doc, rule_hits: list[Any], best: dict[EventType, SpanScore], settings: ModelSettings
) -> list[Any]:
    """Rule hits (minus vetoed ones) plus model events for types the rules did not find.

    ``rule_hits`` are :class:`nlp.components.EventHit`; the result is new hits, in text order,
    ready for ConText (which sets the flags of every hit, the model's too).
    """
    from nlp.components import EventHit

    kept = list(rule_hits)
    if settings.veto is not None:
        veto = settings.veto
        kept = [h for h in kept if h.type not in best or best[h.type].score >= veto]
    have = {h.type for h in rule_hits}
    added = [
        EventHit(s.type, s.start, s.end, tuple(range(s.start, s.end)))
        for t, s in best.items()
        if t not in have and s.score >= settings.threshold and s.end <= len(doc)
    ]
    return sorted(kept + added, key=lambda h: (h.start, h.end))


def model_path(lang: str) -> Path:
    return MODELS_DIR / lang


class LifeEventModel:
    """Pipeline component: runs the model and merges its events into ``doc._.life_events``."""

    def __init__(self, nlp: Language, name: str, path: str) -> None:
        self.name = name
        self._path = Path(path) if path else model_path(str(nlp.lang))
        self.model: EventModel | None = None

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        # Loaded with the pipeline (in the caller's worker thread), never on first use.
        if self.model is None:
            self.model = EventModel.load(self._path)

    def __call__(self, doc: Doc) -> Doc:
        return self.pipe_docs([doc])[0]

    def pipe_docs(self, docs: Iterable[Doc]) -> list[Doc]:
        """The model on a batch of Docs at once (much cheaper per Doc than one at a time)."""
        batch = list(docs)
        if self.model is None:
            self.initialize()
        assert self.model is not None
        settings = self.model.settings
        for doc, best in zip(batch, self.model.best_spans(batch), strict=True):
            doc._.life_events = combine(doc, list(doc._.life_events or ()), best, settings)
        return batch

    def with_settings(self, settings: ModelSettings) -> None:
        """Use other thresholds (the training script's cross-validation tries several)."""
        if self.model is None:
            self.initialize()
        assert self.model is not None
        self.model.settings = replace(settings)


@Language.factory("life_event_model", default_config={"path": ""})
def make_life_event_model(nlp: Language, name: str, path: str) -> LifeEventModel:
    return LifeEventModel(nlp, name, path)
