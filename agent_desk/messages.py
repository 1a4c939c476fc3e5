"""Facts the call pipeline posts to the UI, in the past tense. Widgets never reach into each
other; the screen routes these."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from agent_desk.feeds.base import FeedState
from agent_desk.session import Step


@dataclass
class StepProcessed(Message):
    """An utterance went through the whole pipeline: events heard, suggestions judged."""

    step: Step


@dataclass
class StepsProcessed(Message):
    """Utterances that arrived together (a burst) went through the pipeline; rendered at once."""

    steps: tuple[Step, ...]
    #: The screen's count of the agent's actions and rule switches when these were judged: if it
    #: moved before the message is handled, the judgements are stale and are made again.
    judged_at: int = 0


@dataclass
class FeedStateChanged(Message):
    state: FeedState
    detail: str


@dataclass
class ProblemReported(Message):
    """Bad input or a failing part; shown as one line in the status bar, the call goes on."""

    message: str
