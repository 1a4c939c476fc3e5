"""The quiz panel of the trainer screen: one question (a suggestion the engine proposed, without
the guard's verdict), the trainee's verdict and the life events they heard, then the revealed
answer with the guard's reasons, the annotators' note and the score; at the end, the summary.

The panel only collects and shows; scoring and saving are the screen's (it posts
:class:`AnswerSubmitted` and :class:`QuizContinued`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, RadioButton, RadioSet, Static

from agent_desk.i18n import Lang, t
from agent_desk.training.quiz import QuizPoint, Scored
from agent_desk.training.sessions import Totals
from guards.types import Suggestion, Verdict
from nlp.types import EventType


@dataclass
class AnswerSubmitted(Message):
    """The trainee submitted a verdict and the life events they heard for the open question."""

    verdict: Verdict
    events: tuple[EventType, ...]


@dataclass
class QuizContinued(Message):
    """The trainee read the revealed answer and wants the replay to go on."""


def event_names(events: Iterable[EventType], lang: Lang) -> str:
    order = list(EventType)
    names = [t(f"event.{e.value}", lang) for e in sorted(set(events), key=order.index)]
    return ", ".join(names) or t("trainer.quiz.none", lang)


def render_revealed(scored: Scored, lang: Lang) -> Text:
    point, answer = scored.point, scored.answer
    out = Text()
    if answer is not None:
        verdict = t(f"verdict.{answer.verdict.value}", lang)
        out.append(t("trainer.quiz.your_verdict", lang, verdict=verdict), style="bold")
    acceptable = ", ".join(t(f"verdict.{v.value}", lang) for v in point.acceptable)
    out.append(f"\n{t('trainer.quiz.acceptable', lang, verdicts=acceptable)}")
    guard = t(f"verdict.{scored.guard_verdict.value}", lang)
    out.append(f"\n{t('trainer.quiz.guard', lang, verdict=guard)}")
    for reason in scored.guard_reasons:
        out.append(f"\n  • {reason}")
    out.append("\n\n")
    out.append(
        t("trainer.quiz.ok" if scored.verdict_ok else "trainer.quiz.not_ok", lang), style="bold"
    )
    out.append(" ")
    out.append(
        t("trainer.quiz.agrees" if scored.agrees_with_guard else "trainer.quiz.differs", lang)
    )
    out.append(f"\n{t('trainer.quiz.heard', lang, events=event_names(scored.events_heard, lang))}")
    out.append(
        f"\n{t('trainer.quiz.missed', lang, events=event_names(scored.events_missed, lang))}"
    )
    if scored.events_extra:
        extra = event_names(scored.events_extra, lang)
        out.append(f"\n{t('trainer.quiz.extra', lang, events=extra)}")
    if point.note:
        out.append(f"\n\n{t('trainer.quiz.note', lang, note=point.note)}", style="italic")
    return out


def render_summary(totals: Totals, lang: Lang, session_id: str | None) -> Text:
    q = totals.questions
    out = Text(t("trainer.summary.title", lang), style="bold")
    out.append(f"\n{t('trainer.summary.answered', lang, answered=totals.answered, questions=q)}")
    out.append(f"\n{t('trainer.summary.verdicts_ok', lang, count=totals.verdicts_ok, questions=q)}")
    out.append(
        f"\n{t('trainer.summary.agrees', lang, count=totals.agrees_with_guard, questions=q)}"
    )
    out.append(
        f"\n{t('trainer.summary.heard', lang, events=event_names(totals.events_heard, lang))}"
    )
    out.append(
        f"\n{t('trainer.summary.missed', lang, events=event_names(totals.events_missed, lang))}"
    )
    if totals.events_extra:
        extra = event_names(totals.events_extra, lang)
        out.append(f"\n{t('trainer.summary.extra', lang, events=extra)}")
    if session_id:
        out.append(f"\n\n{t('trainer.summary.saved', lang, id=session_id)}", style="dim")
    return out


class QuizPanel(Vertical):
    """Asks one question at a time; shows the revealed answer; shows the summary at the end."""

    DEFAULT_CSS = """
    QuizPanel { height: auto; border: round $accent; padding: 0 1; }
    QuizPanel > Static { height: auto; margin: 0 0 1 0; }
    QuizPanel RadioSet { width: 100%; margin: 0 0 1 0; }
    QuizPanel #quiz-events { height: auto; margin: 0 0 1 0; }
    QuizPanel Checkbox { width: 100%; padding: 0; border: none; }
    QuizPanel #quiz-error { color: $error; margin: 0; }
    QuizPanel Button { margin: 0 0 1 0; }
    """

    def __init__(self, lang: Lang, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.point: QuizPoint | None = None
        self.phase = "idle"  # idle | question | revealed | summary

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(id="quiz-question", markup=False)
        with Vertical(id="quiz-form"):
            yield Static(Text(t("trainer.quiz.ask_verdict", lang)), markup=False)
            with RadioSet(id="quiz-verdict"):
                for v in Verdict:
                    yield RadioButton(t(f"verdict.{v.value}", lang), id=f"verdict-{v.value}")
            yield Static(Text(t("trainer.quiz.ask_events", lang)), markup=False)
            with Vertical(id="quiz-events"):
                for ev in EventType:
                    yield Checkbox(t(f"event.{ev.value}", lang), id=f"heard-{ev.value}")
            yield Static(id="quiz-error", markup=False)
            yield Button(t("trainer.quiz.submit", lang), id="quiz-submit", variant="primary")
        yield Static(id="quiz-result", markup=False)
        yield Button(t("trainer.quiz.continue", lang), id="quiz-continue", variant="primary")

    def on_mount(self) -> None:
        self._set_phase("idle")

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        self.display = phase != "idle"
        self.query_one("#quiz-form").display = phase == "question"
        self.query_one("#quiz-result").display = phase in ("revealed", "summary")
        self.query_one("#quiz-continue").display = phase == "revealed"
        self.query_one("#quiz-question").display = phase != "summary"

    def ask(self, point: QuizPoint, suggestion: Suggestion, number: int, total: int) -> None:
        """Show a new question with a blank form."""
        lang = self.lang
        self.point = point
        self.border_title = t("trainer.quiz.title", lang, number=number, total=total)
        question = Text(t("trainer.quiz.proposed", lang, at=point.at))
        question.append(f"\n{suggestion.title}", style="bold")
        if suggestion.script:
            question.append(f"\n“{suggestion.script}”", style="italic")
        self.query_one("#quiz-question", Static).update(question)
        radio = self.query_one(RadioSet)
        for button in radio.query(RadioButton):
            button.value = False
        for box in self.query(Checkbox):
            box.value = False
        self.query_one("#quiz-error", Static).update("")
        self._set_phase("question")
        radio.focus()

    @property
    def chosen_verdict(self) -> Verdict | None:
        pressed = self.query_one(RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return None
        return Verdict(pressed.id.removeprefix("verdict-"))

    @property
    def chosen_events(self) -> tuple[EventType, ...]:
        return tuple(ev for ev in EventType if self.query_one(f"#heard-{ev.value}", Checkbox).value)

    @on(Button.Pressed, "#quiz-submit")
    def _submit(self, event: Button.Pressed) -> None:
        event.stop()
        verdict = self.chosen_verdict
        if verdict is None:
            self.query_one("#quiz-error", Static).update(
                Text(t("trainer.quiz.need_verdict", self.lang))
            )
            return
        self.post_message(AnswerSubmitted(verdict, self.chosen_events))

    @on(Button.Pressed, "#quiz-continue")
    def _continue(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(QuizContinued())

    def reveal(self, scored: Scored) -> None:
        self.query_one("#quiz-result", Static).update(render_revealed(scored, self.lang))
        self._set_phase("revealed")
        self.query_one("#quiz-continue", Button).focus()

    def summary(self, totals: Totals, session_id: str | None) -> None:
        self.border_title = t("trainer.summary.title", self.lang)
        self.query_one("#quiz-result", Static).update(render_summary(totals, self.lang, session_id))
        self._set_phase("summary")

    def hide(self) -> None:
        self._set_phase("idle")

    @property
    def result_text(self) -> str:
        return str(self.query_one("#quiz-result", Static).content)
