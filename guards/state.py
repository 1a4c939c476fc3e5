"""The session state the guard judges against: what has happened in this call so far.

Built from the NLP layer's :class:`~nlp.conversation.ConversationTracker` (life events with their
context flags, the customer's wishes) plus what the agent UI records: offers the customer
declined, the emergency brake, whether the agent handled a disclosure (TEXAS) and whether the
customer's own question is still open. It holds no transcript text, only kinds and ids.

``customer_question_open`` is set by the agent UI (the agent marks the customer's request as
handled). When the state is built from a bare transcript (``agent-desk guard check``, rule tests,
replays) a transparent heuristic stands in: the question is open when the customer's most recent
turn asks something (a question mark, or a request such as "kunt u", "ik wil", "can you",
"I'd like") and no agent turn has followed it yet.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nlp.conversation import ConversationTracker, ObservedEvent
from nlp.detector import Detection
from nlp.types import VULNERABILITY_EVENTS, EventType, Lang, LifeEvent, Utterance, WishKind

_REQUEST = re.compile(
    r"\?|\b(?:kunt u|kun je|kan ik|kan dat|mag ik|ik wil|ik wou|ik zou graag"
    r"|hoe (?:werkt|zit|kan|moet)|wat (?:kost|moet|kan)"
    r"|can you|could you|can i|could i|i'd like|i would like|i want|i need"
    r"|how do|how does|what happens|is there)\b",
    re.IGNORECASE,
)


def asks_something(text: str) -> bool:
    """The question-open heuristic: does this customer turn ask a question or make a request?"""
    return _REQUEST.search(text) is not None


class ObservedWish(BaseModel):
    """A wish the customer voiced ("geen aanbiedingen", "not interested") and where."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: WishKind
    utterance_id: str


@dataclass(frozen=True, slots=True)
class StateView:
    """The state flattened into sets once, so every rule is a set lookup."""

    current: frozenset[EventType]
    mentioned: frozenset[EventType]
    #: The customer's own situations they said are over ("ik heb zeven jaar voor haar gezorgd").
    ended: frozenset[EventType]
    wishes: frozenset[str]
    declined_actions: frozenset[str]
    declined_groups: frozenset[str]
    declined_kinds: frozenset[str]
    disclosure_unacknowledged: bool


class SessionState(BaseModel):
    """One call's situation at one moment. Frozen: a new moment is a new state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lang: Lang = "nl"
    #: Every life event heard from the customer, after corrections, in order.
    events: tuple[ObservedEvent, ...] = ()
    #: The customer's wishes about being sold to, in order.
    wishes: tuple[ObservedWish, ...] = ()
    #: Customer profile: opted out of commercial offers altogether.
    opted_out_of_offers: bool = False
    #: Catalogue action ids, groups and suggestion kinds the customer declined in this call.
    declined_actions: tuple[str, ...] = ()
    declined_groups: tuple[str, ...] = ()
    declined_kinds: tuple[str, ...] = ()
    #: The agent pulled the emergency brake: nothing commercial for the rest of the call.
    emergency_brake: bool = False
    #: The agent went through the disclosure flow (thank, explain, consent, ask, signpost).
    disclosure_acknowledged: bool = False
    #: The customer's own request is not handled yet (agent UI, or the heuristic above).
    customer_question_open: bool = False
    utterance_count: int = Field(default=0, ge=0)

    @property
    def asserted(self) -> tuple[ObservedEvent, ...]:
        """Only the customer's own, real, current events."""
        return tuple(o for o in self.events if o.event.asserted)

    @cached_property
    def view(self) -> StateView:
        current = frozenset(o.event.type for o in self.events if o.event.asserted)
        return StateView(
            current=current,
            mentioned=frozenset(o.event.type for o in self.events),
            ended=frozenset(o.event.type for o in self.events if _ended(o.event)) - current,
            wishes=frozenset(w.kind for w in self.wishes),
            declined_actions=frozenset(self.declined_actions),
            declined_groups=frozenset(self.declined_groups),
            declined_kinds=frozenset(self.declined_kinds),
            disclosure_unacknowledged=(
                not self.disclosure_acknowledged and not current.isdisjoint(VULNERABILITY_EVENTS)
            ),
        )

    @cached_property
    def fingerprint(self) -> str:
        """A stable digest of everything the guard can see (part of the decision id)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:32]

    @classmethod
    def with_events(cls, events: Iterable[LifeEvent], **fields: Any) -> SessionState:
        """A state from bare events (tests, tools): utterance ids are numbered in order."""
        observed = tuple(
            ObservedEvent(event=e, utterance_id=f"u{i + 1}") for i, e in enumerate(events)
        )
        return cls(events=observed, **fields)


def _opted_out(customer: Mapping[str, Any] | object | None) -> bool:
    if customer is None:
        return False
    if isinstance(customer, Mapping):
        return bool(customer.get("opted_out_of_offers", False))
    return bool(getattr(customer, "opted_out_of_offers", False))


class SessionBuilder:
    """Feeds utterances to an NLP tracker and snapshots :class:`SessionState` at any moment."""

    def __init__(self, tracker: ConversationTracker | None = None, lang: Lang | None = None):
        self._tracker = tracker or ConversationTracker(lang=lang)
        self._lang: Lang | None = lang
        self._wishes: dict[str, tuple[ObservedWish, ...]] = {}
        self._ids: dict[str, None] = {}
        self._question_open = False

    def observe(self, utterance: Utterance) -> Detection:
        """Hear one utterance; returns what the NLP layer detected in it."""
        detection = self._tracker.observe(utterance)
        self._ids[utterance.id] = None
        if utterance.speaker == "customer":
            if self._lang is None:
                self._lang = utterance.lang or detection.lang
            # A final after partials replaces what that utterance id said before.
            self._wishes[utterance.id] = tuple(
                ObservedWish(kind=w.kind, utterance_id=utterance.id) for w in detection.wishes
            )
            self._question_open = asks_something(utterance.text)
        elif utterance.speaker == "agent":
            self._question_open = False
        return detection

    @property
    def tracker(self) -> ConversationTracker:
        return self._tracker

    def state(
        self, customer: Mapping[str, Any] | object | None = None, **extras: Any
    ) -> SessionState:
        fields: dict[str, Any] = {
            "lang": self._lang or "nl",
            "events": tuple(self._tracker.events),
            "wishes": tuple(w for ws in self._wishes.values() for w in ws),
            "opted_out_of_offers": _opted_out(customer),
            "customer_question_open": self._question_open,
            "utterance_count": len(self._ids),
        }
        fields.update(extras)
        return SessionState(**fields)


def state_from_conversation(
    turns: Iterable[Utterance],
    customer: Mapping[str, Any] | object | None = None,
    tracker: ConversationTracker | None = None,
    lang: Lang | None = None,
    **extras: Any,
) -> SessionState:
    """The state after ``turns``; ``extras`` set what the agent UI records (declined, brake...)."""
    builder = SessionBuilder(tracker, lang)
    for turn in turns:
        builder.observe(turn)
    return builder.state(customer, **extras)


def _ended(event: LifeEvent) -> bool:
    """The customer's own real situation, told as over (not denied, not a fear, not another's)."""
    return (
        event.historical
        and not event.negated
        and not event.hypothetical
        and event.experiencer == "customer"
    )
