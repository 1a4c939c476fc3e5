"""Replays every library conversation through the real NLP and the default guard.

For each gold suggestion the state is the conversation up to and including utterance ``at``;
the verdict must be one of the annotators' ``acceptable`` verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from agent_desk.library.catalog import Action, load_catalogs
from agent_desk.library.conversation import Conversation, GoldSuggestion
from agent_desk.library.load import load_conversation
from agent_desk.paths import catalog_dir, conversations_dir
from guards.engine import Guard
from guards.state import SessionBuilder
from guards.types import Decision, Suggestion
from nlp.conversation import ConversationTracker

#: Gold cases the guard gets wrong only because the detector misreads the conversation
#: (reported to the NLP layer). When detection improves these start passing: remove them.
KNOWN_NLP_MISSES: set[str] = set()


@dataclass(frozen=True)
class GoldCase:
    conversation: Conversation
    gold: GoldSuggestion
    index: int

    @property
    def key(self) -> str:
        return f"{self.conversation.id}@{self.gold.at}:{self.gold.action}"


CONVERSATIONS = [load_conversation(p) for p in sorted(conversations_dir().glob("*.yaml"))]
CASES = [
    GoldCase(conv, gold, i) for conv in CONVERSATIONS for i, gold in enumerate(conv.suggestions)
]


def as_suggestion(action: Action, lang: str) -> Suggestion:
    return action.to_suggestion(lang)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def replayed(guard: Guard) -> dict[str, Decision]:
    """Every gold suggestion judged, replaying each conversation once, utterance by utterance."""
    actions = load_catalogs(catalog_dir())
    decisions: dict[str, Decision] = {}
    for case_conv in CONVERSATIONS:
        builder = SessionBuilder(ConversationTracker(lang=case_conv.lang), case_conv.lang)
        for utt in case_conv.utterances:
            builder.observe(utt.to_utterance(case_conv.lang))
            for gold in case_conv.suggestions:
                if gold.at != utt.id:
                    continue
                st = builder.state(case_conv.customer)
                decision = guard.judge(st, as_suggestion(actions[gold.action], case_conv.lang))
                decisions[f"{case_conv.id}@{gold.at}:{gold.action}"] = decision
    return decisions


def test_the_library_has_gold_in_both_languages() -> None:
    assert len(CASES) >= 40
    assert {c.conversation.lang for c in CASES} == {"nl", "en"}


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_fixture_gold_verdict(
    case: GoldCase, replayed: dict[str, Decision], request: pytest.FixtureRequest
) -> None:
    if case.key in KNOWN_NLP_MISSES:
        # Strict: the assertion still runs, and a fixed detector turns this into a failure
        # that asks for the entry to be removed.
        request.applymarker(
            pytest.mark.xfail(strict=True, reason="the detector misreads this conversation")
        )
    decision = replayed[case.key]
    acceptable = [v.value for v in case.gold.acceptable]
    fired = [f"{r.rule}={r.verdict.value}" for r in decision.reasons]
    assert decision.verdict in case.gold.acceptable, (
        f"got {decision.verdict.value}, gold {acceptable}; fired {fired}; note: {case.gold.note}"
    )


def test_agreement_with_the_gold_is_high(replayed: dict[str, Decision]) -> None:
    agree = sum(replayed[c.key].verdict in c.gold.acceptable for c in CASES)
    assert agree / len(CASES) >= 0.95
