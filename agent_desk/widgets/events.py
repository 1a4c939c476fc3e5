"""Life-event chips: what the NLP layer heard, in the UI language, with its qualifiers.

Asserted events (the customer's own, current situation) are plain chips; negated, hypothetical,
someone else's and long-ago events are dimmed with the qualifier spelled out, or hidden when the
``show_qualified_events`` setting is off. Events the classifier's second opinion set aside as
look-alikes (heard by the rules, probably not about the customer) are shown the same way, marked
so, and hidden with the qualified ones; the guard does not count them either. Every chip shows
the words that triggered it (the evidence span, quoted, shortened when long); hovering it shows
the whole utterance.

One chip per event type and qualifiers: a customer who mentions the death again later in a long
call does not grow a second chip; the chip counts the mentions ("×3") and shows the latest words.
That keeps the panel (and the screen's layout work) bounded however long the call runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from agent_desk.i18n import Lang, t
from agent_desk.widgets.text import FOCUS_MARK, update_text
from nlp.types import LifeEvent

#: Evidence words shown on a chip; longer spans are shortened with "…".
MAX_CHIP_WORDS = 32


def qualifiers(event: LifeEvent, lang: Lang) -> list[str]:
    out = []
    if event.negated:
        out.append(t("events.negated", lang))
    if event.hypothetical:
        out.append(t("events.hypothetical", lang))
    if event.experiencer == "other":
        out.append(t("events.other", lang))
    if event.historical:
        out.append(t("events.historical", lang))
    return out


def evidence_words(event: LifeEvent) -> str:
    """The words that triggered the event, on one line and shortened if long."""
    words = " ".join(event.text.split())
    if len(words) > MAX_CHIP_WORDS:
        words = words[: MAX_CHIP_WORDS - 1].rstrip() + "…"
    return words


ChipKey = tuple[str, bool, bool, str, bool, bool]


def chip_key(event: LifeEvent, set_aside: bool = False) -> ChipKey:
    """Mentions with the same type and qualifiers (set aside or not) share a chip."""
    return (
        event.type.value,
        event.negated,
        event.hypothetical,
        event.experiencer,
        event.historical,
        set_aside,
    )


class EventChip(Static, can_focus=True):
    DEFAULT_CSS = """
    EventChip {
        width: auto; height: auto; padding: 0 1; margin: 0 1 0 0; background: $warning 30%;
    }
    EventChip.-qualified { background: $surface; color: $text-muted; text-style: italic; }
    EventChip:focus { background: $accent; color: $text; text-style: bold; }
    """

    def __init__(
        self, event: LifeEvent, utterance_text: str, lang: Lang, set_aside: bool = False
    ) -> None:
        classes = "" if event.asserted else "-qualified"
        if set_aside:  # asserted by the rules, but probably not about the customer
            classes = "-qualified -set-aside"
        super().__init__(markup=False, classes=classes)
        self.lang: Lang = lang
        #: The classifier veto set this event aside: shown dimmed, not counted by the guard.
        self.set_aside = set_aside
        self.mentions = 0
        self.mentioned(event, utterance_text)

    def mentioned(self, event: LifeEvent, utterance_text: str) -> None:
        """The customer spoke of it (again): count it and show the latest words."""
        self.mentions += 1
        self.event = event
        self.evidence = utterance_text
        self._show()
        tip = t("events.from", self.lang, text=utterance_text[:300])
        if self.set_aside:
            tip = f"{tip}\n{t('events.set_aside_note', self.lang)}"
        self.tooltip = Text(tip)

    def _show(self, focused: bool | None = None) -> None:
        event = self.event
        label = t(f"event.{event.type.value}", self.lang)
        quals = qualifiers(event, self.lang)
        if self.set_aside:
            quals.append(t("events.set_aside", self.lang))
        if quals:
            label = f"{label} ({', '.join(quals)})"
        if self.mentions > 1:
            label = f"{label} ×{self.mentions}"
        label = t("events.chip", self.lang, label=label, words=evidence_words(event))
        if focused is None:
            focused = self.has_focus
        if focused:  # focus is not shown by colour alone
            label = f"{FOCUS_MARK} {label}"
        update_text(self, Text(label))

    # Called before the widget's own focus handling has set ``has_focus``: say it.
    def on_focus(self) -> None:
        self._show(focused=True)

    def on_blur(self) -> None:
        self._show(focused=False)


class EventChips(Vertical):
    DEFAULT_CSS = """
    EventChips { height: auto; max-height: 12; border: round $primary; padding: 0 1; }
    EventChips > #chips-empty { color: $text-muted; }
    """

    def __init__(self, lang: Lang, show_qualified: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.show_qualified = show_qualified
        self.border_title = t("events.title", lang)
        self._chips: dict[ChipKey, EventChip] = {}
        #: Mentions already counted, so a replayed step is not counted twice.
        self._heard: set[tuple[str, str, int, bool]] = set()

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(t("events.none", self.lang)), id="chips-empty")

    def add_events(
        self,
        utterance_id: str,
        text: str,
        events: Sequence[LifeEvent],
        set_aside: Sequence[LifeEvent] = (),
    ) -> None:
        """Chips for what one customer utterance said: ``events`` as heard, and ``set_aside``
        (what the classifier veto judged look-alikes) dimmed and marked."""
        heard = [(ev, False) for ev in events] + [(ev, True) for ev in set_aside]
        for ev, aside in heard:
            if (aside or not ev.asserted) and not self.show_qualified:
                continue
            mention = (utterance_id, ev.type.value, ev.start, aside)
            if mention in self._heard:
                continue
            self._heard.add(mention)
            key = chip_key(ev, aside)
            chip = self._chips.get(key)
            if chip is not None:
                chip.mentioned(ev, text)
                continue
            self.query_one("#chips-empty").display = False
            chip = self._chips[key] = EventChip(ev, text, self.lang, set_aside=aside)
            self.mount(chip)

    @property
    def chips(self) -> list[EventChip]:
        return list(self._chips.values())
