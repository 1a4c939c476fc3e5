"""Guard speed: judging suggestions against the default rules, and whole conversations replayed.

1. Latency: 20 catalogue suggestions judged against a 200-utterance session state (the state
   built by the real NLP tracker from library utterances). p50/p99 per batch of 20.
   Baseline in the same run: building the 20 Decision models alone (the floor of any guard).
2. Throughput: every library conversation replayed as fast as possible through the whole path
   (NLP tracker -> session state -> guard), judging the organisation's whole catalogue after each
   customer utterance. Conversations per second, and the guard's share of that time.
Targets (issue 4): p99 <= 2 ms per batch of 20, >= 50 conversations/s.
"""

from __future__ import annotations

import statistics
import time
from itertools import cycle, islice

from agent_desk.library.catalog import Action, load_catalogs
from agent_desk.library.conversation import Conversation
from agent_desk.library.load import load_conversation
from agent_desk.paths import catalog_dir, conversations_dir, rules_dir
from guards.engine import Guard
from guards.rules import load_rule_set
from guards.state import SessionBuilder, SessionState
from guards.types import Decision, Dimension, Reason, Suggestion, Verdict
from nlp.conversation import ConversationTracker
from nlp.types import Lang, Utterance


def _suggestion(action: Action, lang: Lang) -> Suggestion:
    return action.to_suggestion(lang)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _long_state(convs: list[Conversation]) -> SessionState:
    utterances = [(c.lang, u) for c in convs if c.lang == "en" for u in c.utterances]
    builder = SessionBuilder(ConversationTracker(lang="en"), "en")
    for i, (lang, u) in enumerate(islice(cycle(utterances), 200)):
        builder.observe(Utterance(id=f"u{i}", speaker=u.speaker, text=u.text, lang=lang))
    return builder.state()


def run(quick: bool = False) -> dict[str, object]:
    guard = Guard(load_rule_set(rules_dir() / "default.yaml"))
    actions = load_catalogs(catalog_dir())
    convs = [load_conversation(p) for p in sorted(conversations_dir().glob("*.yaml"))]
    state = _long_state(convs)
    suggestions = [_suggestion(a, "en") for a in list(actions.values())[:20]]

    reps = 300 if quick else 3000
    guard.judge_all(state, suggestions)  # warm caches (state view, fingerprint)
    batch_ms: list[float] = []
    for _ in range(reps):
        t0 = time.perf_counter()
        guard.judge_all(state, suggestions)
        batch_ms.append((time.perf_counter() - t0) * 1000)

    reason = Reason(rule="r", dimension=Dimension.TRUST, message="m")
    base_ms: list[float] = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for s in suggestions:
            Decision(
                decision_id="d",
                suggestion_id=s.id,
                verdict=Verdict.HOLD,
                reasons=(reason,),
                rule_set_version="1",
            )
        base_ms.append((time.perf_counter() - t0) * 1000)

    rounds = 1 if quick else 3
    by_org: dict[str, list[Suggestion]] = {}
    judged = 0
    guard_s = 0.0
    t_all = time.perf_counter()
    for _ in range(rounds):
        for conv in convs:
            org_prefix = "gemeente" if conv.org == "municipality" else conv.org
            key = f"{conv.org}/{conv.lang}"
            if key not in by_org:
                by_org[key] = [
                    _suggestion(a, conv.lang)
                    for a in actions.values()
                    if a.id.startswith(org_prefix)
                ]
            catalogue = by_org[key]
            builder = SessionBuilder(ConversationTracker(lang=conv.lang), conv.lang)
            for u in conv.utterances:
                builder.observe(u.to_utterance(conv.lang))
                if u.speaker != "customer":
                    continue
                t0 = time.perf_counter()
                guard.judge_all(builder.state(conv.customer), catalogue, conv.lang)
                guard_s += time.perf_counter() - t0
                judged += len(catalogue)
    elapsed = time.perf_counter() - t_all
    conversations = rounds * len(convs)

    p50 = statistics.median(batch_ms)
    base_p50 = statistics.median(base_ms)
    return {
        "state_utterances": state.utterance_count,
        "state_events": len(state.events),
        "suggestions_per_batch": len(suggestions),
        "rules": len(guard.rule_set.rules),
        "batch_p50_ms": round(p50, 4),
        "batch_p99_ms": round(_percentile(batch_ms, 0.99), 4),
        "baseline_decisions_only_p50_ms": round(base_p50, 4),
        "ratio_to_baseline": round(p50 / base_p50, 2),
        "target_p99_ms": 2.0,
        "conversations": conversations,
        "conversations_per_s": round(conversations / elapsed, 1),
        "decisions_per_s": round(judged / elapsed),
        "guard_share_of_replay": round(guard_s / elapsed, 3),
        # The same replays counting only the guard's time (NLP excluded).
        "guard_only_conversations_per_s": round(conversations / guard_s, 1),
        "target_conversations_per_s": 50,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
