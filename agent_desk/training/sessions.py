"""Training sessions on disk: one JSON file per session, saved after every answer.

A session records who practised which conversation, how far the replay got (``position``, the
resume point) and every scored answer. Files are written atomically (temporary file, then
replace), so an interrupted session is never half-written and can be resumed; a file that is
corrupt anyway gives an error naming it, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent_desk.library.conversation import Conversation
from agent_desk.settings import data_dir
from agent_desk.training.quiz import Answer, QuizPoint, Scored, quiz_points
from guards.types import Verdict
from guards.yamlsrc import Problem, pydantic_parts
from nlp.types import EventType, Lang

__all__ = [
    "ScoredRecord",
    "Totals",
    "TrainingSession",
    "TrainingStore",
    "TrainingStoreError",
    "record",
]

#: A session file is a few kilobytes; anything far larger is not one of ours.
MAX_SESSION_BYTES = 5_000_000
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
_EVENT_ORDER = {ev: i for i, ev in enumerate(EventType)}


def _events(items: Iterable[EventType]) -> tuple[EventType, ...]:
    """Events in the taxonomy's order, so files and reports read the same every time."""
    return tuple(sorted(set(items), key=_EVENT_ORDER.__getitem__))


class ScoredRecord(BaseModel):
    """The serialisable form of one :class:`~agent_desk.training.quiz.Scored`."""

    model_config = ConfigDict(extra="forbid")

    at: str
    action: str
    suggestion_id: str = ""
    acceptable: tuple[Verdict, ...]
    note: str = ""
    gold_events: tuple[EventType, ...] = ()
    answered: bool
    verdict: Verdict | None = None
    events: tuple[EventType, ...] = ()
    guard_verdict: Verdict
    guard_rules: tuple[str, ...] = ()
    guard_reasons: tuple[str, ...] = ()
    verdict_ok: bool
    agrees_with_guard: bool
    events_heard: tuple[EventType, ...] = ()
    events_missed: tuple[EventType, ...] = ()
    events_extra: tuple[EventType, ...] = ()

    @classmethod
    def from_scored(cls, scored: Scored) -> ScoredRecord:
        p, a = scored.point, scored.answer
        return cls(
            at=p.at,
            action=p.action,
            suggestion_id=p.suggestion_id,
            acceptable=p.acceptable,
            note=p.note,
            gold_events=_events(p.gold_events),
            answered=a is not None,
            verdict=a.verdict if a is not None else None,
            events=_events(a.events) if a is not None else (),
            guard_verdict=scored.guard_verdict,
            guard_rules=scored.guard_rules,
            guard_reasons=scored.guard_reasons,
            verdict_ok=scored.verdict_ok,
            agrees_with_guard=scored.agrees_with_guard,
            events_heard=_events(scored.events_heard),
            events_missed=_events(scored.events_missed),
            events_extra=_events(scored.events_extra),
        )

    def to_scored(self) -> Scored:
        point = QuizPoint(
            at=self.at,
            action=self.action,
            acceptable=self.acceptable,
            note=self.note,
            gold_events=frozenset(self.gold_events),
            suggestion_id=self.suggestion_id,
        )
        answer = (
            Answer(at=self.at, action=self.action, verdict=self.verdict, events=self.events)
            if self.answered and self.verdict is not None
            else None
        )
        return Scored(
            point=point,
            answer=answer,
            guard_verdict=self.guard_verdict,
            guard_rules=self.guard_rules,
            guard_reasons=self.guard_reasons,
            verdict_ok=self.verdict_ok,
            agrees_with_guard=self.agrees_with_guard,
            events_heard=frozenset(self.events_heard),
            events_missed=frozenset(self.events_missed),
            events_extra=frozenset(self.events_extra),
        )

    @property
    def key(self) -> tuple[str, str]:
        return (self.at, self.action)


class Totals(BaseModel):
    """A session at a glance. Event totals are over the whole session: an event counts as heard
    when the trainee named it at any question where it was gold, as missed when it was gold but
    never named, as extra when named but never gold."""

    model_config = ConfigDict(frozen=True)

    questions: int
    answered: int
    verdicts_ok: int
    agrees_with_guard: int
    events_heard: tuple[EventType, ...] = ()
    events_missed: tuple[EventType, ...] = ()
    events_extra: tuple[EventType, ...] = ()


class TrainingSession(BaseModel):
    """One trainee practising one conversation."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str = Field(pattern=_ID.pattern)
    trainee: str = Field(min_length=1, max_length=100)
    conversation_id: str
    #: The trainee's UI language (guard reasons are stored in it).
    lang: Lang
    started_at: datetime
    finished_at: datetime | None = None
    #: Last utterance id replayed: where a resumed session continues.
    position: str | None = None
    results: list[ScoredRecord] = Field(default_factory=list)
    #: How many questions the conversation has (its gold suggestions).
    questions: int = Field(default=0, ge=0)
    conversation_title: str = ""
    #: Version of the rule set that judged the answers.
    rule_set_version: str = ""

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def finish(self, when: datetime | None = None) -> None:
        self.finished_at = when or _now()

    def answered_keys(self) -> set[tuple[str, str]]:
        """(at, action) of every question already answered: what a resumed session skips."""
        return {r.key for r in self.results if r.answered}

    def totals(self) -> Totals:
        heard = {e for r in self.results for e in r.events_heard}
        gold = {e for r in self.results for e in r.gold_events}
        said = {e for r in self.results for e in r.events}
        return Totals(
            questions=max(self.questions, len(self.results)),
            answered=sum(r.answered for r in self.results),
            verdicts_ok=sum(r.verdict_ok for r in self.results),
            agrees_with_guard=sum(r.agrees_with_guard for r in self.results),
            events_heard=_events(heard),
            events_missed=_events(gold - heard),
            events_extra=_events(said - gold),
        )


def record(session: TrainingSession, scored: Scored) -> None:
    """Add one scored answer; a second answer to the same question replaces the first in place."""
    rec = ScoredRecord.from_scored(scored)
    for i, existing in enumerate(session.results):
        if existing.key == rec.key:
            session.results[i] = rec
            return
    session.results.append(rec)


class TrainingStoreError(Exception):
    """A session file is missing or unreadable; the message names the file (in English).
    ``code`` and ``params`` say it for translation (``training.store.<code>``); a session that
    does not validate also carries the first ``problem`` (said by ``agent_desk.problems``)."""

    def __init__(
        self,
        message: str,
        code: str = "",
        params: Mapping[str, str | int] | None = None,
        problem: Problem | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})
        self.problem = problem


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class TrainingStore:
    """The folder of session files (default ``<data dir>/training``)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else data_dir() / "training"

    def path_of(self, session_id: str) -> Path:
        if not _ID.match(session_id):
            raise TrainingStoreError(
                f"{session_id!r} is not a training session id", "bad_id", {"id": repr(session_id)}
            )
        return self.folder / f"{session_id}.json"

    def start(
        self, trainee: str, conversation: Conversation, lang: Lang | None = None
    ) -> TrainingSession:
        """A new session, saved at once so it shows up as unfinished until it is finished."""
        started = _now()
        session = TrainingSession(
            id=f"{started:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}",
            trainee=trainee,
            conversation_id=conversation.id,
            conversation_title=conversation.title,
            lang=lang or conversation.lang,
            started_at=started,
            questions=len(quiz_points(conversation)),
        )
        self.save(session)
        return session

    def save(self, session: TrainingSession) -> None:
        path = self.path_of(session.id)
        self.folder.mkdir(parents=True, exist_ok=True)
        data = session.model_dump_json(indent=2)
        fd, tmp = tempfile.mkstemp(prefix=f".{session.id}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self, session_id: str) -> TrainingSession:
        path = self.path_of(session_id)
        if not path.is_file():
            raise TrainingStoreError(
                f"{path}: no such training session", "not_found", {"path": str(path)}
            )
        return self._read(path)

    def _read(self, path: Path) -> TrainingSession:
        try:
            if path.stat().st_size > MAX_SESSION_BYTES:
                raise TrainingStoreError(
                    f"{path}: larger than {MAX_SESSION_BYTES} bytes, not a training session",
                    "too_large",
                    {"path": str(path), "limit": MAX_SESSION_BYTES},
                )
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TrainingStoreError(
                f"{path}: cannot be read ({exc})",
                "unreadable",
                {"path": str(path), "detail": str(exc)},
            ) from exc
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise TrainingStoreError(
                f"{path}: corrupt training session (invalid JSON at line {exc.lineno})",
                "corrupt_json",
                {"path": str(path), "line": exc.lineno},
            ) from exc
        try:
            session = TrainingSession.model_validate(data)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            field = ".".join(str(p) for p in first["loc"]) or "(top level)"
            code, params, detail = pydantic_parts(first)
            problem = Problem(str(path), None, field, first["msg"], code, detail, params=params)
            raise TrainingStoreError(
                f"{path}: corrupt training session ({field}: {first['msg']})",
                "corrupt",
                {"path": str(path), "field": field},
                problem,
            ) from exc
        if session.id != path.stem:
            raise TrainingStoreError(
                f"{path}: holds session {session.id!r}, not {path.stem!r}",
                "other_session",
                {"path": str(path), "held": repr(session.id), "expected": repr(path.stem)},
            )
        return session

    def scan(self) -> tuple[list[TrainingSession], list[TrainingStoreError]]:
        """Every readable session (oldest first) and why each file that is not, is not."""
        sessions: list[TrainingSession] = []
        problems: list[TrainingStoreError] = []
        if not self.folder.is_dir():
            return sessions, problems
        for path in sorted(self.folder.glob("*.json")):
            try:
                sessions.append(self._read(path))
            except TrainingStoreError as exc:
                problems.append(exc)
        sessions.sort(key=lambda s: (s.started_at, s.id))
        return sessions, problems

    def all(self) -> list[TrainingSession]:
        """Every readable session, oldest first (unreadable files: see :meth:`scan`)."""
        return self.scan()[0]

    def unfinished(self, trainee: str | None = None) -> list[TrainingSession]:
        return [
            s for s in self.all() if not s.finished and (trainee is None or s.trainee == trainee)
        ]
