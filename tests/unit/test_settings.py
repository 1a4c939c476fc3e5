"""Settings: TOML file, AGENT_DESK_* environment variables, AGENT_DESK_CONFIG_FILE override,
and readable errors that name the file and the field."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from agent_desk.settings import SettingsError, config_file, load_settings


def test_defaults_are_the_embedded_product(tmp_path: Path) -> None:
    s = load_settings()
    assert s.language == "nl"
    assert s.feed == "replay"
    assert s.nba_source == "catalog"
    assert s.database_url == f"sqlite:///{tmp_path / 'data' / 'agent-desk.db'}"


def test_file_then_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    config_file().write_text('language = "en"\nnba_timeout_s = 1.5\ndesk_id = "desk-42"\n')
    monkeypatch.setenv("AGENT_DESK_DESK_ID", "desk-from-env")
    s = load_settings()
    assert s.language == "en"
    assert s.nba_timeout_s == 1.5
    assert s.desk_id == "desk-from-env"


def test_postgres_url_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", "postgresql+psycopg://desk@db.example/agentdesk")
    assert load_settings().database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('language = "fr"\n', "[language]"),
        ('langauge = "en"\n', "unknown setting"),
        ("nba_timeout_s = -1\n", "[nba_timeout_s]"),
        ('database_url = "mysql://x"\n', "sqlite:///"),
        ("language = \n", "invalid TOML"),
    ],
)
def test_bad_settings_file_names_file_and_field(content: str, expected: str) -> None:
    config_file().write_text(content)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert expected in str(info.value)
    assert str(config_file()) in str(info.value)


@pytest.mark.parametrize(
    ("lang", "comment"),
    [("nl", "# configuratiebestand: {file}"), ("en", "# config file: {file}")],
)
def test_agent_desk_config_says_where_the_file_is_in_the_user_s_language_as_toml(
    lang: str, comment: str
) -> None:
    env = {**os.environ, "AGENT_DESK_LANGUAGE": lang}
    proc = subprocess.run(
        [sys.executable, "-m", "agent_desk", "config"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first == comment.format(file=config_file())
    assert tomllib.loads(first) == {}  # still a TOML comment
    assert f"language = '{lang}'" in proc.stdout.splitlines()
