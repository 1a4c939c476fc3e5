"""Holds the rule set in force and its guard; a broken reload keeps the previous one in force.

A supervisor editing a rule file must never leave the desks without a guard: ``reload()``
validates the new file completely first and swaps only when it is clean. Swapping one
reference is atomic, so judging threads see either the old guard or the new one.
"""

from __future__ import annotations

from pathlib import Path

from guards.engine import DEFAULT_BUDGET_MS, Guard
from guards.rules import Problem, RuleSet, RuleSetError, load_rule_set


class RuleStore:
    def __init__(self, path: Path, budget_ms: float = DEFAULT_BUDGET_MS) -> None:
        """Load ``path``; raises :class:`RuleSetError` when even the first load fails."""
        self.path = Path(path)
        self._budget_ms = budget_ms
        self._guard = Guard(load_rule_set(self.path), budget_ms)

    @property
    def guard(self) -> Guard:
        return self._guard

    @property
    def rule_set(self) -> RuleSet:
        return self._guard.rule_set

    def reload(self, path: Path | None = None) -> list[Problem]:
        """Load ``path`` (default: the same file again). Returns the problems; [] means swapped."""
        target = Path(path) if path is not None else self.path
        try:
            rule_set = load_rule_set(target)
        except RuleSetError as exc:
            return exc.problems
        self._guard = Guard(rule_set, self._budget_ms)
        self.path = target
        return []
