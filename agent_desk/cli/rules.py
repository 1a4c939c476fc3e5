"""`agent-desk rules check FILE` and `agent-desk rules test`: validate and test rule sets.

`check` lists every problem (file, line, field with the rule id) and exits 1 if there are any.
`test` runs the rule tests stored next to the rules (``<name>.tests.yaml``) through the real NLP
and the guard, prints pass/fail per case and which rules no test makes fire (coverage).
Both speak the ``language`` setting (Dutch by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import click

from agent_desk.cli import LazyGroup
from agent_desk.paths import rules_dir


class _RulesGroup(LazyGroup):
    # Versioning and dry-run live in their own modules (issue 6); they load when used.
    lazy: ClassVar[dict[str, str]] = {
        "dry-run": "agent_desk.cli.rules_dryrun:dry_run",
        "draft": "agent_desk.cli.rules_versions:draft",
        "publish": "agent_desk.cli.rules_versions:publish",
        "approve": "agent_desk.cli.rules_versions:approve",
        "history": "agent_desk.cli.rules_versions:history",
        "export": "agent_desk.cli.rules_versions:export",
    }


@click.group(cls=_RulesGroup)
def rules() -> None:
    """Guard rule sets: validate, test, dry-run, version and publish them."""


@rules.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """Validate a rule set. Lists every problem; exit 1 if there are any."""
    from agent_desk.cli.language import settings_language
    from agent_desk.i18n import t
    from agent_desk.problems import problem_line
    from guards.rules import RuleSetError, load_rule_set

    lang = settings_language()
    try:
        rule_set = load_rule_set(file)
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(problem_line(problem, lang), err=True)
        click.echo(t("cli.rules.problems", lang, count=len(exc.problems), file=file), err=True)
        raise SystemExit(1) from None
    modes = {m: sum(r.enforcement == m for r in rule_set.rules) for m in ("warn", "dry_run")}
    click.echo(
        t(
            "cli.rules.ok",
            lang,
            id=rule_set.id,
            version=rule_set.version,
            status=rule_set.status,
            count=len(rule_set.rules),
            warn=modes["warn"],
            dry_run=modes["dry_run"],
        )
    )


@rules.command("test")
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rule set to test (default: the published rule set).",
)
@click.option(
    "--tests",
    "tests_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rule tests (default: <rules>.tests.yaml next to the rule set).",
)
def test(rules_file: Path | None, tests_file: Path | None) -> None:
    """Run the rule tests; exit 1 if a case fails."""
    from agent_desk.cli.language import settings_language
    from agent_desk.i18n import t
    from agent_desk.problems import case_failure, problem_line
    from guards.rules import RuleSetError, load_rule_set
    from guards.ruletests import (
        case_line,
        default_tests_path,
        load_rule_tests,
        run_rule_tests,
    )
    from guards.yamlsrc import DataError

    lang = settings_language()
    rules_path = rules_file or rules_dir() / "default.yaml"
    tests_path = tests_file or default_tests_path(rules_path)
    try:
        rule_set = load_rule_set(rules_path)
        tests = load_rule_tests(tests_path)
    except (RuleSetError, DataError) as exc:
        for problem in exc.problems:
            click.echo(problem_line(problem, lang), err=True)
        raise SystemExit(1) from None
    report = run_rule_tests(rule_set, tests.cases)
    for i, result in enumerate(report.results):
        if result.passed:
            click.echo(t("cli.ruletest.pass", lang, case=result.case.id))
        else:
            where = f"{tests_path}:{case_line(tests_path, i) or '?'}"
            why = "; ".join(case_failure(f, lang) for f in result.failures)
            click.echo(t("cli.ruletest.fail", lang, case=result.case.id, where=where, why=why))
    click.echo(
        t(
            "cli.ruletest.summary",
            lang,
            passed=report.passed,
            total=len(report.results),
            coverage=f"{report.coverage:.0%}",
            covered=len(rule_set.rules) - len(report.uncovered),
            rules=len(rule_set.rules),
        )
    )
    if report.uncovered:
        click.echo(t("cli.ruletest.uncovered", lang, rules=", ".join(report.uncovered)))
    if report.failed:
        raise SystemExit(1)
