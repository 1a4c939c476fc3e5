"""Rule tests as data: conversations with the verdict a rule set must give, and rule coverage.

A test file (``default.tests.yaml`` next to ``default.yaml``) lists cases::

    rules: default.yaml            # optional; relative to the test file
    cases:
      - id: nl-bereavement-credit-card
        lang: nl
        conversation:
          - customer: "Mijn moeder is vorige week overleden."
          - agent: "Gecondoleerd met uw verlies."
        customer: {opted_out_of_offers: false}          # optional
        state: {emergency_brake: true}                  # optional: what the agent UI records
        suggestion: {id: s1, title: Creditcard, kind: sales, customer_value: 0.3, org_value: 0.8}
        expect: hold                                    # or a list of acceptable verdicts
        fires: [vulnerability.no-commercial]            # optional: rules that must fire

The conversation goes through the real NLP tracker, exactly as in a call. The report says which
cases pass and which rules no case makes fire (coverage).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from guards.document import AgentState, Customer
from guards.engine import Guard
from guards.rules import RuleSet
from guards.state import SessionBuilder
from guards.types import Suggestion, Verdict
from guards.yamlsrc import DataError, Problem, line_of, problems_from_validation, read_yaml
from nlp.conversation import ConversationTracker
from nlp.detector import Detector
from nlp.types import Lang, Utterance

MAX_CASES = 2_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleTestCase(_Strict):
    id: str = Field(min_length=1, max_length=120)
    lang: Lang
    description: str = ""
    conversation: list[dict[str, str]] = Field(default_factory=list, max_length=500)
    customer: Customer = Customer()
    state: AgentState = AgentState()
    suggestion: Suggestion
    expect: tuple[Verdict, ...]
    fires: tuple[str, ...] = ()
    not_fires: tuple[str, ...] = ()

    @field_validator("expect", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("conversation")
    @classmethod
    def _turns(cls, turns: list[dict[str, str]]) -> list[dict[str, str]]:
        for turn in turns:
            if len(turn) != 1 or next(iter(turn)) not in ("customer", "agent", "system"):
                # A type of its own (not a ValueError), so a UI can say it in its language.
                raise PydanticCustomError(
                    "turn_shape", "each turn is one line: `- customer: ...` or `- agent: ...`"
                )
        return turns


class RuleTestFile(_Strict):
    rules: str | None = None
    #: Free space for YAML anchors (suggestions reused across cases); not read otherwise.
    library: dict[str, Any] = Field(default_factory=dict)
    cases: list[RuleTestCase] = Field(min_length=1, max_length=MAX_CASES)


@dataclass(frozen=True)
class CaseFailure:
    """One way a case failed, as a code and its parts, for a UI to say in its own language:
    ``verdict`` (``expected`` verdicts, ``got``), ``not_fired`` or ``fired`` (``rule``)."""

    code: str
    expected: tuple[str, ...] = ()
    got: str = ""
    rule: str = ""

    def __str__(self) -> str:
        if self.code == "verdict":
            return f"expected {' or '.join(self.expected)}, got {self.got}"
        if self.code == "not_fired":
            return f"rule {self.rule} did not fire"
        return f"rule {self.rule} fired but should not"


@dataclass(frozen=True)
class CaseResult:
    case: RuleTestCase
    verdict: Verdict
    fired: tuple[str, ...]
    #: The failures in English (``str`` of each of ``failures``).
    problems: tuple[str, ...]
    failures: tuple[CaseFailure, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class RuleTestReport:
    results: list[CaseResult] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    rule_count: int = 0

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def coverage(self) -> float:
        if not self.rule_count:
            return 1.0
        return (self.rule_count - len(self.uncovered)) / self.rule_count


def not_a_test_file(name: str) -> Problem:
    """The problem for a rule-test file that is not a mapping (shared with the rule store)."""
    return Problem(
        name, 1, "", "a rule-test file is a mapping with cases", "rule_tests_not_mapping"
    )


def load_rule_tests(path: Path) -> RuleTestFile:
    """Load a rule-test file; raise DataError listing every problem."""
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError([not_a_test_file(str(path))])
    try:
        return RuleTestFile.model_validate(data)
    except ValidationError as exc:
        raise DataError(problems_from_validation(str(path), exc, node)) from exc


def rules_path_for(tests_path: Path, tests: RuleTestFile) -> Path:
    if tests.rules:
        return tests_path.parent / tests.rules
    return tests_path.with_name(tests_path.name.replace(".tests.yaml", ".yaml"))


def default_tests_path(rules_path: Path) -> Path:
    return rules_path.with_name(rules_path.stem + ".tests.yaml")


def run_case(guard: Guard, case: RuleTestCase, detector: Detector | None = None) -> CaseResult:
    builder = SessionBuilder(ConversationTracker(detector, lang=case.lang), case.lang)
    for i, turn in enumerate(case.conversation):
        speaker, text = next(iter(turn.items()))
        builder.observe(Utterance(id=f"u{i + 1}", speaker=speaker, text=text, lang=case.lang))
    state = builder.state(case.customer, **case.state.model_dump(exclude_none=True))
    decision = guard.judge(state, case.suggestion, case.lang)
    fired = tuple(r.rule for r in decision.reasons)
    failures: list[CaseFailure] = []
    if decision.verdict not in case.expect:
        expected = tuple(v.value for v in case.expect)
        failures.append(CaseFailure("verdict", expected=expected, got=decision.verdict.value))
    failures += [CaseFailure("not_fired", rule=r) for r in case.fires if r not in fired]
    failures += [CaseFailure("fired", rule=r) for r in case.not_fires if r in fired]
    problems = tuple(str(f) for f in failures)
    return CaseResult(case, decision.verdict, fired, problems, tuple(failures))


def run_rule_tests(
    rule_set: RuleSet, cases: Sequence[RuleTestCase], detector: Detector | None = None
) -> RuleTestReport:
    guard = Guard(rule_set)
    report = RuleTestReport(rule_count=len(rule_set.rules))
    for case in cases:
        report.results.append(run_case(guard, case, detector))
    fired = {rid for r in report.results for rid in r.fired}
    report.uncovered = [r.id for r in rule_set.rules if r.id not in fired]
    return report


def case_line(path: Path, index: int) -> int | None:
    """The line a case starts on, for failure messages."""
    try:
        _, node = read_yaml(path)
    except DataError:
        return None
    return line_of(node, ["cases", index])
