"""How much a person must write when they explain an action, the same in the screens and the CLI.

The dialogs refuse a shorter text and say the minimum; a command that takes the same text as an
option refuses it with the same minimum. Counted after leading and trailing spaces are removed.
"""

from __future__ import annotations

#: An override of a held suggestion must be explained; a word or two is not an explanation.
MIN_OVERRIDE_REASON_CHARS = 10
#: A brake is pulled in a hurry: a short reason is enough, the supervisor follows up.
MIN_BRAKE_REASON_CHARS = 5
#: Closing a review case (override or brake): what was found and done; the override's floor.
MIN_CLOSE_NOTE_CHARS = 10


def long_enough(text: str, minimum: int) -> bool:
    return len(text.strip()) >= minimum
