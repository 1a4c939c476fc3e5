"""Build the configured feed and NBA source from settings (the one place that knows them all).

Built-in feeds and sources are constructed here with their settings; a name that is not built in
is looked up in the ``agent_desk.feeds`` / ``agent_desk.nba_sources`` entry-point groups and
constructed with the settings object (see docs/plugins.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from agent_desk.feeds.base import Feed
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.library.catalog import load_catalogs
from agent_desk.library.conversation import Conversation
from agent_desk.nba.base import NBASource
from agent_desk.paths import catalog_dir
from agent_desk.settings import Settings

if TYPE_CHECKING:
    from agent_desk.i18n import Lang
    from agent_desk.plugins import Registry

T = TypeVar("T")


class WiringError(Exception):
    """A setting needed by the chosen feed or source is missing, or no plugin has the name
    given; the message names it. ``code`` and ``params`` say it in the user's language
    (``cli.wiring.<code>`` in agent_desk/i18n, :func:`message`); ``str()`` is the English."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: Lang) -> str:
        from agent_desk.i18n import t

        values = dict(self.params)
        if "what" in values:
            values["what"] = t(f"cli.wiring.what.{values['what']}", lang)
        return t(f"cli.wiring.{self.code}", lang, **values)


def _need(value: Any, name: str, what: str) -> Any:
    """``value``, or a WiringError naming the setting ``name`` that ``what`` (a code:
    ``sse_feed``, ``connect_feed``, ``http_nba``) needs."""
    if not value:
        raise WiringError("needs_setting", what=what, name=name, env=f"AGENT_DESK_{name.upper()}")
    return value


def _plugin(registry: Registry[T], kind: str) -> type[T]:
    """The plugin class named ``kind`` in an entry-point ``registry``, or a WiringError."""
    if kind not in registry.classes:
        known = ", ".join(sorted(registry.classes)) or "-"
        raise WiringError("unknown_plugin", group=registry.group, name=kind, known=known)
    return registry.get(kind)


def make_feed(
    settings: Settings, conversation: Conversation | None, speed: float | None = 1.0
) -> Feed:
    kind = settings.feed
    if kind == "replay":
        if conversation is None:
            raise WiringError("replay_needs_conversation")
        return ReplayFeed(conversation, speed=speed)
    if kind == "sse":
        from agent_desk.feeds.sse import SSEFeed

        return SSEFeed(_need(settings.feed_url, "feed_url", "sse_feed"))
    if kind == "stdin":
        from agent_desk.feeds.stdin import StdinFeed

        return StdinFeed()
    if kind == "connect":
        from agent_desk.feeds.connect import ConnectFeed

        token = _need(settings.connect_token, "connect_token", "connect_feed")
        return ConnectFeed(
            _need(settings.feed_url, "feed_url", "connect_feed"),
            _need(settings.connect_instance_id, "connect_instance_id", "connect_feed"),
            _need(settings.connect_contact_id, "connect_contact_id", "connect_feed"),
            token.get_secret_value(),
        )
    from agent_desk.plugins import discover_feeds

    return _plugin(discover_feeds(), kind)(settings)  # type: ignore[call-arg]


def make_nba(settings: Settings, conversation: Conversation | None) -> NBASource:
    """The NBA source: a replayed conversation proposes what its recorded engine proposed."""
    kind = settings.nba_source
    if kind == "http":
        from agent_desk.nba.http import HttpNBASource

        return HttpNBASource(
            _need(settings.nba_url, "nba_url", "http_nba"),
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

    return _plugin(discover_nba_sources(), kind)(settings)  # type: ignore[call-arg]
