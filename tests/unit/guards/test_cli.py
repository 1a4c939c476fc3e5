"""The CLI contracts, run as a user runs them: `agent-desk guard check`, `rules check/test`.

Problems and summaries are said in the ``language`` setting (Dutch by default); tests that read
English text ask for English."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.guards.conftest import DEFAULT_RULES

REQUEST: dict[str, Any] = {
    "lang": "nl",
    "conversation": [
        {"speaker": "agent", "text": "Goedemiddag, waarmee kan ik u helpen?"},
        {"speaker": "customer", "text": "Mijn moeder is vorige week overleden."},
    ],
    "customer": {"opted_out_of_offers": False},
    "suggestions": [
        {
            "id": "s1",
            "title": "Creditcard",
            "kind": "sales",
            "script": "Zal ik u iets vertellen over onze creditcard?",
            "customer_value": 0.3,
            "org_value": 0.8,
        },
        {
            "id": "s2",
            "title": "Team nabestaanden",
            "kind": "care",
            "customer_value": 0.9,
            "org_value": 0.3,
            "uses_inferred_data": False,
        },
    ],
}


def _run(
    args: list[str], stdin: str = "", lang: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"AGENT_DESK_LANGUAGE": lang} if lang else {})}
    return subprocess.run(
        [sys.executable, "-m", "agent_desk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


BROKEN_RULES = (
    'id: x\nversion: "1"\nstatus: draft\nrules:\n'
    "  - {id: a, dimension: trust, when: {customer.age: 80}, verdict: hold,"
    " explain: {nl: a, en: b}}\n"
    "  - {id: b, dimension: empathie, when: {brak: true}, verdict: hold,"
    " explain: {nl: a, en: b}}\n"
)

#: A rule test the default rules fail twice over: the verdict, and a rule that does not fire.
FAILING_TEST = """\
cases:
  - id: rouw-creditcard
    lang: nl
    conversation:
      - customer: "Mijn moeder is vorige week overleden."
    suggestion: {id: s-cc, title: Creditcard, kind: sales, customer_value: 0.3, org_value: 0.8}
    expect: show
    fires: [empathy.nope]
"""


def test_guard_check_answers_with_events_and_decisions() -> None:
    out = _run(["guard", "check"], json.dumps(REQUEST))
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    (ev,) = answer["events"]
    assert ev["type"] == "bereavement"
    text = REQUEST["conversation"][1]["text"]
    assert text[ev["start"] : ev["end"]] == ev["text"]
    assert {"negated", "hypothetical", "experiencer", "historical"} <= ev.keys()
    by_id = {d["suggestion_id"]: d for d in answer["decisions"]}
    assert by_id["s1"]["verdict"] == "hold"
    assert by_id["s2"]["verdict"] in ("show", "guide")
    reason = by_id["s1"]["reasons"][0]
    assert set(reason) >= {"rule", "dimension", "message"}
    assert "overlijden" in reason["message"]
    assert isinstance(by_id["s1"]["guidance"], str)


def test_guard_check_explains_in_english_with_lang_option() -> None:
    request = {**REQUEST, "lang": None}
    request["conversation"] = [{"speaker": "customer", "text": "My husband passed away."}]
    out = _run(["guard", "check", "--lang", "en"], json.dumps(request))
    assert out.returncode == 0, out.stderr
    decision = json.loads(out.stdout)["decisions"][0]
    assert decision["verdict"] == "hold"
    assert "bereavement" in decision["reasons"][0]["message"]


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "one JSON object"),
        (json.dumps({**REQUEST, "suggestions": [{"id": "s1", "kind": "sales"}]}), "title"),
        (
            json.dumps({**REQUEST, "suggestions": [{**REQUEST["suggestions"][0], "kind": "x"}]}),
            "suggestions.0.kind",
        ),
        (json.dumps({k: v for k, v in REQUEST.items() if k != "conversation"}), "conversation"),
        (json.dumps({**REQUEST, "costumer": {}}), "costumer"),
        (
            json.dumps({**REQUEST, "suggestions": [{**REQUEST["suggestions"][0], "org_value": 7}]}),
            "org_value",
        ),
    ],
)
def test_guard_check_rejects_bad_input_naming_the_field(stdin: str, field: str) -> None:
    out = _run(["guard", "check"], stdin, lang="en")
    assert out.returncode == 2
    assert out.stdout == ""
    assert field in out.stderr
    assert "Traceback" not in out.stderr


#: Invalid requests, each with the one line it gets in Dutch and in English.
_TWICE = {
    **REQUEST,
    "conversation": [
        {"id": "u1", "speaker": "customer", "text": "Hoi."},
        {"id": "u1", "speaker": "agent", "text": "Hallo."},
    ],
}
_WRONG = {
    "costumer": {},
    "suggestions": [{**REQUEST["suggestions"][0], "kind": "x", "org_value": 7}],
}
_KINDS = "'sales', 'retention', 'service', 'care', 'advice', 'referral', 'collections'"
_JSON_SAYS = "Expecting property name enclosed in double quotes"  # the JSON parser's own words
BAD_INPUT = {
    "not_json": ("{not json", (
        f"de invoer is geen geldige JSON (regel 1: {_JSON_SAYS})",
        f"input is not valid JSON (line 1: {_JSON_SAYS})",
    )),
    "not_utf8": ("\udcff", ("de invoer is geen UTF-8-tekst", "input is not UTF-8 text")),
    "not_object": ("[]", (
        "de invoer moet één JSON-object zijn", "the input must be one JSON object",
    )),
    "fields": (json.dumps(_WRONG), (
        "conversation: verplicht veld ontbreekt; suggestions.0.kind: moet een van deze waarden "
        f"zijn: {_KINDS}; suggestions.0.org_value: mag hoogstens 1 zijn; costumer: onbekend veld "
        "(controleer de spelling)",
        "conversation: required field is missing; suggestions.0.kind: must be one of these "
        f"values: {_KINDS}; suggestions.0.org_value: may be at most 1; costumer: unknown field "
        "(check the spelling)",
    )),
    "utterance_twice": (json.dumps(_TWICE), (
        "conversation.1.id: uiting-id 'u1' komt twee keer voor",
        "conversation.1.id: utterance id 'u1' is used twice",
    )),
}  # fmt: skip


def _run_bytes(args: list[str], stdin: bytes, lang: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "agent_desk", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "AGENT_DESK_LANGUAGE": lang},
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_guard_check_says_what_is_wrong_with_the_input_in_the_user_s_language(
    case: str, lang: str
) -> None:
    stdin, said = BAD_INPUT[case]
    raw = stdin.encode("utf-8", "surrogateescape")
    out = _run_bytes(["guard", "check"], raw, lang)
    assert out.returncode == 2
    assert out.stdout == b""
    # The contract's shape in every language: one line, "error: " and what is wrong.
    assert out.stderr.decode("utf-8").splitlines() == [f"error: {said[lang == 'en']}"]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "error: de invoer is groter dan 5.000.000 bytes"),
        ("en", "error: input is larger than 5,000,000 bytes"),
    ],
)
def test_guard_check_says_input_is_too_large_in_the_user_s_language(lang: str, line: str) -> None:
    from agent_desk.cli.guard import MAX_INPUT_BYTES

    out = _run_bytes(["guard", "check"], b" " * (MAX_INPUT_BYTES + 1), lang)
    assert out.returncode == 2
    assert out.stdout == b""
    assert out.stderr.decode("utf-8").splitlines() == [line]


@pytest.mark.parametrize(
    ("lang", "config", "line"),
    [
        ("nl", 'colour = "blue"\n',
         "error: {file} of AGENT_DESK_COLOUR: [colour] onbekende instelling (gekregen: 'blue')"),
        ("en", 'colour = "blue"\n',
         "error: {file} or AGENT_DESK_COLOUR: [colour] unknown setting (got 'blue')"),
        ("nl", 'org = "bank\n',
         "error: {file}: geen geldige TOML: Illegal character '\\n' (at line 1, column 12)"),
        ("en", 'org = "bank\n',
         "error: {file}: invalid TOML: Illegal character '\\n' (at line 1, column 12)"),
    ],
)  # fmt: skip
def test_guard_check_says_why_the_settings_cannot_be_read_in_the_user_s_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, config: str, line: str
) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(config, encoding="utf-8")
    monkeypatch.setenv("AGENT_DESK_CONFIG_FILE", str(settings))
    out = _run(["guard", "check"], json.dumps(REQUEST), lang=lang)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.splitlines() == [line.format(file=settings)]


def test_guard_check_with_a_broken_rule_file_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\nstatus: draft\nrules: [{id: a}]\n", encoding="utf-8")
    out = _run(["guard", "check", "--rules", str(bad)], json.dumps(REQUEST))
    assert out.returncode == 1
    assert out.stdout == ""
    assert "bad.yaml" in out.stderr


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "[rules[b].dimension]: onbekende dimensie 'empathie' (bedoelt u 'empathy'?)"),
        ("en", "[rules[b].dimension]: unknown dimension 'empathie' (did you mean 'empathy'?)"),
    ],
)
def test_guard_check_says_the_rule_file_s_problems_in_the_user_s_language(
    tmp_path: Path, lang: str, line: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN_RULES, encoding="utf-8")
    out = _run(["guard", "check", "--rules", str(bad)], json.dumps(REQUEST), lang=lang)
    assert out.returncode == 1
    assert out.stdout == ""
    assert f"{bad}:6 {line}" in out.stderr.splitlines()


def test_rules_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN_RULES, encoding="utf-8")
    out = _run(["rules", "check", str(bad)], lang="en")
    assert out.returncode == 1
    assert "protected attribute" in out.stderr
    assert "did you mean 'empathy'" in out.stderr
    assert "did you mean 'brake'" in out.stderr
    lines = out.stderr.splitlines()
    assert lines[1:] == [
        f"{bad}:6 [rules[b].dimension]: unknown dimension 'empathie' (did you mean 'empathy'?)",
        f"{bad}:6 [rules[b].when.brak]: unknown condition 'brak' (did you mean 'brake'?)",
        f"3 problem(s) in {bad}",
    ]


def test_rules_check_says_every_problem_in_dutch_by_default(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN_RULES, encoding="utf-8")
    out = _run(["rules", "check", str(bad)])  # no language set: Dutch, the default
    assert out.returncode == 1
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert lines[0].startswith(
        f"{bad}:5 [rules[a].when.customer.age]: 'customer.age' is een beschermd kenmerk (leeftijd)."
    )
    assert lines[1:] == [
        f"{bad}:6 [rules[b].dimension]: onbekende dimensie 'empathie' (bedoelt u 'empathy'?)",
        f"{bad}:6 [rules[b].when.brak]: onbekende voorwaarde 'brak' (bedoelt u 'brake'?)",
        f"3 probleem/problemen in {bad}",
    ]


@pytest.mark.parametrize(
    ("lang", "ok"),
    [
        ("en", "ok: default {version} (published), {count} rules ({warn} warn, {dry} dry run)"),
        ("nl", "in orde: default {version} (published), {count} regels ({warn} met alleen een "
               "waarschuwing, {dry} in proefdraai)"),
    ],
)  # fmt: skip
def test_rules_check_accepts_the_default_rules(lang: str, ok: str) -> None:
    from guards.rules import load_rule_set

    rules = load_rule_set(DEFAULT_RULES)
    modes = [r.enforcement for r in rules.rules]
    out = _run(["rules", "check", str(DEFAULT_RULES)], lang=lang)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ok.format(
        version=rules.version,
        count=len(rules.rules),
        warn=modes.count("warn"),
        dry=modes.count("dry_run"),
    )


def test_rules_test_runs_cases_and_reports_coverage() -> None:
    out = _run(["rules", "test"], lang="en")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "rule coverage 100%" in out.stdout
    assert "FAIL" not in out.stdout


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", [
            "FOUT  rouw-creditcard ({tests}:2): verwacht show, maar het oordeel is hold; "
            "regel empathy.nope sloeg niet aan",
            "0 van 1 testgevallen geslaagd; regeldekking {coverage} ({covered} van {rules} regels)",
            "regels die in geen enkele test aanslaan: ",
        ]),
        ("en", [
            "FAIL  rouw-creditcard ({tests}:2): expected show, got hold; "
            "rule empathy.nope did not fire",
            "0/1 cases pass; rule coverage {coverage} ({covered}/{rules} rules)",
            "rules no test makes fire: ",
        ]),
    ],
)  # fmt: skip
def test_a_failing_rule_test_is_said_in_the_user_s_language(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    from guards.rules import load_rule_set
    from guards.ruletests import load_rule_tests, run_rule_tests

    tests = tmp_path / "failing.tests.yaml"
    tests.write_text(FAILING_TEST, encoding="utf-8")
    rules = load_rule_set(DEFAULT_RULES)
    report = run_rule_tests(rules, load_rule_tests(tests).cases)
    covered = len(rules.rules) - len(report.uncovered)
    out = _run(["rules", "test", "--rules", str(DEFAULT_RULES), "--tests", str(tests)], lang=lang)
    assert out.returncode == 1
    fail, summary, uncovered = out.stdout.splitlines()
    parts = {"tests": tests, "coverage": f"{report.coverage:.0%}", "covered": covered,
             "rules": len(rules.rules)}  # fmt: skip
    assert fail == expected[0].format(**parts)
    assert summary == expected[1].format(**parts)
    assert uncovered == expected[2] + ", ".join(report.uncovered)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "[cases.0.expect.0]: moet een van deze waarden zijn: 'show', 'guide', 'hold', "
               "'block'"),
        ("en", "[cases.0.expect.0]: must be one of these values: 'show', 'guide', 'hold', "
               "'block'"),
    ],
)  # fmt: skip
def test_a_broken_rule_test_file_is_said_in_the_user_s_language(
    tmp_path: Path, lang: str, line: str
) -> None:
    tests = tmp_path / "broken.tests.yaml"
    tests.write_text(FAILING_TEST.replace("expect: show", "expect: mabye"), encoding="utf-8")
    out = _run(["rules", "test", "--rules", str(DEFAULT_RULES), "--tests", str(tests)], lang=lang)
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.splitlines() == [f"{tests}:7 {line}"]
