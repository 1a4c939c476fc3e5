"""The guard engine on hand-built session states: verdicts, reasons, fail-closed, modes, ids."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from guards.engine import FAIL_RULE, Guard
from guards.rules import RuleSet, load_rule_set
from guards.state import ObservedWish, SessionState
from guards.types import Verdict
from tests.unit.guards.conftest import event, state, suggestion

CREDIT_CARD: dict[str, Any] = {
    "kind": "sales",
    "credit": True,
    "customer_value": 0.3,
    "org_value": 0.8,
}


def _rules(tmp_path: Path, body: str) -> RuleSet:
    path = tmp_path / "r.yaml"
    path.write_text(body, encoding="utf-8")
    return load_rule_set(path)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bereavement_holds_a_sale_and_explains_in_the_calls_language(
    guard: Guard, lang: str
) -> None:
    decision = guard.judge(state(event("bereavement"), lang=lang), suggestion(**CREDIT_CARD))
    assert decision.verdict is Verdict.HOLD
    first = decision.reasons[0]
    assert first.rule == "vulnerability.no-commercial"
    assert ("een overlijden" if lang == "nl" else "a bereavement") in first.message
    assert "{" not in first.message
    assert decision.guidance


@pytest.mark.parametrize("kind", ["service", "care", "referral", "collections", "advice"])
@pytest.mark.parametrize(
    "ev",
    [
        "bereavement",
        "separation",
        "job_loss",
        "financial_difficulty",
        "illness",
        "domestic_abuse",
        "caring",
    ],
)
def test_help_is_never_held_or_blocked_because_the_customer_is_vulnerable(
    guard: Guard, kind: str, ev: str
) -> None:
    help_ = suggestion(kind, customer_value=0.9, org_value=0.3, for_events=[ev])
    decision = guard.judge(state(event(ev)), help_)
    assert decision.verdict in (Verdict.SHOW, Verdict.GUIDE)


@pytest.mark.parametrize("ev", ["moving", "new_child", "marriage", "retirement"])
def test_happy_or_neutral_events_do_not_suppress_a_relevant_offer(guard: Guard, ev: str) -> None:
    offer = suggestion("sales", customer_value=0.6, org_value=0.5, for_events=[ev])
    assert guard.judge(state(event(ev)), offer).verdict is Verdict.SHOW


def test_a_relevant_valuable_offer_in_a_neutral_call_is_shown(guard: Guard) -> None:
    decision = guard.judge(state(), suggestion("sales", customer_value=0.6, org_value=0.5))
    assert decision.verdict is Verdict.SHOW
    assert decision.reasons == ()


@pytest.mark.parametrize(
    "flags",
    [
        {"negated": True},
        {"hypothetical": True},
        {"experiencer": "other"},
        {"historical": True},
    ],
)
def test_negated_hypothetical_other_or_historical_events_are_not_current(
    guard: Guard, flags: dict[str, Any]
) -> None:
    decision = guard.judge(state(event("bereavement", **flags)), suggestion("sales"))
    assert decision.verdict is Verdict.SHOW


def test_credit_with_financial_difficulty_is_blocked(guard: Guard) -> None:
    decision = guard.judge(state(event("financial_difficulty")), suggestion(**CREDIT_CARD))
    assert decision.verdict is Verdict.BLOCK
    assert "vulnerability.no-credit" in [r.rule for r in decision.reasons]


def test_strictest_wins_and_every_enforced_rule_is_explained(guard: Guard) -> None:
    st = state(
        event("bereavement"),
        wishes=(ObservedWish(kind="no_offers", utterance_id="u2"),),
    )
    decision = guard.judge(st, suggestion(**CREDIT_CARD))
    assert decision.verdict is Verdict.HOLD
    holds = [r.rule for r in decision.reasons if r.verdict is Verdict.HOLD]
    assert {"vulnerability.no-commercial", "autonomy.no-offers"} <= set(holds)
    severities = [r.verdict.severity for r in decision.reasons]
    assert severities == sorted(severities, reverse=True)


def test_value_veto_is_not_outweighed_by_org_value(guard: Guard) -> None:
    precious_to_us = suggestion("sales", customer_value=0.1, org_value=1.0)
    decision = guard.judge(state(), precious_to_us)
    assert decision.verdict is Verdict.HOLD
    assert decision.reasons[0].rule == "value.little-for-customer"


def test_opt_out_and_brake_block_commercial_but_not_service(guard: Guard) -> None:
    st = state(opted_out_of_offers=True, emergency_brake=True)
    assert guard.judge(st, suggestion("sales")).verdict is Verdict.BLOCK
    assert guard.judge(st, suggestion("service")).verdict is Verdict.SHOW


def test_disclosure_guidance_disappears_once_acknowledged(guard: Guard) -> None:
    care = suggestion("care", customer_value=0.9, org_value=0.3, for_events=["bereavement"])
    before = guard.judge(state(event("bereavement")), care)
    after = guard.judge(state(event("bereavement"), disclosure_acknowledged=True), care)
    assert before.verdict is Verdict.GUIDE
    assert "TEXAS" in before.guidance
    assert after.verdict is Verdict.SHOW


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_invalid_suggestion_is_blocked_as_could_not_be_judged(guard: Guard, lang: str) -> None:
    decision = guard.judge(state(lang=lang), {"id": "s9", "kind": "salez"})
    assert decision.verdict is Verdict.BLOCK
    assert decision.suggestion_id == "s9"
    assert decision.reasons[0].rule == FAIL_RULE
    words = "kon niet worden beoordeeld" if lang == "nl" else "could not be judged"
    assert words in decision.reasons[0].message


def test_an_exception_while_judging_fails_closed(guard: Guard) -> None:
    decision = guard.judge(None, suggestion("sales"))  # type: ignore[arg-type]
    assert decision.verdict is Verdict.BLOCK
    assert decision.reasons[0].rule == FAIL_RULE


def test_a_blown_time_budget_fails_closed(default_rules: RuleSet) -> None:
    impatient = Guard(default_rules, budget_ms=0)
    decision = impatient.judge(state(), suggestion("sales"))
    assert decision.verdict is Verdict.BLOCK
    assert decision.reasons[0].rule == FAIL_RULE


def test_judge_all_keeps_going_after_a_bad_suggestion(guard: Guard) -> None:
    decisions = guard.judge_all(state(), [{"id": "bad"}, suggestion("service")])
    assert [d.verdict for d in decisions] == [Verdict.BLOCK, Verdict.SHOW]


def test_decision_id_is_stable_for_the_same_input_and_differs_otherwise(guard: Guard) -> None:
    a = guard.judge(state(event("moving")), suggestion("sales"))
    b = guard.judge(state(event("moving")), suggestion("sales"))
    c = guard.judge(state(event("moving"), utterance_count=3), suggestion("sales"))
    assert a.decision_id == b.decision_id
    assert a.decision_id != c.decision_id
    assert a.rule_set_version == "1.0.0"


WARN_AND_DRY = """
id: modes
version: "2"
status: draft
rules:
  - id: try.warn
    dimension: complexity
    enforcement: warn
    when: {suggestion.kind: sales, suggestion.credit: true}
    verdict: block
    explain: {nl: "Waarschuwing", en: "A warning"}
    guidance: {nl: "Let op", en: "Mind this"}
  - id: try.dry
    dimension: relevance
    enforcement: dry_run
    when: {suggestion.kind: sales, suggestion.credit: true}
    verdict: block
    explain: {nl: "Proef", en: "A trial"}
    guidance: {nl: "Nooit tonen", en: "Never shown"}
"""


def test_warn_and_dry_run_rules_are_reported_but_do_not_change_the_verdict(
    tmp_path: Path,
) -> None:
    decision = Guard(_rules(tmp_path, WARN_AND_DRY)).judge(
        state(lang="en"), suggestion("sales", credit=True)
    )
    assert decision.verdict is Verdict.SHOW
    assert [(r.rule, r.enforcement) for r in decision.reasons] == [
        ("try.warn", "warn"),
        ("try.dry", "dry_run"),
    ]
    assert decision.reasons[0].message.startswith("(warning)")
    assert decision.reasons[1].message.startswith("(dry run)")
    assert "Mind this" in decision.guidance
    assert "Never shown" not in decision.guidance


def test_the_guard_is_safe_to_share_between_threads(guard: Guard) -> None:
    results: list[Verdict] = []

    def work() -> None:
        for _ in range(50):
            results.append(guard.judge(state(event("job_loss")), suggestion(**CREDIT_CARD)).verdict)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {Verdict.BLOCK}
    assert len(results) == 200


def test_state_view_and_fingerprint_ignore_nothing_the_rules_see() -> None:
    a = SessionState(declined_groups=("Savings",))
    b = SessionState(declined_groups=("Loans",))
    assert a.fingerprint != b.fingerprint
    assert a.view.declined_groups == frozenset({"Savings"})
