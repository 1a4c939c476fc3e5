"""Load one conversation fixture by path or by library id, with readable errors."""

from __future__ import annotations

from pathlib import Path

from agent_desk.library.conversation import Conversation
from agent_desk.library.yamlio import DataFileError, Problem, load_model
from agent_desk.paths import conversations_dir


def resolve_conversation(ref: str | Path) -> Path:
    """A path as given, or ``<library>/<id>.yaml`` for a bare conversation id."""
    path = Path(ref)
    if path.exists():
        return path
    candidate = conversations_dir() / f"{ref}.yaml"
    if candidate.exists():
        return candidate
    raise DataFileError([Problem(str(ref), None, "", "no such file or library conversation")])


def load_conversation(ref: str | Path) -> Conversation:
    conversation, _ = load_model(resolve_conversation(ref), Conversation)
    return conversation
