"""Updating a text widget without laying out the whole screen when its size does not change.

``Static.update`` lays out the screen by default, because new text may need more (or less)
room. During a call the chips and suggestion cards change often (a count, a verdict word) and a
layout means redrawing every widget on the screen; so compare the room the old and the new text
take at the widget's width and lay out only when that differs.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

#: In front of the focused suggestion card or event chip: focus is never shown by colour alone.
FOCUS_MARK = "▶"


def _room(widget: Static, text: Text, width: int) -> tuple[int, int]:
    lines = text.wrap(widget.app.console, width)
    return len(lines), max((line.cell_len for line in lines), default=0)


def update_text(widget: Static, text: Text) -> None:
    """Show ``text`` in ``widget``; lay out the screen only if it needs a different size."""
    width = widget.content_region.width
    old = widget.content
    same_room = (
        widget.is_mounted
        and width > 0
        and isinstance(old, Text)
        and _room(widget, old, width) == _room(widget, text, width)
    )
    widget.update(text, layout=not same_room)
