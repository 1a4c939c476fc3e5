"""The agent's call screen: live transcript, life events heard, guarded suggestions, status line.

A single async worker drives the call: feed events in, the session pipeline (NLP in a thread,
NBA over the network, guard in a thread) and :class:`StepProcessed` messages out. The screen
routes messages to widgets; widgets never talk to each other.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from agent_desk.feeds.base import (
    CallEnded,
    Feed,
    FeedProblem,
    FeedStatusChanged,
    UtteranceReceived,
)
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.i18n import Lang, t
from agent_desk.messages import FeedStateChanged, ProblemReported, StepProcessed
from agent_desk.session import CallSession
from agent_desk.widgets.events import EventChips
from agent_desk.widgets.status import StatusLine
from agent_desk.widgets.suggestions import SuggestionsPanel
from agent_desk.widgets.transcript import Transcript


class CallScreen(Screen[None]):
    #: (key, action, catalogue key of the footer label); labels follow the UI language.
    KEYS = (
        ("end", "follow", "binding.follow"),
        ("space", "pause", "binding.pause"),
        ("b", "toggle_blocked", "binding.blocked"),
    )

    def __init__(
        self, session: CallSession, feed: Feed, lang: Lang, show_qualified: bool = True
    ) -> None:
        super().__init__()
        self.session = session
        self.feed = feed
        self.lang: Lang = lang
        self.show_qualified = show_qualified
        self.steps = 0
        for key, action, label in self.KEYS:
            self._bindings.bind(key, action, t(label, lang))

    def compose(self) -> ComposeResult:
        with Horizontal(id="call-body"):
            with Vertical(id="left") as left:
                left.border_title = t("transcript.title", self.lang)
                yield Transcript(self.lang, id="transcript")
            with Vertical(id="right"):
                yield EventChips(self.lang, self.show_qualified, id="events")
                yield SuggestionsPanel(self.lang, id="suggestions")
        yield StatusLine(self.lang, id="status")
        yield Footer()

    def on_mount(self) -> None:
        status = self.query_one(StatusLine)
        rs = self.session.rule_set
        status.rules = f"{rs.id}@{rs.version}"
        status.nba = self.session.nba.name if self.session.nba else "-"
        self.run_call()

    @work(exclusive=True, group="call", description="call pipeline", exit_on_error=False)
    async def run_call(self) -> None:
        async for event in self.feed.events():
            if isinstance(event, UtteranceReceived):
                try:
                    step = await self.session.process(event.utterance)
                except Exception as exc:  # fail closed: nothing unjudged is shown, call goes on
                    self.post_message(ProblemReported(f"{type(exc).__name__}: {exc}"[:200]))
                    continue
                self.post_message(StepProcessed(step))
            elif isinstance(event, FeedStatusChanged):
                self.post_message(FeedStateChanged(event.state, event.detail))
            elif isinstance(event, FeedProblem):
                self.post_message(ProblemReported(event.message))
            elif isinstance(event, CallEnded):
                self.post_message(FeedStateChanged("ended", t("status.ended", self.lang)))

    @on(StepProcessed)
    def _step(self, message: StepProcessed) -> None:
        step = message.step
        self.steps += 1
        self.query_one(Transcript).show(step.utterance, step.events)
        if step.events and step.utterance.speaker == "customer":
            self.query_one(EventChips).add_events(
                step.utterance.id, step.utterance.text, step.events
            )
        if step.judged:
            self.query_one(SuggestionsPanel).judged(
                [(j.suggestion, j.decision) for j in step.judged]
            )
        status = self.query_one(StatusLine)
        status.nba = t("status.ok", self.lang) if not step.problems else t("status.down", self.lang)
        if step.problems:
            status.problem = step.problems[-1]

    @on(FeedStateChanged)
    def _feed_state(self, message: FeedStateChanged) -> None:
        status = self.query_one(StatusLine)
        if message.state == "replay" and isinstance(self.feed, ReplayFeed):
            speed = self.feed.speed
            status.feed = (
                t("status.replay_fast", self.lang)
                if speed is None
                else t("status.replay", self.lang, speed=f"{speed:g}")
            )
        else:
            key = f"status.{message.state}"
            text = t(key, self.lang)
            status.feed = text if text != key else message.detail

    @on(ProblemReported)
    def _problem(self, message: ProblemReported) -> None:
        self.query_one(StatusLine).problem = message.message

    def action_follow(self) -> None:
        self.query_one(Transcript).follow()

    def action_pause(self) -> None:
        if isinstance(self.feed, ReplayFeed):
            if self.feed.paused:
                self.feed.resume()
            else:
                self.feed.pause()
                self.post_message(FeedStateChanged("paused", ""))

    def action_toggle_blocked(self) -> None:
        panel = self.query_one(SuggestionsPanel)
        panel.show_blocked = not panel.show_blocked
