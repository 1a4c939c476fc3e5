"""The CLI contracts, run as a user runs them: `agent-desk guard check`, `rules check/test`."""

from __future__ import annotations

import json
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


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_desk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
    out = _run(["guard", "check"], stdin)
    assert out.returncode == 2
    assert out.stdout == ""
    assert field in out.stderr
    assert "Traceback" not in out.stderr


def test_guard_check_with_a_broken_rule_file_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\nstatus: draft\nrules: [{id: a}]\n", encoding="utf-8")
    out = _run(["guard", "check", "--rules", str(bad)], json.dumps(REQUEST))
    assert out.returncode == 1
    assert out.stdout == ""
    assert "bad.yaml" in out.stderr


def test_rules_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'id: x\nversion: "1"\nstatus: draft\nrules:\n'
        "  - {id: a, dimension: trust, when: {customer.age: 80}, verdict: hold,"
        " explain: {nl: a, en: b}}\n"
        "  - {id: b, dimension: empathie, when: {brak: true}, verdict: hold,"
        " explain: {nl: a, en: b}}\n",
        encoding="utf-8",
    )
    out = _run(["rules", "check", str(bad)])
    assert out.returncode == 1
    assert "protected attribute" in out.stderr
    assert "did you mean 'empathy'" in out.stderr
    assert "did you mean 'brake'" in out.stderr
    assert "3 problem(s)" in out.stderr


def test_rules_check_accepts_the_default_rules() -> None:
    out = _run(["rules", "check", str(DEFAULT_RULES)])
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok: default")


def test_rules_test_runs_cases_and_reports_coverage() -> None:
    out = _run(["rules", "test"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "rule coverage 100%" in out.stdout
    assert "FAIL" not in out.stdout
