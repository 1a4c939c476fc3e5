"""The agent's call screen, driven through the real app under Pilot on fixture replays."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from textual.pilot import Pilot

from agent_desk.app import AgentDeskApp
from agent_desk.library.conversation import Conversation
from agent_desk.library.load import load_conversation
from agent_desk.messages import StepsProcessed
from agent_desk.nba.base import NBAContext, NBASource
from agent_desk.screens.call import CallScreen
from agent_desk.settings import load_settings
from agent_desk.widgets.events import EventChip
from agent_desk.widgets.status import StatusLine
from agent_desk.widgets.suggestions import SuggestionCard, SuggestionsPanel
from agent_desk.widgets.transcript import Transcript
from guards.types import Suggestion, Verdict

Steps = Callable[[Pilot[None], int], Awaitable[CallScreen]]


def _app(lang: str = "nl", conversation: Conversation | None = None) -> AgentDeskApp:
    return AgentDeskApp(
        settings=load_settings(language=lang), conversation=conversation, speed=None
    )


def _conv(texts: Sequence[tuple[str, str]], lang: str = "nl", **extra: Any) -> Conversation:
    return Conversation.model_validate(
        {
            "id": "test-call", "title": "t", "lang": lang, "org": "bank",
            "utterances": [
                {"id": f"u{i + 1}", "t": float(i), "speaker": sp, "text": tx}
                for i, (sp, tx) in enumerate(texts)
            ],
            **extra,
        }
    )  # fmt: skip


async def test_demo_call_shows_transcript_event_and_guarded_suggestions(steps: Steps) -> None:
    app = _app()
    posted: list[StepsProcessed] = []
    async with app.run_test(
        size=(130, 40),
        message_hook=lambda m: posted.append(m) if isinstance(m, StepsProcessed) else None,
    ) as pilot:
        screen = await steps(pilot, 12)
        # Each message is seen once per node it bubbles through: dedupe by identity. Every
        # utterance went through the pipeline once, in call order.
        assert [s.utterance.id for m in {id(m): m for m in posted}.values() for s in m.steps] == [
            f"u{i}" for i in range(1, 13)
        ]
        assert screen.query_one(Transcript).turn_count == 12
        chips = list(screen.query(EventChip))
        assert [str(c.content) for c in chips] == ["Overlijden"]
        cards = {c.suggestion.action_id: c for c in screen.query(SuggestionCard)}
        assert cards["bank.care.bereavement-support"].decision.verdict in {
            Verdict.SHOW,
            Verdict.GUIDE,
        }
        assert cards["bank.sales.credit-card"].decision.verdict is Verdict.HOLD
        assert cards["bank.sales.savings-account"].decision.verdict is Verdict.HOLD
        # Held cards say why, in Dutch, and do not show the sales script.
        held = str(cards["bank.sales.credit-card"].content)
        assert "NIET NU" in held
        assert "overlijden" in held
        assert "Creditcard" in held
        status = str(screen.query_one(StatusLine).render())
        assert "Regels: default@" in status
        assert "NL" in status


async def test_customer_text_renders_literally_not_as_markup(steps: Steps) -> None:
    nasty = "Klopt dit [b]bedrag[/] wel? En wat is [0] of [/] of [red]rood[/red]?"
    app = _app(conversation=_conv([("customer", nasty)]))
    async with app.run_test(size=(220, 30)) as pilot:
        screen = await steps(pilot, 1)
        transcript = screen.query_one(Transcript)
        (turn_id,) = transcript.turn_ids()
        assert nasty in transcript.text_of(turn_id).plain
        # What the terminal actually shows, line by line (the turn is wide enough not to wrap).
        shown = "".join(transcript.render_line(y).text for y in range(transcript.size.height))
        assert nasty in shown


async def test_english_ui_names_events_and_verdicts_in_english(steps: Steps) -> None:
    app = _app(lang="en")
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await steps(pilot, 12)
        assert [str(c.content) for c in screen.query(EventChip)] == ["Bereavement"]
        card_text = " ".join(str(c.content) for c in screen.query(SuggestionCard))
        assert "HOLD" in card_text
        assert "bereavement" in card_text  # the reason is in the agent's language
        assert "Rules: default@" in str(screen.query_one(StatusLine).render())


async def test_qualified_events_are_marked_not_asserted(steps: Steps) -> None:
    conv = _conv([("customer", "Mijn buurvrouw is vorige week overleden, heel verdrietig.")])
    async with _app(conversation=conv).run_test(size=(120, 30)) as pilot:
        screen = await steps(pilot, 1)
        (chip,) = screen.query(EventChip)
        assert "iemand anders" in str(chip.content)
        assert chip.has_class("-qualified")


async def test_a_repeated_event_keeps_one_chip_that_counts_and_shows_the_latest_words(
    steps: Steps,
) -> None:
    conv = _conv(
        [
            ("customer", "Mijn moeder is vorige week overleden."),
            ("agent", "Gecondoleerd."),
            ("customer", "Sinds mijn moeder is overleden lukt de administratie niet meer."),
            ("customer", "Mijn buurvrouw is ook overleden, vorige maand."),
        ]
    )
    async with _app(conversation=conv).run_test(size=(120, 30)) as pilot:
        screen = await steps(pilot, 4)
        chips = list(screen.query(EventChip))
        # One chip per event and qualifiers, however often it is mentioned in a long call.
        assert [str(c.content) for c in chips] == ["Overlijden ×2", "Overlijden (iemand anders)"]
        own = chips[0]
        assert own.mentions == 2
        assert "administratie" in str(own.tooltip)


async def test_blocked_suggestions_are_hidden_but_counted(steps: Steps) -> None:
    conv = load_conversation("en-bank-opted-out-lost-card")
    async with _app(lang="en", conversation=conv).run_test(size=(130, 40)) as pilot:
        screen = await steps(pilot, len(conv.utterances))
        panel = screen.query_one(SuggestionsPanel)
        blocked = [c for c in panel.cards if c.decision.verdict is Verdict.BLOCK]
        assert blocked, "an opted-out customer's offers are blocked"
        assert all(not c.display or not c.region.area for c in blocked)
        assert f"{len(blocked)} blocked" in str(panel.query_one("#blocked-count").content)
        await pilot.press("b")
        await pilot.pause()
        assert all(c.region.area for c in blocked)


class SilentSource(NBASource):
    """A decisioning service that never answers in time."""

    name = "slow-service"

    async def propose(self, context: NBAContext) -> list[Suggestion]:
        import asyncio

        await asyncio.sleep(5)
        return [Suggestion(id="x", title="Lening", kind="sales", customer_value=0.1, org_value=0.9)]


async def test_slow_nba_source_is_reported_and_nothing_unjudged_is_shown(steps: Steps) -> None:
    conv = _conv([("customer", "Ik wil graag mijn adres wijzigen.")])
    app = AgentDeskApp(
        settings=load_settings(nba_timeout_s=0.1), conversation=conv, speed=None,
        nba=SilentSource(),
    )  # fmt: skip
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await steps(pilot, 1)
        assert not list(screen.query(SuggestionCard))
        status = screen.query_one(StatusLine)
        assert "slow-service" in status.problem
        assert "niet beschikbaar" in str(status.render())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_call_screen_snapshot(snap_compare: Any, lang: str) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await wait(pilot)

    from tests.app.conftest import wait_for_steps

    async def wait(pilot: Pilot[None]) -> None:
        await wait_for_steps(pilot, 12)

    assert snap_compare(_app(lang=lang), terminal_size=(130, 40), run_before=run_before)
