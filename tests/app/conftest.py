"""App tests drive the real application under Textual's Pilot, with a fast replay clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import pytest
from rich.color import Color, ColorSystem
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from agent_desk.screens.call import CallScreen
from nlp import options


async def wait_for_steps(pilot: Pilot[None], count: int, timeout_s: float = 30.0) -> CallScreen:
    """Let the replay run until ``count`` utterances went through the pipeline."""
    loops = int(timeout_s / 0.05)
    for _ in range(loops):
        screen = pilot.app.screen
        if isinstance(screen, CallScreen) and screen.steps >= count:
            await pilot.pause()
            return screen
        await pilot.pause(0.05)
    raise AssertionError(f"the call did not reach {count} utterances in {timeout_s}s")


async def wait_for_decision_log(pilot: Pilot[None], screen: CallScreen) -> None:
    """Let the call screen's decision-log writes finish (a few seconds at most)."""
    for _ in range(200):
        if screen.decisions_logged and not [
            w for w in pilot.app.workers if w.group == "db" and not w.is_finished
        ]:
            return
        await pilot.pause(0.05)


@pytest.fixture
def steps() -> Callable[[Pilot[None], int], Awaitable[CallScreen]]:
    return wait_for_steps


@pytest.fixture
def classifier_veto() -> Iterator[None]:
    """The classifier on for one test whatever an earlier test left (settings with
    ``nlp_veto=True`` keep it on), and as it was after it, so later tests share one detector."""
    before = options.veto_enabled()
    options.configure(veto=True)
    try:
        yield
    finally:
        options.configure(veto=before)


def shown(app: App[None], region: Region) -> list[Strip]:
    """What the terminal shows in ``region`` of the current screen, row by row (text and style,
    cropped by cells, so wide characters do not shift columns)."""
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right) for y in range(region.y, region.bottom)]


def shown_text(app: App[None], widget: Widget) -> list[str]:
    """The rows the terminal shows where ``widget`` is, as plain text."""
    return [strip.text for strip in shown(app, widget.region)]


def eight_bit(color: Color | None) -> int | None:
    """A colour as a 256-colour terminal shows it."""
    if color is None:
        return None
    return color.downgrade(ColorSystem.EIGHT_BIT).number


def colour_at(app: App[None], x: int, y: int) -> int | None:
    """The foreground colour of one cell, as a 256-colour terminal shows it."""
    return eight_bit(app.screen.get_style_at(x, y).color)


def theme_colour(app: App[None], name: str) -> int | None:
    """A theme colour (``accent``, ``primary``...), as a 256-colour terminal shows it."""
    return eight_bit(Color.parse(app.get_css_variables()[name]))


def screen_text(app: App[None]) -> list[str]:
    """The characters the terminal shows, row by row (colours left out)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def every_tab_stop_is_drawn(pilot: Pilot[None]) -> list[str]:
    """Tab through the whole focus chain; for each stop, check that the terminal shows
    different characters than with nothing focused (focus is never colour alone). Returns the
    stops, by id or class name."""
    screen = pilot.app.screen
    chain = list(screen.focus_chain)
    assert chain
    screen.set_focus(None)
    await pilot.pause()
    unfocused = screen_text(pilot.app)
    stops = []
    for _ in chain:
        await pilot.press("tab")
        await pilot.pause()
        focused = screen.focused
        assert focused is not None
        name = focused.id or type(focused).__name__
        stops.append(name)
        assert screen_text(pilot.app) != unfocused, f"focus on {name} is not drawn"
    return stops
