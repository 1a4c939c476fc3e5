"""Shared fixtures: isolated settings/data dirs for every test, and the database matrix
(SQLite and a real throwaway PostgreSQL) that every DB test runs against."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy.engine import Engine

from tests.support.postgres import PostgresUnavailable, ThrowawayPostgres, throwaway_postgres

REPO = Path(__file__).resolve().parent.parent

# Property tests (hypothesis) draw the same examples on every run, so the suite gives the same
# answer twice; `pytest --hypothesis-profile=explore` draws new ones to look for more failures.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the developer's real config or write into their data dir."""
    monkeypatch.setenv("AGENT_DESK_CONFIG_FILE", str(tmp_path / "config.toml"))
    monkeypatch.setenv("AGENT_DESK_DATA_DIR", str(tmp_path / "data"))
    for name in list(os.environ):
        if name.startswith("AGENT_DESK_") and name not in {
            "AGENT_DESK_CONFIG_FILE",
            "AGENT_DESK_DATA_DIR",
        }:
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    try:
        with throwaway_postgres() as pg:
            yield pg
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: one test run per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    pg: ThrowawayPostgres = request.getfixturevalue("postgres")
    return pg.create_database()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    from agent_desk.db.engine import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()
