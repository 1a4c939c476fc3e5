"""The trainer's screens: the conversation library and the replay / quiz of one conversation.

A replay runs on the real call path: a :class:`ReplayFeed` with a controllable clock feeds a
:class:`CallSession` (NLP, the recorded engine's suggestions, the guard), one utterance at a time,
shown with the call screen's own widgets. Seeking rebuilds the state by replaying from the start
as fast as possible up to the target, so the side panel shows exactly what the guard saw *at*
that moment (the session's state only ever moves forward).

Quiz mode stops the replay at every question (a suggestion the engine proposed) before its
verdict is shown; what the NLP layer heard is also kept back until the answer, because hearing
the life events is part of the question. Each answer is scored, saved at once (a quiz that is
interrupted can be resumed) and then revealed with the guard's reasons and the annotators' note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Mount
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, OptionList, Select, Static
from textual.widgets.option_list import Option

from agent_desk.app import AgentDeskApp
from agent_desk.feeds.base import CallEnded, UtteranceReceived
from agent_desk.feeds.replay import ReplayFeed
from agent_desk.i18n import Lang, t
from agent_desk.library.catalog import load_catalogs
from agent_desk.library.conversation import Conversation, Difficulty
from agent_desk.library.index import LibraryEntry, filter_entries, library_index
from agent_desk.messages import ProblemReported
from agent_desk.nba.catalog import ScriptedSource
from agent_desk.paths import catalog_dir
from agent_desk.session import CallSession, Judged, Step
from agent_desk.settings import Settings
from agent_desk.training.quiz import Answer, QuizPoint, Scored, find_judged, quiz_points, score
from agent_desk.training.sessions import (
    TrainingSession,
    TrainingStore,
    TrainingStoreError,
    record,
)
from agent_desk.widgets.events import EventChips
from agent_desk.widgets.status import StatusLine, source_name
from agent_desk.widgets.suggestions import SuggestionsPanel
from agent_desk.widgets.trainer_guard import GuardSawPanel, GuardView
from agent_desk.widgets.trainer_quiz import AnswerSubmitted, QuizContinued, QuizPanel
from guards.rules import RuleSet
from nlp.types import EventType

#: The replay speeds a trainer steps through with - and + (or [ and ]).
SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)

#: The recorded engine answers at once; a generous budget keeps a busy machine from failing a
#: question closed (no judgement) when no live customer is waiting.
_NBA_BUDGET_S = 30.0

_ORDER = {ev: i for i, ev in enumerate(EventType)}

#: Library columns, in the order of the filters above them; the title, the longest, comes after
#: the short ones so that it, not a difficulty or a language, is what a narrow screen cuts.
LIBRARY_COLUMNS = ("id", "lang", "events", "difficulty", "title", "tags")

#: Titles longer than this end in "…" in the library (the replay screen shows the whole title).
MAX_TITLE_CELLS = 48


# -- facts the screens post --------------------------------------------------------------------
@dataclass
class ConversationOpened(Message):
    """The trainer opened a conversation from the library (``quiz``: as a quiz)."""

    conversation_id: str
    quiz: bool
    resumed: str | None = None


@dataclass
class ReplayStepped(Message):
    """One utterance went through the pipeline in the replay run ``generation``."""

    generation: int
    index: int
    step: Step
    counted: tuple[EventType, ...]


@dataclass
class ReplayHalted(Message):
    """The replay run ``generation`` paused by itself: at a seek target or a quiz question."""

    generation: int


@dataclass
class ReplayEnded(Message):
    generation: int


@dataclass
class QuizQuestionAsked(Message):
    at: str
    action: str


@dataclass
class QuizAnswered(Message):
    scored: Scored


@dataclass
class QuizFinished(Message):
    answered: int
    questions: int
    verdicts_ok: int


def _sorted_events(events: set[EventType]) -> list[EventType]:
    return sorted(events, key=_ORDER.__getitem__)


# -- the library -------------------------------------------------------------------------------
class LibraryScreen(Screen[None]):
    """Pick a conversation (filter by language, life event, difficulty) to replay or quiz; resume
    an unfinished quiz. Unusable files are listed with their reason."""

    CSS_PATH = "trainer.tcss"
    BINDINGS: ClassVar[list[Any]] = []

    def __init__(
        self,
        lang: Lang,
        rule_set: RuleSet,
        trainee: str,
        store: TrainingStore | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.lang: Lang = lang
        self.rule_set = rule_set
        self.trainee = trainee
        self.store = store
        self.folder = folder
        self.entries: list[LibraryEntry] = []
        self.shown: list[LibraryEntry] = []
        self._bindings.bind("enter", "replay", t("library.binding.replay", lang), show=True)
        self._bindings.bind("q", "quiz", t("library.binding.quiz", lang))
        self._bindings.bind("escape", "app.quit", t("library.binding.quit", lang))

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(id="library-title", markup=False)
        with Horizontal(id="library-filters"):
            yield Select(
                [(t(f"library.lang.{code}", lang), code) for code in ("nl", "en")],
                prompt=t("library.filter.lang", lang),
                id="filter-lang",
            )
            yield Select(
                [(t(f"event.{ev.value}", lang), ev.value) for ev in EventType],
                prompt=t("library.filter.event", lang),
                id="filter-event",
            )
            yield Select(
                [(t(f"library.difficulty.{d.value}", lang), d.value) for d in Difficulty],
                prompt=t("library.filter.difficulty", lang),
                id="filter-difficulty",
            )
            yield Static(id="library-count", markup=False)
        table: DataTable[Text] = DataTable(
            id="library-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Static(Text(t("library.hint", lang)), id="library-hint", markup=False)
        with Vertical(id="library-resume"):
            yield Static(id="resume-title", markup=False)
            yield OptionList(id="resume-list")
        with VerticalScroll(id="library-unusable"):
            yield Static(id="unusable-list", markup=False)
        yield StatusLine(lang, id="status")
        yield Footer()

    def on_mount(self) -> None:
        lang = self.lang
        table = self.query_one(DataTable)
        for key in LIBRARY_COLUMNS:
            table.add_column(t(f"library.col.{key}", lang), key=key)
        status = self.query_one(StatusLine)
        status.rules = f"{self.rule_set.id}@{self.rule_set.version}"
        status.nba = "-"
        status.feed = "-"
        self.load_library()
        table.focus()

    def on_screen_resume(self) -> None:
        self._load_unfinished()

    def load_library(self) -> None:
        self.entries = library_index(self.folder)
        usable = [e for e in self.entries if e.usable]
        self.query_one("#library-title", Static).update(
            Text(t("library.title", self.lang, count=len(usable)), style="bold")
        )
        broken = [e for e in self.entries if not e.usable]
        box = self.query_one("#library-unusable")
        box.display = bool(broken)
        box.border_title = t("library.unusable.title", self.lang, count=len(broken))
        lines = Text()
        for entry in broken:
            for problem in entry.problems:
                lines.append(f"{problem}\n")
        self.query_one("#unusable-list", Static).update(lines)
        self._apply_filters()
        self._load_unfinished()

    def _filter_value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def _apply_filters(self) -> None:
        lang_value = self._filter_value("#filter-lang")
        event_value = self._filter_value("#filter-event")
        difficulty_value = self._filter_value("#filter-difficulty")
        self.shown = filter_entries(
            self.entries,
            lang="nl" if lang_value == "nl" else "en" if lang_value == "en" else None,
            event=EventType(event_value) if event_value else None,
            difficulty=Difficulty(difficulty_value) if difficulty_value else None,
        )
        table: DataTable[Text] = self.query_one(DataTable)
        table.clear()
        for entry in self.shown:
            conv = entry.conversation
            assert conv is not None  # filter_entries returns usable entries only
            events = ", ".join(
                t(f"event.{e.value}", self.lang) for e in _sorted_events(conv.event_types())
            )
            title = Text(conv.title)
            title.truncate(MAX_TITLE_CELLS, overflow="ellipsis")
            cells = {
                "id": Text(conv.id),
                "lang": Text(conv.lang.upper()),
                "events": Text(events or "-"),
                "difficulty": Text(t(f"library.difficulty.{conv.difficulty.value}", self.lang)),
                "title": title,
                "tags": Text(", ".join(conv.tags)),
            }
            table.add_row(*(cells[key] for key in LIBRARY_COLUMNS), key=conv.id)
        usable = sum(e.usable for e in self.entries)
        count = (
            t("library.shown", self.lang, shown=len(self.shown), total=usable)
            if self.shown
            else t("library.none_match", self.lang)
        )
        self.query_one("#library-count", Static).update(Text(count))

    @on(Select.Changed)
    def _filter_changed(self, _: Select.Changed) -> None:
        self._apply_filters()

    def _load_unfinished(self) -> None:
        box = self.query_one("#library-resume")
        options = self.query_one("#resume-list", OptionList)
        options.clear_options()
        sessions = self.store.unfinished(self.trainee) if self.store is not None else []
        box.display = bool(sessions)
        self.query_one("#resume-title", Static).update(
            Text(t("library.resume.title", self.lang, trainee=self.trainee, count=len(sessions)))
        )
        for s in sessions:
            label = t(
                "library.resume.item",
                self.lang,
                title=s.conversation_title or s.conversation_id,
                started=f"{s.started_at:%Y-%m-%d %H:%M}",
                answered=len(s.answered_keys()),
                questions=s.questions,
            )
            options.add_option(Option(Text(label), id=s.id))
        if sessions:  # Tab to the list marks a quiz at once, and Enter resumes it
            options.highlighted = 0

    # -- opening -----------------------------------------------------------------------------
    def _selected(self) -> Conversation | None:
        table: DataTable[Text] = self.query_one(DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            self.query_one(StatusLine).problem = t("library.select_first", self.lang)
            return None
        return self.shown[table.cursor_row].conversation

    def action_replay(self) -> None:
        conv = self._selected()
        if conv is not None:
            self.open(conv, quiz=False)

    def action_quiz(self) -> None:
        conv = self._selected()
        if conv is not None:
            self.open(conv, quiz=True)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_replay()

    @on(OptionList.OptionSelected, "#resume-list")
    def _resume_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.store is None or event.option.id is None:
            return
        try:
            session = self.store.load(event.option.id)
        except TrainingStoreError as exc:
            self.query_one(StatusLine).problem = str(exc)
            return
        by_id = {e.key: e.conversation for e in self.entries if e.usable}
        conv = by_id.get(session.conversation_id)
        if conv is None:
            self.query_one(StatusLine).problem = t(
                "library.resume.missing", self.lang, id=session.conversation_id
            )
            return
        self.open(conv, quiz=True, resume=session)

    def open(
        self, conversation: Conversation, quiz: bool, resume: TrainingSession | None = None
    ) -> None:
        self.post_message(
            ConversationOpened(conversation.id, quiz, resume.id if resume is not None else None)
        )
        self.app.push_screen(
            TrainerScreen(
                conversation,
                self.rule_set,
                self.lang,
                self.trainee,
                quiz=quiz,
                store=self.store,
                resume=resume,
            )
        )


# -- the replay / quiz -------------------------------------------------------------------------
class TrainerScreen(Screen[None]):
    """Replay one conversation on the call path, with a clock the trainer controls; or quiz."""

    CSS_PATH = "trainer.tcss"
    #: (key, action, catalogue key of the footer label, shown in the footer). The footer shows
    #: an action's first key: "-" and "+", as on the buttons; "[", "]" and "=" work as well.
    KEYS = (
        ("space", "toggle_play", "trainer.binding.play", True),
        ("s", "step", "trainer.binding.step", True),
        ("right", "step", "trainer.binding.step", False),
        ("left", "back", "trainer.binding.back", True),
        ("minus", "slower", "trainer.binding.slower", True),
        ("left_square_bracket", "slower", "trainer.binding.slower", False),
        ("plus", "faster", "trainer.binding.faster", True),
        ("equals_sign", "faster", "trainer.binding.faster", False),
        ("right_square_bracket", "faster", "trainer.binding.faster", False),
        ("home", "to_start", "trainer.binding.start", True),
        ("escape", "leave", "trainer.binding.library", True),
    )
    #: Keys the replay takes before the focused widget: the transcript and the side panels
    #: scroll with them otherwise (Home went to the top of a long transcript, not the start).
    #: While a quiz question is open they go to the question's form (see check_action).
    OVER_FOCUS = frozenset({"left", "right", "home"})
    #: What waits while a quiz question is open (shown disabled in the footer).
    _WAIT_FOR_ANSWER = frozenset({"toggle_play", "step", "back", "to_start"})

    def __init__(  # noqa: PLR0917 - the signature the trainer contract names
        self,
        conversation: Conversation,
        rule_set: RuleSet,
        ui_lang: Lang,
        trainee: str,
        quiz: bool = False,
        store: TrainingStore | None = None,
        *,
        resume: TrainingSession | None = None,
    ) -> None:
        super().__init__()
        self.conversation = conversation
        self.rule_set = rule_set
        self.lang: Lang = ui_lang
        self.trainee = trainee
        self.quiz = quiz or resume is not None
        self.store = store
        self.speed = 1.0
        self.playing = False
        self.ended = False
        #: Utterances replayed in the current run (the position shown to the trainer).
        self.position = 0
        self.steps: list[Step] = []
        self.feed: ReplayFeed | None = None
        self.session: CallSession | None = None
        self._generation = 0
        self._actions = load_catalogs(catalog_dir())
        self.points: list[QuizPoint] = quiz_points(conversation) if self.quiz else []
        self.training: TrainingSession | None = resume
        if self.quiz and self.training is None:
            self.training = self._start_training()
        #: Questions answered (this run or an earlier, resumed one), by (at, action).
        self.answered: set[tuple[str, str]] = (
            self.training.answered_keys() if self.training is not None else set()
        )
        #: Questions asked at the current utterance and not yet revealed, in order.
        self.open_questions: list[tuple[QuizPoint, Judged]] = []
        self.current: tuple[QuizPoint, Judged] | None = None
        #: Steps (by index) whose NLP output the trainee may see (quiz: up to the last answer).
        self._revealed_upto = 0
        #: Whether the footer last showed the keys that wait for a quiz answer as disabled.
        self._footer_waits = False
        for key, action, label, show in self.KEYS:
            self._bindings.bind(
                key, action, t(label, ui_lang), show=show, priority=key in self.OVER_FOCUS
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._WAIT_FOR_ANSWER and self.question_open:
            return None  # disabled: the keys go to the question's form instead
        return True

    def _start_training(self) -> TrainingSession:
        if self.store is not None:
            return self.store.start(self.trainee, self.conversation, self.lang)
        # Without a store the quiz still scores and sums up; nothing is written.
        return TrainingSession(
            id="unsaved",
            trainee=self.trainee,
            conversation_id=self.conversation.id,
            conversation_title=self.conversation.title,
            lang=self.lang,
            started_at=datetime.now(UTC).replace(microsecond=0),
            questions=len(self.points),
        )

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lang = self.lang
        conv = self.conversation
        title_key = "trainer.title.quiz" if self.quiz else "trainer.title.replay"
        yield Static(Text(t(title_key, lang, title=conv.title), style="bold"), id="trainer-title")
        with Horizontal(id="trainer-body"):
            with Vertical(id="trainer-left") as left:
                left.border_title = t("transcript.title", lang)
                yield from self._call_widgets()[:1]
            with Vertical(id="trainer-middle"):
                yield from self._call_widgets()[1:]
            with VerticalScroll(id="trainer-right"):
                yield QuizPanel(lang, id="quiz")
                yield GuardSawPanel(lang, id="guard")
        with Horizontal(id="trainer-controls"):
            for name in ("start", "back", "play", "step", "slower", "faster"):
                button = Button(t(f"trainer.button.{name}", lang), id=f"ctl-{name}", compact=True)
                button.can_focus = False
                yield button
            yield Static(id="replay-state", markup=False)
        yield StatusLine(lang, id="status")
        yield Footer()

    def _call_widgets(self) -> list[Any]:
        from agent_desk.widgets.transcript import Transcript

        return [
            Transcript(self.lang, id="transcript"),
            EventChips(self.lang, True, id="events"),
            SuggestionsPanel(self.lang, id="suggestions"),
        ]

    def on_mount(self) -> None:
        status = self.query_one(StatusLine)
        status.rules = f"{self.rule_set.id}@{self.rule_set.version}"
        status.nba = source_name(ScriptedSource.name, self.lang)
        status.feed = t("status.replay", self.lang, speed=f"{self.speed:g}")
        target = 0
        if self.training is not None and self.training.position is not None:
            ids = [u.id for u in self.conversation.utterances]
            if self.training.position in ids:
                target = ids.index(self.training.position) + 1
        self._restart(target)

    # -- running the call path -----------------------------------------------------------------
    def _new_session(self) -> CallSession:
        conv = self.conversation
        return CallSession(
            rule_set=self.rule_set,
            nba=ScriptedSource(conv, self._actions),
            lang=conv.lang,
            customer=conv.customer,
            nba_timeout_s=_NBA_BUDGET_S,
            reason_lang=self.lang,
        )

    def _restart(self, target: int) -> None:
        """Start a fresh run that replays fast up to utterance ``target`` and pauses there."""
        self._generation += 1
        self.position = 0
        self.steps = []
        self.ended = False
        self.playing = False
        self.open_questions = []
        self.current = None
        self._revealed_upto = 0
        self.session = self._new_session()
        self.feed = ReplayFeed(self.conversation, speed=None if target > 0 else self.speed)
        if target <= 0:
            self.feed.pause()
        self._run(self._generation, self.feed, self.session, target)
        self._show_state()

    @work(exclusive=True, group="trainer", description="trainer replay", exit_on_error=False)
    async def _run(
        self, generation: int, feed: ReplayFeed, session: CallSession, target: int
    ) -> None:
        index = 0
        async for event in feed.events():
            if isinstance(event, CallEnded):
                self.post_message(ReplayEnded(generation))
                return
            if not isinstance(event, UtteranceReceived):
                continue
            try:
                step = await session.process(event.utterance)
            except Exception as exc:  # fail closed: nothing unjudged is shown, replay goes on
                self.post_message(ProblemReported(f"{type(exc).__name__}: {exc}"[:200]))
                continue
            counted = tuple(dict.fromkeys(o.event.type for o in session.tracker.asserted))
            index += 1
            halt = index == target or (self.quiz and self._unanswered_at(step))
            if halt:
                # Before the feed is asked for the next utterance, so it stops right here.
                feed.pause()
                feed.set_speed(self.speed)
            self.post_message(ReplayStepped(generation, index, step, counted))
            if halt:
                self.post_message(ReplayHalted(generation))

    def _unanswered_at(self, step: Step) -> bool:
        return any(
            p.at == step.utterance.id
            and (p.at, p.action) not in self.answered
            and find_judged(p, step.judged) is not None
            for p in self.points
        )

    @on(ReplayStepped)
    def _stepped(self, message: ReplayStepped) -> None:
        if message.generation != self._generation:
            return  # a run replaced by a seek
        step = message.step
        self.steps.append(step)
        self.position = message.index
        if self.training is not None:
            self.training.position = step.utterance.id
        if not self.quiz:
            self._revealed_upto = message.index
        asked = self._questions_at(step)
        withheld = frozenset(j.suggestion.id for _, j in asked)
        transcript = self.query_one("#transcript")
        shows_nlp = message.index <= self._revealed_upto
        transcript.show(step.utterance, step.events if shows_nlp else ())  # type: ignore[attr-defined]
        if shows_nlp:
            self._show_nlp(message.index - 1, message.counted, withheld)
        elif self.quiz:
            self.query_one(GuardSawPanel).show_message("trainer.guard.quiz_hidden")
        visible = [
            (j.suggestion, j.decision) for j in step.judged if j.suggestion.id not in withheld
        ]
        if step.judged:
            self.query_one(SuggestionsPanel).judged(
                [(s, d) for s, d in visible if self._revealed(s.id)]
            )
        if asked:
            self.open_questions = asked
            self._ask_next()
        self._counted = message.counted
        self._show_state()

    def _revealed(self, suggestion_id: str) -> bool:
        if not self.quiz:
            return True
        return any(
            p.suggestion_id == suggestion_id and (p.at, p.action) in self.answered
            for p in self.points
        )

    def _questions_at(self, step: Step) -> list[tuple[QuizPoint, Judged]]:
        if not self.quiz:
            return []
        out = []
        for p in self.points:
            if p.at != step.utterance.id or (p.at, p.action) in self.answered:
                continue
            judged = find_judged(p, step.judged)
            if judged is not None:
                out.append((p, judged))
        return out

    def _show_nlp(
        self, upto: int, counted: tuple[EventType, ...], withheld: frozenset[str]
    ) -> None:
        """Show what the NLP layer heard at step ``upto`` (0-based) and the guard's view of it."""
        step = self.steps[upto]
        chips = self.query_one(EventChips)
        if (step.events or step.set_aside) and step.utterance.speaker == "customer":
            chips.add_events(step.utterance.id, step.utterance.text, step.events, step.set_aside)
        self.query_one(GuardSawPanel).show_view(
            GuardView(
                step.utterance, step.lang, step.events, counted, step.judged, withheld,
                set_aside=step.set_aside,
            )
        )  # fmt: skip

    def _ask_next(self) -> None:
        if not self.open_questions:
            return
        self.current = self.open_questions.pop(0)
        point, judged = self.current
        number = next(i for i, p in enumerate(self.points, 1) if p == point)
        self.playing = False
        self.query_one(QuizPanel).ask(point, judged.suggestion, number, len(self.points))
        self.post_message(QuizQuestionAsked(point.at, point.action))

    @on(AnswerSubmitted)
    def _answered(self, message: AnswerSubmitted) -> None:
        message.stop()
        if self.current is None:
            return
        point, judged = self.current
        answer = Answer(
            at=point.at, action=point.action, verdict=message.verdict, events=message.events
        )
        scored = score(point, answer, judged)
        self.answered.add((point.at, point.action))
        if self.training is not None:
            record(self.training, scored)
            self.training.position = point.at
            self._save()
        # Reveal: the verdict, and what the NLP layer heard up to this moment.
        self.query_one(SuggestionsPanel).judged([(judged.suggestion, judged.decision)])
        self._reveal_nlp()
        self.query_one(QuizPanel).reveal(scored)
        self._show_state()
        self.post_message(QuizAnswered(scored))

    def _reveal_nlp(self) -> None:
        transcript = self.query_one("#transcript")
        for i in range(self._revealed_upto, len(self.steps)):
            step = self.steps[i]
            transcript.show(step.utterance, step.events)  # type: ignore[attr-defined]
            chips = self.query_one(EventChips)
            if (step.events or step.set_aside) and step.utterance.speaker == "customer":
                chips.add_events(
                    step.utterance.id, step.utterance.text, step.events, step.set_aside
                )
        self._revealed_upto = len(self.steps)
        if self.steps:
            step = self.steps[-1]
            still = frozenset(j.suggestion.id for _, j in self.open_questions)
            self.query_one(GuardSawPanel).show_view(
                GuardView(
                    step.utterance, step.lang, step.events, getattr(self, "_counted", ()),
                    step.judged, still, set_aside=step.set_aside,
                )
            )  # fmt: skip

    @on(QuizContinued)
    def _continued(self, message: QuizContinued) -> None:
        message.stop()
        self.current = None
        if self.open_questions:
            self._ask_next()
            return
        self.query_one(QuizPanel).hide()
        self.set_focus(None)
        if self.feed is not None and self.position >= len(self.conversation.utterances):
            self.feed.resume()  # the last question was the last utterance: let the call end
        if self.ended:
            self._finish()
        self._show_state()

    def _save(self) -> None:
        if self.store is None or self.training is None:
            return
        try:
            self.store.save(self.training)
        except OSError as exc:
            self.query_one(StatusLine).problem = t(
                "trainer.quiz.save_failed", self.lang, error=type(exc).__name__
            )

    @on(ReplayHalted)
    def _halted(self, message: ReplayHalted) -> None:
        if message.generation == self._generation:
            self.playing = False
            self._show_state()

    @on(ReplayEnded)
    def _ended(self, message: ReplayEnded) -> None:
        if message.generation != self._generation:
            return
        self.ended = True
        self.playing = False
        if self.quiz and self.current is None:
            self._finish()
        self._show_state()

    def _finish(self) -> None:
        if self.training is None:
            return
        self._reveal_nlp()
        if not self.training.finished:
            self.training.finish()
            self._save()
        totals = self.training.totals()
        saved = self.training.id if self.store is not None else None
        self.query_one(QuizPanel).summary(totals, saved)
        self.post_message(QuizFinished(totals.answered, totals.questions, totals.verdicts_ok))

    @on(ProblemReported)
    def _problem(self, message: ProblemReported) -> None:
        self.query_one(StatusLine).problem = message.message

    # -- controls ------------------------------------------------------------------------------
    @property
    def question_open(self) -> bool:
        return self.current is not None

    def _show_state(self) -> None:
        if self.question_open and self.query_one(QuizPanel).phase == "revealed":
            state = "trainer.state.revealed"
        elif self.question_open:
            state = "trainer.state.question"
        elif self.ended:
            state = "trainer.state.ended"
        elif self.playing:
            state = "trainer.state.playing"
        else:
            state = "trainer.state.paused"
        line = t(
            "trainer.state.line",
            self.lang,
            state=t(state, self.lang),
            speed=f"{self.speed:g}",
            position=self.position,
            total=len(self.conversation.utterances),
        )
        self.query_one("#replay-state", Static).update(Text(line))
        feed = (
            "status.ended" if self.ended else "status.replay" if self.playing else "status.paused"
        )
        self.query_one(StatusLine).feed = t(feed, self.lang, speed=f"{self.speed:g}")
        if self.question_open != self._footer_waits:  # what waits for an answer: disabled
            self._footer_waits = self.question_open
            self.refresh_bindings()

    def action_toggle_play(self) -> None:
        if self.feed is None or self.question_open or self.ended:
            return
        if self.playing:
            self.feed.pause()
            self.playing = False
        else:
            self.feed.set_speed(self.speed)
            self.feed.resume()
            self.playing = True
        self._show_state()

    def action_step(self) -> None:
        if self.feed is None or self.question_open or self.ended:
            return
        if self.playing:
            self.feed.pause()
            self.playing = False
        self.feed.step()
        self._show_state()

    def _set_speed(self, delta: int) -> None:
        i = SPEEDS.index(self.speed) if self.speed in SPEEDS else 1
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i + delta))]
        if self.feed is not None and self.feed.speed is not None:
            self.feed.set_speed(self.speed)
        self._show_state()

    def action_slower(self) -> None:
        self._set_speed(-1)

    def action_faster(self) -> None:
        self._set_speed(+1)

    async def seek(self, index: int) -> None:
        """Rebuild the call as it was after ``index`` utterances (0 = before the first)."""
        if self.question_open:
            return
        index = max(0, min(index, len(self.conversation.utterances)))
        await self._reset_widgets()
        self._restart(index)

    async def action_to_start(self) -> None:
        await self.seek(0)

    async def action_back(self) -> None:
        await self.seek(self.position - 1)

    async def _reset_widgets(self) -> None:
        # Removing the focused widget hands the focus to whatever comes next (the panel on the
        # right): note where it was, and give it to the rebuilt equivalent afterwards.
        focused = self.focused
        refocus: str | None = None
        for selector in ("#transcript", "#events", "#suggestions"):
            widget = self.query_one(selector)
            if focused is not None and (focused is widget or widget in focused.ancestors):
                # The widget itself; inside it (a chip, a card) the transcript: those are gone.
                refocus = selector if focused is widget else "#transcript"
            await widget.remove()
        transcript, chips, suggestions = self._call_widgets()
        await self.query_one("#trainer-left").mount(transcript)
        await self.query_one("#trainer-middle").mount_all([chips, suggestions])
        self.query_one(GuardSawPanel).show_message("trainer.guard.empty")
        self.query_one(QuizPanel).hide()
        if refocus is not None:
            target = self.query_one(refocus)
            (target if target.focusable else transcript).focus(scroll_visible=False)

    def action_leave(self) -> None:
        if self.training is not None and not self.training.finished:
            self._save()
        self.app.pop_screen()

    @on(Button.Pressed, "#trainer-controls Button")
    async def _control(self, event: Button.Pressed) -> None:
        event.stop()
        name = (event.button.id or "").removeprefix("ctl-")
        action = {"start": "to_start", "play": "toggle_play"}.get(name, name)
        await self.run_action(action)


# -- the trainer's application -----------------------------------------------------------------
class TrainerApp(AgentDeskApp):
    """The trainer's desk: the library first, replays and quizzes from there. It shares the call
    screen's styles and verdict colours (``app.tcss``)."""

    CSS_PATH = "../app.tcss"

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        rule_set: RuleSet | None = None,
        store: TrainingStore | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(settings=settings, rule_set=rule_set)
        self.store = store if store is not None else TrainingStore()
        self.folder = folder

    @on(Mount)
    def _open_library(self, event: Mount) -> None:
        event.prevent_default()  # not the call screen the agent's app opens
        self.start_warm_up()
        self.push_screen(
            LibraryScreen(self.ui_lang, self.rule_set, self.settings.user, self.store, self.folder)
        )
