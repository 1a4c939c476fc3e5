"""`agent-desk users add | list | deactivate` on SQLite and PostgreSQL: the first user must be a
supervisor, after that only supervisors manage users, and the last supervisor stays."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from agent_desk.auth import Role, role_of
from agent_desk.cli import main


@pytest.fixture
def db(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", db_url)
    return engine


def _run(user: str, *args: str, lang: str = "en") -> Result:
    env = {"AGENT_DESK_USER": user, "AGENT_DESK_LANGUAGE": lang}
    return CliRunner().invoke(main, ["users", *args], env=env)


def test_the_first_user_must_be_a_supervisor_then_supervisors_add_the_rest(db: Engine) -> None:
    empty = _run("agent", "list")
    assert empty.exit_code == 0
    assert "The first one must be a supervisor" in empty.stdout

    wrong = _run("agent", "add", "tom", "--role", "trainer")
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith("the first user must be a supervisor")
    assert role_of(db, "tom") is Role.AGENT

    first = _run("agent", "add", "ans", "--role", "supervisor")
    assert (first.exit_code, first.stdout.strip()) == (0, "ans added as supervisor")

    refused = _run("tom", "add", "tom", "--role", "supervisor")  # no self-promotion
    assert refused.exit_code == 1
    assert refused.stderr.strip() == "'tom' (agent) may not manage users"
    dutch = _run("tom", "add", "tom", "--role", "supervisor", lang="nl")
    assert dutch.exit_code == 1
    assert dutch.stderr.strip() == "'tom' (medewerker) mag geen gebruikers beheren"
    assert role_of(db, "tom") is Role.AGENT

    assert _run("ans", "add", "tom", "--role", "trainer").exit_code == 0
    assert _run("ans", "add", "olga", "--role", "ombudsman").exit_code == 0
    assert role_of(db, "tom") is Role.TRAINER
    twice = _run("ans", "add", "tom", "--role", "supervisor")
    assert twice.exit_code == 1
    assert "already exists (trainer)" in twice.stderr

    listed = _run("ans", "list", lang="nl")
    assert listed.exit_code == 0
    rows = [line.split(" | ")[:3] for line in listed.stdout.splitlines()]
    assert rows == [
        ["naam", "rol", "actief"],
        ["ans", "supervisor", "ja"], ["olga", "ombudsman", "ja"], ["tom", "trainer", "ja"],
    ]  # fmt: skip
    assert _run("olga", "list").exit_code == 1


def test_deactivate_keeps_the_name_and_the_last_supervisor(db: Engine) -> None:
    _run("agent", "add", "ans", "--role", "supervisor")
    _run("ans", "add", "tom", "--role", "trainer")

    last = _run("ans", "deactivate", "ans")
    assert last.exit_code == 1
    assert "last active supervisor" in last.stderr
    assert role_of(db, "ans") is Role.SUPERVISOR

    gone = _run("ans", "deactivate", "tom")
    assert (gone.exit_code, gone.stdout.strip()) == (
        0,
        "tom deactivated: from now on they act as an agent",
    )
    assert role_of(db, "tom") is Role.AGENT
    assert _run("ans", "deactivate", "nobody").stderr.strip() == "no user named nobody"
    assert _run("tom", "deactivate", "ans").exit_code == 1

    back = _run("ans", "add", "tom", "--role", "ombudsman")
    assert (back.exit_code, back.stdout.strip()) == (0, "tom is active again, as ombudsman")
    assert role_of(db, "tom") is Role.OMBUDSMAN
    bad = _run("ans", "add", "Jan de Vries", "--role", "agent")
    assert bad.exit_code == 1
    assert "user name" in bad.stderr
