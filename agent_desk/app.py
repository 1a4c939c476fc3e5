"""The Textual application: wires settings, the shipped library, the guard and a feed into the
call screen. Heavy parts (spaCy pipelines) load lazily on first use, off the UI thread."""

from __future__ import annotations

import contextlib

from textual.app import App

from agent_desk import heap
from agent_desk.feeds.base import Feed
from agent_desk.library.conversation import Conversation, CustomerProfile
from agent_desk.library.load import load_conversation
from agent_desk.nba.base import NBASource
from agent_desk.paths import demo_conversation
from agent_desk.rulesource import quick_rules
from agent_desk.screens.call import CallScreen
from agent_desk.session import CallSession
from agent_desk.settings import Settings, load_settings
from agent_desk.wiring import make_feed, make_nba
from guards.rules import RuleSet


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
        live = self.settings.feed != "replay"
        self.conversation = conversation or (
            None if live else load_conversation(demo_conversation())
        )
        self.feed = feed or make_feed(self.settings, self.conversation, speed)
        #: Rules given by the caller are used as they are; otherwise the desk starts on what it
        #: has at hand and asks the rule store for the published version in a worker.
        self.ask_rule_store = rule_set is None and self.settings.rules_file is None
        if rule_set is None:
            rule_set, _ = quick_rules(self.settings)
        self.rule_set = rule_set
        self.ui_lang = self.settings.language
        #: Built here, not on mount: a missing setting (WiringError) stops the command that
        #: opens the screen with a plain message instead of a crash on the screen.
        self.nba = nba or make_nba(self.settings, self.conversation)
        self._heap_frozen = False

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

    def start_warm_up(self) -> None:
        """Build the spaCy pipelines off the UI thread while the agent already sees the screen,
        then settle the heap."""

        heap.return_big_blocks()  # before the models load and free their big buffers

        def work() -> None:
            warm_up()
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                self.call_from_thread(self._settle_heap)

        self.run_worker(work, thread=True, group="nlp", description="warm up", exit_on_error=False)

    def _settle_heap(self) -> None:
        """Move what is loaded by now out of the garbage collector's sight
        (:func:`agent_desk.heap.settle`). Runs on the UI thread (instant), so it cannot race the
        unsettling on exit: an app that ends (tests run many in one process) leaves nothing
        uncollectable behind."""
        if self.is_running:
            heap.settle()
            self._heap_frozen = True

    def on_unmount(self) -> None:
        if self._heap_frozen:
            heap.unsettle()

    def on_mount(self) -> None:
        conv = self.conversation
        session = CallSession(
            rule_set=self.rule_set,
            nba=self.nba,
            lang=conv.lang if conv else self.settings.language,
            customer=conv.customer if conv else CustomerProfile(),
            nba_timeout_s=self.settings.nba_timeout_s,
            reason_lang=self.ui_lang,
        )
        # After the first frame: spaCy loading in a thread competes for the GIL with drawing it.
        self.call_after_refresh(self.start_warm_up)
        screen = CallScreen(session, self.feed, self.ui_lang, self.settings.show_qualified_events)
        self.push_screen(screen)
        if self.ask_rule_store:
            screen.load_published_rules(self.settings)


def warm_up() -> None:
    """Build the spaCy pipelines (and load what the first action needs) off the UI thread."""
    from nlp.detector import get_detector

    get_detector().warm_up()
    # Needed by the first dismissal or override; loaded here rather than on the UI thread.
    import agent_desk.redact  # noqa: F401
