"""The commands that open a screen need a terminal on both ends.

Without one, Textual has no keyboard to read and no screen to draw on: fed from ``/dev/null`` it
reads end-of-file forever and a pipe fills with escape codes, so ``agent-desk supervise < /dev/null
| tail`` would spin at full CPU and never end. Those commands refuse at once instead, in the
user's language, and say what works without a screen. The app tests run the apps themselves in
Textual's headless test mode (``App.run_test``), which does not come through here.
"""

from __future__ import annotations

import sys
from typing import TextIO

from agent_desk.cli.errors import Refused
from agent_desk.i18n import Lang, t


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed or detached
        return False


def require_terminal(lang: Lang, command: str) -> None:
    """Exit 1 with a clear message unless stdin and stdout are both a terminal. ``command``
    names the screen (``run``, ``supervise``, ``train``, ``replay``, ``live``) for the hint."""
    if _is_terminal(sys.stdin) and _is_terminal(sys.stdout):
        return
    raise Refused(
        t("cli.no_terminal", lang) + " " + t(f"cli.no_terminal.hint.{command}", lang), lang
    )
