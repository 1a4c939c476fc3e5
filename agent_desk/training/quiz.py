"""Quiz questions and scoring: what a trainee decided against the fixture's gold and the guard.

One gold suggestion of a library conversation is one question. The trainee answers with a verdict
(show / guide / hold / block) and the life events they heard so far; :func:`score` compares that
with the annotators' acceptable verdicts and gold events, and with what the guard (through the one
call pipeline, :class:`agent_desk.session.CallSession`) decided at that moment of the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from agent_desk.library.conversation import Conversation, GoldEvent
from agent_desk.session import Judged
from guards.types import Verdict
from nlp.types import EventType

__all__ = [
    "Answer",
    "QuizPoint",
    "Scored",
    "find_judged",
    "quiz_points",
    "score",
    "scripted_suggestion_id",
]


@dataclass(frozen=True)
class QuizPoint:
    """One gold suggestion of a conversation: one question."""

    #: Utterance id after which the NBA engine proposed it.
    at: str
    #: Catalogue action id.
    action: str
    acceptable: tuple[Verdict, ...]
    #: The fixture's explanation, shown after the answer.
    note: str
    #: Asserted customer events in the gold annotations of all utterances up to and including
    #: ``at`` (not negated, not hypothetical, experiencer customer, not historical).
    gold_events: frozenset[EventType]
    #: The id the recorded engine (``ScriptedSource``) gives this suggestion in a replay, so the
    #: guard's judgement of exactly this proposal can be found even when an action recurs.
    suggestion_id: str = ""


def scripted_suggestion_id(index: int) -> str:
    """The suggestion id ``ScriptedSource`` gives the fixture's ``index``-th (0-based) gold
    suggestion (see :mod:`agent_desk.nba.catalog`)."""
    return f"s{index + 1}"


def _asserted(ev: GoldEvent) -> bool:
    return (
        not ev.negated
        and not ev.hypothetical
        and ev.experiencer == "customer"
        and not ev.historical
    )


def quiz_points(conversation: Conversation) -> list[QuizPoint]:
    """The conversation's questions in call order (fixture order within one utterance)."""
    order = {u.id: i for i, u in enumerate(conversation.utterances)}
    heard_until: dict[str, frozenset[EventType]] = {}
    so_far: set[EventType] = set()
    for u in conversation.utterances:
        so_far.update(ev.type for ev in u.events if _asserted(ev))
        heard_until[u.id] = frozenset(so_far)
    indexed = sorted(
        enumerate(conversation.suggestions), key=lambda pair: (order[pair[1].at], pair[0])
    )
    return [
        QuizPoint(
            at=gold.at,
            action=gold.action,
            acceptable=tuple(gold.acceptable),
            note=gold.note,
            gold_events=heard_until[gold.at],
            suggestion_id=scripted_suggestion_id(i),
        )
        for i, gold in indexed
    ]


class Answer(BaseModel):
    """What a trainee decided for one question."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: str = Field(min_length=1, max_length=50)
    action: str = Field(min_length=1, max_length=80)
    verdict: Verdict
    #: The life events the trainee says they heard (so far in the call).
    events: tuple[EventType, ...] = ()


@dataclass(frozen=True)
class Scored:
    point: QuizPoint
    #: None: not answered.
    answer: Answer | None
    guard_verdict: Verdict
    #: Rule ids that fired.
    guard_rules: tuple[str, ...]
    #: Plain-language messages, in the UI language.
    guard_reasons: tuple[str, ...]
    #: ``answer.verdict`` is one of the fixture's acceptable verdicts.
    verdict_ok: bool
    agrees_with_guard: bool
    #: answer ∩ gold
    events_heard: frozenset[EventType]
    #: gold - answer
    events_missed: frozenset[EventType]
    #: answer - gold
    events_extra: frozenset[EventType]

    @property
    def answered(self) -> bool:
        return self.answer is not None


def score(point: QuizPoint, answer: Answer | None, judged: Judged) -> Scored:
    """Score one answer. ``judged`` is the guard's judgement of this suggestion at ``point.at``."""
    said = frozenset(answer.events) if answer is not None else frozenset()
    return Scored(
        point=point,
        answer=answer,
        guard_verdict=judged.decision.verdict,
        guard_rules=tuple(r.rule for r in judged.decision.reasons),
        guard_reasons=tuple(r.message for r in judged.decision.reasons),
        verdict_ok=answer is not None and answer.verdict in point.acceptable,
        agrees_with_guard=answer is not None and answer.verdict is judged.decision.verdict,
        events_heard=said & point.gold_events,
        events_missed=point.gold_events - said,
        events_extra=said - point.gold_events,
    )


def find_judged(point: QuizPoint, judged: Sequence[Judged]) -> Judged | None:
    """This question's suggestion among a step's judgements: by the recorded engine's suggestion
    id, else (another source) the last judgement of the same catalogue action."""
    if point.suggestion_id:
        for j in judged:
            if j.suggestion.id == point.suggestion_id and j.suggestion.action_id == point.action:
                return j
    same_action = [j for j in judged if j.suggestion.action_id == point.action]
    return same_action[-1] if same_action else None
