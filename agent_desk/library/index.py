"""The conversation library as a trainer sees it: every file in the folder, usable or not.

A file that cannot be read, is not valid YAML, fails validation or names an action the catalogue
does not have is listed as *unusable* with one line per problem, so one corrupt file never hides
the rest of the library. Filters (language, life event, difficulty) only ever return usable
conversations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from agent_desk.library.catalog import Action, load_catalogs
from agent_desk.library.conversation import Conversation, Difficulty
from agent_desk.library.yamlio import DataFileError, Problem, load_model
from agent_desk.paths import catalog_dir, conversations_dir
from nlp.types import EventType, Lang

#: The library is a folder of small files; a folder with more than this is not a library.
MAX_FILES = 2_000


@dataclass(frozen=True)
class LibraryEntry:
    """One file of the library: its conversation, or why it cannot be used."""

    path: Path
    #: None when the file is unusable.
    conversation: Conversation | None
    #: Why the file is unusable: one line per problem (file:line [field]: reason).
    problems: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.conversation is not None and not self.problems

    @property
    def key(self) -> str:
        """The conversation id, or the file name when there is no valid conversation."""
        return self.conversation.id if self.conversation is not None else self.path.name


def _lines(problems: Iterable[Problem], path: Path) -> tuple[str, ...]:
    # The file name, not the full path: the list names the folder once, lines stay readable.
    return tuple(str(Problem(path.name, p.line, p.field, p.message)) for p in problems)


def _load_entry(path: Path, actions: Mapping[str, Action] | None) -> LibraryEntry:
    try:
        conversation, _ = load_model(path, Conversation)
    except DataFileError as exc:
        return LibraryEntry(path, None, _lines(exc.problems, path))
    except Exception as exc:  # anything else a hostile file triggers: list it, keep the library
        return LibraryEntry(path, None, _lines([Problem(str(path), None, "", repr(exc))], path))
    if actions is None:
        return LibraryEntry(path, conversation)
    unknown = [
        Problem(
            str(path), None, f"suggestions.{i}.action", f"unknown catalogue action {s.action!r}"
        )
        for i, s in enumerate(conversation.suggestions)
        if s.action not in actions
    ]
    # A quiz question about an action the guard cannot judge would have no answer to reveal.
    return LibraryEntry(path, None if unknown else conversation, _lines(unknown, path))


def library_index(
    folder: Path | None = None, catalog_folder: Path | None = None
) -> list[LibraryEntry]:
    """Every ``*.yaml``/``*.yml`` file in ``folder`` (default: the shipped library), sorted by
    conversation id (file name for unusable files). A second file with an id already taken is
    unusable: the id is how sessions and reports refer to a conversation."""
    folder = folder or conversations_dir()
    try:
        actions: dict[str, Action] | None = load_catalogs(catalog_folder or catalog_dir())
    except DataFileError:
        actions = None  # `fixtures check` reports a broken catalogue; the library still lists
    files = sorted(p for p in folder.glob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    entries = [_load_entry(p, actions) for p in files[:MAX_FILES]]
    seen: dict[str, Path] = {}
    out: list[LibraryEntry] = []
    for entry in entries:
        conv = entry.conversation
        first = seen.setdefault(conv.id, entry.path) if conv is not None and entry.usable else None
        if conv is not None and first is not None and first != entry.path:
            problem = Problem(str(entry.path), None, "id", f"id {conv.id!r} is also {first.name}")
            out.append(LibraryEntry(entry.path, None, _lines([problem], entry.path)))
        else:
            out.append(entry)
    return sorted(out, key=lambda e: (e.key, e.path.name))


def filter_entries(
    entries: Iterable[LibraryEntry],
    *,
    lang: Lang | None = None,
    event: EventType | None = None,
    difficulty: Difficulty | None = None,
) -> list[LibraryEntry]:
    """The usable entries that match every filter given (None = any)."""
    out = []
    for entry in entries:
        conv = entry.conversation
        if conv is None or not entry.usable:
            continue
        if lang is not None and conv.lang != lang:
            continue
        if event is not None and event not in conv.event_types():
            continue
        if difficulty is not None and conv.difficulty != difficulty:
            continue
        out.append(entry)
    return out
