"""The live transcript: one entry per turn, partials updated in place, triggers highlighted.

Customer and feed text is untrusted: it is built into ``rich.text.Text`` objects, never parsed as
markup, so ``[b]`` or ``[/]`` in speech render literally. It is one line-based widget (Textual's
line API, as ``RichLog``): a new turn is wrapped once and drawn, never laid out as a widget of
its own, so a burst or a two-hour call costs the screen nothing extra. Memory is bounded: only
the last ``max_turns`` turns are kept. Auto-follow stops when the agent scrolls back; the screen
shows how many new turns arrived meanwhile (:class:`NewLines`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import MouseScrollUp, Resize
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollTo, ScrollUp
from textual.strip import Strip
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


class Transcript(ScrollView, can_focus=True):
    """The conversation so far as one line-based widget: adding a turn renders that turn only
    (no widget per turn, no re-layout of the screen), so a long or fast call stays cheap.

    Bounded: the last ``max_turns`` turns are kept. Follows the end unless the agent scrolled
    back; then ``unseen`` counts the turns that arrived meanwhile (shown by the screen).
    """

    DEFAULT_CSS = """
    Transcript { height: 1fr; padding: 0 1; }
    """
    #: Keyboard reading: the agent focuses the transcript (Tab) and scrolls; End follows again.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", show=False),
        Binding("down", "scroll_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "scroll_home", show=False),
        Binding("end", "follow", show=False),
    ]

    unseen: reactive[int] = reactive(0)

    def __init__(self, lang: Lang, max_turns: int = 2_000, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.max_turns = max_turns
        #: Turn id -> its rendered text (insertion order = call order; partials keep their place).
        self._turns: OrderedDict[str, Text] = OrderedDict()
        #: Turn id -> its lines at ``self._wrap_width``.
        self._wrapped: dict[str, list[Strip]] = {}
        self._wrap_width = 0
        self._wrap_style = Style()
        self._lines: list[Strip] = []
        self._blank = Strip.blank(0)
        self._follow = True

    @property
    def turn_count(self) -> int:
        return len(self._turns)

    def turn_ids(self) -> list[str]:
        return list(self._turns)

    def text_of(self, turn_id: str) -> Text:
        return self._turns[turn_id]

    def show(self, utterance: Utterance, events: Sequence[LifeEvent] = ()) -> None:
        """Add a turn, or update it in place if a partial with this id is already shown."""
        self.show_many([(utterance, events)])

    def show_many(self, turns: Sequence[tuple[Utterance, Sequence[LifeEvent]]]) -> None:
        """Add or update several turns at once (a burst): one re-render, one scroll."""
        follow = self._follow = self._follow or self.is_vertical_scroll_end
        added = 0
        for utterance, events in turns:
            text = render_turn(utterance, events, self.lang)
            if utterance.speaker != "customer":
                text.stylize("dim")
            if utterance.id not in self._turns:
                added += 1
            self._turns[utterance.id] = text
            self._wrapped.pop(utterance.id, None)
        while len(self._turns) > self.max_turns:
            oldest, _ = self._turns.popitem(last=False)
            self._wrapped.pop(oldest, None)
        self._relayout()
        if added and not follow:
            self.unseen += added
        if follow:
            self.unseen = 0
            if self.show_vertical_scrollbar:
                # Now, not after the next refresh: the new size is known, and one frame shows
                # the new turn already in view (a deferred scroll drew every turn twice).
                self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
            else:  # the scrollbar (and scrolling) arrives with the coming layout
                self.scroll_end(animate=False, immediate=False, x_axis=False)

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width or 78
        style = self.rich_style
        if width != self._wrap_width or style != self._wrap_style:
            self._wrapped.clear()
            self._wrap_width, self._wrap_style = width, style
        console = self.app.console
        options = console.options.update_width(width)
        lines: list[Strip] = []
        for turn_id, text in self._turns.items():
            strips = self._wrapped.get(turn_id)
            if strips is None:
                # Wrapped, padded and styled once per turn: drawing a frame (every scroll step
                # while following) then costs no new strips at all.
                strips = [
                    Strip(line).crop_extend(0, width, style).apply_style(style)
                    for line in console.render_lines(text, options, pad=False)
                ]
                self._wrapped[turn_id] = strips
            lines.extend(strips)
        self._lines = lines
        self._blank = Strip.blank(width, style)
        self._set_virtual_size(Size(width, len(lines)))
        self.refresh()

    def _set_virtual_size(self, size: Size) -> None:
        """A new turn needs no layout of the screen unless the scrollbar comes or goes (which
        changes the width lines wrap at): only the scrollbar's thumb moves. Textual takes the
        same shortcut for scroll views it sizes without a layout."""
        needs_scrollbar = size.height > self.container_size.height
        if (
            self.is_mounted
            and self.container_size.height > 0
            and size.width == self.virtual_size.width
            and needs_scrollbar == self.show_vertical_scrollbar
        ):
            self.set_reactive(Transcript.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def on_resize(self, event: Resize) -> None:
        if self.scrollable_content_region.width != self._wrap_width:
            self._relayout()
        if self._follow:  # also the first real size: turns may have arrived before layout
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:  # restyle the kept lines now if the style changed (re-wraps then)
            self._relayout()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        if index < len(self._lines) and self._wrap_width == self.scrollable_content_region.width:
            return self._lines[index]
        if index < len(self._lines):  # between a resize and its re-wrap: one frame
            width = self.scrollable_content_region.width
            return self._lines[index].crop_extend(0, width, self._wrap_style)
        return self._blank

    # Following stops only on what the agent does to read back (wheel, keys, scrollbar), never
    # on the view moving by itself (a re-wrap or resize clamps the scroll position): guessing
    # intent from scroll positions lost the end of the call on a busy machine.
    def _reading_back(self) -> None:
        if self.max_scroll_y > 0:
            self._follow = False

    def _on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self._reading_back()  # the base class's handler does the scrolling after this one

    def _on_scroll_up(self, event: ScrollUp) -> None:
        self._reading_back()  # a click on the scrollbar above the thumb

    def _on_scroll_to(self, message: ScrollTo) -> None:
        if message.y is not None and message.y < self.max_scroll_y:
            self._reading_back()  # the scrollbar's thumb dragged up

    def action_scroll_up(self) -> None:
        self._reading_back()
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self._reading_back()
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self._reading_back()
        super().action_scroll_home()

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        # The first scrollbar arrives with a layout after the turns that needed it; scrolling
        # is only possible from then on, so this is where following must catch up.
        if shown and self._follow:
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if not self._follow and self.is_vertical_scroll_end:
            self._follow = True  # the agent scrolled down to the end: follow again
            self.unseen = 0

    def action_follow(self) -> None:
        self.follow()

    def follow(self) -> None:
        """Jump to the end and follow again."""
        self._follow = True
        self.unseen = 0
        self.scroll_end(animate=False)


class NewLines(Static):
    """ "n new ↓ (End to follow)" under the transcript while the agent reads back."""

    DEFAULT_CSS = """
    NewLines { display: none; background: $accent; color: $text; padding: 0 1; }
    NewLines.-has-new { display: block; }
    """

    def __init__(self, lang: Lang, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang

    def count(self, unseen: int) -> None:
        self.set_class(unseen > 0, "-has-new")
        if unseen:
            self.update(Text(t("transcript.new_lines", self.lang, count=unseen)))
