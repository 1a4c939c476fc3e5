"""Build the configured feed and NBA source from settings (the one place that knows them all).

Built-in feeds and sources are constructed here with their settings; a name that is not built in
is looked up in the ``agent_desk.feeds`` / ``agent_desk.nba_sources`` entry-point groups and
constructed with the settings object (see docs/plugins.md).
"""

from __future__ import annotations

from typing import Any

from agent_desk.feeds.base import Feed
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.library.catalog import load_catalogs
from agent_desk.library.conversation import Conversation
from agent_desk.nba.base import NBASource
from agent_desk.paths import catalog_dir
from agent_desk.settings import Settings


class WiringError(Exception):
    """A setting needed by the chosen feed or source is missing; the message names it."""


def _need(value: Any, name: str, what: str) -> Any:
    if not value:
        raise WiringError(f"{what} needs the setting {name} (AGENT_DESK_{name.upper()})")
    return value


def make_feed(
    settings: Settings, conversation: Conversation | None, speed: float | None = 1.0
) -> Feed:
    kind = settings.feed
    if kind == "replay":
        if conversation is None:
            raise WiringError("a replay needs a conversation")
        return ReplayFeed(conversation, speed=speed)
    if kind == "sse":
        from agent_desk.feeds.sse import SSEFeed

        return SSEFeed(_need(settings.feed_url, "feed_url", "the SSE feed"))
    if kind == "stdin":
        from agent_desk.feeds.stdin import StdinFeed

        return StdinFeed()
    if kind == "connect":
        from agent_desk.feeds.connect import ConnectFeed

        token = _need(settings.connect_token, "connect_token", "the Contact Lens feed")
        return ConnectFeed(
            _need(settings.feed_url, "feed_url", "the Contact Lens feed"),
            _need(settings.connect_instance_id, "connect_instance_id", "the Contact Lens feed"),
            _need(settings.connect_contact_id, "connect_contact_id", "the Contact Lens feed"),
            token.get_secret_value(),
        )
    from agent_desk.plugins import discover_feeds

    try:
        plugin: Any = discover_feeds().get(kind)
    except KeyError as exc:
        raise WiringError(str(exc.args[0])) from exc
    return plugin(settings)  # type: ignore[no-any-return]


def make_nba(settings: Settings, conversation: Conversation | None) -> NBASource:
    """The NBA source: a replayed conversation proposes what its recorded engine proposed."""
    kind = settings.nba_source
    if kind == "http":
        from agent_desk.nba.http import HttpNBASource

        return HttpNBASource(
            _need(settings.nba_url, "nba_url", "the HTTP decisioning source"),
            timeout=settings.nba_timeout_s,
            retries=settings.nba_retries,
            send_text=settings.nba_send_text,
        )
    actions = load_catalogs(catalog_dir())
    if kind == "catalog":
        if conversation is not None and settings.feed == "replay" and conversation.suggestions:
            from agent_desk.nba.catalog import ScriptedSource

            return ScriptedSource(conversation, actions)
        from agent_desk.nba.catalog import CatalogSource

        return CatalogSource(actions, org=conversation.org if conversation else settings.org)
    from agent_desk.plugins import discover_nba_sources

    try:
        plugin: Any = discover_nba_sources().get(kind)
    except KeyError as exc:
        raise WiringError(str(exc.args[0])) from exc
    return plugin(settings)  # type: ignore[no-any-return]
