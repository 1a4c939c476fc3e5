"""`agent-desk review | purge | export | kpis` against a real database (SQLite and PostgreSQL),
as the user in the settings: each refuses a role that may not, and does the job for one that may."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_desk.cli import main
from agent_desk.db.decisions import DecisionLog
from agent_desk.db.models import DecisionRecord
from agent_desk.db.oversight import OversightLog
from tests.support.records import CARD, HELD, add_users


@pytest.fixture
def desk(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A shared database with a supervisor, an ombudsman, a trainer, and a day of work."""
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", db_url)
    monkeypatch.setenv("AGENT_DESK_LANGUAGE", "en")
    add_users(engine, sanne="supervisor", olga="ombudsman", tom="trainer")
    DecisionLog(engine, "desk-4").record("call-7", [(CARD, HELD)], event_types=["bereavement"])
    log = OversightLog(engine, "desk-4")
    log.record_override("call-7", CARD, HELD, "Klant vroeg erom, bel 06-12345678", ["bereavement"])
    log.record_brake("call-8", "Klant in paniek", "default@1.0.0", ["job_loss"])
    return engine


def _run(user: str, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"AGENT_DESK_USER": user})


@pytest.mark.parametrize(
    ("user", "args"),
    [
        ("agent-1", ("review",)),
        ("tom", ("review", "close", "brake", "1", "--note", "klaar")),
        ("olga", ("purge", "--older-than", "30")),
        ("agent-1", ("export", "--call", "call-7")),
        ("tom", ("kpis",)),
    ],
)
def test_a_role_that_may_not_is_refused(desk: Engine, user: str, args: tuple[str, ...]) -> None:
    result = _run(user, *args)
    assert result.exit_code == 1
    assert "Not allowed" in result.output
    assert repr(user) in result.output
    assert OversightLog(desk, "x").review_queue()[0].status == "open"


def test_review_lists_open_cases_with_context_and_closes_one(desk: Engine) -> None:
    listed = _run("olga", "review")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith("override #1 [open]")
    assert "desk desk-4, call call-7, rules default@1.0.0" in lines[0]
    assert "  rules: vulnerability.no-commercial" in lines
    assert "  life events: bereavement" in lines
    assert "  reason: Klant vroeg erom, bel [TEL]" in lines
    assert any(line.startswith("emergency brake #1 [open]") for line in lines)

    closed = _run("sanne", "review", "close", "override", "1", "--note", "Terecht, zie a@b.nl")
    assert closed.exit_code == 0, closed.output
    assert "Closed override #1." in closed.output
    assert "override #1" not in _run("sanne", "review").output
    everything = _run("sanne", "review", "--all").output
    assert "override #1 [closed]" in everything
    assert "by sanne: Terecht, zie [E-MAIL]" in everything

    again = _run("olga", "review", "close", "override", "1", "--note", "Nogmaals bekeken")
    assert again.exit_code == 1
    assert "was already closed" in again.output
    missing = _run("olga", "review", "close", "brake", "99", "--note", "Bestaat niet")
    assert missing.exit_code == 1
    assert "No emergency brake with id 99" in missing.output


def _set_aside_in_call_9(desk: Engine) -> None:
    """The rules heard a separation in call 9; the classifier set it aside; the agent overrode."""
    held = HELD.model_copy(update={"decision_id": "d-99"})
    DecisionLog(desk, "desk-4").record(
        "call-9", [(CARD, held)], event_types=["job_loss"], set_aside_types=["separation"]
    )
    OversightLog(desk, "desk-4").record_override(
        "call-9", CARD, held, "Klant vroeg erom", ["job_loss"]
    )


def test_review_and_export_say_what_the_classifier_set_aside_only_when_it_did(
    desk: Engine, tmp_path: Path
) -> None:
    _set_aside_in_call_9(desk)
    lines = _run("olga", "review").output.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("override #2 [open]"))
    assert lines[top + 3 : top + 5] == [
        "  life events: job loss",
        "  set aside by the classifier (not counted): separation",
    ]
    # Call 7's override: nothing was set aside, so nothing is said about it.
    assert sum("set aside" in line for line in lines) == 1
    dutch = CliRunner().invoke(
        main, ["review"], env={"AGENT_DESK_USER": "olga", "AGENT_DESK_LANGUAGE": "nl"}
    )
    assert "  door de classifier terzijde gelegd (telt niet mee): scheiding" in dutch.output
    exported = json.loads(_run("olga", "export", "--call", "call-9").stdout)
    (decision,) = exported["decisions"]
    assert (decision["event_types"], decision["set_aside_types"]) == (["job_loss"], ["separation"])
    (nothing_aside,) = json.loads(_run("olga", "export", "--call", "call-7").stdout)["decisions"]
    assert nothing_aside["set_aside_types"] == []


def test_a_closing_note_needs_the_same_ten_characters_as_in_the_screen(desk: Engine) -> None:
    from agent_desk.notes import MIN_CLOSE_NOTE_CHARS

    assert MIN_CLOSE_NOTE_CHARS == 10
    short = _run("olga", "review", "close", "brake", "1", "--note", "kort")
    assert short.exit_code == 1
    assert "The closing note (--note) must be at least 10 characters" in short.output
    padded = _run("olga", "review", "close", "brake", "1", "--note", "   kort    ")
    assert padded.exit_code == 1  # spaces are no explanation, as in the dialog
    assert OversightLog(desk, "x").brakes(status="open")[0].id == 1
    dutch = CliRunner().invoke(
        main,
        ["review", "close", "brake", "1", "--note", "kort"],
        env={"AGENT_DESK_USER": "olga", "AGENT_DESK_LANGUAGE": "nl"},
    )
    assert dutch.exit_code == 1
    assert dutch.output.strip() == (
        "Fout: De afsluitende notitie (--note) moet minstens 10 tekens hebben: "
        "wat hebt u gevonden en wat is er gedaan?"
    )
    enough = _run("olga", "review", "close", "brake", "1", "--note", "Klant gebeld")
    assert enough.exit_code == 0, enough.output
    assert OversightLog(desk, "x").brakes(status="closed")[0].closing_note == "Klant gebeld"


@pytest.mark.parametrize(
    ("user", "args", "said"),
    [
        ("agent-1", ("review",), "'agent-1' (medewerker) mag geen zaken beoordelen"),
        ("olga", ("purge", "--older-than", "30"), "'olga' (ombudsman) mag geen gegevens opschonen"),
        ("tom", ("kpis",), "'tom' (trainer) mag de KPI's niet inzien"),
    ],
)
def test_a_refusal_is_said_in_dutch(
    desk: Engine, user: str, args: tuple[str, ...], said: str
) -> None:
    result = CliRunner().invoke(
        main, list(args), env={"AGENT_DESK_USER": user, "AGENT_DESK_LANGUAGE": "nl"}
    )
    assert result.exit_code == 1
    assert result.output.strip() == f"Fout: Niet toegestaan: {said}"


def test_purge_dry_run_then_purge(desk: Engine) -> None:
    with Session(desk) as session:
        row = session.get(DecisionRecord, 1)
        assert row is not None
        row.created_at = datetime.now(UTC) - timedelta(days=400)
        session.add(row)
        session.commit()
    dry = _run("sanne", "purge", "--older-than", "365", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Dry run: would purge data older than 365 day(s)" in dry.output
    assert "  decisions: 1" in dry.output
    assert len(DecisionLog(desk, "x").for_call("call-7")) == 1
    done = _run("sanne", "purge", "--older-than", "365")
    assert done.exit_code == 0, done.output
    assert "  decisions: 1" in done.output
    assert "Open cases are kept: 0." in done.output
    assert DecisionLog(desk, "x").for_call("call-7") == []


def test_export_writes_an_access_request_file(desk: Engine, tmp_path: Path) -> None:
    out = tmp_path / "request-17.json"
    result = _run("olga", "export", "--call", "call-7", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "1 decisions, 0 reactions, 1 overrides, 0 brakes, 0 consents" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["call_ref"] == "call-7"
    assert data["overrides"][0]["reason"] == "Klant vroeg erom, bel [TEL]"
    to_stdout = _run("olga", "export", "--call", "call-8")
    assert json.loads(to_stdout.stdout)["brakes"][0]["event_types"] == ["job_loss"]
    assert "Nothing is stored" in _run("olga", "export", "--call", "nope").stderr


def test_kpis_in_words_and_as_json(desk: Engine) -> None:
    words = _run("olga", "kpis", "--since", "7")
    assert words.exit_code == 0, words.output
    assert "(never per agent or desk)" in words.output
    assert (
        "Harmful offers prevented (held or blocked during a vulnerable moment): 1" in words.output
    )
    assert "  vulnerability.no-commercial: 1" in words.output
    assert "desk-4" not in words.output
    data = json.loads(_run("sanne", "kpis", "--json").stdout)
    assert data["harmful_prevented"] == 1
    assert data["brake_pulls"] == 1
    assert data["since"] is None


def test_a_database_that_is_away_is_said_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", f"postgresql+psycopg://x@127.0.0.1:{port}/x")
    monkeypatch.setenv("AGENT_DESK_LANGUAGE", "en")
    result = _run("sanne", "kpis")
    assert result.exit_code == 1
    assert "The database is not reachable:" in result.output
    assert "Traceback" not in result.output
