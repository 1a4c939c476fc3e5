"""Score a trainee's answers without a screen (e-learning platforms, `agent-desk train run`).

The conversation is replayed as fast as possible through the one call pipeline
(:class:`~agent_desk.session.CallSession` fed by a :class:`~agent_desk.feeds.replay.ReplayFeed`),
with the recorded engine (:class:`~agent_desk.nba.catalog.ScriptedSource`) proposing the fixture's
gold suggestions at their utterance, exactly as a trainer replay on screen does. Each question is
scored against the guard's judgement at that moment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from agent_desk.feeds.base import UtteranceReceived
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.library.catalog import Action, load_catalogs
from agent_desk.library.conversation import Conversation
from agent_desk.nba.catalog import ScriptedSource
from agent_desk.paths import catalog_dir
from agent_desk.session import CallSession
from agent_desk.training.quiz import Answer, QuizPoint, Scored, find_judged, quiz_points, score
from guards.rules import RuleSet
from nlp.types import Lang

__all__ = ["AnswerProblem", "QuizError", "check_answers", "run_quiz"]

#: The recorded engine answers at once; a generous budget keeps a busy machine from failing a
#: question closed (no judgement) when nobody is waiting on a live call.
_NBA_BUDGET_S = 30.0


@dataclass(frozen=True)
class AnswerProblem:
    """One answer that does not fit the conversation. ``index`` is 0-based."""

    index: int
    at: str
    action: str
    reason: Literal["unknown", "duplicate"]

    def __str__(self) -> str:
        what = (
            "no question with this utterance and action in the conversation"
            if self.reason == "unknown"
            else "answered twice"
        )
        return f"answers.{self.index}: at {self.at!r}, action {self.action!r}: {what}"


class QuizError(Exception):
    """The quiz cannot be scored: answers that do not fit, or a question the guard never judged."""

    def __init__(
        self,
        message: str,
        problems: Sequence[AnswerProblem] = (),
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.problems = tuple(problems)
        #: A question the guard never judged: ``conversation``, ``action``, ``at`` and ``why``
        #: (the pipeline's own words; "" when the action is not in the catalogue).
        self.params = dict(params or {})


def check_answers(points: Sequence[QuizPoint], answers: Sequence[Answer]) -> list[AnswerProblem]:
    """Answers naming a question the conversation does not have, or one question twice."""
    known = {(p.at, p.action) for p in points}
    seen: set[tuple[str, str]] = set()
    problems: list[AnswerProblem] = []
    for i, a in enumerate(answers):
        key = (a.at, a.action)
        if key not in known:
            problems.append(AnswerProblem(i, a.at, a.action, "unknown"))
        elif key in seen:
            problems.append(AnswerProblem(i, a.at, a.action, "duplicate"))
        seen.add(key)
    return problems


async def run_quiz(
    conversation: Conversation,
    answers: Sequence[Answer],
    rule_set: RuleSet,
    ui_lang: Lang,
    *,
    actions: Mapping[str, Action] | None = None,
    on_scored: Callable[[Scored], None] | None = None,
) -> list[Scored]:
    """Replay the call and score every question (unanswered ones with ``answer=None``).

    ``on_scored`` is called after each question, in call order, so a caller can save the session
    after every answer. Raises :class:`QuizError` if an answer names no question of this call, or
    if a question's suggestion was never judged (an action missing from the catalogue).
    """
    points = quiz_points(conversation)
    problems = check_answers(points, answers)
    if problems:
        raise QuizError("; ".join(str(p) for p in problems), problems)
    by_key = {(a.at, a.action): a for a in answers}
    by_at: dict[str, list[QuizPoint]] = {}
    for p in points:
        by_at.setdefault(p.at, []).append(p)

    nba = ScriptedSource(
        conversation, actions if actions is not None else load_catalogs(catalog_dir())
    )
    session = CallSession(
        rule_set=rule_set,
        nba=nba,
        lang=conversation.lang,
        customer=conversation.customer,
        call_id=f"training-{conversation.id}",
        nba_timeout_s=_NBA_BUDGET_S,
        reason_lang=ui_lang,
    )
    feed = ReplayFeed(conversation, speed=None)
    results: list[Scored] = []
    try:
        async for event in feed.events():
            if not isinstance(event, UtteranceReceived) or not event.utterance.final:
                continue
            step = await session.process(event.utterance)
            for point in by_at.get(event.utterance.id, ()):
                judged = find_judged(point, step.judged)
                if judged is None:
                    said = "; ".join(step.problems)
                    why = said or "the action is not in the catalogue"
                    raise QuizError(
                        f"{conversation.id}: the guard never judged {point.action!r} at "
                        f"{point.at!r} ({why})",
                        params={
                            "conversation": conversation.id,
                            "action": repr(point.action),
                            "at": repr(point.at),
                            "why": said,
                        },
                    )
                scored = score(point, by_key.get((point.at, point.action)), judged)
                results.append(scored)
                if on_scored is not None:
                    on_scored(scored)
    finally:
        await feed.aclose()
        await nba.aclose()
    return results
