"""Every command that reads the settings says why it cannot, when it cannot, in the user's
language (``AGENT_DESK_LANGUAGE``, Dutch by default): one line per setting, exit 1, no traceback.
Run as a user runs them, in a child process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent_desk.paths import default_rules
from tests.support.cli import run_agent_desk

COMMANDS = [
    pytest.param(["config"], "Fout: ", "Error: ", id="config"),
    pytest.param(["review"], "Fout: ", "Error: ", id="review"),
    pytest.param(["kpis"], "Fout: ", "Error: ", id="kpis"),
    pytest.param(["run"], "Fout: ", "Error: ", id="run"),
    pytest.param(["supervise"], "Fout: ", "Error: ", id="supervise"),
    pytest.param(["replay", "nl-demo-bereavement", "--no-ui"], "Fout: ", "Error: ", id="replay"),
    pytest.param(["live", "--stdin"], "Fout: ", "Error: ", id="live"),
    pytest.param(["rules", "dry-run", str(default_rules())], "Fout: ", "Error: ", id="dry-run"),
    # The rule store's and the users' commands say their errors without a lead-in.
    pytest.param(["rules", "history"], "", "", id="rules-history"),
    pytest.param(["users", "list"], "", "", id="users-list"),
]

SAID = {
    "nl": "{file} of AGENT_DESK_COLOUR: [colour] onbekende instelling (gekregen: 'blue')",
    "en": "{file} or AGENT_DESK_COLOUR: [colour] unknown setting (got 'blue')",
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("args", "nl", "en"), COMMANDS)
def test_a_command_says_why_the_settings_cannot_be_read_in_the_user_s_language(
    tmp_path: Path, lang: str, args: list[str], nl: str, en: str
) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('colour = "blue"\n', encoding="utf-8")
    env = {**os.environ, "AGENT_DESK_CONFIG_FILE": str(settings), "AGENT_DESK_LANGUAGE": lang}
    proc = run_agent_desk(args, env)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert proc.stdout == ""
    lead = nl if lang == "nl" else en
    assert proc.stderr.splitlines() == [lead + SAID[lang].format(file=settings)]
