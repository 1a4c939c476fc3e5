"""The rule store on SQLite and PostgreSQL: drafts, concurrent edits, the publish workflow with
its four-eyes rule for loosening protective rules, history, and the rules a desk runs on when
the database is there, when it went away, and when it never was."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_desk.auth import PermissionDenied
from agent_desk.db.engine import make_engine
from agent_desk.db.models import UserRecord
from agent_desk.db.rulesets import (
    ConcurrentEdit,
    PublishRefused,
    RuleRepository,
    RuleStoreError,
    compile_version,
)
from agent_desk.paths import default_rules
from agent_desk.rulesource import cache_path, load_active_rules
from agent_desk.settings import Settings
from guards.rules import RuleSetError, load_rule_set

DEFAULT_TEXT = default_rules().read_text(encoding="utf-8")
#: Nothing listens here: a database that went away.
GONE = "postgresql+psycopg://agentdesk@127.0.0.1:1/gone"

#: Rule tests stored with a version (faster than the shipped 63 and independent of them).
SMALL_TESTS = """
cases:
  - id: nl-rouw-creditcard
    lang: nl
    conversation:
      - customer: "Mijn moeder is vorige week overleden."
    suggestion: {id: s1, title: Creditcard, kind: sales, customer_value: 0.3, org_value: 0.8}
    expect: hold
    fires: [vulnerability.no-commercial]
  - id: en-neutral-savings
    lang: en
    conversation:
      - customer: "I'd like to open a savings account."
    suggestion: {id: s2, title: Savings, kind: sales, customer_value: 0.6, org_value: 0.5}
    expect: [show, guide]
"""


def _users(engine: Engine, **roles: str) -> None:
    with Session(engine) as session:
        session.add_all(UserRecord(name=n, role=r) for n, r in roles.items())
        session.commit()


def _variant(version: str, edit: Any = None, drop: str | None = None) -> str:
    """The default rule set with a new version number and one rule changed or dropped."""
    data = yaml.safe_load(DEFAULT_TEXT)
    data["version"] = version
    data["status"] = "draft"
    if drop:
        data["rules"] = [r for r in data["rules"] if r["id"] != drop]
    if edit:
        rule_id, changes = edit
        for rule in data["rules"]:
            if rule["id"] == rule_id:
                rule.update(changes)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def repo(engine: Engine) -> RuleRepository:
    _users(engine, ans="supervisor", bram="supervisor", tess="trainer", olga="ombudsman")
    return RuleRepository(engine)


def test_import_keeps_the_yaml_as_written_and_validates_it(repo: RuleRepository) -> None:
    v = repo.import_yaml(DEFAULT_TEXT, "ans", source="default.yaml")

    assert (v.status, v.revision, v.author, v.label) == ("draft", 1, "ans", "default@1.0.0")
    assert v.digest == load_rule_set(default_rules()).digest
    assert repo.drafts() == [v]
    assert repo.published() is None
    exported = repo.export_yaml(v.id)
    assert "# The default ethics-guard rule set" in exported  # comments survive
    assert "status: draft" in exported
    assert "status: published" not in exported
    assert compile_version(v).digest == v.digest
    (change,) = repo.history()
    assert (change.action, change.actor, change.revision) == ("created", "ans", 1)
    assert "24 rules" in change.summary


def test_invalid_yaml_lists_every_problem_and_stores_nothing(repo: RuleRepository) -> None:
    bad = _variant("2.0", edit=("vulnerability.no-credit", {"verdict": "refuse"}))
    bad = bad.replace("dimension: empathy", "dimension: empathie", 1)
    with pytest.raises(RuleSetError) as caught:
        repo.import_yaml(bad, "ans", source="mijn-regels.yaml")
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) >= 2
    assert any("rules[vulnerability.no-credit].verdict" in m for m in messages)
    assert any("empathie" in m and "did you mean" in m for m in messages)
    assert all(m.startswith("mijn-regels.yaml") for m in messages)
    with pytest.raises(RuleSetError):
        repo.import_yaml("id: x\nrules: [", "ans")
    assert repo.drafts() == []
    assert repo.history() == []


def test_a_version_label_is_used_once(repo: RuleRepository) -> None:
    repo.import_yaml(DEFAULT_TEXT, "ans")
    with pytest.raises(RuleStoreError, match=r"default@1\.0\.0 already exists"):
        repo.import_yaml(DEFAULT_TEXT, "bram")


def test_agents_trainers_and_ombudsmen_cannot_touch_rules(repo: RuleRepository) -> None:
    for user in ("tess", "olga", "nobody-known"):
        with pytest.raises(PermissionDenied, match="may not edit rules"):
            repo.import_yaml(DEFAULT_TEXT, user)
    v = repo.import_yaml(DEFAULT_TEXT, "ans")
    with pytest.raises(PermissionDenied, match="may not publish rules"):
        repo.publish(v.id, "olga")
    with pytest.raises(PermissionDenied, match="may not approve rules"):
        repo.approve(v.id, "tess")


def test_second_save_of_the_same_revision_is_told_and_overwrites_nothing(db_url: str) -> None:
    desk_a, desk_b = make_engine(db_url), make_engine(db_url)
    _users(desk_a, ans="supervisor", bram="supervisor")
    repo_a, repo_b = RuleRepository(desk_a), RuleRepository(desk_b)
    v = repo_a.import_yaml(DEFAULT_TEXT, "ans")
    seen_by_b = repo_b.get(v.id)

    ans_text = _variant("1.0.0", edit=("complexity.long-script", {"when": {
        "suggestion.script_words": "> 80"}}))  # fmt: skip
    saved = repo_a.save_draft(v.id, ans_text, "ans", expected_revision=1)
    assert saved.revision == 2
    bram_text = _variant("1.0.0", drop="language.jargon")
    with pytest.raises(ConcurrentEdit) as caught:
        repo_b.save_draft(v.id, bram_text, "bram", expected_revision=seen_by_b.revision)
    assert "ans" in str(caught.value)
    assert "revision 2" in str(caught.value)
    assert f"{saved.updated_at:%Y-%m-%d %H:%M}" in str(caught.value)

    now = repo_b.get(v.id)
    assert now.yaml_text == ans_text
    assert now.revision == 2
    # Bram reloads and saves on top of Ans's change: both changes are in, nothing lost.
    both = _variant("1.0.0", edit=("complexity.long-script", {"when": {
        "suggestion.script_words": "> 80"}}), drop="language.jargon")  # fmt: skip
    repo_b.save_draft(v.id, both, "bram", expected_revision=now.revision)
    saves = [c for c in repo_a.history() if c.action == "saved"]
    assert [(c.actor, c.revision, c.summary) for c in saves] == [
        ("bram", 3, "-language.jargon"),
        ("ans", 2, "~complexity.long-script"),
    ]
    desk_a.dispose()
    desk_b.dispose()


def test_publish_retires_the_previous_version_one_published_per_org(
    repo: RuleRepository, engine: Engine
) -> None:
    first = repo.import_yaml(DEFAULT_TEXT, "ans")
    published = repo.publish(first.id, "ans")  # no loosening: one supervisor may publish
    assert (published.status, published.published_by) == ("published", "ans")
    assert published.published_at is not None

    gentler = _variant("1.1.0", edit=("vulnerability.no-commercial", {"explain": {
        "nl": "Nu even niet: de klant vertelde over {event}.",
        "en": "Not now: the customer told you about {event}."}}))  # fmt: skip
    second = repo.import_yaml(gentler, "bram", tests_yaml=SMALL_TESTS)
    assert repo.loosening(second.id) == []  # wording is not loosening
    repo.publish(second.id, "bram")

    assert repo.published() == repo.get(second.id)
    assert repo.get(first.id).status == "retired"
    assert [(c.action, c.label) for c in repo.history()[:3]] == [
        ("published", "default@1.1.0"),
        ("retired", "default@1.0.0"),
        ("created", "default@1.1.0"),
    ]
    with pytest.raises(RuleStoreError, match="only a draft can be published"):
        repo.publish(first.id, "ans")
    with pytest.raises(RuleStoreError, match="only drafts can change"):
        repo.save_draft(second.id, DEFAULT_TEXT, "ans", expected_revision=1)
    # Another organisation has its own versions and sees none of these.
    other = RuleRepository(engine, org="gemeente-x")
    assert other.published() is None
    assert other.history() == []
    with pytest.raises(RuleStoreError, match="no rule-set version"):
        other.get(first.id)
    with Session(engine) as session:
        count = session.execute(
            text("SELECT COUNT(*) FROM rule_set_version WHERE status = 'published'")
        ).scalar_one()
    assert count == 1


def test_a_publish_that_breaks_a_rule_test_is_refused(repo: RuleRepository) -> None:
    v = repo.import_yaml(_variant("1.1.0", drop="complexity.long-script"), "ans")
    with pytest.raises(PublishRefused) as caught:
        repo.publish(v.id, "ans")
    assert any("nl-lang-script" in r for r in caught.value.reasons)
    assert all("rule test" in r for r in caught.value.reasons)
    assert repo.published() is None
    assert repo.get(v.id).status == "draft"


def test_loosening_a_protective_rule_needs_a_dry_run_and_a_second_supervisor(
    repo: RuleRepository,
) -> None:
    warn = _variant("1.1.0", edit=("vulnerability.no-credit", {"enforcement": "warn"}))
    v = repo.import_yaml(warn, "ans", tests_yaml=SMALL_TESTS)
    assert repo.loosening(v.id) == ["vulnerability.no-credit: enforcement enforce -> warn"]

    with pytest.raises(PublishRefused) as caught:
        repo.publish(v.id, "ans")
    assert len(caught.value.reasons) == 2
    assert "dry run" in caught.value.reasons[0]
    assert "vulnerability.no-credit" in caught.value.reasons[0]
    assert "second supervisor" in caught.value.reasons[1]
    with pytest.raises(RuleStoreError, match="record a dry run"):
        repo.approve(v.id, "bram")

    repo.record_dry_run(v.id, "3 verdicts change (1 loosened)", 3, 1, "ans")
    waiting = repo.get(v.id)
    assert waiting.status == "pending_approval"
    assert waiting.dry_run_summary == "3 verdicts change (1 loosened)"
    assert waiting in repo.drafts()
    with pytest.raises(RuleStoreError, match="second supervisor"):
        repo.approve(v.id, "ans")  # the author cannot approve their own loosening
    with pytest.raises(PublishRefused, match="second supervisor"):
        repo.publish(v.id, "ans")

    approved = repo.approve(v.id, "bram", expected_revision=1)
    assert (approved.approved_by, approved.status) == ("bram", "draft")
    # A save after the approval makes it a different draft: approval and dry run are gone.
    stricter = _variant("1.1.0", edit=("vulnerability.no-credit", {"enforcement": "dry_run"}))
    saved = repo.save_draft(v.id, stricter, "ans", expected_revision=1)
    assert (saved.approved_by, saved.dry_run_summary, saved.status) == (None, None, "draft")
    with pytest.raises(PublishRefused) as again:
        repo.publish(v.id, "ans")
    assert len(again.value.reasons) == 2
    # Bram saved the last change, so Bram may not approve it either.
    repo.save_draft(v.id, warn, "bram", expected_revision=2)
    with pytest.raises(ConcurrentEdit):  # a dry run of revision 2 says nothing about 3
        repo.record_dry_run(v.id, "stale", 3, 1, "bram", revision=2)
    repo.record_dry_run(v.id, "3 verdicts change (1 loosened)", 3, 1, "bram")
    with pytest.raises(RuleStoreError, match="last save"):
        repo.approve(v.id, "bram")

    _users(repo.engine, chris="supervisor")
    repo.approve(v.id, "chris")
    done = repo.publish(v.id, "ans")
    assert (done.status, done.approved_by) == ("published", "chris")
    actions = [c.action for c in repo.history(v.id)]
    assert actions == [
        "published", "approved", "dry_run", "saved", "saved", "approved", "dry_run", "created",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "drop", "expected"),
    [
        (None, "autonomy.opted-out", "autonomy.opted-out: protective rule removed"),
        (("vulnerability.no-credit", {"verdict": "hold"}), None,
         "vulnerability.no-credit: verdict block -> hold (milder)"),
        (("autonomy.emergency-brake", {"protective": False}), None,
         "autonomy.emergency-brake: no longer marked protective"),
        (("vulnerability.no-commercial", {"when": {"suggestion.commercial": True,
          "event.current": ["bereavement"]}}), None,
         "vulnerability.no-commercial: conditions (when/unless) changed"),
    ],
)  # fmt: skip
def test_what_counts_as_loosening(
    repo: RuleRepository, edit: Any, drop: str | None, expected: str
) -> None:
    v = repo.import_yaml(_variant("9.9", edit=edit, drop=drop), "ans")
    assert repo.loosening(v.id) == [expected]
    dutch = RuleRepository(repo.engine, lang="nl")
    assert dutch.loosening(v.id)[0].partition(":")[0] == expected.partition(":")[0]
    assert dutch.loosening(v.id) != [expected]


def test_two_supervisors_publishing_at_once_leave_exactly_one_published(db_url: str) -> None:
    engines = [make_engine(db_url), make_engine(db_url)]
    _users(engines[0], ans="supervisor", bram="supervisor")
    repos = [RuleRepository(e) for e in engines]
    ids = [
        repos[0].import_yaml(_variant("2.0"), "ans", tests_yaml=SMALL_TESTS).id,
        repos[1].import_yaml(_variant("2.1"), "bram", tests_yaml=SMALL_TESTS).id,
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(i: int) -> None:
        barrier.wait()
        try:
            repos[i].publish(ids[i], ("ans", "bram")[i])
            outcomes.append("published")
        except RuleStoreError as exc:
            outcomes.append(f"refused: {exc}")

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert "published" in outcomes
    statuses = sorted(repos[0].get(i).status for i in ids)
    assert statuses in (["published", "retired"], ["draft", "published"])
    with Session(engines[0]) as session:
        assert (
            session.execute(
                text("SELECT COUNT(*) FROM rule_set_version WHERE status = 'published'")
            ).scalar_one()
            == 1
        )
    for e in engines:
        e.dispose()


# -- which rules a desk runs on -----------------------------------------------------------------


def test_a_desk_runs_on_the_published_rules_and_keeps_them_when_the_db_goes_away(
    repo: RuleRepository, db_url: str
) -> None:
    rules, where = load_active_rules(Settings(database_url=db_url))
    assert rules.digest == load_rule_set(default_rules()).digest
    assert where == "shipped default rules (nothing published yet)"
    assert not cache_path().exists()

    v = repo.import_yaml(
        _variant("1.1.0", edit=("vulnerability.no-commercial", {"explain": {
            "nl": "Nu even niet ({event}).", "en": "Not now ({event})."}})),
        "ans", tests_yaml=SMALL_TESTS,
    )  # fmt: skip
    repo.publish(v.id, "ans")
    rules, where = load_active_rules(Settings(database_url=db_url))
    assert (rules.version, rules.status, rules.digest) == ("1.1.0", "published", v.digest)
    assert where.startswith(f"published default@1.1.0 (id {v.id}) from the database, by ans")
    assert cache_path().is_file()

    # The database goes away: the desk keeps the last published rules it saw.
    rules, where = load_active_rules(Settings(database_url=GONE))
    assert (rules.version, rules.digest, rules.status) == ("1.1.0", v.digest, "published")
    assert where.startswith("cached copy of published default@1.1.0 (database unreachable:")

    # No cache either (a new desk): still guarded, by the shipped rules.
    cache_path().unlink()
    rules, where = load_active_rules(Settings(database_url=GONE))
    assert rules.version == "1.0.0"
    assert where.startswith("shipped default rules (database unreachable:")


def test_a_rules_file_setting_wins_and_a_corrupt_cache_is_not_used(
    db_url: str, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(_variant("7.0"), encoding="utf-8")
    rules, where = load_active_rules(Settings(database_url=GONE, rules_file=draft))
    assert (rules.version, where) == ("7.0", f"rules file {draft}")

    cache_path().parent.mkdir(parents=True, exist_ok=True)
    cache_path().write_text("id: broken\nrules: [", encoding="utf-8")
    rules, where = load_active_rules(Settings(database_url=GONE))
    assert rules.version == "1.0.0"
    assert "no cache" in where
