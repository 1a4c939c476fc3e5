"""The call screen under load and over time: following the conversation, bursts from a live feed,
and the decision log it leaves for supervisors."""

from __future__ import annotations

from textual.pilot import Pilot

from agent_desk.app import AgentDeskApp
from agent_desk.db.decisions import DecisionLog
from agent_desk.db.engine import make_engine
from agent_desk.screens.call import CallScreen
from agent_desk.settings import load_settings
from agent_desk.widgets.status import StatusLine
from agent_desk.widgets.suggestions import SuggestionCard, SuggestionsPanel
from agent_desk.widgets.transcript import NewLines, Transcript
from nlp.types import Utterance
from tests.app.conftest import wait_for_decision_log, wait_for_steps
from tests.support.feeds import PushFeed


def _utt(i: int, text: str | None = None, speaker: str = "customer") -> Utterance:
    return Utterance(
        id=f"u{i}",
        speaker=speaker,
        text=text or f"Dit is zin nummer {i} over mijn rekening.",
        t=float(i),
    )


async def _call_screen(pilot: Pilot[None]) -> CallScreen:
    for _ in range(100):
        if isinstance(pilot.app.screen, CallScreen):
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError("the call screen did not open")


def _where(transcript: Transcript) -> str:
    return (
        f"scroll_y={transcript.scroll_y} max={transcript.max_scroll_y} "
        f"virtual={transcript.virtual_size} size={transcript.size} unseen={transcript.unseen}"
    )


async def _at_end(pilot: Pilot[None], transcript: Transcript) -> bool:
    """Following scrolls on the next refresh: give a loaded machine up to 3 s to draw it."""
    for _ in range(60):
        if transcript.is_vertical_scroll_end:
            return True
        await pilot.pause(0.05)
    return False


async def test_scrolling_back_stops_following_and_counts_new_lines() -> None:
    feed = PushFeed()
    app = AgentDeskApp(settings=load_settings(), feed=feed, speed=None)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _call_screen(pilot)
        feed.push(*[_utt(i) for i in range(1, 41)])
        await wait_for_steps(pilot, 40)
        transcript = screen.query_one(Transcript)
        assert await _at_end(pilot, transcript), _where(transcript)
        new_lines = screen.query_one(NewLines)
        assert not new_lines.has_class("-has-new")

        # The agent tabs to the transcript and pages back to read what the customer said.
        transcript.focus()
        await pilot.press("pageup", "pageup")
        await pilot.wait_for_scheduled_animations()
        reading_at = transcript.scroll_y
        assert reading_at < transcript.max_scroll_y, _where(transcript)
        feed.push(*[_utt(i) for i in range(41, 44)])
        await wait_for_steps(pilot, 43)
        await pilot.pause(0.3)  # a (wrong) follow would scroll on the next refresh
        assert transcript.scroll_y == reading_at, "new lines must not pull the agent away"
        assert new_lines.has_class("-has-new")
        assert new_lines.display
        assert "3 nieuw" in str(new_lines.render())

        await pilot.press("end")
        await pilot.pause()
        assert not new_lines.has_class("-has-new")
        assert await _at_end(pilot, transcript), _where(transcript)
        feed.push(_utt(44))
        await wait_for_steps(pilot, 44)
        assert await _at_end(pilot, transcript), "after End the transcript follows again"

        # Scrolling down to the end by hand follows again too (no End needed).
        await pilot.press("home")
        await pilot.wait_for_scheduled_animations()
        assert transcript.scroll_y == 0
        for _ in range(20):
            await pilot.press("pagedown")
        await pilot.wait_for_scheduled_animations()
        feed.push(_utt(45))
        await wait_for_steps(pilot, 45)
        assert await _at_end(pilot, transcript), _where(transcript)
        assert not new_lines.has_class("-has-new")
        feed.end()


async def test_a_burst_of_utterances_is_shown_in_order_and_keys_still_work() -> None:
    feed = PushFeed()
    app = AgentDeskApp(settings=load_settings(), feed=feed, speed=None)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _call_screen(pilot)
        transcript = screen.query_one(Transcript)
        burst = [_utt(i) for i in range(1, 1001)]
        feed.push(*burst)
        await pilot.press("b")  # the agent toggles blocked suggestions during the burst
        await wait_for_steps(pilot, 1000, timeout_s=60)
        assert screen.query_one(SuggestionsPanel).show_blocked
        assert transcript.turn_ids() == [f"u{i}" for i in range(1, 1001)]
        assert await _at_end(pilot, transcript)
        # Bounded memory: past the limit only the newest turns are kept, in order.
        transcript.max_turns = 300
        feed.push(_utt(1001))
        await wait_for_steps(pilot, 1001)
        assert transcript.turn_ids() == [f"u{i}" for i in range(702, 1002)]
        assert await _at_end(pilot, transcript)
        last = transcript.text_of("u1001").plain
        shown = "".join(transcript.render_line(y).text for y in range(transcript.size.height))
        assert last.split(": ", 1)[1] in shown
        feed.end()


async def test_every_new_decision_is_logged_without_transcript_text() -> None:
    settings = load_settings()
    app = AgentDeskApp(settings=settings, speed=None)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await wait_for_steps(pilot, 12)
        cards = {c.suggestion.id: c.decision for c in screen.query(SuggestionCard)}
        await wait_for_decision_log(pilot, screen)
        call_ref = screen.session.call_id
    rows = DecisionLog(make_engine(settings.database_url), settings.desk_id).for_call(call_ref)
    assert rows, "the call screen wrote no decisions"
    # The last decision logged per suggestion is what the agent saw at the end of the call.
    last = {r.suggestion_id: r for r in rows}
    assert set(last) == set(cards)
    for sid, decision in cards.items():
        assert last[sid].verdict == decision.verdict.value
        assert last[sid].rules == [r.rule for r in decision.reasons]
        assert last[sid].desk_id == settings.desk_id
    # A re-judgement that changes nothing is not logged again.
    assert len(rows) < 12 * len(cards)
    assert any("bereavement" in r.event_types for r in rows)
    dumped = " ".join(r.model_dump_json() for r in rows)
    conversation_words = ("overleden", "moeder", "begrafenis")
    assert not any(w in dumped.lower() for w in conversation_words)


async def test_database_away_the_call_goes_on_and_decisions_wait_in_the_spool() -> None:
    from agent_desk.db.spool import SpooledDecisionLog

    # Nothing listens on port 1: every connection is refused at once.
    settings = load_settings(database_url="postgresql+psycopg://desk@127.0.0.1:1/agentdesk")
    app = AgentDeskApp(settings=settings, speed=None)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await wait_for_steps(pilot, 12)
        for _ in range(200):
            if screen.decisions_logged:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.1)
        # The agent still sees every judged suggestion, and is told in one line.
        assert list(screen.query(SuggestionCard))
        assert "database onbereikbaar" in screen.query_one(StatusLine).problem
        call_ref = screen.session.call_id
        expected = screen.decisions_logged
    from sqlmodel import create_engine

    spool = SpooledDecisionLog(create_engine(settings.database_url), settings.desk_id)
    assert spool.pending == expected
    spooled = spool.path.read_text(encoding="utf-8")
    assert call_ref in spooled
    assert "overleden" not in spooled
    assert "moeder" not in spooled


async def test_the_desk_switches_to_the_rules_a_supervisor_published() -> None:
    from sqlmodel import Session

    from agent_desk.db.models import UserRecord
    from agent_desk.db.rulesets import RuleRepository
    from agent_desk.paths import default_rules

    settings = load_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as s:
        s.add(UserRecord(name="sam", role="supervisor"))
        s.commit()
    repo = RuleRepository(engine)
    text = default_rules().read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "2.1"')
    draft = repo.import_yaml(text, author="sam")
    repo.publish(draft.id, "sam")

    app = AgentDeskApp(settings=settings, speed=None)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await wait_for_steps(pilot, 12)
        for _ in range(100):
            if screen.session.rule_set.version == "2.1":
                break
            await pilot.pause(0.05)
        assert screen.session.rule_set.version == "2.1"
        await pilot.pause()
        assert "default@2.1" in str(screen.query_one(StatusLine).render())
        cards = list(screen.query(SuggestionCard))
        assert cards
        assert {c.decision.rule_set_version for c in cards} == {"2.1"}


async def test_the_platform_call_id_names_the_call_on_screen_and_in_the_log() -> None:
    settings = load_settings(feed="stdin")  # a live call: the catalogue proposes
    feed = PushFeed(call_id="contact-55")
    app = AgentDeskApp(settings=settings, feed=feed, speed=None)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _call_screen(pilot)
        feed.push(_utt(1, "Mijn man is vorige week overleden."))
        await wait_for_steps(pilot, 1)
        await wait_for_decision_log(pilot, screen)
        assert screen.session.call_id == "contact-55"
        feed.end()
    rows = DecisionLog(make_engine(settings.database_url), settings.desk_id).for_call("contact-55")
    assert rows, "no decision under the platform's call id"
