"""Shared helpers for the trainer-core tests: the demo conversation and the shipped rules."""

from __future__ import annotations

import pytest

from agent_desk.library.conversation import Conversation
from agent_desk.library.load import load_conversation
from agent_desk.paths import default_rules
from guards.rules import RuleSet, load_rule_set


@pytest.fixture(scope="session")
def demo() -> Conversation:
    return load_conversation("nl-demo-bereavement")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rule_set(default_rules())
