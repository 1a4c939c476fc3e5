"""Modal dialogs for the agent's actions on the call screen: dismiss with a reason, reveal a held
suggestion with a reason, pull the emergency brake, and the TEXAS flow for a disclosed life event.

Dialogs only ask; they return what the agent chose and the call screen acts on it (session,
re-judging, records). Every label comes from the message catalogues. Keyboard first: each dialog
says its keys on a hint line, and Esc always cancels without any effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from agent_desk.i18n import Lang, t
from agent_desk.notes import MIN_BRAKE_REASON_CHARS, MIN_OVERRIDE_REASON_CHARS
from nlp.types import EventType

#: The floors live in agent_desk.notes, shared with the CLI.
MIN_REVEAL_CHARS = MIN_OVERRIDE_REASON_CHARS
MIN_BRAKE_CHARS = MIN_BRAKE_REASON_CHARS

DismissReason = Literal["not_relevant", "customer_declined", "not_now", "other"]
DISMISS_REASONS: tuple[DismissReason, ...] = (
    "not_relevant",
    "customer_declined",
    "not_now",
    "other",
)


@dataclass(frozen=True)
class Dismissal:
    reason: DismissReason
    #: The agent's words for ``other`` (not yet redacted: the screen redacts before use).
    note: str = ""


def _show_error(screen: ModalScreen[Any], message: str) -> None:
    error = screen.query_one("#dialog-error", Static)
    error.update(Text(message))
    error.display = True


class DismissDialog(ModalScreen[Dismissal | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False),
        *(Binding(str(i + 1), f"pick({i})", show=False) for i in range(len(DISMISS_REASONS))),
    ]

    def __init__(self, lang: Lang, title: str) -> None:
        super().__init__(classes="agent-dialog")
        self.lang: Lang = lang
        self.suggestion_title = title

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog") as box:
            box.border_title = t("dismiss.title", lang, title=self.suggestion_title)
            yield Static(Text(t("dismiss.question", lang)))
            yield OptionList(
                *(
                    Option(Text(f"{i + 1}  {t(f'dismiss.{code}', lang)}"), id=code)
                    for i, code in enumerate(DISMISS_REASONS)
                ),
                id="dismiss-reasons",
            )
            other = Input(placeholder=t("dismiss.other_placeholder", lang), id="other-note")
            other.display = False
            yield other
            yield Static("", id="dialog-error", classes="dialog-error")
            yield Static(Text(t("dismiss.hint", lang)), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def _error(self, message: str) -> None:
        _show_error(self, message)

    def action_pick(self, index: int) -> None:
        self._choose(DISMISS_REASONS[index])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        code = event.option.id
        if code in DISMISS_REASONS:
            self._choose(DISMISS_REASONS[DISMISS_REASONS.index(code)])

    def _choose(self, code: DismissReason) -> None:
        if code != "other":
            self.dismiss(Dismissal(code))
            return
        self.query_one(OptionList).highlighted = DISMISS_REASONS.index("other")
        note = self.query_one("#other-note", Input)
        note.display = True
        note.focus()

    @on(Input.Submitted, "#other-note")
    def _other(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self._error(t("dismiss.other_required", self.lang))
            return
        self.dismiss(Dismissal("other", event.value.strip()))


class ReasonDialog(ModalScreen[str | None]):
    """Asks for a required reason of at least ``min_chars`` characters."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(
        self, lang: Lang, title: str, intro: str, placeholder: str, min_chars: int
    ) -> None:
        super().__init__(classes="agent-dialog")
        self.lang: Lang = lang
        self.dialog_title = title
        self.intro = intro
        self.placeholder = placeholder
        self.min_chars = min_chars

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.dialog_title
            yield Static(Text(self.intro), classes="dialog-intro")
            yield Input(placeholder=self.placeholder, id="reason", max_length=500)
            yield Static("", id="dialog-error", classes="dialog-error")
            yield Static(Text(t("reason.redacted", self.lang)), classes="dialog-note")
            yield Static(Text(t("reason.hint", self.lang)), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _error(self, message: str) -> None:
        _show_error(self, message)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if len(reason) < self.min_chars:
            self._error(t("reason.too_short", self.lang, min=self.min_chars))
            return
        self.dismiss(reason)


class RevealDialog(ReasonDialog):
    def __init__(self, lang: Lang, title: str, held_because: str) -> None:
        super().__init__(
            lang,
            t("reveal.title", lang),
            t("reveal.intro", lang, title=title, reason=held_because),
            t("reveal.placeholder", lang, min=MIN_REVEAL_CHARS),
            MIN_REVEAL_CHARS,
        )


class BrakeDialog(ReasonDialog):
    def __init__(self, lang: Lang) -> None:
        super().__init__(
            lang,
            t("brake.title", lang),
            t("brake.intro", lang),
            t("brake.placeholder", lang, min=MIN_BRAKE_CHARS),
            MIN_BRAKE_CHARS,
        )
        self.add_class("-brake")


# -- TEXAS ---------------------------------------------------------------------------------------

TEXAS_STEPS = ("thank", "explain", "consent", "ask", "signpost")
THANK, EXPLAIN, CONSENT, ASK, SIGNPOST = range(len(TEXAS_STEPS))


@dataclass(frozen=True)
class TexasResult:
    """The agent went through the flow to the end."""

    event_type: EventType
    consent: bool
    #: The optional note from the Ask step; only kept when consent is given (screen redacts it).
    note: str = ""


class TexasDialog(ModalScreen[TexasResult | None]):
    """Thank, Explain, eXplicit consent, Ask, Signpost: one step at a time.

    Only the consent step decides whether anything is stored; the sentences to say are in the
    call's language (``call_lang``), the instructions in the agent's UI language (``lang``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False),
        Binding("enter,right", "next", show=False),
        Binding("left", "back", show=False),
        Binding("j,y", "answer(True)", show=False),
        Binding("n", "answer(False)", show=False),
    ]
    #: Nothing is focused by default, so Enter can never answer "yes" for the customer.
    AUTO_FOCUS = ""

    def __init__(
        self,
        lang: Lang,
        call_lang: Lang,
        event_type: EventType,
        help_titles: Sequence[str],
        retention_months: int,
    ) -> None:
        super().__init__(classes="agent-dialog")
        self.lang: Lang = lang
        self.call_lang: Lang = call_lang
        self.event_type = event_type
        self.help_titles = tuple(help_titles)
        self.months = retention_months
        self.step = THANK
        self.consent: bool | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = t(
                "texas.title", self.lang, event=t(f"event.{self.event_type.value}", self.lang)
            )
            yield Static(id="texas-steps")
            yield Static(id="texas-body")
            with Horizontal(id="texas-answer"):
                # Clickable, but never focused: the answer is a deliberate J/Y or N.
                yield Button(t("texas.yes", self.lang), id="texas-yes", variant="success")
                yield Button(t("texas.no", self.lang), id="texas-no")
            yield Input(placeholder=t("texas.note_placeholder", self.lang), id="texas-note")
            yield Static(id="texas-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False
        self._show()

    # -- navigation ----------------------------------------------------------------------------
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_next(self) -> None:
        if self.step == CONSENT and self.consent is None:
            return  # the agent must ask and answer: no silent default
        if self.step == SIGNPOST:
            note = self.query_one("#texas-note", Input).value.strip() if self.consent else ""
            self.dismiss(TexasResult(self.event_type, bool(self.consent), note))
            return
        self.step += 1
        self._show()

    def action_back(self) -> None:
        if self.step > THANK:
            self.step -= 1
            self._show()

    def action_answer(self, yes: bool) -> None:
        if self.step != CONSENT:
            return
        self.consent = yes
        if not yes:
            self.query_one("#texas-note", Input).value = ""
        self.step = ASK
        self._show()

    @on(Button.Pressed, "#texas-yes")
    def _yes(self) -> None:
        self.action_answer(True)

    @on(Button.Pressed, "#texas-no")
    def _no(self) -> None:
        self.action_answer(False)

    @on(Input.Submitted, "#texas-note")
    def _note_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    # -- rendering -----------------------------------------------------------------------------
    def _show(self) -> None:
        lang, step = self.lang, self.step
        bar = Text()
        for i, name in enumerate(TEXAS_STEPS):
            if i:
                bar.append(" › ", style="dim")
            label = f"{'TEXAS'[i]} {t(f'texas.step.{name}', lang)}"
            bar.append(label, style="reverse bold" if i == step else ("" if i < step else "dim"))
        self.query_one("#texas-steps", Static).update(bar)

        body = Text()
        body.append(t(f"texas.do.{TEXAS_STEPS[step]}", lang), style="bold")
        say = {
            THANK: t(f"texas.thank.{self.event_type.value}", self.call_lang),
            EXPLAIN: t("texas.explain_say", self.call_lang, months=self.months),
            CONSENT: t("texas.consent_say", self.call_lang),
            ASK: t("texas.ask_say", self.call_lang),
        }.get(step)
        if say:
            body.append(f"\n\n{t('texas.say', lang)}\n")
            body.append(f"“{say}”", style="italic")
        if step >= ASK and self.consent is not None:
            key = "texas.consented" if self.consent else "texas.not_consented"
            body.append(f"\n\n{t(key, lang, months=self.months)}")
        if step == SIGNPOST:
            body.append("\n")
            if self.help_titles:
                for title in self.help_titles:
                    body.append(f"\n  • {title}")
            else:
                body.append(f"\n{t('texas.signpost_none', lang)}")
        self.query_one("#texas-body", Static).update(body)

        self.query_one("#texas-answer").display = step == CONSENT
        note = self.query_one("#texas-note", Input)
        note.display = step == ASK and bool(self.consent)
        if note.display:
            note.focus()
        else:
            self.set_focus(None)
        hint = {CONSENT: "texas.hint_consent", SIGNPOST: "texas.hint_done"}.get(step, "texas.hint")
        self.query_one("#texas-hint", Static).update(Text(t(hint, lang)))
