"""Which rule set a desk runs on, and why: a desk must keep guarding when the database is away.

Order: the ``rules_file`` setting (trying a draft) -> the organisation's published version in
the database (copied to ``data_dir()/published-rules.yaml`` after every successful read) -> that
cached copy when the database cannot be reached -> the rule set shipped with the product.
Every fallback is protective: nothing ever runs unguarded.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from agent_desk.paths import default_rules
from agent_desk.settings import Settings, data_dir
from guards.rules import RuleSet, RuleSetError, load_rule_set, load_rule_set_text

log = logging.getLogger(__name__)

CACHE_NAME = "published-rules.yaml"
#: In the source line of a fallback taken because the rule store did not answer.
UNREACHABLE = "database unreachable"
#: The organisation whose published rules desks use (one tenant per database for now).
DEFAULT_ORG = "default"


def cache_path() -> Path:
    return data_dir() / CACHE_NAME


def quick_rules(settings: Settings) -> tuple[RuleSet, str]:
    """What a desk can start on without waiting for the database: the ``rules_file`` setting,
    else the cached copy of the last published version, else the shipped default. The desk then
    asks the database (:func:`load_active_rules`) in a worker and switches if it differs."""
    if settings.rules_file is not None:
        return load_rule_set(settings.rules_file), f"rules file {settings.rules_file}"
    cached = _read_cache()
    if cached is not None:
        return cached, f"cached copy of published {cached.id}@{cached.version}"
    return _shipped(), "shipped default rules"


def load_active_rules(settings: Settings) -> tuple[RuleSet, str]:
    """The rule set to run on and one line saying where it came from."""
    if settings.rules_file is not None:
        return load_rule_set(settings.rules_file), f"rules file {settings.rules_file}"
    # Imported here: the call screen imports this module before its first frame.
    from sqlalchemy.exc import SQLAlchemyError

    from agent_desk.db.engine import make_engine
    from agent_desk.db.rulesets import RuleRepository, compile_version

    try:
        engine = make_engine(settings.database_url)
        try:
            published = RuleRepository(engine, DEFAULT_ORG).published()
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        reason = _one_line(exc)
        log.warning("rule store unreachable, falling back: %s", reason)
        cached = _read_cache()
        if cached is not None:
            return cached, (
                f"cached copy of published {cached.id}@{cached.version} ({UNREACHABLE}: {reason})"
            )
        return _shipped(), f"shipped default rules ({UNREACHABLE}: {reason}; no cache)"
    if published is None:
        cache_path().unlink(missing_ok=True)  # nothing is published: a stale copy must not win
        return _shipped(), "shipped default rules (nothing published yet)"
    try:
        rule_set = compile_version(published)
    except RuleSetError as exc:
        log.error("published rule set %s does not validate: %s", published.label, exc.problems[0])
        return _shipped(), (
            f"shipped default rules (published {published.label} does not validate: "
            f"{exc.problems[0]})"
        )
    _write_cache(published.yaml_text)
    when = f"{published.published_at:%Y-%m-%d %H:%M}" if published.published_at else "?"
    return rule_set, (
        f"published {published.label} (id {published.id}) from the database, "
        f"by {published.published_by} at {when} UTC"
    )


def _shipped() -> RuleSet:
    return load_rule_set(default_rules())


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _write_cache(text: str) -> None:
    """Atomically (temp file + replace), so a desk starting meanwhile never reads half a file."""
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".published-", suffix=".yaml")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not cache the published rules in %s: %s", path, exc.strerror)


def _read_cache() -> RuleSet | None:
    path = cache_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        rule_set = load_rule_set_text(text, str(path))
    except RuleSetError as exc:
        log.warning("cached rules in %s do not validate: %s", path, exc.problems[0])
        return None
    return replace(rule_set, status="published")
