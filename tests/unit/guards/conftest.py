"""Shared helpers for the guard tests: the shipped default rules, suggestions and states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guards.engine import Guard
from guards.rules import RuleSet, load_rule_set
from guards.state import SessionState
from guards.types import Suggestion
from nlp.types import EventType, LifeEvent

REPO = Path(__file__).resolve().parents[3]
DEFAULT_RULES = REPO / "fixtures" / "rules" / "default.yaml"
DEFAULT_TESTS = REPO / "fixtures" / "rules" / "default.tests.yaml"


@pytest.fixture(scope="session")
def default_rules() -> RuleSet:
    return load_rule_set(DEFAULT_RULES)


@pytest.fixture(scope="session")
def guard(default_rules: RuleSet) -> Guard:
    # These tests are about what the rules decide, not how fast: a loaded CI machine must not
    # turn a verdict into the fail-closed block. The budget itself is tested with budget_ms=0
    # (test_engine.py), and speed lives in bench/.
    return Guard(default_rules, budget_ms=5_000)


def suggestion(kind: str = "sales", **fields: Any) -> Suggestion:
    values: dict[str, Any] = {
        "id": f"s-{kind}",
        "title": f"A {kind} suggestion",
        "kind": kind,
        "customer_value": 0.6,
        "org_value": 0.5,
    }
    values.update(fields)
    return Suggestion(**values)


def event(kind: EventType | str, **flags: Any) -> LifeEvent:
    return LifeEvent(type=EventType(kind), text="x", start=0, end=1, **flags)


def state(*events: LifeEvent, **fields: Any) -> SessionState:
    return SessionState.with_events(events, **fields)
