"""The agent's call screen, driven through the real app under Pilot on fixture replays."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from agent_desk.app import AgentDeskApp
from agent_desk.db.decisions import DecisionLog
from agent_desk.db.engine import make_engine
from agent_desk.library.conversation import Conversation
from agent_desk.library.load import load_conversation
from agent_desk.messages import StepsProcessed
from agent_desk.nba.base import NBAContext, NBASource
from agent_desk.screens.call import CallScreen
from agent_desk.settings import load_settings
from agent_desk.widgets.events import EventChip, EventChips
from agent_desk.widgets.status import StatusLine
from agent_desk.widgets.suggestions import SuggestionCard, SuggestionsPanel
from agent_desk.widgets.transcript import Transcript
from guards.types import Suggestion, Verdict
from nlp.types import EventType, LifeEvent, Utterance
from tests.app.conftest import (
    colour_at,
    every_tab_stop_is_drawn,
    shown_text,
    theme_colour,
    wait_for_decision_log,
)
from tests.support.feeds import PushFeed

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
        assert [str(c.content) for c in chips] == ["Overlijden · “overleden”"]
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
        assert [str(c.content) for c in screen.query(EventChip)] == ["Bereavement · “overleden”"]
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
        assert [str(c.content) for c in chips] == [
            "Overlijden ×2 · “overleden”",
            "Overlijden (iemand anders) · “overleden”",
        ]
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


async def _tab_to(pilot: Pilot[None], kind: type[Widget], times: int = 8) -> Widget:
    """Press Tab (as an agent does) until a widget of ``kind`` has focus."""
    for _ in range(times):
        await pilot.press("tab")
        await pilot.pause()
        if isinstance(pilot.app.screen.focused, kind):
            return pilot.app.screen.focused
    raise AssertionError(f"Tab never reached a {kind.__name__}")


async def test_the_focused_suggestion_card_has_an_accent_outline_and_a_pointer(
    steps: Steps,
) -> None:
    app = _app()
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await steps(pilot, 12)
        accent = theme_colour(app, "accent")
        card = await _tab_to(pilot, SuggestionCard)
        cards = [c for c in screen.query(SuggestionCard) if c.region.area]
        assert len(cards) == 3
        for _ in cards:  # every card in turn, as Tab moves on
            assert isinstance(card, SuggestionCard)
            rows = shown_text(app, card)
            r = card.region
            # Not colour alone: a pointer in front of the verdict, and a drawn frame.
            assert rows[1].lstrip("▊▌▐█┃│ ").startswith("▶ ")
            assert set(rows[0][1:-1]) == {"─"}
            assert set(rows[-1][1:-1]) == {"─"}
            assert all(row[-1] == "│" for row in rows[1:-1])
            # The frame is in the accent colour, on a 256-colour terminal too.
            frame = [(x, r.y) for x in range(r.x + 1, r.right - 1)]
            frame += [(r.right - 1, y) for y in range(r.y + 1, r.bottom - 1)]
            assert {colour_at(app, x, y) for x, y in frame} == {accent}
            for other in cards:
                if other is card:
                    continue
                other_rows = shown_text(app, other)
                assert "▶" not in "".join(other_rows)
                assert not other_rows[0][1:].strip()  # no frame: only the focused card has one
            await pilot.press("tab")
            await pilot.pause()
            card = screen.focused  # type: ignore[assignment]


async def test_the_focused_event_chip_is_marked_beyond_colour(steps: Steps) -> None:
    app = _app()
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await steps(pilot, 12)
        (chip,) = screen.query(EventChip)
        assert not "".join(shown_text(app, chip)).strip().startswith("▶")
        assert await _tab_to(pilot, EventChip) is chip
        text = "".join(shown_text(app, chip)).strip()
        assert text.startswith("▶ Overlijden")
        r = chip.region
        assert screen.get_style_at(r.x + 3, r.y).bold


async def test_a_focused_panel_is_marked_by_its_frame(steps: Steps) -> None:
    app = _app()
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await steps(pilot, 12)
        accent = theme_colour(app, "accent")
        panel = screen.query_one(SuggestionsPanel)
        r = panel.region
        before = shown_text(app, panel)[0]
        assert await _tab_to(pilot, SuggestionsPanel) is panel
        after = shown_text(app, panel)[0]
        assert after != before  # the frame itself changes (heavier), not only its colour
        assert after.startswith("┏")
        assert colour_at(app, r.x, r.y) == accent
        # The transcript (focused when the call opens) gave its frame back.
        left = screen.query_one("#left")
        assert shown_text(app, left)[0].startswith("╭")


async def test_every_tab_stop_on_the_call_screen_is_drawn(steps: Steps) -> None:
    app = _app()
    async with app.run_test(size=(130, 40)) as pilot:
        await steps(pilot, 12)
        stops = await every_tab_stop_is_drawn(pilot)
        assert stops[:3] == ["transcript", "EventChip", "suggestions"]
        assert stops.count("SuggestionCard") == 3


async def test_event_chip_shows_the_words_that_triggered_it(steps: Steps) -> None:
    for lang, name in (("nl", "Overlijden"), ("en", "Bereavement")):
        async with _app(lang=lang).run_test(size=(130, 40)) as pilot:
            screen = await steps(pilot, 12)
            (chip,) = screen.query(EventChip)
            # The evidence span, quoted, with the event, without focus or a mouse.
            assert str(chip.content) == f"{name} · “overleden”"
            assert f"{name} · “overleden”" in "".join(shown_text(pilot.app, chip))
            # The whole utterance stays available as context.
            assert "mijn moeder vorige week is overleden" in str(chip.tooltip)


async def test_long_evidence_is_truncated_on_the_chip(steps: Steps) -> None:
    words = "is na een lang en moeilijk ziekbed in het hospice rustig overleden"
    text = f"Mijn vader {words}."
    conv = _conv([("customer", "Goedemiddag.")])
    async with _app(conversation=conv).run_test(size=(120, 30)) as pilot:
        screen = await steps(pilot, 1)
        start = text.index(words)
        event = LifeEvent(
            type=EventType.BEREAVEMENT, text=words, start=start, end=start + len(words)
        )
        screen.query_one(EventChips).add_events("u9", text, [event])
        await pilot.pause()
        (chip,) = screen.query(EventChip)
        label = str(chip.content)
        assert label.startswith("Overlijden · “is na een lang")
        assert label.endswith("…”")
        assert len(label) < len("Overlijden · “") + len(words)


async def test_blocked_counter_says_how_to_hide_them_again(steps: Steps) -> None:
    conv = load_conversation("en-bank-opted-out-lost-card")
    for lang, hidden, shown_hint in (
        ("en", "(b to show)", "(b to hide)"),
        ("nl", "(b om te tonen)", "(b om te verbergen)"),
    ):
        async with _app(lang=lang, conversation=conv).run_test(size=(130, 40)) as pilot:
            screen = await steps(pilot, len(conv.utterances))
            panel = screen.query_one(SuggestionsPanel)
            count = panel.query_one("#blocked-count")
            assert hidden in "".join(shown_text(pilot.app, count))
            await pilot.press("b")
            await pilot.pause()
            label = "".join(shown_text(pilot.app, count))
            assert shown_hint in label
            assert hidden not in label
            await pilot.press("b")
            await pilot.pause()
            assert hidden in "".join(shown_text(pilot.app, count))


#: The rules hear a separation in it ("scheidingen"); the classifier veto sets it aside.
LOOK_ALIKE = (
    "Het aantal scheidingen in onze straat is echt gek, maar goed, mijn factuur klopt niet."
)


class OfferSource(NBASource):
    """A decisioning service that offers a loan, keeping the life events it was told of."""

    name = "offers"

    def __init__(self) -> None:
        self.events: list[frozenset[EventType]] = []

    async def propose(self, context: NBAContext) -> list[Suggestion]:
        self.events.append(context.events)
        return [
            Suggestion(id="loan", title="Lening", kind="sales", customer_value=0.5, org_value=0.6)
        ]


@pytest.mark.usefixtures("classifier_veto")
async def test_an_event_the_classifier_set_aside_is_shown_dimmed_and_never_counted(
    steps: Steps,
) -> None:
    source = OfferSource()
    app = AgentDeskApp(
        settings=load_settings(nlp_veto=True), conversation=_conv([("customer", LOOK_ALIKE)]),
        speed=None, nba=source,
    )  # fmt: skip
    async with app.run_test(size=(130, 30)) as pilot:
        screen = await steps(pilot, 1)
        (chip,) = screen.query(EventChip)
        # Heard, and marked as probably not about the customer, dimmed like a qualified event.
        assert str(chip.content) == "Scheiding (waarschijnlijk niet over de klant) · “scheidingen”"
        assert chip.has_class("-qualified")
        assert chip.has_class("-set-aside")
        assert "classifier" in str(chip.tooltip)
        assert "waarschijnlijk niet over de klant" in "".join(shown_text(app, chip))
        # The guard does not count it: the loan is not held for a separation.
        assert screen.session.asserted_event_types() == []
        assert source.events == [frozenset()]
        (card,) = screen.query(SuggestionCard)
        assert card.decision.verdict is Verdict.SHOW


@pytest.mark.usefixtures("classifier_veto")
async def test_the_decision_log_records_what_was_set_aside_apart_from_the_events(
    steps: Steps,
) -> None:
    settings = load_settings(nlp_veto=True)
    app = AgentDeskApp(
        settings=settings, conversation=_conv([("customer", LOOK_ALIKE)]), speed=None,
        nba=OfferSource(),
    )  # fmt: skip
    async with app.run_test(size=(130, 30)) as pilot:
        screen = await steps(pilot, 1)
        await wait_for_decision_log(pilot, screen)
        call_ref = screen.session.call_id
    engine = make_engine(settings.database_url)
    try:
        (row,) = DecisionLog(engine, settings.desk_id).for_call(call_ref)
    finally:
        engine.dispose()
    assert (row.suggestion_id, row.verdict) == ("loan", "show")
    assert row.event_types == []  # never counted ...
    assert row.set_aside_types == ["separation"]  # ... but on record for a supervisor


@pytest.mark.usefixtures("classifier_veto")
async def test_an_event_set_aside_is_hidden_with_the_qualified_ones(steps: Steps) -> None:
    app = AgentDeskApp(
        settings=load_settings(nlp_veto=True, show_qualified_events=False),
        conversation=_conv([("customer", LOOK_ALIKE)]), speed=None,
    )  # fmt: skip
    async with app.run_test(size=(130, 30)) as pilot:
        screen = await steps(pilot, 1)
        assert screen.session.set_aside  # heard and set aside, but not shown
        assert not list(screen.query(EventChip))
        assert screen.query_one("#chips-empty").display


class FlakySource(NBASource):
    """A decisioning service that misses the first utterance and answers after that."""

    name = "flaky-service"

    def __init__(self) -> None:
        self.calls = 0

    async def propose(self, context: NBAContext) -> list[Suggestion]:
        import asyncio

        self.calls += 1
        if self.calls == 1:
            await asyncio.sleep(5)
        return []


async def test_a_suggestion_source_problem_clears_when_the_source_answers_again(
    steps: Steps,
) -> None:
    feed = PushFeed()
    app = AgentDeskApp(settings=load_settings(nba_timeout_s=0.2), feed=feed, nba=FlakySource())
    async with app.run_test(size=(120, 30)) as pilot:
        feed.push(Utterance(id="u1", speaker="customer", text="Ik wil mijn adres wijzigen."))
        screen = await steps(pilot, 1)
        status = screen.query_one(StatusLine)
        assert "flaky-service" in str(status.render())  # the source missed the first one
        feed.push(Utterance(id="u2", speaker="customer", text="Dank u.", t=3.0))
        await steps(pilot, 2)
        line = str(status.render())
        assert "Suggesties: ok" in line
        assert "flaky-service" not in line  # it answered again: the warning is gone
        assert "⚠" not in line


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_call_screen_snapshot(snap_compare: Any, lang: str) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await wait(pilot)

    from tests.app.conftest import wait_for_steps

    async def wait(pilot: Pilot[None]) -> None:
        await wait_for_steps(pilot, 12)

    assert snap_compare(_app(lang=lang), terminal_size=(130, 40), run_before=run_before)
