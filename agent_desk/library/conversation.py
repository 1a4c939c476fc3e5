"""The conversation-fixture format: a call transcript with gold annotations.

One YAML file per conversation in ``fixtures/conversations/``. Gold annotations say which life
events each customer utterance carries (with context flags) and which verdicts are acceptable
for each suggestion the next-best-action engine made during the call. ``agent-desk fixtures
check`` validates files against these models plus the cross-checks in :mod:`.check`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guards.types import Verdict
from nlp.types import EventType, Experiencer, Lang, Speaker, Utterance

MAX_UTTERANCE_CHARS = 5_000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldEvent(Strict):
    """A life event the customer's utterance carries, as an annotator heard it."""

    type: EventType
    #: The words that carry the event; must occur verbatim in the utterance text.
    text: str = Field(min_length=1)
    negated: bool = False
    hypothetical: bool = False
    experiencer: Experiencer = "customer"
    historical: bool = False


class FixtureUtterance(Strict):
    id: str = Field(min_length=1, max_length=50)
    #: Seconds since the call started.
    t: float = Field(ge=0)
    speaker: Speaker
    text: str = Field(min_length=1, max_length=MAX_UTTERANCE_CHARS)
    events: tuple[GoldEvent, ...] = ()

    @model_validator(mode="after")
    def _evidence_in_text(self) -> FixtureUtterance:
        for ev in self.events:
            if ev.text not in self.text:
                raise ValueError(f"event evidence {ev.text!r} does not occur in the text")
        return self

    def to_utterance(self, lang: Lang) -> Utterance:
        return Utterance(id=self.id, speaker=self.speaker, text=self.text, t=self.t, lang=lang)


class GoldSuggestion(Strict):
    """A suggestion the NBA engine made in the call, and the verdicts a careful guard may give."""

    #: The utterance after which the engine proposed it.
    at: str
    #: Catalogue action id (``fixtures/catalog/*.yaml``).
    action: str
    acceptable: tuple[Verdict, ...] = Field(min_length=1)
    #: Why these verdicts: for trainers, in the conversation's language.
    note: str = ""


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class CustomerProfile(Strict):
    opted_out_of_offers: bool = False


class Conversation(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    title: str = Field(min_length=1)
    lang: Lang
    org: Literal["bank", "insurer", "municipality"]
    difficulty: Difficulty = Difficulty.MEDIUM
    #: Hard cases this call exercises, for the trainer's filter.
    tags: tuple[str, ...] = ()
    description: str = ""
    customer: CustomerProfile = CustomerProfile()
    utterances: tuple[FixtureUtterance, ...] = Field(min_length=1)
    suggestions: tuple[GoldSuggestion, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Conversation:
        seen: set[str] = set()
        last_t = -1.0
        for u in self.utterances:
            if u.id in seen:
                raise ValueError(f"utterance id {u.id!r} is used twice")
            seen.add(u.id)
            if u.t < last_t:
                raise ValueError(f"utterance {u.id!r} starts before the one before it")
            last_t = u.t
            if u.events and u.speaker != "customer":
                raise ValueError(
                    f"utterance {u.id!r}: only customer utterances carry gold life events"
                )
        for s in self.suggestions:
            if s.at not in seen:
                raise ValueError(f"suggestion {s.action!r} is at unknown utterance {s.at!r}")
        return self

    def event_types(self) -> set[EventType]:
        return {ev.type for u in self.utterances for ev in u.events}
