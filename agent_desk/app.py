"""The Textual application: wires settings, the shipped library, the guard and a feed into the
call screen. Heavy parts (spaCy pipelines) load lazily on first use, off the UI thread."""

from __future__ import annotations

from textual.app import App

from agent_desk.feeds.base import Feed
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.library.catalog import load_catalogs
from agent_desk.library.conversation import Conversation
from agent_desk.library.load import load_conversation
from agent_desk.nba.base import NBASource
from agent_desk.nba.catalog import ScriptedSource
from agent_desk.paths import catalog_dir, default_rules, demo_conversation
from agent_desk.screens.call import CallScreen
from agent_desk.session import CallSession
from agent_desk.settings import Settings, load_settings
from guards.rules import RuleSet, load_rule_set


class AgentDeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "agent-desk"

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        conversation: Conversation | None = None,
        speed: float | None = 1.0,
        feed: Feed | None = None,
        rule_set: RuleSet | None = None,
        nba: NBASource | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        self.conversation = conversation or load_conversation(demo_conversation())
        self.feed = feed or ReplayFeed(self.conversation, speed=speed)
        if rule_set is None:
            path = self.settings.rules_file
            rule_set = load_rule_set(path or default_rules())
        self.rule_set = rule_set
        self.ui_lang = self.settings.language
        self.nba = nba

    def get_css_variables(self) -> dict[str, str]:
        """Semantic verdict colours as aliases of theme tokens, so themes keep them consistent."""
        variables = super().get_css_variables()
        variables.update(
            {
                "verdict-show": variables["success"],
                "verdict-guide": variables["primary"],
                "verdict-hold": variables["warning"],
                "verdict-block": variables["error"],
            }
        )
        return variables

    def on_mount(self) -> None:
        conv = self.conversation
        session = CallSession(
            rule_set=self.rule_set,
            nba=self.nba or ScriptedSource(conv, load_catalogs(catalog_dir())),
            lang=conv.lang,
            customer=conv.customer,
            nba_timeout_s=self.settings.nba_timeout_s,
            reason_lang=self.ui_lang,
        )
        self.push_screen(
            CallScreen(session, self.feed, self.ui_lang, self.settings.show_qualified_events)
        )
