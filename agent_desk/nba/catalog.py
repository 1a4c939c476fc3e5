"""Local NBA sources: the action catalogue with triggers, and a fixture's recorded suggestions.

``CatalogSource`` behaves like a simple decisioning engine: it proposes an action when a trigger
life event is heard, when a topic keyword is said, or (``always``) once per call for the generic
offers such engines push. That last habit is exactly why the guard exists.
``ScriptedSource`` replays what the NBA engine proposed in a recorded call (fixture gold), so
trainers and dry-runs judge the same suggestions the annotators judged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agent_desk.library.catalog import Action
from agent_desk.library.conversation import Conversation
from agent_desk.nba.base import NBAContext, NBASource
from guards.types import Suggestion


class CatalogSource(NBASource):
    name = "catalog"

    def __init__(self, actions: Mapping[str, Action], org: str | None = None) -> None:
        prefix = {"bank": "bank.", "insurer": "insurer.", "municipality": "gemeente."}.get(
            org or ""
        )
        self.actions = {k: a for k, a in actions.items() if prefix is None or k.startswith(prefix)}

    async def propose(self, context: NBAContext) -> Sequence[Suggestion]:
        if context.utterance.speaker != "customer":
            return []
        text = context.utterance.text.casefold()
        out = []
        for action in self.actions.values():
            if action.id in context.proposed:
                continue
            trig = action.triggers
            if (
                trig.always
                or context.events.intersection(trig.events)
                or any(topic in text for topic in trig.topics)
            ):
                out.append(action.to_suggestion(context.lang))
        return out


class ScriptedSource(NBASource):
    name = "recorded"

    def __init__(self, conversation: Conversation, actions: Mapping[str, Action]) -> None:
        self._by_utterance: dict[str, list[Suggestion]] = {}
        for i, gold in enumerate(conversation.suggestions):
            action = actions.get(gold.action)
            if action is None:
                continue  # `fixtures check` reports unknown actions; a replay still plays
            suggestion = action.to_suggestion(conversation.lang, suggestion_id=f"s{i + 1}")
            self._by_utterance.setdefault(gold.at, []).append(suggestion)

    async def propose(self, context: NBAContext) -> Sequence[Suggestion]:
        return list(self._by_utterance.get(context.utterance.id, []))
