"""The NBA source interface. A source proposes; only the guard decides what the agent sees."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from guards.types import Suggestion
from nlp.types import EventType, Lang, Utterance


@dataclass(frozen=True, slots=True)
class NBAContext:
    """What a source may know when it proposes: no raw history beyond the current utterance."""

    call_id: str
    lang: Lang
    utterance: Utterance
    #: Asserted life events of the customer so far (types only).
    events: frozenset[EventType] = frozenset()
    #: Action ids already proposed in this call (sources should not repeat themselves).
    proposed: frozenset[str] = field(default_factory=frozenset)


ReactionKind = Literal["accepted", "dismissed", "overridden"]


@dataclass(frozen=True, slots=True)
class Reaction:
    """What the agent did with a suggestion; reported back to the source (learning loop)."""

    call_id: str
    suggestion_id: str
    kind: ReactionKind
    reason: str = ""


class NBAUnavailable(Exception):
    """The source could not answer (timeout, down, garbage); nothing unjudged may be shown."""


class NBASource(abc.ABC):
    name: str = "nba"

    @abc.abstractmethod
    async def propose(self, context: NBAContext) -> Sequence[Suggestion]:
        """New suggestions for this moment in the call (may be empty)."""

    async def report(self, reaction: Reaction) -> None:  # noqa: B027 - optional for sources
        """Tell the source what the agent did; local sources ignore it."""

    async def aclose(self) -> None:  # noqa: B027
        """Release connections."""
