"""A feed or decisioning source that cannot be built (a setting it needs is missing, or no
plugin has the name given) stops the command with one plain line in the user's language,
before any screen opens: exit 1, no traceback. Run as a user runs them, in a child process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.cli import run_agent_desk

NBA_URL = {
    "nl": "Fout: de HTTP-beslisservice heeft de instelling nba_url nodig (AGENT_DESK_NBA_URL)",
    "en": "Error: the HTTP decisioning source needs the setting nba_url (AGENT_DESK_NBA_URL)",
}
FEED_URL = {
    "nl": "Fout: de SSE-bron heeft de instelling feed_url nodig (AGENT_DESK_FEED_URL)",
    "en": "Error: the SSE feed needs the setting feed_url (AGENT_DESK_FEED_URL)",
}
UNKNOWN_SOURCE = {
    "nl": "Fout: geen agent_desk.nba_sources-plugin met de naam 'fax' (bekend: catalog, http, "
    "recorded)",
    "en": "Error: no agent_desk.nba_sources plugin named 'fax' (known: catalog, http, recorded)",
}

CASES = [
    pytest.param(["run"], {"AGENT_DESK_NBA_SOURCE": "http"}, NBA_URL, id="run-nba"),
    pytest.param(["run"], {"AGENT_DESK_FEED": "sse"}, FEED_URL, id="run-feed"),
    pytest.param(
        ["replay", "nl-demo-bereavement"], {"AGENT_DESK_NBA_SOURCE": "http"}, NBA_URL, id="replay"
    ),
    pytest.param(
        ["replay", "nl-demo-bereavement", "--no-ui"],
        {"AGENT_DESK_NBA_SOURCE": "fax"},
        UNKNOWN_SOURCE,
        id="replay-timeline",
    ),
    pytest.param(["live", "--stdin"], {"AGENT_DESK_NBA_SOURCE": "http"}, NBA_URL, id="live"),
]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("args", "settings", "said"), CASES)
def test_a_feed_or_source_that_cannot_be_built_is_refused_in_plain_words(
    tmp_path: Path, lang: str, args: list[str], settings: dict[str, str], said: dict[str, str]
) -> None:
    env = {
        **os.environ,
        **settings,
        "AGENT_DESK_CONFIG_FILE": str(tmp_path / "absent.toml"),
        "AGENT_DESK_DATA_DIR": str(tmp_path),
        "AGENT_DESK_LANGUAGE": lang,
    }
    proc = run_agent_desk(args, env)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [said[lang]]
