"""The trainer's library index: corrupt files are listed with their reason, filters work."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent_desk.library.conversation import Difficulty
from agent_desk.library.index import filter_entries, library_index
from agent_desk.paths import conversations_dir
from nlp.types import EventType


def _library(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "conversations"
    folder.mkdir()
    for name in names:
        shutil.copy(conversations_dir() / f"{name}.yaml", folder)
    return folder


def test_shipped_library_is_fully_usable_and_sorted_by_id() -> None:
    entries = library_index()
    assert len(entries) >= 40
    assert all(e.usable for e in entries), [e.problems for e in entries if not e.usable]
    ids = [e.key for e in entries]
    assert ids == sorted(ids)


def test_corrupt_and_invalid_files_are_unusable_with_a_reason_the_rest_still_loads(
    tmp_path: Path,
) -> None:
    folder = _library(tmp_path, "nl-demo-bereavement", "en-bank-job-loss-redundancy")
    (folder / "broken.yaml").write_text("id: x\nutterances: [\n  - {id: u1\n", encoding="utf-8")
    (folder / "binary.yaml").write_bytes(b"\xff\xfe\x00garbage")
    (folder / "wrong-verdict.yaml").write_text(
        (conversations_dir() / "nl-demo-bereavement.yaml")
        .read_text(encoding="utf-8")
        .replace("id: nl-demo-bereavement", "id: wrong-verdict")
        .replace("acceptable: [show, guide]", "acceptable: [maybe]"),
        encoding="utf-8",
    )
    (folder / "notes.txt").write_text("not part of the library", encoding="utf-8")

    entries = library_index(folder)
    by_file = {e.path.name: e for e in entries}
    assert set(by_file) == {
        "nl-demo-bereavement.yaml", "en-bank-job-loss-redundancy.yaml",
        "broken.yaml", "binary.yaml", "wrong-verdict.yaml",
    }  # fmt: skip
    assert by_file["nl-demo-bereavement.yaml"].usable
    assert by_file["en-bank-job-loss-redundancy.yaml"].usable
    broken = by_file["broken.yaml"]
    assert not broken.usable
    assert broken.conversation is None
    assert "invalid YAML" in broken.problems[0]
    assert broken.problems[0].startswith("broken.yaml:")
    assert "UTF-8" in by_file["binary.yaml"].problems[0]
    problem = by_file["wrong-verdict.yaml"].problems[0]
    assert problem.startswith("wrong-verdict.yaml:68 [suggestions.0.acceptable.0]")
    assert "'show', 'guide', 'hold' or 'block'" in problem


def test_unknown_catalogue_action_and_duplicate_id_make_a_file_unusable(tmp_path: Path) -> None:
    folder = _library(tmp_path, "nl-demo-bereavement")
    demo = (folder / "nl-demo-bereavement.yaml").read_text(encoding="utf-8")
    (folder / "z-copy.yaml").write_text(demo, encoding="utf-8")
    (folder / "unknown-action.yaml").write_text(
        demo.replace("id: nl-demo-bereavement", "id: unknown-action").replace(
            "bank.sales.credit-card", "bank.sales.gold-plated-yacht"
        ),
        encoding="utf-8",
    )
    entries = {e.path.name: e for e in library_index(folder)}
    assert entries["nl-demo-bereavement.yaml"].usable
    copy = entries["z-copy.yaml"]
    assert not copy.usable
    assert "nl-demo-bereavement.yaml" in copy.problems[0]
    unknown = entries["unknown-action.yaml"]
    assert not unknown.usable
    assert "gold-plated-yacht" in unknown.problems[0]
    assert "suggestions.1.action" in unknown.problems[0]


def test_filters_by_language_event_and_difficulty_return_only_usable_entries(
    tmp_path: Path,
) -> None:
    folder = _library(
        tmp_path,
        "nl-demo-bereavement",
        "en-bank-bereavement-husband",
        "en-bank-job-loss-redundancy",
        "en-bank-hypothetical-job-loss",
    )
    (folder / "broken.yaml").write_text(": : :", encoding="utf-8")
    entries = library_index(folder)
    assert len(entries) == 5
    assert len(filter_entries(entries)) == 4
    assert [e.key for e in filter_entries(entries, lang="nl")] == ["nl-demo-bereavement"]
    grief = filter_entries(entries, event=EventType.BEREAVEMENT)
    assert {e.key for e in grief} == {"nl-demo-bereavement", "en-bank-bereavement-husband"}
    # A conversation about a feared (hypothetical) job loss is practice material for job loss.
    jobs = filter_entries(entries, lang="en", event=EventType.JOB_LOSS)
    assert {e.key for e in jobs} == {"en-bank-job-loss-redundancy", "en-bank-hypothetical-job-loss"}
    easy = filter_entries(entries, difficulty=Difficulty.EASY)
    assert "nl-demo-bereavement" in {e.key for e in easy}
    assert all(e.conversation and e.conversation.difficulty is Difficulty.EASY for e in easy)
    assert filter_entries(entries, lang="nl", event=EventType.JOB_LOSS) == []
