"""`agent-desk rules draft | approve | publish | history | export` against a real database
(SQLite and PostgreSQL), as the user in the settings: the whole four-eyes workflow from the
command line, and every failure as clear lines on stderr with exit status 1."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_desk.cli import main
from agent_desk.db.models import UserRecord
from agent_desk.db.rulesets import RuleRepository
from agent_desk.paths import default_rules

TESTS = """
cases:
  - id: nl-rouw-creditcard
    lang: nl
    conversation:
      - customer: "Mijn moeder is vorige week overleden."
    suggestion: {id: s1, title: Creditcard, kind: sales, customer_value: 0.3, org_value: 0.8}
    expect: hold
"""


@pytest.fixture
def desk(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("AGENT_DESK_DATABASE_URL", db_url)
    monkeypatch.setenv("AGENT_DESK_LANGUAGE", "en")
    with Session(engine) as session:
        session.add_all(
            [UserRecord(name="ans", role="supervisor"), UserRecord(name="bram", role="supervisor"),
             UserRecord(name="tom", role="trainer")]
        )  # fmt: skip
        session.commit()
    return engine


def _run(user: str, *args: str, lang: str = "en") -> Result:
    env = {"AGENT_DESK_USER": user, "AGENT_DESK_LANGUAGE": lang}
    return CliRunner().invoke(main, list(args), env=env)


def _rules(tmp_path: Path, name: str, version: str, **no_credit: object) -> Path:
    data = yaml.safe_load(default_rules().read_text(encoding="utf-8"))
    data["version"] = version
    for rule in data["rules"]:
        if rule["id"] == "vulnerability.no-credit":
            rule.update(no_credit)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (tmp_path / f"{name}.tests.yaml").write_text(TESTS, encoding="utf-8")
    return path


def test_draft_approve_publish_history_export(desk: Engine, tmp_path: Path) -> None:
    looser = _rules(tmp_path, "looser", "1.1.0", enforcement="warn")
    drafted = _run("ans", "rules", "draft", str(looser))
    assert drafted.exit_code == 0, drafted.output
    assert drafted.stdout.startswith("draft 1: default@1.1.0 (revision 1, 24 rules), by ans")
    assert "vulnerability.no-credit: enforcement enforce -> warn" in drafted.stdout
    assert RuleRepository(desk).get(1).tests_yaml == TESTS  # the sibling tests came along

    refused = _run("ans", "rules", "publish", "1")
    assert refused.exit_code == 1
    lines = refused.stderr.splitlines()
    assert lines[0] == "default@1.1.0 was not published:"
    assert len(lines) == 3
    assert all(line.startswith("- ") for line in lines[1:])

    RuleRepository(desk).record_dry_run(1, "2 verdicts change (2 loosened)", 2, 2, "ans")
    own = _run("ans", "rules", "approve", "1")
    assert own.exit_code == 1
    assert "second supervisor" in own.stderr
    assert len(own.stderr.splitlines()) == 1

    stale = _run("bram", "rules", "approve", "1", "--revision", "7")
    assert stale.exit_code == 1
    assert "revision 1" in stale.stderr
    approved = _run("bram", "rules", "approve", "1", "--revision", "1")
    assert approved.exit_code == 0, approved.output
    assert "approved by bram" in approved.stdout

    published = _run("ans", "rules", "publish", "1")
    assert published.exit_code == 0, published.output
    assert "default@1.1.0 (id 1) published by ans" in published.stdout

    history = _run("tom", "rules", "history")  # reading the history needs no special role
    assert history.exit_code == 0
    out = history.stdout.splitlines()
    assert out[0] == "in force: default@1.1.0 (id 1)"
    assert [line.split()[3:5] for line in out[1:]] == [
        ["ans", "published"], ["bram", "approved"], ["ans", "dry_run"], ["ans", "created"],
    ]  # fmt: skip

    target = tmp_path / "out" / "export.yaml"
    target.parent.mkdir()
    exported = _run("tom", "rules", "export", "1", "-o", str(target))
    assert exported.exit_code == 0
    assert "status: published" in target.read_text(encoding="utf-8")
    shown = _run("tom", "rules", "export", "1")
    assert shown.stdout == target.read_text(encoding="utf-8")


def test_a_refused_publish_and_the_history_are_said_in_dutch(desk: Engine, tmp_path: Path) -> None:
    data = yaml.safe_load(default_rules().read_text(encoding="utf-8"))
    data["version"] = "4.0"
    for rule in data["rules"]:
        if rule["id"] == "vulnerability.no-commercial":
            rule["verdict"] = "guide"  # the credit card after a death: guided, not held
    looser = tmp_path / "looser.yaml"
    looser.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (tmp_path / "looser.tests.yaml").write_text(TESTS, encoding="utf-8")
    assert _run("ans", "rules", "draft", str(looser)).exit_code == 0
    refused = _run("ans", "rules", "publish", "1", lang="nl")
    assert refused.exit_code == 1
    lines = refused.stderr.splitlines()
    assert lines[0] == "default@4.0 is niet gepubliceerd:"
    assert "- regeltest nl-rouw-creditcard faalt: verwacht hold, maar het oordeel is guide" in lines
    assert "expected" not in refused.stderr

    fine = _rules(tmp_path, "fine", "5.0")
    assert _run("ans", "rules", "draft", str(fine)).exit_code == 0
    RuleRepository(desk).record_dry_run(2, "samenvatting", 2, 0, "ans")
    assert _run("bram", "rules", "approve", "2").exit_code == 0
    assert _run("bram", "rules", "publish", "2").exit_code == 0
    history = _run("tom", "rules", "history", lang="nl")
    assert history.exit_code == 0, history.output
    out = history.stdout
    assert "gepubliceerd" in out
    assert "vervangt de meegeleverde standaardregels" in out
    assert "2 oordelen veranderen, 0 daarvan soepeler" in out
    assert "uit fine.yaml; 24 regels; geen regel anders" in out
    assert "uit looser.yaml; 24 regels; ~vulnerability.no-commercial" in out
    for english in ("replaces", "verdicts change", "from ", " rules;"):
        assert english not in out


def test_save_over_a_draft_names_the_revision_and_a_stale_one_is_told(
    desk: Engine, tmp_path: Path
) -> None:
    _run("ans", "rules", "draft", str(_rules(tmp_path, "v", "2.0")))
    edited = _rules(tmp_path, "v2", "2.0", verdict="hold")
    first = _run("ans", "rules", "draft", str(edited), "--update", "1", "--revision", "1")
    assert first.exit_code == 0, first.output
    assert "saved as revision 2 by ans" in first.stdout
    assert "verdict block -> hold" in first.stdout
    second = _run("bram", "rules", "draft", str(edited), "--update", "1", "--revision", "1")
    assert second.exit_code == 1
    assert "was saved by ans" in second.stderr
    assert len(second.stderr.splitlines()) == 1
    missing = _run("bram", "rules", "draft", str(edited), "--update", "1")
    assert missing.exit_code == 1
    assert "--revision is required" in missing.stderr


def test_errors_are_clear_lines_and_exit_1(desk: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\nstatus: draft\nrules:\n  - id: a\n    when: {}\n")
    invalid = _run("ans", "rules", "draft", str(bad))
    assert invalid.exit_code == 1
    assert all(line.startswith(str(bad)) for line in invalid.stderr.splitlines())
    assert "rules[a].verdict" in invalid.stderr

    denied = _run("tom", "rules", "draft", str(_rules(tmp_path, "t", "3.0")))
    assert denied.exit_code == 1
    assert denied.stderr.strip() == "'tom' (trainer) may not edit rules"
    dutch = _run("tom", "rules", "draft", str(_rules(tmp_path, "t", "3.0")), lang="nl")
    assert dutch.exit_code == 1
    assert dutch.stderr.strip() == "'tom' (trainer) mag geen regels wijzigen"

    unclosed = tmp_path / "unclosed.yaml"
    unclosed.write_text("id: x\nversion: [1,\n  2\nstatus: draft\n")
    broken = _run("ans", "rules", "draft", str(unclosed), lang="nl")
    assert broken.exit_code == 1
    assert broken.stderr.strip() == (
        f"{unclosed}:2: ongeldige YAML: did not find expected ',' or ']' "
        "(begint hier; de parser liep vast op rij 4)"
    )

    unknown = _run("ans", "rules", "publish", "99")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "no rule-set version 99 in organisation default"

    dutch = _run("ans", "rules", "publish", "99", lang="nl")
    assert dutch.stderr.strip() == "geen regelset-versie 99 in organisatie default"


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = {
        "AGENT_DESK_USER": "ans",
        "AGENT_DESK_LANGUAGE": "en",
        "AGENT_DESK_DATABASE_URL": "postgresql+psycopg://agentdesk@127.0.0.1:1/gone",
    }
    result = CliRunner().invoke(main, ["rules", "history"], env=env)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("the database cannot be reached (")
