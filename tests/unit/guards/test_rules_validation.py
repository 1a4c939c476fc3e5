"""Rule-set validation: every problem listed with file, line and field; bad reloads keep the old."""

from __future__ import annotations

from pathlib import Path

import pytest

from guards.rules import MAX_RULES, RuleSetError, load_rule_set
from guards.store import RuleStore
from guards.types import Verdict
from guards.yamlsrc import MAX_FILE_BYTES
from tests.unit.guards.conftest import DEFAULT_RULES, state, suggestion

HEAD = 'id: t\nversion: "1"\nstatus: draft\nrules:\n'
GOOD_RULE = """  - id: good.rule
    dimension: place_time
    when:
      suggestion.commercial: true
      event.current: bereavement
    verdict: hold
    explain: {nl: "Niet nu ({event}).", en: "Not now ({event})."}
"""


def _write(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(RuleSetError) as info:
        load_rule_set(path)
    return [str(p) for p in info.value.problems]


def _rule(rule_id: str, when: str, **extra: str) -> str:
    lines = [
        f"  - id: {rule_id}",
        f"    dimension: {extra.get('dimension', 'autonomy')}",
        f"    when: {when}",
        f"    verdict: {extra.get('verdict', 'hold')}",
        f"    explain: {extra.get('explain', '{nl: Tekst, en: Text}')}",
    ]
    for key in ("unless", "guidance", "enforcement"):
        if key in extra:
            lines.append(f"    {key}: {extra[key]}")
    return "\n".join(lines) + "\n"


def test_the_shipped_default_rules_validate() -> None:
    rules = load_rule_set(DEFAULT_RULES)
    assert rules.status == "published"
    assert len(rules.rules) >= 20
    assert {r.dimension.value for r in rules.rules} >= {
        "language",
        "place_time",
        "complexity",
        "relevance",
        "trust",
        "empathy",
        "autonomy",
        "value_alignment",
        "equal_treatment",
    }


def test_an_unknown_dimension_is_named_with_a_suggestion(tmp_path: Path) -> None:
    body = HEAD + _rule(
        "a", "{profile.opted_out: true, suggestion.commercial: true}", dimension="autonomie"
    )
    (problem,) = _problems(_write(tmp_path, body))
    assert "r.yaml:6" in problem
    assert "[rules[a].dimension]" in problem
    assert "did you mean 'autonomy'" in problem


def test_a_typo_in_a_condition_gets_did_you_mean_and_the_line_of_the_key(tmp_path: Path) -> None:
    body = HEAD + _rule("a", "\n      suggestion.commercial: true\n      event.curent: bereavement")
    (problem,) = _problems(_write(tmp_path, body))
    assert "event.curent" in problem
    assert "did you mean 'event.current'" in problem
    assert "r.yaml:9" in problem
    assert "[rules[a].when.event.curent]" in problem


@pytest.mark.parametrize(
    ("key", "attribute"),
    [
        ("customer.age", "age"),
        ("profile.leeftijd", "age"),
        ("customer.gender", "gender"),
        ("profile.nationality", "nationality"),
        ("customer.ethnicity", "ethnicity"),
        ("customer.religion", "religion"),
        ("profile.health_score", "health"),
        ("customer.postcode", "postcode"),
        ("customer.date_of_birth", "age"),
    ],
)
def test_conditions_on_protected_attributes_are_rejected_as_unequal_treatment(
    tmp_path: Path, key: str, attribute: str
) -> None:
    body = HEAD + _rule("a", f"{{suggestion.commercial: true, {key}: [x]}}")
    (problem,) = _problems(_write(tmp_path, body))
    assert "protected attribute" in problem
    assert attribute in problem
    assert "equal treatment" in problem


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    body = HEAD + (
        _rule("a", "{suggestion.kind: [salez]}", dimension="tone")
        + _rule("a", "{customer.age: 70}")
        + _rule("b", "{brake: yes-please}", explain="{nl: 'Hallo {naam}', en: 'Hi {event'}")
    )
    problems = _problems(_write(tmp_path, body))
    text = "\n".join(problems)
    assert "unknown dimension 'tone'" in text
    assert "unknown value 'salez'" in text
    assert "did you mean 'sales'" in text
    assert "protected attribute (age)" in text
    assert "takes true or false" in text
    assert "unknown placeholder {naam}" in text
    assert "bad template" in text
    assert len(problems) >= 6


def test_duplicate_rule_ids_are_rejected(tmp_path: Path) -> None:
    body = HEAD + GOOD_RULE + GOOD_RULE
    (problem,) = _problems(_write(tmp_path, body))
    assert "'good.rule' is used twice" in problem


def test_a_huge_file_is_rejected_without_parsing(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "# " + "x" * (MAX_FILE_BYTES + 10) + "\n")
    (problem,) = _problems(path)
    assert "the limit is" in problem


def test_too_many_rules_are_rejected(tmp_path: Path) -> None:
    rules = "".join(
        f"  - {{id: r{i}, dimension: trust, when: {{brake: true, suggestion.commercial: true}}, "
        f"verdict: block, explain: {{nl: a, en: b}}}}\n"
        for i in range(MAX_RULES + 1)
    )
    (problem,) = _problems(_write(tmp_path, HEAD + rules))
    assert f"the limit is {MAX_RULES}" in problem


def test_a_rule_cannot_say_show_and_guide_needs_guidance(tmp_path: Path) -> None:
    body = (
        HEAD
        + _rule("a", "{brake: true}", verdict="show")
        + _rule("b", "{question_open: true}", verdict="guide")
    )
    text = "\n".join(_problems(_write(tmp_path, body)))
    assert "cannot say 'show'" in text
    assert "needs guidance" in text


def test_an_exception_may_not_depend_on_org_value(tmp_path: Path) -> None:
    body = HEAD + _rule(
        "a",
        "{suggestion.commercial: true, event.current: bereavement}",
        unless='{value.org: "> 0.9"}',
    )
    (problem,) = _problems(_write(tmp_path, body))
    assert "lexicographic" in problem


def test_a_rule_that_would_block_help_for_the_vulnerable_is_rejected(tmp_path: Path) -> None:
    body = HEAD + _rule("too.broad", "{event.current: vulnerable}", verdict="block")
    problems = _problems(_write(tmp_path, body))
    assert any("anti-paternalism" in p and "block service" in p for p in problems)


def test_a_rule_that_would_hold_offers_for_happy_events_is_rejected(tmp_path: Path) -> None:
    body = HEAD + _rule("baby.no-sales", "{suggestion.commercial: true, event.current: new_child}")
    (problem,) = _problems(_write(tmp_path, body))
    assert "because of new_child" in problem


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEAD + "  - id: [unclosed\n"))
    assert "invalid YAML" in problem
    assert "r.yaml:" in problem


def test_an_unclosed_bracket_names_the_line_it_opened_on_and_where_the_parser_gave_up(
    tmp_path: Path,
) -> None:
    text = "zz: [" + DEFAULT_RULES.read_text(encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_rule_set(_write(tmp_path, text))
    (problem,) = info.value.problems
    assert (problem.line, problem.stop_line, problem.code) == (1, 6, "invalid_yaml")
    assert problem.detail == "did not find expected ',' or ']'"
    assert str(problem).endswith(":1: invalid YAML: did not find expected ',' or ']' "
                                 "(starts here; the parser gave up on line 6)")  # fmt: skip


def test_yaml_that_fails_where_it_fails_names_that_line(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as info:
        load_rule_set(_write(tmp_path, HEAD + "  - id: a\n   b: c: d\n"))
    (problem,) = info.value.problems
    assert (problem.line, problem.stop_line) == (6, None)
    assert problem.message == f"invalid YAML: {problem.detail}"


def test_includes_are_merged_and_cycles_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, "rules:\n" + GOOD_RULE, "extra.yaml")
    ok = _write(tmp_path, HEAD.replace("rules:\n", "includes: [extra.yaml]\nrules: []\n"))
    assert [r.id for r in load_rule_set(ok).rules] == ["good.rule"]

    _write(tmp_path, "includes: [b.yaml]\nrules: []\n", "a.yaml")
    _write(tmp_path, "includes: [a.yaml]\nrules: []\n", "b.yaml")
    root = _write(tmp_path, HEAD.replace("rules:\n", "includes: [a.yaml]\nrules: []\n"), "c.yaml")
    (problem,) = _problems(root)
    assert "cycle" in problem
    assert "a.yaml -> b.yaml -> a.yaml" in problem


def test_extends_inherits_and_a_same_id_rule_replaces_the_base_rule(tmp_path: Path) -> None:
    draft = (
        'id: draft\nversion: "1.1"\nstatus: draft\nextends: '
        + str(DEFAULT_RULES)
        + "\nrules:\n"
        + _rule(
            "language.jargon",
            "{suggestion.mentions: [bkr]}",
            dimension="language",
            verdict="guide",
            guidance="{nl: Gewone woorden, en: Plain words}",
            enforcement="enforce",
        )
    )
    rules = load_rule_set(_write(tmp_path, draft))
    base = load_rule_set(DEFAULT_RULES)
    assert len(rules.rules) == len(base.rules)
    assert rules.by_id["language.jargon"].enforcement == "enforce"
    assert rules.version == "1.1"


def test_a_missing_rule_set_header_is_reported(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, "rules:\n" + GOOD_RULE))
    assert {p.split("[")[1].split("]")[0] for p in problems} == {"id", "version", "status"}


def test_a_broken_reload_keeps_the_previous_rule_set_in_force(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + GOOD_RULE)
    store = RuleStore(path)
    bereaved = state()
    assert store.rule_set.version == "1"

    path.write_text(HEAD.replace('"1"', '"2"') + _rule("a", "{customer.age: 80}"), "utf-8")
    problems = store.reload()
    assert problems
    assert "protected attribute" in str(problems[0])
    assert store.rule_set.version == "1"
    assert store.guard.judge(bereaved, suggestion("sales")).verdict is Verdict.SHOW

    path.write_text(HEAD.replace('"1"', '"3"') + GOOD_RULE, "utf-8")
    assert store.reload() == []
    assert store.rule_set.version == "3"


def test_the_fixture_checker_reports_rule_problems_through_the_shared_interface(
    tmp_path: Path,
) -> None:
    from agent_desk.library.check import check_paths

    folder = tmp_path / "rules"
    folder.mkdir()
    _write(folder, HEAD + _rule("a", "{customer.gender: x}"))
    report = check_paths([folder])
    assert any("protected attribute" in p.message for p in report.problems)
