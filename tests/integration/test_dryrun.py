"""Dry-run: a supervisor sees which suggestions a draft would judge differently, where, and with
which life events, before publishing it. Through the real NLP, NBA replay and guard."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agent_desk.cli import main
from agent_desk.dryrun import dry_run, load_conversations
from agent_desk.paths import conversations_dir, default_rules
from guards.rules import RuleSet, load_rule_set
from guards.types import Verdict
from nlp.detector import Detection, Detector, get_detector
from nlp.types import EventType

BEREAVEMENT = "nl-demo-bereavement"
NEUTRAL = "en-bank-no-event-car-hire-canada"


def _draft(tmp_path: Path, verdict: str, version: str = "1.1.0") -> Path:
    """The default rules with ``vulnerability.no-commercial`` set to another verdict."""
    path = tmp_path / f"draft-{verdict}.yaml"
    path.write_text(
        f"""
id: default
version: "{version}"
status: draft
extends: {default_rules()}
rules:
  - id: vulnerability.no-commercial
    dimension: place_time
    protective: true
    when:
      suggestion.commercial: true
      event.current: vulnerable
    verdict: {verdict}
    explain:
      nl: "Let op: de klant vertelde over {{event}}."
      en: "Careful: the customer told you about {{event}}."
    guidance:
      nl: "Vraag eerst of de klant hiervoor openstaat."
      en: "Ask first whether the customer is open to this."
""",
        encoding="utf-8",
    )
    return path


def _library(tmp_path: Path, *ids: str) -> Path:
    folder = tmp_path / "library"
    folder.mkdir(exist_ok=True)
    for cid in ids:
        shutil.copy(conversations_dir() / f"{cid}.yaml", folder)
    return folder


@pytest.fixture(scope="module")
def published() -> RuleSet:
    return load_rule_set(default_rules())


async def test_same_rules_change_nothing(tmp_path: Path, published: RuleSet) -> None:
    conversations, unusable = load_conversations(_library(tmp_path, BEREAVEMENT, NEUTRAL))
    report = await dry_run(published, published, conversations)
    assert (report.conversations, report.changes, unusable) == (2, (), [])
    assert report.decisions > 0
    assert report.summary("en").splitlines()[1] == "No suggestion changes verdict."


async def test_a_loosened_rule_shows_which_offers_would_reach_a_grieving_customer(
    tmp_path: Path, published: RuleSet
) -> None:
    conversations, _ = load_conversations(_library(tmp_path, BEREAVEMENT, NEUTRAL))
    draft = load_rule_set(_draft(tmp_path, "guide"))
    report = await dry_run(draft, published, conversations)

    assert report.draft_version == "default@1.1.0"
    assert report.published_version == "default@1.0.0"
    by_action = {c.action: c for c in report.changes}
    assert set(by_action) == {"bank.sales.credit-card", "bank.sales.savings-account"}
    card = by_action["bank.sales.credit-card"]
    assert (card.conversation_id, card.utterance_id) == (BEREAVEMENT, "u8")
    assert (card.before, card.after, card.kind) == (Verdict.HOLD, Verdict.GUIDE, "sales")
    assert card.loosened
    assert EventType.BEREAVEMENT in card.events
    assert "vulnerability.no-commercial" in card.rules_before
    # Help for the bereaved and the neutral call are judged the same by both.
    assert all(c.conversation_id == BEREAVEMENT for c in report.changes)
    assert report.loosened == 2

    en = report.summary("en")
    assert "2 suggestion(s) change verdict in 1 conversation(s): 0 stricter, 2 less strict" in en
    assert "bereavement 2" in en
    assert "Less strict: nl-demo-bereavement after u8" in en
    nl = report.summary("nl")
    assert "2 suggestie(s) krijgen een ander oordeel" in nl
    assert "overlijden 2" in nl

    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["loosened"] == 2
    assert data["changed_conversations"] == [BEREAVEMENT]
    assert data["changes"][0]["events"] == ["bereavement"]


async def test_a_stricter_rule_is_not_a_loosening(tmp_path: Path, published: RuleSet) -> None:
    conversations, _ = load_conversations(_library(tmp_path, BEREAVEMENT))
    report = await dry_run(load_rule_set(_draft(tmp_path, "block")), published, conversations)
    assert {(c.before, c.after) for c in report.changes} == {(Verdict.HOLD, Verdict.BLOCK)}
    assert report.loosened == 0
    assert report.tightened == 2


async def test_each_utterance_is_heard_once_for_both_rule_sets(
    tmp_path: Path, published: RuleSet
) -> None:
    base = get_detector()
    heard: list[str] = []

    class Counting(Detector):
        def pipeline(self, lang):  # type: ignore[no-untyped-def]
            return base.pipeline(lang)

        def detect_many(self, texts, lang=None):  # type: ignore[no-untyped-def]
            items = list(texts)
            heard.extend(items)
            return base.detect_many(items, lang)

    conversations, _ = load_conversations(_library(tmp_path, BEREAVEMENT))
    draft = load_rule_set(_draft(tmp_path, "guide"))
    await dry_run(draft, published, conversations, detector=Counting())
    customer = [u.text for u in conversations[0].utterances if u.speaker == "customer"]
    assert sorted(heard) == sorted(customer)


def test_unusable_conversations_are_listed_not_fatal(tmp_path: Path) -> None:
    folder = _library(tmp_path, BEREAVEMENT)
    (folder / "broken.yaml").write_text("id: Not An Id\nutterances: []\n", encoding="utf-8")
    (folder / "not-yaml.yaml").write_text("{{{", encoding="utf-8")
    usable, unusable = load_conversations(folder)
    assert [c.id for c in usable] == [BEREAVEMENT]
    assert [u.split(":")[0] for u in unusable] == ["broken.yaml", "not-yaml.yaml"]
    assert "id" in unusable[0]
    assert "utterances" in unusable[0]


# -- the command ---------------------------------------------------------------------------------


def test_cli_prints_a_summary_and_writes_the_json_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_DESK_LANGUAGE", "en")
    folder = _library(tmp_path, BEREAVEMENT)
    (folder / "broken.yaml").write_text("title: x\n", encoding="utf-8")
    out = tmp_path / "diff.json"
    result = CliRunner().invoke(
        main,
        ["rules", "dry-run", str(_draft(tmp_path, "guide")), "--conversations", str(folder),
         "--against", str(default_rules()), "--json-out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 conversations, " in result.output
    assert "2 suggestion(s) change verdict" in result.output
    assert "bank.sales.credit-card (sales) hold → guide" in result.output
    assert "skipped: broken.yaml" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["changed"] == 2
    assert data["loosened"] == 2
    assert data["unusable"][0].startswith("broken.yaml")


def test_cli_json_to_stdout_keeps_stdout_parseable(tmp_path: Path) -> None:
    folder = _library(tmp_path, NEUTRAL)
    result = CliRunner().invoke(
        main,
        ["rules", "dry-run", str(_draft(tmp_path, "guide")), "--conversations", str(folder),
         "--against", str(default_rules()), "--json-out", "-"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changed"] == 0


def test_a_broken_draft_lists_every_problem_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_DESK_LANGUAGE", "en")
    draft = tmp_path / "broken.yaml"
    draft.write_text(
        """
id: default
version: "2"
status: draft
rules:
  - id: a
    dimension: empaty
    when: {suggestion.commercial: true}
    verdict: hold
    explain: {nl: "x", en: "x"}
  - id: b
    dimension: empathy
    when: {suggestion.comercial: true}
    verdict: maybe
    explain: {nl: "x", en: "x"}
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["rules", "dry-run", str(draft), "--conversations", str(_library(tmp_path))]
    )
    assert result.exit_code == 1
    assert "rules[a].dimension" in result.stderr
    assert "rules[b]" in result.stderr
    assert "verdict" in result.stderr
    assert "The draft has 3 problem(s); nothing was replayed." in result.stderr


def test_a_draft_that_is_no_yaml_is_said_in_dutch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_DESK_LANGUAGE", "nl")
    draft = tmp_path / "unclosed.yaml"
    draft.write_text('id: default\nversion: ["2"\nstatus: draft\n', encoding="utf-8")
    folder = _library(tmp_path)
    (folder / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["rules", "dry-run", str(draft), "--conversations", str(folder)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{draft}:2: ongeldige YAML: did not find expected ',' or ']' "
        "(begint hier; de parser liep vast op rij 3)",
        "Het concept heeft 1 probleem/problemen; er is niets afgespeeld.",
    ]
    _, unusable = load_conversations(folder, "nl")
    assert unusable == [
        f"broken.yaml: {folder / 'broken.yaml'}:1: ongeldige YAML: did not find expected ',' "
        "or ']' (begint hier; de parser liep vast op rij 2)"
    ]


def test_the_detection_cache_returns_what_the_detector_found() -> None:
    """The shared detections are the real ones (no stale or empty stand-ins)."""
    from agent_desk.dryrun import _HeardOnce

    base = get_detector()
    once = _HeardOnce(base)
    text = "Mijn man is vorige week overleden."
    first: Detection = once.detect(text, "nl")
    assert [e.type for e in first.events] == [EventType.BEREAVEMENT]
    assert once.detect(text, "nl") is first
