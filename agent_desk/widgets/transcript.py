"""The live transcript: one line per turn, partials updated in place, triggers highlighted.

Customer and feed text is untrusted: it is built into ``rich.text.Text`` objects, never parsed as
markup, so ``[b]`` or ``[/]`` in speech render literally. Memory is bounded: only the last
``max_turns`` turns are kept as widgets (a two-hour call stays small). Auto-follow stops when the
agent scrolls back; a counter shows how many new turns arrived meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from agent_desk.i18n import Lang, t
from nlp.types import LifeEvent, Utterance

MAX_RENDER_CHARS = 2_000


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h:d}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def render_turn(utterance: Utterance, events: Sequence[LifeEvent], lang: Lang) -> Text:
    speaker = t(f"transcript.{utterance.speaker}", lang)
    line = Text(no_wrap=False)
    line.append(f"{_clock(utterance.t)} ", style="dim")
    line.append(f"{speaker}: ", style="bold")
    body = utterance.text
    truncated = len(body) > MAX_RENDER_CHARS
    if truncated:
        body = body[:MAX_RENDER_CHARS]
    text = Text(body, style="italic" if not utterance.final else "")
    for ev in events:
        if ev.end <= len(body):
            text.stylize("reverse" if ev.asserted else "underline", ev.start, ev.end)
    line.append_text(text)
    if truncated:
        line.append(" …", style="dim")
    return line


class Turn(Static):
    DEFAULT_CSS = """
    Turn { padding: 0 1; }
    Turn.-customer { color: $text; }
    Turn.-agent { color: $text-muted; }
    """


class Transcript(VerticalScroll):
    """The conversation so far; bounded, follows the end unless the agent scrolled back."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; }
    Transcript > #new-lines { dock: bottom; display: none; background: $accent; color: $text; }
    Transcript.-has-new > #new-lines { display: block; }
    """

    unseen: reactive[int] = reactive(0)

    def __init__(self, lang: Lang, max_turns: int = 400, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.max_turns = max_turns
        self._turns: dict[str, Turn] = {}
        self._follow = True

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="new-lines")

    @property
    def turn_count(self) -> int:
        return len(self._turns)

    def show(self, utterance: Utterance, events: Sequence[LifeEvent] = ()) -> None:
        """Add a turn, or update it in place if a partial with this id is already shown."""
        self.show_many([(utterance, events)])

    def show_many(self, turns: Sequence[tuple[Utterance, Sequence[LifeEvent]]]) -> None:
        """Add or update several turns with one mount and one layout (a burst)."""
        follow = self._follow or self.is_vertical_scroll_end
        added: list[Turn] = []
        for utterance, events in turns:
            rendered = render_turn(utterance, events, self.lang)
            existing = self._turns.get(utterance.id)
            if existing is not None:
                existing.update(rendered)
                continue
            turn = Turn(rendered, classes=f"-{utterance.speaker}", markup=False)
            self._turns[utterance.id] = turn
            added.append(turn)
        if added:
            # Trim before mounting: a turn that would be dropped at once is never mounted.
            excess = len(self._turns) - self.max_turns
            if excess > 0:
                for oldest in list(self._turns)[:excess]:
                    turn = self._turns.pop(oldest)
                    if turn in added:
                        added.remove(turn)
                    else:
                        turn.remove()
            if added:
                self.mount(*added, before=self.query_one("#new-lines"))
            if not follow:
                self.unseen += len(added)
        if follow:
            self.unseen = 0
            self.scroll_end(animate=False, immediate=False)

    def watch_unseen(self, value: int) -> None:
        self.set_class(value > 0, "-has-new")
        if value:
            self.query_one("#new-lines", Static).update(
                Text(t("transcript.new_lines", self.lang, count=value))
            )

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new < old:
            self._follow = False
        elif self.is_vertical_scroll_end:
            self._follow = True
            self.unseen = 0

    def follow(self) -> None:
        """Jump to the end and follow again."""
        self._follow = True
        self.unseen = 0
        self.scroll_end(animate=False)
