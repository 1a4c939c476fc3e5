"""The decision log of a live call without a screen (``live --stdin``, ``live --no-ui``).

The guard advises and keeps a record: a call guarded through a pipe records every new decision
in the same decision log as the call screen, through the same parts. The session says which
judgements are new (:meth:`CallSession.new_decisions`), which life-event types were heard
(:meth:`CallSession.asserted_event_types`) and which the classifier veto set aside
(:meth:`CallSession.set_aside_event_types`, kept apart and never counted); :class:`DeskRecords`
writes them, and its spool keeps them while the database is away. A row holds ids, verdicts,
rule ids and event types, never what was said.

The timeline on stdout never waits for the database: batches go to one worker thread, in the
order the call produced them, and the call goes on. A failure of the log itself is said once on
stderr. When the call ends the worker writes what waits in the spool if the database answers,
and :meth:`CallDecisionLog.finish` returns the one-line summary for stderr.

``replay --no-ui`` (training and development replays of library conversations) keeps no
decision log on purpose: those calls are not calls with a customer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import click

from agent_desk.i18n import Lang, t
from agent_desk.session import CallSession, Judged
from guards.types import Decision, Suggestion

if TYPE_CHECKING:  # the database layer loads in the worker thread, not before the first line
    from agent_desk.db.desk import DeskRecords


class CallDecisionLog:
    """Every new decision of one call, handed to the desk's decision log in call order."""

    def __init__(self, session: CallSession, database_url: str, desk_id: str, lang: Lang) -> None:
        self.session = session
        self.database_url = database_url
        self.desk_id = desk_id
        self.lang: Lang = lang
        #: Decisions handed to the decision log (written or spooled).
        self.logged = 0
        #: Decisions the log could not take at all (the spool itself failed).
        self.lost = 0
        #: Decisions waiting in the desk's spool when the call ended.
        self.waiting = 0
        self._records: DeskRecords | None = None
        #: Which of the log's status lines stderr has had (each is said once per call).
        self._said: set[str] = set()
        # One worker: batches are written in the order the call produced them.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agent-desk-log")

    def record(self, judged: Sequence[Judged]) -> None:
        """Hand the judgements that changed to the log; returns at once (the write is queued)."""
        fresh = self.session.new_decisions(judged)
        if not fresh:
            return
        items = [(j.suggestion, j.decision) for j in fresh]
        self._worker.submit(
            self._write,
            self.session.call_id,
            items,
            self.session.asserted_event_types(),
            self.session.set_aside_event_types(),
        )

    async def finish(self) -> str:
        """Wait for the queued writes, flush the spool if the database answers, close the
        connection; returns the summary line (in the settings language)."""
        try:
            await asyncio.wrap_future(self._worker.submit(self._flush))
        finally:
            self._worker.shutdown(wait=True)
        key = "cli.decisions.summary_lost" if self.lost else "cli.decisions.summary"
        return t(
            key,
            self.lang,
            logged=self.logged,
            waiting=self.waiting,
            lost=self.lost,
            call=self.session.call_id,
        )

    # -- in the worker thread ------------------------------------------------------------------
    def _desk(self) -> DeskRecords:
        if self._records is None:
            from agent_desk.db.desk import DeskRecords

            self._records = DeskRecords.open(self.database_url, self.desk_id)
        return self._records

    def _write(
        self,
        call_ref: str,
        items: list[tuple[Suggestion, Decision]],
        event_types: list[str],
        set_aside_types: list[str],
    ) -> None:
        try:
            outcome = self._desk().decisions.record(call_ref, items, event_types, set_aside_types)
        except Exception as exc:  # the spool itself failed: say so once, never stop the call
            self.lost += len(items)
            self._say_once("status.log_failed", error=f"{type(exc).__name__}"[:80])
            return
        self.logged += len(items)
        if outcome == "queued":
            self._say_once("status.log_queued")

    def _flush(self) -> None:
        try:
            records = self._desk()
            if records.decisions.pending and records.ensure_schema():
                records.decisions.flush()
            self.waiting = records.decisions.pending
        except Exception as exc:
            self._say_once("status.log_failed", error=f"{type(exc).__name__}"[:80])
        finally:
            if self._records is not None:
                self._records.engine.dispose()

    def _say_once(self, key: str, **values: object) -> None:
        if key not in self._said:
            self._said.add(key)
            click.echo(t(key, self.lang, **values), err=True)
