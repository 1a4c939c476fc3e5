"""Conversation state: the life events and wishes heard from the customer over one call.

Events accumulate in order with the utterance they came from. Only the customer's speech counts:
an agent saying "gecondoleerd met het overlijden" creates nothing. A later observation of the same
utterance id (a final after partials) replaces what that id said before. A correction supersedes:
when a later customer utterance carries a correction cue ("nee, het is mijn zus die gaat
scheiden", "no, I mean my brother") and an event of the same type that is negated or about
someone else, the earlier asserted events of that type take the corrected flags.
"""

from __future__ import annotations

import threading

from pydantic import BaseModel, ConfigDict

from nlp.detector import Detection, Detector, get_detector
from nlp.types import CustomerWish, Lang, LifeEvent, Utterance


class ObservedEvent(BaseModel):
    """A life event with the id of the utterance it was heard in."""

    model_config = ConfigDict(frozen=True)

    event: LifeEvent
    utterance_id: str


class ConversationTracker:
    """Accumulates a call's customer events and wishes, applying corrections as they come."""

    def __init__(self, detector: Detector | None = None, lang: str | None = None) -> None:
        self._detector = detector or get_detector()
        self._lang: Lang | None = lang if lang in ("nl", "en") else None  # type: ignore[assignment]
        self._events: list[ObservedEvent] = []
        self._wishes: list[tuple[str, CustomerWish]] = []
        self._lock = threading.Lock()

    def observe(self, utterance: Utterance) -> Detection:
        """Detect events in one utterance and record them if the customer said it.

        Agent and system speech is never recorded and gives an empty Detection.
        """
        lang = utterance.lang or self._lang
        if utterance.speaker != "customer":
            return Detection(lang=lang or self._detector.language_of(utterance.text))
        detection = self._detector.detect(utterance.text, lang)
        with self._lock:
            self._events = [o for o in self._events if o.utterance_id != utterance.id]
            self._wishes = [(uid, w) for uid, w in self._wishes if uid != utterance.id]
            if detection.correction:
                self._apply_corrections(detection.events)
            self._events.extend(
                ObservedEvent(event=e, utterance_id=utterance.id) for e in detection.events
            )
            self._wishes.extend((utterance.id, w) for w in detection.wishes)
        return detection

    def _apply_corrections(self, events: list[LifeEvent]) -> None:
        for new in events:
            if new.asserted:
                continue
            updated = []
            for old in self._events:
                current = old
                if old.event.type == new.type and old.event.asserted:
                    current = ObservedEvent(
                        event=old.event.model_copy(
                            update={
                                "negated": new.negated,
                                "hypothetical": new.hypothetical,
                                "experiencer": new.experiencer,
                                "historical": new.historical,
                            }
                        ),
                        utterance_id=old.utterance_id,
                    )
                updated.append(current)
            self._events = updated

    @property
    def events(self) -> list[ObservedEvent]:
        """Every event heard so far, in order, after corrections."""
        with self._lock:
            return list(self._events)

    @property
    def asserted(self) -> list[ObservedEvent]:
        """Only the customer's own, real, current events."""
        return [o for o in self.events if o.event.asserted]

    @property
    def wishes(self) -> list[CustomerWish]:
        """The customer's wishes heard so far ("geen aanbiedingen", "not interested")."""
        with self._lock:
            return [w for _, w in self._wishes]
