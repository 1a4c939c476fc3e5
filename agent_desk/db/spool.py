"""The decision log that survives a database outage: a local, append-only spool in between.

When writing a batch of decisions fails with a database error (the server went away, SQLite is
locked or read-only), the batch is appended to a JSON Lines file in ``data_dir()/spool/`` and
fsync'ed, and the call goes on. While anything is spooled, new batches queue behind it, so the
log keeps call order. :meth:`SpooledDecisionLog.flush` writes spooled batches oldest first, one
transaction each, and drops a batch from the spool only after its commit. A batch whose rows are
already in the database (the process stopped between a commit and the spool rewrite) is not
written twice. A new log for the same desk finds the spool a previous run left behind.

Spooled lines hold exactly what a decision row holds: ids, kinds, verdicts, rule ids and
life-event types (heard, and set aside by the classifier veto), never transcript text. Rows are
JSON objects keyed by column: a row spooled by an older agent-desk lacks the newer keys
(``set_aside_types``) and is written with their empty value, so an upgrade loses no spooled
decision; an older agent-desk ignores keys it does not know. A batch the database refuses for
its content (not for being away) is moved to a ``.rejected.jsonl`` file beside the spool rather
than blocking the rest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_desk.db.decisions import DecisionLog
from agent_desk.db.models import DecisionRecord, utcnow
from guards.types import Decision, Suggestion

try:  # POSIX: keep two processes of the same desk from interleaving the spool.
    import fcntl
except ImportError:  # pragma: no cover - Windows has no fcntl; one process per desk there
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: Errors that mean "the database is not there (or not writable) now": spool and retry later.
DB_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DBAPIError,
    sa_exc.TimeoutError,  # the connection pool gave up waiting
)
#: Errors about a batch's content: retrying will not help, so flush sets the batch aside.
CONTENT_ERRORS: tuple[type[Exception], ...] = (sa_exc.IntegrityError, sa_exc.DataError)

#: After a failed write, new batches go straight to the spool for this long (doubling up to the
#: maximum), so an unreachable server does not cost every decision a connect timeout.
RETRY_AFTER_S = 2.0
MAX_RETRY_AFTER_S = 60.0

_FIELDS = (
    "decision_id",
    "call_ref",
    "desk_id",
    "rule_set_version",
    "suggestion_id",
    "action_id",
    "kind",
    "verdict",
    "rules",
    "event_types",
)
#: Columns added after the spool's first format, with the value a row spooled without them gets.
_ADDED_FIELDS: dict[str, Callable[[], Any]] = {"set_aside_types": list}

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path.resolve(), threading.Lock())


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    """A spooled row's column values; a column the row predates gets its empty value."""
    values = {k: row.get(k) for k in _FIELDS}
    for k, empty in _ADDED_FIELDS.items():
        value = row.get(k)
        values[k] = empty() if value is None else value
    return values


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


class SpooledDecisionLog:
    """A :class:`DecisionLog` that queues to a local spool while the database is away."""

    def __init__(
        self,
        engine: Engine,
        desk_id: str,
        spool_dir: Path | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if spool_dir is None:
            from agent_desk.settings import data_dir

            spool_dir = data_dir() / "spool"
        self.engine = engine
        self.desk_id = desk_id
        self.log = DecisionLog(engine, desk_id)
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", desk_id)[:64] or "desk"
        self.spool_dir = Path(spool_dir)
        self.path = self.spool_dir / f"decisions-{safe}.jsonl"
        self.rejected_path = self.spool_dir / f"decisions-{safe}.rejected.jsonl"
        self._lock = _lock_for(self.path)
        self._clock = clock
        self._retry_at = 0.0
        self._backoff = RETRY_AFTER_S

    # -- writing -------------------------------------------------------------------------------
    def record(
        self,
        call_ref: str,
        items: Iterable[tuple[Suggestion, Decision]],
        event_types: Sequence[str] = (),
        set_aside_types: Sequence[str] = (),
    ) -> Literal["written", "queued"]:
        """Write the batch now, or spool it when the database cannot take it (or older batches
        are still waiting: the log keeps call order)."""
        rows = [self._row(call_ref, s, d, event_types, set_aside_types) for s, d in items]
        if not rows:
            return "written"
        batch = {"batch": uuid.uuid4().hex, "rows": rows}
        with self._lock, self._file_lock():
            waiting = self._read()
            if waiting and self._may_try():
                self._flush_locked(waiting)
                waiting = self._read()
            if waiting or not self._may_try():
                self._append(batch)
                return "queued"
            try:
                self._write(batch)
            except DB_ERRORS as exc:
                self._failed(exc)
                self._append(batch)
                return "queued"
            self._succeeded()
            return "written"

    def flush(self) -> int:
        """Write spooled batches, oldest first; returns how many decisions were written. Stops at
        the first batch the database cannot take (it stays spooled, as do all after it)."""
        with self._lock, self._file_lock():
            return self._flush_locked(self._read())

    @property
    def pending(self) -> int:
        """Decisions waiting in the spool."""
        with self._lock, self._file_lock():
            return sum(len(b["rows"]) for b in self._read())

    # -- internals -----------------------------------------------------------------------------
    def _row(
        self,
        call_ref: str,
        s: Suggestion,
        d: Decision,
        event_types: Sequence[str],
        set_aside_types: Sequence[str],
    ) -> dict[str, Any]:
        return {
            "decision_id": d.decision_id,
            "call_ref": call_ref,
            "desk_id": self.desk_id,
            "rule_set_version": d.rule_set_version,
            "suggestion_id": s.id,
            "action_id": s.action_id,
            "kind": s.kind.value,
            "verdict": d.verdict.value,
            "rules": [r.rule for r in d.reasons],
            "event_types": sorted(set(event_types)),
            "set_aside_types": sorted(set(set_aside_types)),
            # When it was decided, not when the database came back.
            "created_at": utcnow().isoformat(),
        }

    def _records(self, batch: dict[str, Any]) -> list[DecisionRecord]:
        return [
            DecisionRecord(**_columns(row), created_at=datetime.fromisoformat(row["created_at"]))
            for row in batch["rows"]
        ]

    def _write(self, batch: dict[str, Any], *, skip_existing: bool = False) -> int:
        records = self._records(batch)
        with Session(self.engine) as session:
            if skip_existing:
                records = self._not_yet_written(session, records)
            session.add_all(records)
            session.commit()
        return len(records)

    def _not_yet_written(
        self, session: Session, records: list[DecisionRecord]
    ) -> list[DecisionRecord]:
        """Leave out rows already in the log (same decision, call, desk, suggestion and time)."""
        ids = sorted({r.decision_id for r in records})
        stmt = select(DecisionRecord).where(col(DecisionRecord.decision_id).in_(ids))
        there = {
            (r.decision_id, r.call_ref, r.desk_id, r.suggestion_id, _naive_utc(r.created_at))
            for r in session.exec(stmt)
        }
        return [
            r
            for r in records
            if (r.decision_id, r.call_ref, r.desk_id, r.suggestion_id, _naive_utc(r.created_at))
            not in there
        ]

    def _flush_locked(self, batches: list[dict[str, Any]]) -> int:
        written = 0
        for i, batch in enumerate(batches):
            try:
                written += self._write(batch, skip_existing=True)
            except CONTENT_ERRORS as exc:
                log.warning(
                    "decision batch %s refused by the database (%s); set aside in %s",
                    batch.get("batch"),
                    type(exc).__name__,
                    self.rejected_path.name,
                )
                self._reject(json.dumps(batch))
            except DB_ERRORS as exc:
                self._failed(exc)
                self._rewrite(batches[i:])
                return written
            # Committed: only now does the batch leave the spool.
            self._rewrite(batches[i + 1 :])
        self._succeeded()
        return written

    def _read(self) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        batches: list[dict[str, Any]] = []
        bad: list[str] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                batch = json.loads(line)
                if not isinstance(batch, dict) or not isinstance(batch.get("rows"), list):
                    raise ValueError("not a batch")
            except ValueError:
                # A line cut short by a crash mid-append: keep it aside, never guess.
                bad.append(line)
                continue
            batches.append(batch)
        if bad:
            for line in bad:
                self._reject(line)
            self._rewrite(batches)
        return batches

    def _append(self, batch: dict[str, Any]) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(batch, separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _rewrite(self, batches: list[dict[str, Any]]) -> None:
        if not batches:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for batch in batches:
                f.write(json.dumps(batch, separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def _reject(self, line: str) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        with self.rejected_path.open("a", encoding="utf-8") as f:
            f.write(line.rstrip("\n") + "\n")
            f.flush()
            os.fsync(f.fileno())

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        with (self.spool_dir / f"{self.path.name}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _may_try(self) -> bool:
        return self._clock() >= self._retry_at

    def _failed(self, exc: Exception) -> None:
        log.warning(
            "decision log unavailable (%s); spooling to %s", type(exc).__name__, self.path.name
        )
        self._retry_at = self._clock() + self._backoff
        self._backoff = min(self._backoff * 2, MAX_RETRY_AFTER_S)

    def _succeeded(self) -> None:
        self._retry_at = 0.0
        self._backoff = RETRY_AFTER_S
