"""The agent's call screen: live transcript, life events heard, guarded suggestions, status line,
and the agent's keyboard-first actions (footer and command palette).

A single async worker drives the call: feed events in, the session pipeline (NLP in a thread,
NBA over the network, guard in a thread) and :class:`StepProcessed` messages out. The screen
routes messages to widgets; widgets never talk to each other.

Agent actions change the session (the autonomy ledger, the emergency brake, the "no offers" wish,
the acknowledged disclosure), re-judge every active suggestion at once, and leave records for
supervisors (overrides, brake cases, consents) written by a thread worker in the ``db`` group.
The action takes effect for the call even when the database is away; the agent is told in one
line that the record could not be stored.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from agent_desk.feeds.base import (
    CallEnded,
    CallStarted,
    Feed,
    FeedEvent,
    FeedProblem,
    FeedStatusChanged,
    UtteranceReceived,
)
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.i18n import Lang, t
from agent_desk.messages import FeedStateChanged, ProblemReported, StepsProcessed
from agent_desk.nba.base import Reaction
from agent_desk.screens.dialogs import (
    BrakeDialog,
    Dismissal,
    DismissDialog,
    RevealDialog,
    TexasDialog,
    TexasResult,
)
from agent_desk.session import CallSession, Judged
from agent_desk.settings import Settings, load_settings
from agent_desk.widgets.events import EventChip, EventChips
from agent_desk.widgets.status import StatusLine, source_name
from agent_desk.widgets.suggestions import SuggestionCard, SuggestionsPanel
from agent_desk.widgets.transcript import NewLines, Transcript
from guards.rules import RuleSet
from guards.types import SuggestionKind, Verdict
from nlp.types import Utterance

if TYPE_CHECKING:  # the database layer loads on first use, not before the first frame
    from agent_desk.db.desk import DeskRecords
    from agent_desk.db.oversight import OversightLog


def _redact(text: str) -> str:
    # Imported on first use (the app's warm-up worker has usually loaded it by then): the
    # phone-number metadata is not needed for the first frame.
    from agent_desk.redact import redact

    return redact(text)


#: How often a desk tries to write decisions that wait in its spool (database away).
SPOOL_RETRY_S = 30.0

#: Most utterances that go through the pipeline and onto the screen together in a burst.
MAX_BATCH = 64

#: How long a consented life-event note is kept (mirrors agent_desk.db.oversight, which is not
#: imported before the first frame).
CONSENT_RETENTION_DAYS = 365

#: Kinds of help the TEXAS "Signpost" step points to.
_HELP_KINDS = frozenset({SuggestionKind.CARE, SuggestionKind.REFERRAL, SuggestionKind.SERVICE})


@dataclass
class AgentActed(Message):
    """The agent did something to the call: accepted, dismissed, overridden, brake, no_offers,
    consent or acknowledged (the TEXAS flow finished)."""

    action: str
    suggestion_id: str = ""


@dataclass
class DecisionsLogged(Message):
    """New decisions reached the decision log: ``written``, or ``queued`` in the spool."""

    count: int
    outcome: str


@dataclass
class RulesLoaded(Message):
    """The rule store answered: the rule set this desk should run on, and where it came from."""

    rule_set: RuleSet
    source: str


@dataclass
class OversightRecorded(Message):
    """A record for supervisors was stored: ``override``, ``brake``, ``consent`` or ``reaction``."""

    kind: str
    record_id: int


class CallFlags(Static):
    """What the agent switched on for this call, at the end of the status line."""

    def __init__(self, lang: Lang, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.lang: Lang = lang

    def show_flags(self, brake: bool, no_offers: bool) -> None:
        flags = (("flags.brake", brake), ("flags.no_offers", no_offers))
        parts = [t(key, self.lang) for key, switched_on in flags if switched_on]
        self.update(Text(" │ ".join(parts)))
        self.set_class(brake, "-brake")
        self.display = bool(parts)


class CallActions(Provider):
    """The agent's actions in the command palette, labelled in the UI language."""

    ACTIONS: ClassVar[tuple[str, ...]] = (
        "accept", "dismiss_suggestion", "reveal", "brake", "no_offers", "consent",
    )  # fmt: skip

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        lang: Lang = screen.lang if isinstance(screen, CallScreen) else "nl"
        return [
            (
                t(f"command.{key}", lang),
                t(f"command.{key}_help", lang),
                partial(screen.run_action, action),
            )
            for action in self.ACTIONS
            for key in [action.removesuffix("_suggestion")]
        ]

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)


class CallScreen(Screen[None]):
    COMMANDS: ClassVar[set[Any]] = {CallActions}
    #: (key, action, catalogue key of the footer label); labels follow the UI language.
    KEYS = (
        ("end", "follow", "binding.follow"),
        ("space", "pause", "binding.pause"),
        ("b", "toggle_blocked", "binding.blocked"),
        ("a", "accept", "binding.accept"),
        ("d", "dismiss_suggestion", "binding.dismiss"),
        ("r", "reveal", "binding.reveal"),
        ("ctrl+b", "brake", "binding.brake"),
        ("n", "no_offers", "binding.no_offers"),
        ("c", "consent", "binding.consent"),
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
        #: Bumped by every agent action, so a step judged before it is judged again.
        self._agent_seq = 0
        self._db: DeskRecords | None = None
        self._db_lock = threading.Lock()
        #: Decisions handed to the decision log (written or spooled).
        self.decisions_logged = 0
        #: The status-bar hint about the agent's last refused action ("reveal first"...), and
        #: the suggestion source's last problem: each goes when its cause is gone.
        self._hint_text = ""
        self._source_problem = ""
        for key, action, label in self.KEYS:
            self._bindings.bind(key, action, t(label, lang))
        # "!" is the brake for keyboards where Ctrl+B is taken (terminal multiplexers).
        self._bindings.bind("exclamation_mark", "brake", t("binding.brake", lang), show=False)

    def compose(self) -> ComposeResult:
        with Horizontal(id="call-body"):
            with Vertical(id="left") as left:
                left.border_title = t("transcript.title", self.lang)
                yield Transcript(self.lang, id="transcript")
                yield NewLines(self.lang, id="new-lines")
            with Vertical(id="right"):
                yield EventChips(self.lang, self.show_qualified, id="events")
                yield SuggestionsPanel(self.lang, id="suggestions")
        with Horizontal(id="status-row"):
            yield StatusLine(self.lang, id="status")
            yield CallFlags(self.lang, id="call-flags")
        yield Footer()

    def on_mount(self) -> None:
        status = self.query_one(StatusLine)
        rs = self.session.rule_set
        status.rules = f"{rs.id}@{rs.version}"
        status.nba = source_name(self.session.nba.name, self.lang) if self.session.nba else "-"
        self.query_one(CallFlags).display = False
        self.watch(self.query_one(Transcript), "unseen", self.query_one(NewLines).count)
        self.run_call()
        # Decisions spooled while the database was away are written once it answers again.
        self.set_interval(SPOOL_RETRY_S, self._flush_spool)

    @work(thread=True, group="rules", description="load published rules", exit_on_error=False)
    def load_published_rules(self, settings: Settings) -> None:
        """Ask the rule store for the organisation's published rules (off the UI thread: the
        database may be slow or away); switch to them if they differ from what the desk runs."""
        from agent_desk.rulesource import load_active_rules

        try:
            rule_set, source = load_active_rules(settings)
        except Exception as exc:  # the desk keeps its rules; the agent is told once
            self.post_message(ProblemReported(t("status.rules_failed", self.lang, error=exc)))
            return
        self.post_message(RulesLoaded(rule_set, source))

    @on(RulesLoaded)
    def _rules_loaded(self, message: RulesLoaded) -> None:
        rule_set = message.rule_set
        from agent_desk.rulesource import UNREACHABLE

        if UNREACHABLE in message.source:
            self._say("status.rules_offline", rules=f"{rule_set.id}@{rule_set.version}")
        if rule_set.digest == self.session.rule_set.digest:
            return
        self.session.use_rules(rule_set)
        self.query_one(StatusLine).rules = f"{rule_set.id}@{rule_set.version}"
        self._rejudge()

    def _flush_spool(self) -> None:
        if self._db is not None:
            self._flush_decisions()

    @work(thread=True, group="db", description="flush decision spool", exit_on_error=False)
    def _flush_decisions(self) -> None:
        records = self._records()
        with self._db_lock:
            if not records.decisions.pending or not records.ensure_schema():
                return
            records.decisions.flush()
            left = records.decisions.pending
        self.post_message(DecisionsLogged(0, "queued" if left else "written"))

    @work(exclusive=True, group="call", description="call pipeline", exit_on_error=False)
    async def run_call(self) -> None:
        """Read the feed in one task and run the pipeline in this one, so that utterances which
        pile up while the pipeline works (a burst) go through it, and onto the screen, together.
        """
        queue: asyncio.Queue[FeedEvent | None] = asyncio.Queue()

        async def read() -> None:
            try:
                async for event in self.feed.events():
                    await queue.put(event)
            finally:
                queue.put_nowait(None)

        reader = asyncio.create_task(read())
        try:
            event = await queue.get()
            while event is not None:
                if not isinstance(event, UtteranceReceived):
                    self._feed_event(event)
                    event = await queue.get()
                    continue
                batch = [event.utterance]
                taken: FeedEvent | Literal[False] | None = False  # False: nothing else taken
                while len(batch) < MAX_BATCH and not queue.empty():
                    waiting = queue.get_nowait()
                    if not isinstance(waiting, UtteranceReceived):
                        taken = waiting
                        break
                    batch.append(waiting.utterance)
                await self._run_batch(batch)
                event = await queue.get() if taken is False else taken
        finally:
            reader.cancel()

    async def _run_batch(self, batch: list[Utterance]) -> None:
        seq = self._agent_seq
        try:
            steps = await self.session.process_batch(batch)
            if self._agent_seq != seq and any(s.judged for s in steps):
                # The agent acted while these were judged: judge again with what the agent
                # recorded, so a pulled brake is never undone by a late step.
                steps[-1] = replace(steps[-1], judged=self.session.judge_active())
        except Exception as exc:  # fail closed: nothing unjudged is shown, call goes on
            self.post_message(ProblemReported(f"{type(exc).__name__}: {exc}"[:200]))
            return
        self.post_message(StepsProcessed(tuple(steps), self._agent_seq))

    def _feed_event(self, event: FeedEvent) -> None:
        if isinstance(event, CallStarted) and event.platform:
            # The platform's call id names this call in the decision log and towards the
            # decisioning service (a made-up one, or a replay's fixture id, does not).
            self.session.start_call(event.call_id)
        elif isinstance(event, FeedStatusChanged):
            self.post_message(FeedStateChanged(event.state, event.detail))
        elif isinstance(event, FeedProblem):
            self.post_message(ProblemReported(event.message))
        elif isinstance(event, CallEnded):
            self.post_message(FeedStateChanged("ended", t("status.ended", self.lang)))
            self._flush_spool()

    @on(StepsProcessed)
    def _steps(self, message: StepsProcessed) -> None:
        steps = message.steps
        self.steps += len(steps)
        self.query_one(Transcript).show_many([(s.utterance, s.events) for s in steps])
        chips = self.query_one(EventChips)
        for step in steps:
            if (step.events or step.set_aside) and step.utterance.speaker == "customer":
                chips.add_events(
                    step.utterance.id, step.utterance.text, step.events, step.set_aside
                )
        judged = next((s.judged for s in reversed(steps) if s.judged), ())
        if judged and message.judged_at != self._agent_seq:
            # The agent acted, or a supervisor's rules arrived, after these were judged and
            # before they reached the screen: never show a judgement older than what is shown.
            judged = self.session.judge_active()
        if judged:
            self._show_judged(judged)
        problems = [p for s in steps for p in s.problems]
        if any(s.utterance.final for s in steps):
            status = self.query_one(StatusLine)
            status.nba = t("status.ok" if not problems else "status.down", self.lang)
            if problems:
                status.problem = self._source_problem = problems[-1]
            elif self._source_problem:  # the source answers again: its warning is history
                if status.problem == self._source_problem:
                    status.problem = ""
                self._source_problem = ""

    def _show_judged(self, judged: Sequence[Judged]) -> None:
        """Put judgements on screen and hand the ones that changed to the decision log."""
        self.query_one(SuggestionsPanel).judged([(j.suggestion, j.decision) for j in judged])
        fresh = self.session.new_decisions(judged)
        if fresh:
            self._log_decisions(
                self.session.call_id,
                fresh,
                self._event_types(),
                self.session.set_aside_event_types(),
            )

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

    # -- the agent's actions -------------------------------------------------------------------
    def _say(self, key: str, **values: object) -> None:
        """One line in the status bar: what went wrong (it stays until its cause is gone)."""
        self.query_one(StatusLine).problem = t(key, self.lang, **values)

    def _hint(self, key: str, **values: object) -> None:
        """One line in the status bar: why the action the agent tried cannot be done. It goes
        with the agent's next action that works, or when the agent moves focus on."""
        self._hint_text = t(key, self.lang, **values)
        self.query_one(StatusLine).problem = self._hint_text

    def _clear_hint(self) -> None:
        if not self._hint_text:
            return
        status = self.query_one(StatusLine)
        if status.problem == self._hint_text:  # not replaced by a problem of the system's
            status.problem = ""
        self._hint_text = ""

    @on(AgentActed)
    def _acted(self, _: AgentActed) -> None:
        self._clear_hint()

    def on_descendant_focus(self, _: events.DescendantFocus) -> None:
        # The hint was about what had focus ("choose a suggestion first", "reveal this one
        # first"); with focus elsewhere it no longer applies.
        self._clear_hint()

    def _focused_card(self) -> SuggestionCard | None:
        card = self.focused
        if isinstance(card, SuggestionCard):
            return card
        self._hint("action.focus_card")
        return None

    def _rejudge(self) -> None:
        """Judge every active suggestion again after the agent changed the call's state."""
        self._agent_seq += 1
        self._show_judged(self.session.judge_active())
        self.query_one(CallFlags).show_flags(
            self.session.emergency_brake, self.session.no_offers_marked
        )

    def _event_types(self) -> list[str]:
        return self.session.asserted_event_types()

    def action_accept(self) -> None:
        card = self._focused_card()
        if card is None:
            return
        verdict = card.decision.verdict
        if verdict is Verdict.BLOCK:
            self._hint("action.blocked_no_accept")
            return
        if verdict is Verdict.HOLD and not card.revealed:
            self._hint("action.reveal_first")
            return
        card.mark_accepted()
        self._react(Reaction(self.session.call_id, card.suggestion.id, "accepted"))
        self._store_reaction(card, "accepted")
        self.post_message(AgentActed("accepted", card.suggestion.id))

    def action_dismiss_suggestion(self) -> None:
        card = self._focused_card()
        if card is None:
            return
        self.app.push_screen(
            DismissDialog(self.lang, card.suggestion.title), partial(self._dismissed, card)
        )

    def _dismissed(self, card: SuggestionCard, result: Dismissal | None) -> None:
        if result is None:
            return
        sid = card.suggestion.id
        reason: str = result.reason
        if result.note:
            reason = f"other: {_redact(result.note)[:200]}"
        self.query_one(SuggestionsPanel).dismiss(sid)
        # The session puts a customer's "no" in the autonomy ledger before it tells the source;
        # the worker re-judges afterwards so similar offers are held at once.
        self._react(Reaction(self.session.call_id, sid, "dismissed", reason), rejudge=True)
        self._store_reaction(card, "dismissed", result.reason)
        self.post_message(AgentActed("dismissed", sid))

    def action_reveal(self) -> None:
        card = self._focused_card()
        if card is None:
            return
        verdict = card.decision.verdict
        if verdict is Verdict.BLOCK:
            self._hint("action.blocked_no_reveal")
            return
        if verdict is not Verdict.HOLD or card.revealed:
            self._hint("action.reveal_only_held")
            return
        enforced = [r for r in card.decision.reasons if r.enforcement == "enforce"]
        held_because = enforced[0].message if enforced else ""
        self.app.push_screen(
            RevealDialog(self.lang, card.suggestion.title, held_because),
            partial(self._revealed, card),
        )

    def _revealed(self, card: SuggestionCard, reason: str | None) -> None:
        if reason is None:
            return
        suggestion, decision = card.suggestion, card.decision
        card.reveal()
        events = self._event_types()
        call_ref = self.session.call_id
        self._store(
            "override",
            lambda log: log.record_override(call_ref, suggestion, decision, reason, events).id,
        )
        self._react(Reaction(call_ref, suggestion.id, "overridden", _redact(reason)[:200]))
        self._store_reaction(card, "overridden")
        self.post_message(AgentActed("overridden", suggestion.id))

    def action_brake(self) -> None:
        if self.session.emergency_brake:
            self._hint("action.already_braked")
            return
        self.app.push_screen(BrakeDialog(self.lang), self._braked)

    def _braked(self, reason: str | None) -> None:
        if reason is None:
            return
        self.session.emergency_brake = True
        self._rejudge()
        rs = self.session.rule_set
        version, events, call_ref = (
            f"{rs.id}@{rs.version}",
            self._event_types(),
            self.session.call_id,
        )
        self._store("brake", lambda log: log.record_brake(call_ref, reason, version, events).id)
        self.post_message(AgentActed("brake"))

    def action_no_offers(self) -> None:
        if self.session.no_offers_marked:
            self._hint("action.already_no_offers")
            return
        self.session.mark_no_offers()
        self._rejudge()
        self.post_message(AgentActed("no_offers"))

    def action_consent(self) -> None:
        focused = self.focused
        if isinstance(focused, EventChip):
            if not focused.event.asserted:
                self._hint("action.event_not_own")
                return
            event_type = focused.event.type
        else:
            asserted = self.session.tracker.asserted
            if not asserted:
                self._hint("action.no_event")
                return
            event_type = asserted[-1].event.type
        panel = self.query_one(SuggestionsPanel)
        help_titles = [
            c.suggestion.title
            for c in panel.cards
            if c.suggestion.kind in _HELP_KINDS
            and c.decision.verdict in (Verdict.SHOW, Verdict.GUIDE)
            and (not c.suggestion.for_events or event_type in c.suggestion.for_events)
        ]
        months = round(CONSENT_RETENTION_DAYS / 30.4)
        self.app.push_screen(
            TexasDialog(self.lang, self.session.lang, event_type, help_titles, months),
            self._texas_done,
        )

    def _texas_done(self, result: TexasResult | None) -> None:
        if result is None:
            return
        if result.consent:
            call_ref, event_type, note = self.session.call_id, result.event_type.value, result.note
            self._store("consent", lambda log: log.record_consent(call_ref, event_type, note).id)
            self.post_message(AgentActed("consent"))
        self.session.disclosure_acknowledged = True
        self._rejudge()
        self.post_message(AgentActed("acknowledged"))

    def _store_reaction(self, card: SuggestionCard, reaction: str, code: str | None = None) -> None:
        """The reaction as codes for the humane KPIs (help offered and accepted); no free text."""
        call_ref, suggestion, decision = self.session.call_id, card.suggestion, card.decision
        self._store(
            "reaction",
            lambda log: (
                log.record_reaction(
                    call_ref,
                    suggestion,
                    decision,
                    reaction,
                    code,
                ).id
            ),
        )

    # -- workers -------------------------------------------------------------------------------
    @work(group="reactions", description="report reaction", exit_on_error=False)
    async def _react(self, reaction: Reaction, rejudge: bool = False) -> None:
        try:
            await self.session.report(reaction)
        except Exception as exc:  # the source's trouble must not cost the agent the action
            self._say("action.report_failed", error=f"{type(exc).__name__}"[:80])
        if rejudge:
            self._rejudge()

    def _records(self) -> DeskRecords:
        """Built on first use, off the UI thread (importing SQLAlchemy and connecting take time;
        a database that is away must not delay the call)."""
        with self._db_lock:
            if self._db is None:
                settings = getattr(self.app, "settings", None)
                if not isinstance(settings, Settings):
                    settings = load_settings()
                from agent_desk.db.desk import DeskRecords

                self._db = DeskRecords.open(settings.database_url, settings.desk_id)
            return self._db

    @work(thread=True, group="db", description="store oversight record", exit_on_error=False)
    def _store(self, kind: str, write: Callable[[OversightLog], int | None]) -> None:
        try:
            record_id = write(self._records().oversight)
        except Exception as exc:  # the action stands for the call; the agent is told once
            error = f"{type(exc).__name__}"[:80]
            self.post_message(ProblemReported(t("action.save_failed", self.lang, error=error)))
            return
        self.post_message(OversightRecorded(kind, record_id or 0))

    @work(thread=True, group="db", description="log decisions", exit_on_error=False)
    def _log_decisions(
        self,
        call_ref: str,
        judged: list[Judged],
        event_types: list[str],
        set_aside_types: list[str],
    ) -> None:
        """Every new decision goes to the decision log, with the life-event types heard and,
        apart, those the classifier veto set aside; while the database is away it waits in
        the desk's spool and is written when the database is back (none lost)."""
        try:
            records = self._records()
            with self._db_lock:
                outcome = records.decisions.record(
                    call_ref,
                    [(j.suggestion, j.decision) for j in judged],
                    event_types,
                    set_aside_types,
                )
        except Exception as exc:  # the spool itself failed: say so, never stop the call
            error = f"{type(exc).__name__}"[:80]
            self.post_message(ProblemReported(t("status.log_failed", self.lang, error=error)))
            return
        self.post_message(DecisionsLogged(len(judged), outcome))

    @on(DecisionsLogged)
    def _decisions_logged(self, message: DecisionsLogged) -> None:
        self.decisions_logged += message.count
        status = self.query_one(StatusLine)
        if message.outcome == "queued":
            status.problem = t("status.log_queued", self.lang)
        elif status.problem == t("status.log_queued", self.lang):
            status.problem = ""
