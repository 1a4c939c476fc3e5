"""What one desk writes to the database during calls: the decision log (spooled while the
database is away) and the oversight records. Opened lazily, off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from agent_desk.db.engine import make_engine
from agent_desk.db.oversight import OversightLog
from agent_desk.db.spool import SpooledDecisionLog


@dataclass
class DeskRecords:
    url: str
    desk_id: str
    engine: Engine
    oversight: OversightLog
    decisions: SpooledDecisionLog
    #: False while the database was away at start: the schema is checked again before a flush.
    schema_ready: bool = True

    @classmethod
    def open(cls, url: str, desk_id: str) -> DeskRecords:
        """Connect and bring the schema up to date. A database that is away at start still
        gets a desk: decisions wait in the spool until it answers."""
        ready = True
        try:
            engine = make_engine(url)
        except Exception:
            engine, ready = create_engine(url, pool_pre_ping=True), False
        return cls(
            url,
            desk_id,
            engine,
            OversightLog(engine, desk_id),
            SpooledDecisionLog(engine, desk_id),
            ready,
        )

    def ensure_schema(self) -> bool:
        """Once the database answers, migrate it (a fresh database has no tables yet)."""
        if not self.schema_ready:
            try:
                engine = make_engine(self.url)
            except Exception:
                return False
            self.engine.dispose()
            self.engine, self.schema_ready = engine, True
            self.oversight = OversightLog(engine, self.desk_id)
            self.decisions = SpooledDecisionLog(engine, self.desk_id)
        return True
