"""App tests drive the real application under Textual's Pilot, with a fast replay clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from agent_desk.screens.call import CallScreen


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


@pytest.fixture
def steps() -> Callable[[Pilot[None], int], Awaitable[CallScreen]]:
    return wait_for_steps
