"""The default rules' own tests (fixtures/rules/default.tests.yaml), through the real NLP."""

from __future__ import annotations

import pytest

from guards.engine import Guard
from guards.rules import RuleSet
from guards.ruletests import CaseFailure, RuleTestCase, load_rule_tests, run_case, run_rule_tests
from guards.types import Verdict
from tests.unit.guards.conftest import DEFAULT_TESTS

CASES = load_rule_tests(DEFAULT_TESTS).cases


def test_the_rule_tests_cover_both_languages_and_many_cases() -> None:
    assert len(CASES) >= 60
    assert {c.lang for c in CASES} == {"nl", "en"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(guard: Guard, case: RuleTestCase) -> None:
    result = run_case(guard, case)
    assert result.passed, f"{case.id}: {'; '.join(result.problems)} (fired: {result.fired})"


def test_every_default_rule_is_exercised_by_some_case(default_rules: RuleSet) -> None:
    report = run_rule_tests(default_rules, CASES)
    assert report.uncovered == []
    assert report.coverage == 1.0


def test_a_failing_case_says_why_in_english_and_as_parts_to_translate(guard: Guard) -> None:
    case = CASES[0].model_copy(
        update={"expect": (Verdict.BLOCK, Verdict.SHOW), "fires": ("no.such-rule",)}
    )
    result = run_case(guard, case)
    assert not result.passed
    verdict, not_fired = result.failures
    assert verdict == CaseFailure("verdict", expected=("block", "show"), got=result.verdict.value)
    assert not_fired == CaseFailure("not_fired", rule="no.such-rule")
    assert result.problems == (
        f"expected block or show, got {result.verdict.value}",
        "rule no.such-rule did not fire",
    )
