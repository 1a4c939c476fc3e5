"""The guard: judge each suggestion against a compiled rule set and the session state.

The strictest *enforced* verdict wins and every enforced rule that fired is explained (ties
explain all); ``warn`` and ``dry_run`` rules are reported, marked, without changing the verdict.
No rule can say "show", so value alignment is lexicographic: a values objection is never
outweighed by what an offer earns. The guard fails closed: an invalid suggestion, an exception or
a blown time budget gives ``block`` with the reason "could not be judged", never ``show``.
Decision ids are a digest of (rule-set version and content, state fingerprint, suggestion,
language): the same input always gets the same id.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Iterable, Mapping
from time import perf_counter
from typing import Any

from pydantic import ValidationError

from guards.conditions import Facts
from guards.rules import Rule, RuleSet
from guards.state import SessionState
from guards.texts import (
    ENFORCEMENT_MARK,
    FAIL_CLOSED,
    FAIL_GUIDANCE,
    FAIL_WHY,
    KIND_WORDS,
    WISH_WORDS,
    events_in_words,
    join_words,
)
from guards.types import Decision, Dimension, Reason, Suggestion, Verdict
from nlp.types import VULNERABILITY_EVENTS, EventType, Lang

FAIL_RULE = "guard.fail-closed"
#: Judging one suggestion takes microseconds; this much means something is badly wrong.
DEFAULT_BUDGET_MS = 100.0
_EVENT_ORDER = {e: i for i, e in enumerate(EventType)}
#: Bound on the per-guard caches of suggestion features and rendered reasons.
_CACHE_SIZE = 4096


class _OverBudget(Exception):
    pass


def _lang(lang: object) -> Lang:
    return "en" if lang == "en" else "nl"


def suggestion_features(suggestion: Suggestion) -> tuple[str, str, int, frozenset[EventType]]:
    """(canonical JSON, lower-case text, script words, purpose): judging needs these."""
    return (
        suggestion.model_dump_json(),
        f"{suggestion.title}\n{suggestion.script}".lower(),
        len(suggestion.script.split()),
        frozenset(suggestion.for_events),
    )


def facts_for(
    state: SessionState,
    suggestion: Suggestion,
    features: tuple[str, str, int, frozenset[EventType]] | None = None,
) -> Facts:
    """Flatten one (state, suggestion) pair into what conditions look at."""
    view = state.view
    _, text, words, purpose = features or suggestion_features(suggestion)
    return Facts(
        kind=suggestion.kind,
        credit=suggestion.credit,
        inferred=suggestion.uses_inferred_data,
        group=suggestion.group or "",
        action=suggestion.action_id or "",
        customer_value=suggestion.customer_value,
        org_value=suggestion.org_value,
        text=text,
        script_words=words,
        purpose=purpose,
        current=view.current,
        mentioned=view.mentioned,
        ended=view.ended,
        wishes=view.wishes,
        declined_actions=view.declined_actions,
        declined_groups=view.declined_groups,
        declined_kinds=view.declined_kinds,
        opted_out=state.opted_out_of_offers,
        brake=state.emergency_brake,
        question_open=state.customer_question_open,
        disclosure_unacknowledged=view.disclosure_unacknowledged,
        utterances=state.utterance_count,
    )


def _template_fields(rule: Rule) -> frozenset[str]:
    texts = [rule.explain.nl, rule.explain.en]
    if rule.guidance is not None:
        texts += [rule.guidance.nl, rule.guidance.en]
    return frozenset(
        name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name
    )


class Guard:
    """Judges suggestions with one rule set. Safe to share between threads (it holds no state)."""

    def __init__(self, rule_set: RuleSet, budget_ms: float = DEFAULT_BUDGET_MS) -> None:
        self.rule_set = rule_set
        self._rules: tuple[Rule, ...] = rule_set.rules
        self._budget = budget_ms / 1000.0
        self._prefix = f"{rule_set.id}\x1f{rule_set.version}\x1f{rule_set.digest}"
        self._fields = {r.id: _template_fields(r) for r in self._rules}
        self._compiled = tuple((r, r.when, r.unless) for r in self._rules)
        self._reasons: dict[tuple[str, str, tuple[str, ...]], Reason] = {}
        self._suggestions: dict[Suggestion, tuple[str, str, int, frozenset[EventType]]] = {}

    def judge_all(
        self,
        state: SessionState,
        suggestions: Iterable[Suggestion | Mapping[str, Any]],
        lang: Lang | None = None,
    ) -> list[Decision]:
        return [self.judge(state, s, lang) for s in suggestions]

    def judge(
        self,
        state: SessionState,
        suggestion: Suggestion | Mapping[str, Any],
        lang: Lang | None = None,
    ) -> Decision:
        """The decision for one suggestion; never raises, never shows what it could not judge."""
        start = perf_counter()
        out_lang = _lang(lang or getattr(state, "lang", None))
        try:
            if not isinstance(suggestion, Suggestion):
                suggestion = Suggestion.model_validate(suggestion)
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            return self._fail(state, suggestion, out_lang, "invalid", ", ".join(fields))
        try:
            # NBA sources repeat the same suggestions all call long: their features are cached.
            features = self._suggestions.get(suggestion)
            if features is None:
                if len(self._suggestions) > _CACHE_SIZE:
                    self._suggestions.clear()
                features = self._suggestions[suggestion] = suggestion_features(suggestion)
            facts = facts_for(state, suggestion, features)
            deadline = start + self._budget
            fired: list[Rule] = []
            for rule, when, unless in self._compiled:
                if when(facts) and (unless is None or not unless(facts)):
                    fired.append(rule)
                if perf_counter() > deadline:
                    raise _OverBudget
            return self._decide(state, suggestion, features[0], out_lang, fired)
        except _OverBudget:
            return self._fail(state, suggestion, out_lang, "timeout")
        except Exception:
            return self._fail(state, suggestion, out_lang, "error")

    def _decide(
        self,
        state: SessionState,
        suggestion: Suggestion,
        body: str,
        lang: Lang,
        fired: list[Rule],
    ) -> Decision:
        if not fired:
            return Decision(
                decision_id=self._decision_id(state, body, lang),
                suggestion_id=suggestion.id,
                verdict=Verdict.SHOW,
                rule_set_version=self.rule_set.version,
            )
        enforced = [r for r in fired if r.enforcement == "enforce"]
        verdict = max((r.verdict for r in enforced), key=lambda v: v.severity, default=Verdict.SHOW)
        ordered = sorted(enforced, key=lambda r: -r.verdict.severity)
        if len(enforced) < len(fired):
            ordered += [r for r in fired if r.enforcement == "warn"]
            ordered += [r for r in fired if r.enforcement == "dry_run"]
        reasons = []
        guidance: dict[str, None] = {}
        for rule in ordered:
            values = self._values(state, suggestion, lang, rule)
            mark = ENFORCEMENT_MARK[rule.enforcement][lang]
            key = (rule.id, lang, tuple(values.values()))
            reason = self._reasons.get(key)
            if reason is None:
                # The same rule with the same words gives the same reason: built once.
                if len(self._reasons) > _CACHE_SIZE:
                    self._reasons.clear()
                reason = self._reasons[key] = Reason(
                    rule=rule.id,
                    dimension=rule.dimension,
                    message=mark + rule.explain.get(lang).format_map(values),
                    verdict=rule.verdict,
                    enforcement=rule.enforcement,
                )
            reasons.append(reason)
            # The agent gets the guidance that explains the verdict, plus empathy (always
            # relevant) and warnings; a held offer needs no "do not push" tips.
            if rule.guidance is not None and (
                rule.enforcement == "warn"
                or (
                    rule.enforcement == "enforce"
                    and (rule.verdict is verdict or rule.dimension is Dimension.EMPATHY)
                )
            ):
                guidance[mark + rule.guidance.get(lang).format_map(values)] = None
        return Decision(
            decision_id=self._decision_id(state, body, lang),
            suggestion_id=suggestion.id,
            verdict=verdict,
            reasons=tuple(reasons),
            guidance="\n".join(guidance),
            rule_set_version=self.rule_set.version,
        )

    def _values(
        self, state: SessionState, suggestion: Suggestion, lang: Lang, rule: Rule
    ) -> dict[str, str]:
        """Only the placeholders the rule's texts use: most use none or one."""
        used = self._fields[rule.id]
        if not used:
            return {}
        view = state.view
        values: dict[str, str] = {}
        if "event" in used:
            types = rule.event_types
            chosen = (view.current & types) or (view.mentioned & types) if types else frozenset()
            if not chosen:
                chosen = (view.current & VULNERABILITY_EVENTS) or view.current
            values["event"] = events_in_words(sorted(chosen, key=_EVENT_ORDER.__getitem__), lang)
        if "kind" in used:
            values["kind"] = KIND_WORDS[lang][suggestion.kind]
        if "wish" in used:
            values["wish"] = join_words((WISH_WORDS[lang][w] for w in sorted(view.wishes)), lang)
        if "title" in used:
            values["title"] = suggestion.title
        if "group" in used:
            values["group"] = suggestion.group or ""
        if "purpose" in used:
            values["purpose"] = events_in_words(
                sorted(set(suggestion.for_events), key=_EVENT_ORDER.__getitem__), lang
            )
        return values

    def _decision_id(self, state: object, suggestion: str, lang: Lang) -> str:
        fingerprint = getattr(state, "fingerprint", None)
        if not isinstance(fingerprint, str):
            fingerprint = "invalid-state"
        raw = f"{self._prefix}\x1f{fingerprint}\x1f{lang}\x1f{suggestion}"
        return "d-" + hashlib.sha256(raw.encode()).hexdigest()[:20]

    def _fail(
        self, state: object, suggestion: object, lang: Lang, why: str, detail: str = ""
    ) -> Decision:
        if isinstance(suggestion, Suggestion):
            sid, body = suggestion.id, suggestion.model_dump_json()
        else:
            raw_id = suggestion.get("id") if isinstance(suggestion, Mapping) else None
            sid = str(raw_id)[:200] if raw_id else "?"
            body = json.dumps(suggestion, sort_keys=True, default=str)[:10_000]
        reason = FAIL_WHY[why][lang] + (f": {detail}" if detail else "")
        try:
            decision_id = self._decision_id(state, body, lang)
        except Exception:
            decision_id = "d-unjudged"
        return Decision(
            decision_id=decision_id,
            suggestion_id=sid,
            verdict=Verdict.BLOCK,
            reasons=(
                Reason(
                    rule=FAIL_RULE,
                    dimension=Dimension.TRUST,
                    message=FAIL_CLOSED[lang].format(why=reason),
                    verdict=Verdict.BLOCK,
                ),
            ),
            guidance=FAIL_GUIDANCE[lang],
            rule_set_version=self.rule_set.version,
        )
