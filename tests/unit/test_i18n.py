"""Both UI languages say the same things: identical keys and placeholders."""

from __future__ import annotations

import string

from agent_desk.i18n import catalog, t
from nlp.types import EventType


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    nl, en = catalog("nl"), catalog("en")
    assert nl.keys() == en.keys()
    for key in nl:
        assert _fields(nl[key]) == _fields(en[key]), key


def test_every_life_event_has_a_name_in_both_languages() -> None:
    for ev in EventType:
        assert t(f"event.{ev.value}", "nl") != f"event.{ev.value}"
        assert t(f"event.{ev.value}", "en") != f"event.{ev.value}"
    assert t("event.bereavement", "nl") == "Overlijden"
