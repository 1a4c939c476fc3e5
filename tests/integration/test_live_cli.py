"""`agent-desk live --stdin`: any platform can pipe a transcript through the guard."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from agent_desk.cli.timeline import print_timeline
from agent_desk.db.decisions import DecisionLog
from agent_desk.db.engine import make_engine
from agent_desk.feeds.stdin import StdinFeed
from agent_desk.rulesource import load_active_rules
from agent_desk.session import CallSession
from agent_desk.settings import load_settings
from agent_desk.wiring import make_nba

LINES = [
    {"id": "u1", "speaker": "agent", "text": "Goedemorgen, waarmee kan ik u helpen?"},
    {"id": "u2", "speaker": "customer",
     "text": "Mijn man is vorige maand overleden en ik kan de huur niet meer betalen."},
    "this line is not json",
    {"id": "u3", "speaker": "customer", "text": "Kunt u mijn nieuwe adres noteren?"},
]  # fmt: skip


def test_stdin_call_is_judged_line_by_line_and_bad_lines_do_not_stop_it() -> None:
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in LINES) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "agent_desk", "live", "--stdin"],
        input=stdin.encode(), capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["u1", "u2", "u3"]
    assert "line 3" in proc.stderr.decode()
    after_disclosure = {d["action"]: d["verdict"] for d in out[1]["decisions"]}
    assert after_disclosure["bank.sales.credit-card"] == "block"
    assert after_disclosure["bank.collections.payment-arrangement"] in {"show", "guide"}
    assert after_disclosure["bank.referral.debt-help"] in {"show", "guide"}
    assert {e["type"] for e in out[1]["events"]} >= {"bereavement", "financial_difficulty"}
    # Nothing unjudged: every suggestion in the timeline carries a verdict.
    assert all(d["verdict"] for o in out for d in o["decisions"])


def test_live_without_a_source_says_what_to_name() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agent_desk", "live"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "--stdin" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- the decision log: a call guarded through a pipe keeps the same record as the call screen --

SUMMARY_NL = re.compile(
    r"^beslissingen vastgelegd: (\d+) \((\d+) wachten in de spool\)"
    r"(?:, (\d+) konden niet worden opgeslagen)?; gesprek (\w+)$"
)


def _stdin(lines: list[Any]) -> bytes:
    return ("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n").encode()


def _live(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The real CLI in a child process; settings come from the AGENT_DESK_* environment."""
    return subprocess.run(
        [sys.executable, "-m", "agent_desk", "live", "--stdin", *args],
        input=stdin, capture_output=True, timeout=120, check=False,
    )  # fmt: skip


def _timeline_without_a_log(stdin: bytes) -> str:
    """The same call through the same headless loop with no decision log attached (as
    `replay --no-ui` runs): what stdout must still be, byte for byte."""
    settings = load_settings(feed="stdin")
    session = CallSession(
        rule_set=load_active_rules(settings)[0],
        nba=make_nba(settings, None),
        lang=settings.language,
        reason_lang=settings.language,
        nba_timeout_s=settings.nba_timeout_s,
    )
    out = io.StringIO()
    asyncio.run(print_timeline(StdinFeed(io.BytesIO(stdin)), session, out))
    return out.getvalue()


def _summary(stderr: str) -> tuple[int, int, int, str]:
    """(logged, waiting in the spool, lost, call ref) from the last line on stderr."""
    match = SUMMARY_NL.match(stderr.strip().splitlines()[-1])
    assert match, stderr
    logged, waiting, lost, call_ref = match.groups()
    return int(logged), int(waiting), int(lost or 0), call_ref


def _changes(timeline: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    """Each (suggestion, verdict, rules) the timeline shows that differs from what was shown
    for that suggestion before, in call order: what the decision log must hold."""
    last: dict[str, tuple[str, list[str]]] = {}
    changes = []
    for line in timeline:
        for d in line["decisions"]:
            if last.get(d["suggestion_id"]) != (d["verdict"], d["rules"]):
                last[d["suggestion_id"]] = (d["verdict"], d["rules"])
                changes.append((d["suggestion_id"], d["verdict"], d["rules"]))
    return changes


def _assert_nothing_said(records: list[Any], timeline: list[dict[str, Any]]) -> None:
    said = [o["text"] for o in timeline] + [e["text"] for o in timeline for e in o["events"]]
    said += ["overleden", "huur", "adres"]
    assert said
    for record in records:
        for words in said:
            assert words not in str(record), (words, record)


def test_a_stdin_call_keeps_the_decision_log_without_what_was_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", url)
    stdin = _stdin(LINES)
    proc = _live(stdin)
    assert proc.returncode == 0, proc.stderr
    # The timeline on stdout is what it is without a log; the summary goes to stderr.
    assert proc.stdout.decode() == _timeline_without_a_log(stdin)
    timeline = [json.loads(line) for line in proc.stdout.decode().splitlines()]

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            raw = [tuple(r) for r in conn.execute(text("SELECT * FROM decision"))]
            calls = {r[0] for r in conn.execute(text("SELECT DISTINCT call_ref FROM decision"))}
        assert len(calls) == 1, calls  # one call, one call ref
        (call_ref,) = calls
        rows = DecisionLog(engine, "desk-1").for_call(call_ref)
    finally:
        engine.dispose()
    assert [(r.suggestion_id, r.verdict, r.rules) for r in rows] == _changes(timeline)
    assert len(raw) == len(rows) > 0
    assert _summary(proc.stderr.decode()) == (len(rows), 0, 0, call_ref)
    assert {r.desk_id for r in rows} == {"desk-1"}
    credit = [r for r in rows if r.action_id == "bank.sales.credit-card" and r.verdict == "block"]
    assert credit
    assert "vulnerability.no-credit" in credit[0].rules
    assert {"bereavement", "financial_difficulty"} <= set(credit[0].event_types)
    _assert_nothing_said(raw, timeline)
    assert not (tmp_path / "data" / "spool" / "decisions-desk-1.jsonl").exists()


def _database_away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite file whose directory cannot exist (its parent is a file): never reachable."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", f"sqlite:///{blocker / 'desk.db'}")


def _spooled(tmp_path: Path) -> list[dict[str, Any]]:
    spool = tmp_path / "data" / "spool" / "decisions-desk-1.jsonl"
    lines = spool.read_text().splitlines() if spool.exists() else []
    return [row for line in lines for row in json.loads(line)["rows"]]


def test_with_the_database_away_the_call_goes_on_and_its_decisions_wait_in_the_spool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _database_away(tmp_path, monkeypatch)
    stdin = _stdin(LINES)
    proc = _live(stdin)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == _timeline_without_a_log(stdin)
    timeline = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in timeline] == ["u1", "u2", "u3"]
    stderr = proc.stderr.decode()

    spooled = _spooled(tmp_path)
    assert [(r["suggestion_id"], r["verdict"], r["rules"]) for r in spooled] == _changes(timeline)
    assert len({r["call_ref"] for r in spooled}) == 1
    _assert_nothing_said(spooled, timeline)
    # The summary says all of them wait in the spool.
    assert _summary(stderr) == (len(spooled), len(spooled), 0, spooled[0]["call_ref"])
    # Said once, in the settings language (Dutch by default), however many batches waited.
    assert stderr.count("beslislog: database onbereikbaar") == 1


def test_what_waits_in_the_spool_is_written_when_the_next_call_ends_and_the_database_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _database_away(tmp_path, monkeypatch)
    first = _live(_stdin(LINES))
    assert first.returncode == 0, first.stderr
    _, waiting, _, call_ref = _summary(first.stderr.decode())
    assert waiting > 0

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", url)
    second = _live(b"", "--lang", "en")  # a call without a word: nothing new to log
    assert second.returncode == 0, second.stderr
    assert second.stdout == b""
    summary = second.stderr.decode().strip().splitlines()[-1]
    assert re.fullmatch(r"decisions logged: 0 \(0 waiting in the spool\); call \w+", summary)

    engine = make_engine(url)
    try:
        assert len(DecisionLog(engine, "desk-1").for_call(call_ref)) == waiting
    finally:
        engine.dispose()
    assert not (tmp_path / "data" / "spool" / "decisions-desk-1.jsonl").exists()


def test_when_the_log_itself_fails_it_is_said_once_and_the_timeline_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _database_away(tmp_path, monkeypatch)
    # ... and no spool either: the desk's data directory cannot be made.
    monkeypatch.setenv("AGENT_DESK_DATA_DIR", str(tmp_path / "not-a-directory" / "data"))
    stdin = _stdin(LINES)
    proc = _live(stdin)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == _timeline_without_a_log(stdin)
    timeline = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    stderr = proc.stderr.decode()
    assert stderr.count("beslislog: beslissingen konden niet worden opgeslagen") == 1
    assert "Traceback" not in stderr
    logged, waiting, lost, _ = _summary(stderr)
    assert (logged, waiting, lost) == (0, 0, len(_changes(timeline)))


# -- what goes wrong is said in the language setting (Dutch by default) --


def _said(args: list[str], lang: str, stdin: bytes = b"", **env: str) -> tuple[int, list[str]]:
    """Exit status and stderr lines of the real CLI for a user whose language is ``lang``."""
    proc = subprocess.run(
        [sys.executable, "-m", "agent_desk", *args], input=stdin, capture_output=True,
        env={**os.environ, "AGENT_DESK_LANGUAGE": lang, **env}, timeout=120, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stderr.decode().splitlines()


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "probleem met de bron: stdin line 3: not valid JSON (Expecting value)"),
        ("en", "feed problem: stdin line 3: not valid JSON (Expecting value)"),
    ],
)
def test_a_feed_problem_is_said_in_the_user_s_language(lang: str, line: str) -> None:
    status, said = _said(["live", "--stdin"], lang, _stdin(LINES))
    assert status == 0
    # The lead-in is ours; what the feed says about its input is the feed's own words.
    assert line in said


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", ["Fout: kies één van --stdin, --sse, --connect",
                "Zie 'python -m agent_desk live --help' voor hulp.",
                "Fout: noem een live bron: --stdin, --sse URL of --connect",
                "Zie 'python -m agent_desk live --help' voor hulp."]),
        ("en", ["Error: choose one of --stdin, --sse, --connect",
                "Try 'python -m agent_desk live --help' for help.",
                "Error: name a live source: --stdin, --sse URL or --connect",
                "Try 'python -m agent_desk live --help' for help."]),
    ],
)  # fmt: skip
def test_live_says_which_source_to_name_in_the_user_s_language(
    lang: str, expected: list[str]
) -> None:
    said: list[str] = []
    for args in (["live", "--stdin", "--connect"], ["live", "--no-ui"]):
        status, lines = _said(args, lang)
        assert status == 2  # a usage error, as Click's own
        said += lines
    assert said == expected


BROKEN_RULES = "id: x\nversion: 1\nstatus: draft\nrules: [{id: a, dimension: trust}]\n"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", ["Fout: {rules}:4 [rules[a].when]: verplicht veld ontbreekt",
                "{rules}:4 [rules[a].verdict]: verplicht veld ontbreekt",
                "{rules}:4 [rules[a].explain]: verplicht veld ontbreekt"]),
        ("en", ["Error: {rules}:4 [rules[a].when]: required field is missing",
                "{rules}:4 [rules[a].verdict]: required field is missing",
                "{rules}:4 [rules[a].explain]: required field is missing"]),
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["live", "--stdin"], id="live"),
        pytest.param(["replay", "nl-demo-bereavement", "--no-ui", "--fast"], id="replay"),
    ],
)
def test_a_broken_rules_file_setting_is_said_in_the_user_s_language_without_a_traceback(
    tmp_path: Path, args: list[str], lang: str, expected: list[str]
) -> None:
    rules = tmp_path / "draft.yaml"
    rules.write_text(BROKEN_RULES, encoding="utf-8")
    status, said = _said(args, lang, AGENT_DESK_RULES_FILE=str(rules))
    assert status == 1
    assert said == [e.format(rules=rules) for e in expected]


def test_an_announced_call_id_names_the_call_in_the_decision_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The platform's call_started names the call, so a supervisor finds the decisions under
    the platform's own call id; a stream that never announced its call gets a fresh id (not the
    feed's made-up "stdin", which every such call would share)."""
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", url)
    announced = _stdin([{"type": "call_started", "call_id": "contact-7781"}, *LINES])
    assert _live(announced).returncode == 0
    assert _live(_stdin(LINES)).returncode == 0
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            calls = {r[0] for r in conn.execute(text("SELECT DISTINCT call_ref FROM decision"))}
    finally:
        engine.dispose()
    assert "contact-7781" in calls
    assert len(calls) == 2
    assert "stdin" not in calls
