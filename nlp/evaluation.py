"""Quality metrics for life-event detection: pure functions over gold items and detections.

* Asserted events, utterance level: per type, the predicted set of asserted types against the
  gold set; precision/recall/F1 per type and micro-averaged.
* Context flags: over gold events matched by a predicted event of the same type whose span
  overlaps the gold evidence, the share with the same negated / hypothetical / experiencer /
  historical value.
* Hard negatives: the share of ``hard_negative`` utterances with any asserted event.

Nothing here reads files or prints; ``agent-desk eval nlp`` does that, with aggregate numbers
only (corpus lines are never echoed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from nlp.detector import Detection
from nlp.types import EventType, LifeEvent

Split = Literal["dev", "test"]
FLAGS = ("negated", "hypothetical", "experiencer", "historical")
HARD_NEGATIVE = "hard_negative"

_ID_NUMBER = re.compile(r"(\d+)\D*$")
_LATER_BATCH = re.compile(r"-b\d+-")


def split_of(item_id: str) -> Split:
    """The frozen split rule: an id whose (last) number is a multiple of 5 is test, else dev.

    Lines of a later annotation batch (``nl-b2-0001``) are all dev: the test split stays the
    frozen set it was when patterns were first written, so rounds stay comparable.
    """
    if _LATER_BATCH.search(item_id):
        return "dev"
    m = _ID_NUMBER.search(item_id)
    if m is None:
        return "dev"
    return "test" if int(m.group(1)) % 5 == 0 else "dev"


@dataclass(frozen=True)
class GoldEvent:
    type: EventType
    start: int
    end: int
    negated: bool = False
    hypothetical: bool = False
    experiencer: str = "customer"
    historical: bool = False

    @property
    def asserted(self) -> bool:
        return (
            not self.negated
            and not self.hypothetical
            and self.experiencer == "customer"
            and not self.historical
        )


@dataclass(frozen=True)
class GoldItem:
    id: str
    lang: str
    text: str
    category: str = ""
    events: tuple[GoldEvent, ...] = ()


def gold_event(text: str, raw: dict[str, Any]) -> GoldEvent:
    """A gold event from annotation fields; its span is where its evidence occurs in ``text``."""
    evidence = str(raw.get("text", ""))
    start = text.find(evidence) if evidence else -1
    if start < 0:
        start, end = 0, 0
    else:
        end = start + len(evidence)
    return GoldEvent(
        type=EventType(raw["type"]),
        start=start,
        end=end,
        negated=bool(raw.get("negated", False)),
        hypothetical=bool(raw.get("hypothetical", False)),
        experiencer=str(raw.get("experiencer", "customer")),
        historical=bool(raw.get("historical", False)),
    )


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class Report:
    """Scores for one set of utterances (one language, one split)."""

    utterances: int = 0
    per_type: dict[EventType, TypeScore] = field(default_factory=dict)
    flag_correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAGS, 0))
    matched: int = 0
    gold_events: int = 0
    hard_negatives: int = 0
    hard_negative_hits: int = 0

    @property
    def micro(self) -> TypeScore:
        total = TypeScore()
        for s in self.per_type.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    def flag_accuracy(self, flag: str) -> float | None:
        return self.flag_correct[flag] / self.matched if self.matched else None

    @property
    def hard_negative_rate(self) -> float | None:
        return self.hard_negative_hits / self.hard_negatives if self.hard_negatives else None

    def to_dict(self) -> dict[str, Any]:
        micro = self.micro
        return {
            "utterances": self.utterances,
            "micro": _score_dict(micro),
            "per_type": {t.value: _score_dict(s) for t, s in sorted(self.per_type.items())},
            "flags": {f: _round(self.flag_accuracy(f)) for f in FLAGS},
            "gold_events": self.gold_events,
            "matched_events": self.matched,
            "hard_negatives": self.hard_negatives,
            "hard_negative_fp_rate": _round(self.hard_negative_rate),
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _score_dict(s: TypeScore) -> dict[str, Any]:
    return {
        "precision": _round(s.precision),
        "recall": _round(s.recall),
        "f1": _round(s.f1),
        "support": s.support,
        "tp": s.tp,
        "fp": s.fp,
        "fn": s.fn,
    }


def _overlaps(g: GoldEvent, p: LifeEvent) -> bool:
    if g.start == g.end:  # evidence not found verbatim: the type alone must do
        return True
    return p.start < g.end and g.start < p.end


def evaluate(items: Sequence[GoldItem], detections: Sequence[Detection]) -> Report:
    """Score ``detections`` (same order as ``items``) against the gold annotations."""
    if len(items) != len(detections):
        raise ValueError("items and detections differ in length")
    report = Report()
    for item, det in zip(items, detections, strict=True):
        report.utterances += 1
        gold_types = {g.type for g in item.events if g.asserted}
        pred_types = {e.type for e in det.events if e.asserted}
        for t in gold_types | pred_types:
            score = report.per_type.setdefault(t, TypeScore())
            if t in gold_types and t in pred_types:
                score.tp += 1
            elif t in pred_types:
                score.fp += 1
            else:
                score.fn += 1
        for t in gold_types:
            report.per_type.setdefault(t, TypeScore())
        used: set[int] = set()
        for g in item.events:
            report.gold_events += 1
            match = next(
                (
                    i
                    for i, p in enumerate(det.events)
                    if i not in used and p.type == g.type and _overlaps(g, p)
                ),
                None,
            )
            if match is None:
                continue
            used.add(match)
            p = det.events[match]
            report.matched += 1
            for flag in FLAGS:
                if getattr(p, flag) == getattr(g, flag):
                    report.flag_correct[flag] += 1
        if item.category == HARD_NEGATIVE:
            report.hard_negatives += 1
            if pred_types:
                report.hard_negative_hits += 1
    return report


def error_kinds(item: GoldItem, det: Detection) -> list[str]:
    """Short labels for what went wrong on one item (dev-split analysis only)."""
    out = []
    gold_types = {g.type for g in item.events if g.asserted}
    pred_types = {e.type for e in det.events if e.asserted}
    out += [f"FN {t.value}" for t in sorted(gold_types - pred_types)]
    out += [f"FP {t.value}" for t in sorted(pred_types - gold_types)]
    for g in item.events:
        p = next((p for p in det.events if p.type == g.type and _overlaps(g, p)), None)
        if p is None:
            continue
        out += [
            f"FLAG {g.type.value}.{flag} gold={getattr(g, flag)} pred={getattr(p, flag)}"
            for flag in FLAGS
            if getattr(p, flag) != getattr(g, flag)
        ]
    return out
