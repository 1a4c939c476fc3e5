"""Every command that opens a screen refuses at once, with a clear message in the configured
language and a non-zero exit, when stdin or stdout is not a terminal (a pipe, a file, /dev/null).
Before, `agent-desk supervise < /dev/null | tail` spun at full CPU and never ended."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SCREENS = [
    pytest.param([], id="default-call-screen"),
    pytest.param(["run"], id="run"),
    pytest.param(["supervise"], id="supervise"),
    pytest.param(["train"], id="train"),
    pytest.param(["replay", "nl-demo-bereavement"], id="replay"),
    pytest.param(["live", "--sse", "http://127.0.0.1:9/calls/1/events"], id="live-sse"),
]


def _run(args: list[str], lang: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "AGENT_DESK_LANGUAGE": lang}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "agent_desk", *args],
        stdin=subprocess.DEVNULL, capture_output=True,  # stdout is a pipe, not a terminal
        text=True, env=env, cwd=REPO, timeout=60, check=False,
    )  # fmt: skip
    return proc, time.monotonic() - started


@pytest.mark.parametrize("args", SCREENS)
def test_a_screen_without_a_terminal_is_refused_at_once(args: list[str]) -> None:
    proc, seconds = _run(args, "nl")
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Dit scherm heeft een terminal nodig" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""  # no escape codes poured into the pipe
    assert seconds < 30


def test_the_refusal_follows_the_language_and_names_what_works_without_a_screen() -> None:
    proc, _ = _run(["supervise"], "en")
    assert proc.returncode == 1
    assert "This screen needs a terminal" in proc.stderr
    assert "agent-desk rules, review and kpis" in proc.stderr
    replay, _ = _run(["replay", "nl-demo-bereavement"], "en")
    assert "add --no-ui" in replay.stderr


def test_the_same_commands_without_a_screen_still_work_in_a_pipe() -> None:
    proc, _ = _run(["replay", "nl-demo-bereavement", "--no-ui", "--fast"], "nl")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.lstrip().startswith("{")


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "Fout: geen-gesprek: er is geen bestand en geen gesprek in de bibliotheek met deze "
               "naam"),
        ("en", "Error: geen-gesprek: no such file or library conversation"),
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["run", "geen-gesprek"], id="run"),
        pytest.param(["replay", "geen-gesprek"], id="replay"),
        pytest.param(["replay", "geen-gesprek", "--no-ui"], id="replay-no-ui"),
    ],
)
def test_a_conversation_that_is_not_there_is_said_in_the_user_s_language(
    args: list[str], lang: str, line: str
) -> None:
    proc, _ = _run(args, lang)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [line]
