"""`agent-desk fixtures check`: the shipped library passes; broken files fail usefully, one line per
problem with file, line and field, and never a traceback; in the ``language`` setting (Dutch by
default), so tests that read English text ask for English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent_desk.library.check import check_paths
from agent_desk.paths import catalog_dir, conversations_dir, fixtures_dir
from nlp.types import EventType

GOOD = """\
id: tiny
title: A tiny call
lang: en
org: bank
utterances:
  - {id: u1, t: 0, speaker: agent, text: "Good morning, how can I help?"}
  - id: u2
    t: 3.5
    speaker: customer
    text: "My husband passed away last month."
    events: [{type: bereavement, text: passed away}]
suggestions:
  - {at: u2, action: bank.care.bereavement-support, acceptable: [show, guide]}
"""


def _cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_desk", "fixtures", "check", *args],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "AGENT_DESK_LANGUAGE": lang},
    )  # fmt: skip


def test_shipped_library_is_valid_and_complete() -> None:
    report = check_paths([fixtures_dir()])
    assert report.problems == []
    convs = list(report.conversations.values())
    assert len(convs) >= 30
    assert sum(c.lang == "nl" for c in convs) >= 15
    assert sum(c.lang == "en" for c in convs) >= 12
    assert set().union(*(c.event_types() for c in convs)) == set(EventType)
    flags = {
        flag
        for c in convs
        for u in c.utterances
        for e in u.events
        for flag in ("negated", "hypothetical", "historical")
        if getattr(e, flag)
    } | {"other" for c in convs for u in c.utterances for e in u.events if e.experiencer == "other"}
    assert flags == {"negated", "hypothetical", "historical", "other"}
    assert any(not c.event_types() for c in convs), "calls with no life event at all"
    assert any(c.customer.opted_out_of_offers for c in convs)


def test_catalog_has_thirty_bilingual_actions_across_all_kinds() -> None:
    from agent_desk.library.catalog import load_catalogs

    actions = load_catalogs(catalog_dir())
    assert len(actions) >= 30
    assert {a.kind.value for a in actions.values()} == {
        "sales", "retention", "service", "care", "advice", "referral", "collections",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "ok"),
    [
        ("en", "ok: {files} file(s), {conversations} conversation(s)"),
        ("nl", "in orde: {files} bestand(en), {conversations} gesprek(ken)"),
    ],
)
def test_cli_passes_on_the_library(lang: str, ok: str) -> None:
    report = check_paths([fixtures_dir()])
    proc = _cli(lang=lang)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ok.format(
        files=report.files, conversations=len(report.conversations)
    )


def test_every_problem_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "conversations" / "broken.yaml"
    bad.parent.mkdir()
    bad.write_text(
        GOOD.replace("speaker: customer", "speaker: klant")
        .replace("action: bank.care.bereavement-support", "action: bank.care.nope")
        .replace("lang: en", "lang: en\ncolour: blue")
    )
    proc = _cli(str(bad))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert any(f"{bad}:4 [colour]" in line and "unknown field" in line for line in lines)
    assert any(f"{bad}:10 [utterances.1.speaker]" in line for line in lines)
    assert "1 problem(s)" in lines[-1] or "problem(s)" in lines[-1]


def test_unknown_action_is_a_cross_check_problem(tmp_path: Path) -> None:
    bad = tmp_path / "conversations" / "x.yaml"
    bad.parent.mkdir()
    bad.write_text(GOOD.replace("bank.care.bereavement-support", "bank.care.nope"))
    proc = _cli(str(bad))
    assert proc.returncode == 1
    assert f"{bad}:13 [suggestions.0.action]: unknown catalogue action 'bank.care.nope'" in (
        proc.stderr
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", [
            "{bad}:10 [utterances.1.speaker]: moet een van deze waarden zijn: 'customer', "
            "'agent', 'system'",
            "{bad}:4 [colour]: onbekend veld (controleer de spelling)",
            "{empty}: het bestand is leeg",
            "{twin}:1 [id]: id 'tiny' komt twee keer voor",
            "{nope}:13 [suggestions.0.action]: onbekende actie 'bank.care.nope': die staat in "
            "geen enkele catalogus",
            "5 probleem/problemen in 4 bestand(en)",
        ]),
        ("en", [
            "{bad}:10 [utterances.1.speaker]: must be one of these values: 'customer', "
            "'agent', 'system'",
            "{bad}:4 [colour]: unknown field (check the spelling)",
            "{empty}: file is empty",
            "{twin}:1 [id]: id 'tiny' is used twice",
            "{nope}:13 [suggestions.0.action]: unknown catalogue action 'bank.care.nope'",
            "5 problem(s) in 4 file(s)",
        ]),
    ],
)  # fmt: skip
def test_every_problem_and_the_summary_are_said_in_the_user_s_language(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    folder = tmp_path / "conversations"
    folder.mkdir()
    bad = folder / "broken.yaml"
    bad.write_text(
        GOOD.replace("speaker: customer", "speaker: klant").replace(
            "lang: en", "lang: en\ncolour: blue"
        )
    )
    empty = folder / "empty.yaml"
    empty.write_text("")
    nope = folder / "nope.yaml"
    nope.write_text(GOOD.replace("bank.care.bereavement-support", "bank.care.nope"))
    twin = folder / "twin.yaml"
    twin.write_text(GOOD)
    proc = _cli(str(folder), lang=lang)
    assert proc.returncode == 1
    assert proc.stdout == ""
    files = {"bad": bad, "empty": empty, "nope": nope, "twin": twin}
    assert proc.stderr.splitlines() == [e.format(**files) for e in expected]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id: [unclosed\n", "invalid YAML"),
        (b"\xff\xfe\x00garbage", "not valid UTF-8"),
        (b"", "file is empty"),
        (GOOD.replace("passed away}", "gone}").encode(), "does not occur in the text"),
        (GOOD.replace("t: 3.5", "t: -1").encode(), "[utterances.1.t]"),
    ],
)
def test_broken_files_fail_usefully(tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "conversations" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_bytes(content)
    report = check_paths([bad], catalog_folder=catalog_dir())
    assert report.problems
    assert any(expected in str(p) for p in report.problems), [str(p) for p in report.problems]


def test_good_file_passes(tmp_path: Path) -> None:
    good = tmp_path / "conversations" / "tiny.yaml"
    good.parent.mkdir()
    good.write_text(GOOD)
    assert check_paths([good]).problems == []


def test_library_files_are_named_after_their_id() -> None:
    for path in conversations_dir().glob("*.yaml"):
        report = check_paths([path])
        (conv,) = report.conversations.values()
        assert conv.id == path.stem
