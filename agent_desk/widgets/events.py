"""Life-event chips: what the NLP layer heard, in the UI language, with its qualifiers.

Asserted events (the customer's own, current situation) are plain chips; negated, hypothetical,
someone else's and long-ago events are dimmed with the qualifier spelled out, or hidden when the
``show_qualified_events`` setting is off. Every chip shows the words that triggered it (the
evidence span, quoted, shortened when long); hovering it shows the whole utterance.

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


ChipKey = tuple[str, bool, bool, str, bool]


def chip_key(event: LifeEvent) -> ChipKey:
    """Mentions with the same type and qualifiers share a chip."""
    return (
        event.type.value,
        event.negated,
        event.hypothetical,
        event.experiencer,
        event.historical,
    )


class EventChip(Static, can_focus=True):
    DEFAULT_CSS = """
    EventChip {
        width: auto; height: auto; padding: 0 1; margin: 0 1 0 0; background: $warning 30%;
    }
    EventChip.-qualified { background: $surface; color: $text-muted; text-style: italic; }
    EventChip:focus { background: $accent; color: $text; text-style: bold; }
    """

    def __init__(self, event: LifeEvent, utterance_text: str, lang: Lang) -> None:
        super().__init__(markup=False, classes="" if event.asserted else "-qualified")
        self.lang: Lang = lang
        self.mentions = 0
        self.mentioned(event, utterance_text)

    def mentioned(self, event: LifeEvent, utterance_text: str) -> None:
        """The customer spoke of it (again): count it and show the latest words."""
        self.mentions += 1
        self.event = event
        self.evidence = utterance_text
        self._show()
        self.tooltip = Text(t("events.from", self.lang, text=utterance_text[:300]))

    def _show(self, focused: bool | None = None) -> None:
        event = self.event
        label = t(f"event.{event.type.value}", self.lang)
        quals = qualifiers(event, self.lang)
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
        self._heard: set[tuple[str, str, int]] = set()

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(t("events.none", self.lang)), id="chips-empty")

    def add_events(self, utterance_id: str, text: str, events: Sequence[LifeEvent]) -> None:
        for ev in events:
            if not ev.asserted and not self.show_qualified:
                continue
            mention = (utterance_id, ev.type.value, ev.start)
            if mention in self._heard:
                continue
            self._heard.add(mention)
            chip = self._chips.get(chip_key(ev))
            if chip is not None:
                chip.mentioned(ev, text)
                continue
            self.query_one("#chips-empty").display = False
            chip = self._chips[chip_key(ev)] = EventChip(ev, text, self.lang)
            self.mount(chip)

    @property
    def chips(self) -> list[EventChip]:
        return list(self._chips.values())
