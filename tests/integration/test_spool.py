"""The decision log survives a database that goes away: batches wait in a local spool and are
written, in order, once the database is back. None lost, none written twice. Also: two desks
writing decisions at once, each with its own engine, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from agent_desk.db.decisions import DecisionLog
from agent_desk.db.engine import make_engine
from agent_desk.db.spool import SpooledDecisionLog
from guards.types import Decision, Reason, Suggestion, Verdict
from tests.support.postgres import ThrowawayPostgres


def _batch(tag: str, n: int = 2) -> list[tuple[Suggestion, Decision]]:
    items = []
    for i in range(n):
        s = Suggestion(
            id=f"{tag}-s{i}", title="Creditcard", kind="sales", customer_value=0.2,
            org_value=0.8, action_id="bank.sales.credit-card",
        )  # fmt: skip
        d = Decision(
            decision_id=f"{tag}-d{i}", suggestion_id=s.id, verdict=Verdict.HOLD,
            rule_set_version="default@1.0.0",
            reasons=(Reason(rule="vulnerability.no-commercial", dimension="place_time",
                            message="Niet nu", verdict=Verdict.HOLD),),
        )  # fmt: skip
        items.append((s, d))
    return items


def _logged(engine: Engine) -> list[tuple[str, str, str]]:
    """(decision id, desk, call) of every row in the log, in the order they were written."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT decision_id, desk_id, call_ref FROM decision ORDER BY id"))
        return [(r[0], r[1], r[2]) for r in rows]


def _ids(*tags: str, n: int = 2) -> list[str]:
    return [f"{tag}-d{i}" for tag in tags for i in range(n)]


def test_a_reachable_database_gets_the_batch_at_once(engine: Engine, tmp_path: Path) -> None:
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=tmp_path / "spool")
    assert log.record("call-1", _batch("a"), event_types=["bereavement"]) == "written"
    assert log.pending == 0
    assert [i for i, _, _ in _logged(engine)] == _ids("a")
    assert not (tmp_path / "spool" / "decisions-desk-1.jsonl").exists()


# -- SQLite made unwritable ----------------------------------------------------------------------


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "desk.db"
    engine = make_engine(f"sqlite:///{path}")

    # The desk's own 15 s busy timeout would make every refused write in this test slow.
    @event.listens_for(engine, "connect")
    def _short_wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=100")

    engine.dispose()
    yield engine, path
    engine.dispose()


def _write_lock(path: Path) -> sqlite3.Connection:
    """Another process holds the write lock: nothing can be written until it lets go."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_sqlite_that_cannot_be_written_spools_and_flushes_in_order(
    sqlite_engine: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = sqlite_engine
    spool = tmp_path / "spool"
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=spool)
    assert log.record("call-1", _batch("a")) == "written"

    holder = _write_lock(path)
    try:
        assert log.record("call-1", _batch("b")) == "queued"
        assert log.record("call-1", _batch("c", n=3)) == "queued"
        assert log.pending == 5
        assert log.flush() == 0  # still locked: nothing is lost, nothing moves
        assert log.pending == 5
    finally:
        holder.rollback()
        holder.close()

    # The desk restarts: the new log finds what the old one spooled.
    restarted = SpooledDecisionLog(engine, "desk-1", spool_dir=spool)
    assert restarted.pending == 5
    assert restarted.flush() == 5
    assert restarted.pending == 0
    assert restarted.record("call-1", _batch("d")) == "written"
    assert [i for i, _, _ in _logged(engine)] == _ids("a", "b") + _ids("c", n=3) + _ids("d")


def test_new_batches_queue_behind_spooled_ones(
    sqlite_engine: tuple[Engine, Path], tmp_path: Path
) -> None:
    """While older batches wait, a newer one may not overtake them: the log keeps call order."""
    engine, path = sqlite_engine
    now = [0.0]
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=tmp_path / "spool", clock=lambda: now[0])
    holder = _write_lock(path)
    try:
        assert log.record("call-1", _batch("a")) == "queued"
    finally:
        holder.rollback()
        holder.close()
    # Within the back-off the log does not knock on the database for every decision.
    assert log.record("call-1", _batch("b")) == "queued"
    now[0] += 3600
    # Back-off over: the spool is written first, then the new batch, in that order.
    assert log.record("call-1", _batch("c")) == "written"
    assert log.pending == 0
    assert [i for i, _, _ in _logged(engine)] == _ids("a", "b", "c")


def test_a_crash_between_commit_and_spool_rewrite_writes_nothing_twice(
    sqlite_engine: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = sqlite_engine
    spool = tmp_path / "spool"
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=spool)
    holder = _write_lock(path)
    try:
        log.record("call-1", _batch("a"))
        log.record("call-1", _batch("b"))
    finally:
        holder.rollback()
        holder.close()
    file = spool / "decisions-desk-1.jsonl"
    before_flush = file.read_bytes()
    assert log.flush() == 4
    # As if the process died after the commit but before the spool was rewritten.
    file.write_bytes(before_flush)
    again = SpooledDecisionLog(engine, "desk-1", spool_dir=spool)
    assert again.pending == 4
    assert again.flush() == 0
    assert again.pending == 0
    assert [i for i, _, _ in _logged(engine)] == _ids("a", "b")


def test_a_line_cut_short_is_set_aside_not_lost(
    sqlite_engine: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = sqlite_engine
    spool = tmp_path / "spool"
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=spool)
    holder = _write_lock(path)
    try:
        log.record("call-1", _batch("a"))
    finally:
        holder.rollback()
        holder.close()
    with (spool / "decisions-desk-1.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"batch": "cut", "rows": [{"decision_id"')  # power cut mid-append
    fresh = SpooledDecisionLog(engine, "desk-1", spool_dir=spool)
    assert fresh.pending == 2
    assert fresh.flush() == 2
    assert '"batch": "cut"' in (spool / "decisions-desk-1.rejected.jsonl").read_text()
    assert [i for i, _, _ in _logged(engine)] == _ids("a")


def test_the_spool_holds_no_transcript_text(
    sqlite_engine: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = sqlite_engine
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=tmp_path / "spool")
    s, d = _batch("a", n=1)[0]
    s = s.model_copy(update={"script": "Gecondoleerd met uw man, mevrouw Jansen"})
    holder = _write_lock(path)
    try:
        assert log.record("call-1", [(s, d)], event_types=["bereavement"]) == "queued"
    finally:
        holder.rollback()
        holder.close()
    spooled = (tmp_path / "spool" / "decisions-desk-1.jsonl").read_text()
    assert "Jansen" not in spooled
    assert "Gecondoleerd" not in spooled
    assert "bereavement" in spooled
    assert "vulnerability.no-commercial" in spooled


# -- PostgreSQL stopped mid-session ----------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_stopped_mid_session_loses_nothing(
    postgres: ThrowawayPostgres, tmp_path: Path
) -> None:
    engine = make_engine(postgres.create_database())
    spool = tmp_path / "spool"
    log = SpooledDecisionLog(engine, "desk-2", spool_dir=spool)
    try:
        assert log.record("call-1", _batch("a")) == "written"
        postgres.pause()
        try:
            assert log.record("call-1", _batch("b")) == "queued"
            assert log.record("call-2", _batch("c")) == "queued"
            assert log.flush() == 0
            assert log.pending == 4
            # A desk restarted during the outage still knows what is waiting.
            assert SpooledDecisionLog(engine, "desk-2", spool_dir=spool).pending == 4
        finally:
            postgres.resume()
        assert log.flush() == 4
        assert log.pending == 0
        assert log.record("call-2", _batch("d")) == "written"
        logged = _logged(engine)
        assert [i for i, _, _ in logged] == _ids("a", "b", "c", "d")
        assert [c for _, _, c in logged] == ["call-1"] * 4 + ["call-2"] * 4
    finally:
        engine.dispose()


# -- two desks at once -----------------------------------------------------------------------------


def test_two_desks_with_their_own_engines_write_at_once(db_url: str, tmp_path: Path) -> None:
    engines = [make_engine(db_url) for _ in range(2)]
    logs = [
        SpooledDecisionLog(eng, f"desk-{n}", spool_dir=tmp_path / f"spool-{n}")
        for n, eng in enumerate(engines)
    ]
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(n: int, log: SpooledDecisionLog) -> None:
        try:
            start.wait()
            for i in range(30):
                outcomes.append(log.record(f"call-{n}-{i % 3}", _batch(f"k{n}-{i}")))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n, log)) for n, log in enumerate(logs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    try:
        assert not errors
        # Should a write have been refused under contention, it waits in the spool: flush it.
        for log in logs:
            log.flush()
            assert log.pending == 0
        logged = _logged(engines[0])
        assert len(logged) == 2 * 30 * 2
        for n in range(2):
            mine = [i for i, desk, _ in logged if desk == f"desk-{n}"]
            assert mine == _ids(*(f"k{n}-{i}" for i in range(30)))
    finally:
        for eng in engines:
            eng.dispose()
        for n in range(2):
            shutil.rmtree(tmp_path / f"spool-{n}", ignore_errors=True)
    assert outcomes.count("written") + outcomes.count("queued") == 60


def test_the_set_aside_kinds_wait_in_the_spool_with_the_decision(
    sqlite_engine: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = sqlite_engine
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=tmp_path / "spool")
    holder = _write_lock(path)
    try:
        outcome = log.record(
            "call-1", _batch("a", n=1), event_types=["job_loss"], set_aside_types=["separation"]
        )
        assert outcome == "queued"
    finally:
        holder.rollback()
        holder.close()
    spooled = json.loads((tmp_path / "spool" / "decisions-desk-1.jsonl").read_text())
    assert spooled["rows"][0]["set_aside_types"] == ["separation"]
    assert log.flush() == 1
    (row,) = DecisionLog(engine, "x").for_call("call-1")
    assert (row.event_types, row.set_aside_types) == (["job_loss"], ["separation"])


def test_a_row_spooled_by_the_previous_version_is_still_written(
    engine: Engine, tmp_path: Path
) -> None:
    # What an agent-desk without the set-aside column left in the spool: no such key.
    old = {
        "decision_id": "d-old", "call_ref": "call-1", "desk_id": "desk-1",
        "rule_set_version": "default@1.0.0", "suggestion_id": "s1",
        "action_id": "bank.sales.credit-card", "kind": "sales", "verdict": "hold",
        "rules": ["vulnerability.no-commercial"], "event_types": ["bereavement"],
        "created_at": "2026-11-20T10:00:00+00:00",
    }  # fmt: skip
    spool = tmp_path / "spool"
    spool.mkdir()
    line = json.dumps({"batch": "old", "rows": [old]})
    (spool / "decisions-desk-1.jsonl").write_text(line + "\n", encoding="utf-8")
    log = SpooledDecisionLog(engine, "desk-1", spool_dir=spool)
    assert log.pending == 1
    assert log.flush() == 1
    assert log.pending == 0
    assert not (spool / "decisions-desk-1.rejected.jsonl").exists()
    (row,) = DecisionLog(engine, "x").for_call("call-1")
    assert (row.decision_id, row.event_types, row.set_aside_types) == (
        "d-old", ["bereavement"], [],
    )  # fmt: skip
