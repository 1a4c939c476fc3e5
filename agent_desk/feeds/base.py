"""The feed interface and the events a feed yields.

A feed is an async iterator of :data:`FeedEvent`. Fixture replays, live SSE streams, stdin JSON
Lines and platform adapters all implement it, so the session pipeline has one path.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

from nlp.types import Utterance


@dataclass(frozen=True, slots=True)
class UtteranceReceived:
    """A final or partial utterance. Partials share the id of the final that replaces them."""

    utterance: Utterance


@dataclass(frozen=True, slots=True)
class CallStarted:
    """A call begins. ``platform``: the call id is the contact platform's own (a
    ``call_started`` event, an Amazon Connect contact id), so decisions, reactions and the
    decisioning service can use it; False when the feed made one up for a stream that never
    announced its call (or a replay of a fixture): then the session keeps its own id."""

    call_id: str
    lang: Literal["nl", "en"] | None = None
    platform: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class CallEnded:
    call_id: str


FeedState = Literal["connecting", "connected", "reconnecting", "replay", "paused", "ended", "error"]


@dataclass(frozen=True, slots=True)
class FeedStatusChanged:
    """The feed's health, one readable line for the status bar (never a traceback)."""

    state: FeedState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FeedProblem:
    """Bad input the feed skipped (malformed event, oversized text...); the call goes on."""

    message: str


FeedEvent = UtteranceReceived | CallStarted | CallEnded | FeedStatusChanged | FeedProblem


class Feed(abc.ABC):
    """A source of conversation events."""

    #: Short name for the status line ("replay", "sse", "stdin"...).
    name: str = "feed"

    @abc.abstractmethod
    def events(self) -> AsyncIterator[FeedEvent]:
        """Yield events until the call ends or the feed is closed."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, most feeds hold nothing
        """Release connections; default: nothing to release."""
