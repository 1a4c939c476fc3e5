"""`agent-desk fixtures check`: validate conversations and catalogues, reporting every problem.

A folder is walked recursively; files under a ``conversations`` folder are conversations, under
``catalog`` catalogues, under ``rules`` rule sets (checked by the guard's own validator) and
anything else is recognised by its top-level keys. Cross-checks: every suggestion in a conversation
names an action that exists in the catalogues.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import yaml

from agent_desk.library.catalog import Action, Catalog
from agent_desk.library.conversation import Conversation
from agent_desk.library.yamlio import DataFileError, Problem, line_of, load_model, read_yaml
from agent_desk.paths import catalog_dir

Kind = Literal["conversation", "catalog", "rules", "other"]


@dataclass
class CheckReport:
    files: int = 0
    conversations: dict[str, Conversation] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _kind_of(path: Path) -> Kind:
    parts = set(path.parts)
    if "conversations" in parts:
        return "conversation"
    if "catalog" in parts:
        return "catalog"
    if "rules" in parts:
        return "rules"
    try:
        data, _ = read_yaml(path)
    except DataFileError:
        return "conversation"
    if isinstance(data, dict):
        if "utterances" in data:
            return "conversation"
        if "actions" in data:
            return "catalog"
        if "rules" in data:
            return "rules"
    return "other"


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*") if q.suffix in {".yaml", ".yml"}))
        else:
            files.append(p)
    return files


def check_paths(paths: Iterable[Path], catalog_folder: Path | None = None) -> CheckReport:
    report = CheckReport()
    files = _expand(paths)
    actions: dict[str, Action] = {}
    convs: list[tuple[Path, Conversation, yaml.Node | None]] = []
    catalog_files = [f for f in files if _kind_of(f) == "catalog"]
    # Cross-checks need the catalogue even when only conversations are named.
    if not catalog_files:
        catalog_files = sorted((catalog_folder or catalog_dir()).glob("*.yaml"))
        checked_catalogs = False
    else:
        checked_catalogs = True
    for path in catalog_files:
        try:
            catalog, _ = load_model(path, Catalog)
        except DataFileError as exc:
            report.problems.extend(exc.problems)
            continue
        for a in catalog.actions:
            if a.id in actions:
                report.problems.append(
                    Problem(
                        str(path),
                        None,
                        a.id,
                        "action id is already used by another catalogue",
                        code="action_in_two_catalogues",
                    )
                )
            actions[a.id] = a
    report.files += len(catalog_files) if checked_catalogs else 0

    for path in files:
        kind = _kind_of(path)
        if kind == "catalog":
            continue
        report.files += 1
        if kind == "rules":
            report.problems.extend(
                _check_rule_tests(path) if path.name.endswith(".tests.yaml") else _check_rules(path)
            )
            continue
        if kind == "other":
            report.problems.append(
                Problem(
                    str(path),
                    None,
                    "",
                    "not a conversation, catalogue or rule set",
                    code="not_library_file",
                )
            )
            continue
        try:
            conv, node = load_model(path, Conversation)
        except DataFileError as exc:
            report.problems.extend(exc.problems)
            continue
        if conv.id in report.conversations:
            report.problems.append(
                Problem(
                    str(path),
                    1,
                    "id",
                    f"id {conv.id!r} is used twice",
                    code="id_used_twice",
                    params={"id": conv.id},
                )
            )
        report.conversations[conv.id] = conv
        convs.append((path, conv, node))

    for path, conv, node in convs:
        for i, s in enumerate(conv.suggestions):
            if s.action not in actions:
                report.problems.append(
                    Problem(
                        str(path),
                        line_of(node, ["suggestions", i, "action"]),
                        f"suggestions.{i}.action",
                        f"unknown catalogue action {s.action!r}",
                        code="unknown_action",
                        params={"action": s.action},
                    )
                )
    return report


def _check_rule_tests(path: Path) -> list[Problem]:
    """Rule-test files (``*.tests.yaml``) next to a rule set: cases of call, suggestion, verdict."""
    from guards.ruletests import load_rule_tests

    try:
        load_rule_tests(path)
    except DataFileError as exc:
        return [replace(p, file=str(path)) for p in exc.problems]
    return []


def _check_rules(path: Path) -> list[Problem]:
    """Rule sets are validated by the guard's own loader (the same one the app uses)."""
    from guards.rules import RuleSetError, load_rule_set

    try:
        load_rule_set(path)
    except RuleSetError as exc:
        return [replace(p, file=str(path)) for p in exc.problems]
    return []
