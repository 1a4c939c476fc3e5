"""The trainer's screens under Pilot: the library, replay controls with the "what the guard saw"
panel, and a quiz that is scored, saved after every answer and resumed after an interruption."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Footer, OptionList, RadioSet, Select

from agent_desk.i18n import Lang
from agent_desk.paths import conversations_dir
from agent_desk.screens.trainer import (
    ConversationOpened,
    LibraryScreen,
    QuizAnswered,
    QuizFinished,
    QuizQuestionAsked,
    TrainerApp,
    TrainerScreen,
)
from agent_desk.settings import load_settings
from agent_desk.training.sessions import TrainingStore
from agent_desk.widgets.events import EventChip
from agent_desk.widgets.status import StatusLine
from agent_desk.widgets.suggestions import SuggestionCard
from agent_desk.widgets.trainer_guard import GuardSawPanel
from agent_desk.widgets.trainer_quiz import QuizPanel
from agent_desk.widgets.transcript import Transcript
from guards.types import Verdict
from nlp.types import EventType
from tests.app.conftest import eight_bit, every_tab_stop_is_drawn, shown_text

SIZE = (160, 45)

SHORT_CALL = """\
id: nl-kort-overlijden
title: "Kort: vader overleden"
lang: nl
org: bank
difficulty: easy
tags: [bereavement]
utterances:
  - {id: u1, t: 0.0, speaker: agent, text: "Goedemiddag, waarmee kan ik u helpen?"}
  - id: u2
    t: 3.0
    speaker: customer
    text: "Mijn vader is vorige week overleden en ik bel over zijn rekeningen."
    events: [{type: bereavement, text: overleden}]
  - {id: u3, t: 8.0, speaker: agent, text: "Gecondoleerd. Ik help u daar graag mee."}
  - {id: u4, t: 12.0, speaker: customer, text: "Dank u. De vaste lasten lopen gewoon door."}
suggestions:
  - at: u2
    action: bank.care.bereavement-support
    acceptable: [show, guide]
    note: "Hulp voor nabestaanden past; eerst het verlies erkennen."
  - at: u4
    action: bank.sales.credit-card
    acceptable: [hold, block]
    note: "Geen creditcard in een rouwgesprek."
"""


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    for name in (
        "nl-demo-bereavement",
        "en-bank-job-loss-redundancy",
        "en-bank-moving-refuses-offers",
    ):
        shutil.copy(conversations_dir() / f"{name}.yaml", folder)
    (folder / "nl-kort-overlijden.yaml").write_text(SHORT_CALL, encoding="utf-8")
    (folder / "kapot.yaml").write_text("id: kapot\nutterances: [\n  - {id: u1\n", encoding="utf-8")
    return folder


def _app(folder: Path, tmp_path: Path, lang: Lang = "nl") -> TrainerApp:
    settings = load_settings(language=lang, user="trainee-anna")
    return TrainerApp(settings=settings, store=TrainingStore(tmp_path / "training"), folder=folder)


def _collector(
    kinds: tuple[type[Message], ...],
) -> tuple[dict[int, Any], Callable[[Message], None]]:
    """Messages of ``kinds`` the app posted, once each (bubbling shows a message more than once)."""
    seen: dict[int, Any] = {}

    def hook(message: Message) -> None:
        if isinstance(message, kinds):
            seen.setdefault(id(message), message)

    return seen, hook


async def until(pilot: Pilot[None], check: Callable[[], bool], timeout_s: float = 30.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if check():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen did not get there in time")


async def _open(pilot: Pilot[None], conversation_id: str, key: str = "enter") -> TrainerScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LibraryScreen)
    table = screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(conversation_id))
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, TrainerScreen))
    trainer = pilot.app.screen
    assert isinstance(trainer, TrainerScreen)
    return trainer


async def _step_to(pilot: Pilot[None], screen: TrainerScreen, position: int) -> None:
    while screen.position < position:
        before = screen.position
        await pilot.press("s")
        await until(pilot, lambda b=before: screen.position > b or screen.question_open)
        if screen.question_open:
            return


# -- the library --------------------------------------------------------------------------------
async def test_library_lists_conversations_and_the_unusable_file_with_its_reason(
    library: Path, tmp_path: Path
) -> None:
    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = pilot.app.screen
        table = screen.query_one(DataTable)
        assert table.row_count == 4
        row = table.get_row("nl-demo-bereavement")
        # The short columns in the order of the filters; the long title after them.
        assert [str(c) for c in row] == [
            "nl-demo-bereavement", "NL", "Overlijden", "makkelijk",
            "Moeder overleden, vragen over de rekeningen",
            "bereavement, euphemism, agent-speaks, topic-change",
        ]  # fmt: skip
        unusable = str(screen.query_one("#unusable-list").content)
        assert "kapot.yaml:" in unusable
        assert "invalid YAML" in unusable
        assert "Onbruikbare bestanden (1)" in str(
            screen.query_one("#library-unusable").border_title
        )
        assert "Gespreksbibliotheek: 4 gesprekken" in str(
            screen.query_one("#library-title").content
        )


async def test_library_filters_by_language_life_event_and_difficulty(
    library: Path, tmp_path: Path
) -> None:
    async with _app(library, tmp_path, lang="en").run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = pilot.app.screen
        table = screen.query_one(DataTable)

        def ids() -> list[str]:
            return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]

        screen.query_one("#filter-lang", Select).value = "en"
        await pilot.pause()
        assert ids() == ["en-bank-job-loss-redundancy", "en-bank-moving-refuses-offers"]
        screen.query_one("#filter-event", Select).value = EventType.JOB_LOSS.value
        await pilot.pause()
        assert ids() == ["en-bank-job-loss-redundancy"]
        assert "1 of 4 shown" in str(screen.query_one("#library-count").content)
        screen.query_one("#filter-lang", Select).clear()
        screen.query_one("#filter-event", Select).value = EventType.BEREAVEMENT.value
        screen.query_one("#filter-difficulty", Select).value = "easy"
        await pilot.pause()
        assert ids() == ["nl-demo-bereavement", "nl-kort-overlijden"]
        screen.query_one("#filter-event", Select).value = EventType.DOMESTIC_ABUSE.value
        await pilot.pause()
        assert ids() == []
        assert "No conversation matches" in str(screen.query_one("#library-count").content)


# -- replay ------------------------------------------------------------------------------------
async def test_replay_pause_step_speed_and_seek(library: Path, tmp_path: Path) -> None:
    opened, hook = _collector((ConversationOpened,))
    async with _app(library, tmp_path).run_test(size=SIZE, message_hook=hook) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-demo-bereavement")
        assert [(m.conversation_id, m.quiz) for m in opened.values()] == [
            ("nl-demo-bereavement", False)
        ]
        # It opens paused, before the first utterance.
        await pilot.pause(0.3)
        assert screen.position == 0
        assert "gepauzeerd" in str(screen.query_one("#replay-state").content)
        await _step_to(pilot, screen, 2)
        assert screen.position == 2
        assert screen.query_one(Transcript).turn_count == 2
        # Speed steps through 0.5x..8x and stops at the ends.
        for _ in range(5):
            await pilot.press("right_square_bracket")
        assert screen.speed == 8.0
        await pilot.press("left_square_bracket")
        assert screen.speed == 4.0
        for _ in range(5):
            await pilot.press("left_square_bracket")
        assert screen.speed == 0.5
        for _ in range(4):
            await pilot.press("right_square_bracket")
        assert "×8" in str(screen.query_one("#replay-state").content)
        # Play at x8 (gaps of ~1 second), then pause: the replay stops.
        await pilot.press("space")
        assert screen.playing
        await until(pilot, lambda: screen.position >= 4)
        await pilot.press("space")
        await pilot.pause(0.2)
        stopped = screen.position
        await pilot.pause(2.0)
        assert screen.position == stopped
        assert not screen.playing
        # Seek one back: the call is rebuilt from the start up to there.
        await pilot.press("left")
        await until(pilot, lambda: screen.position == stopped - 1)
        await pilot.pause(0.3)
        assert screen.query_one(Transcript).turn_count == stopped - 1
        # Home: back to before the first utterance, nothing heard or judged.
        await pilot.press("home")
        await pilot.pause(0.3)
        assert screen.position == 0
        assert screen.query_one(Transcript).turn_count == 0
        assert not list(screen.query(EventChip))
        assert not list(screen.query(SuggestionCard))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))


async def test_side_panel_shows_event_evidence_and_rule_messages_at_that_moment(
    library: Path, tmp_path: Path
) -> None:
    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-demo-bereavement")
        await _step_to(pilot, screen, 2)
        panel = screen.query_one(GuardSawPanel)
        text = panel.text
        assert "Na u2 (Klant) · taal gehoord: NL" in text
        assert "Overlijden  gehoord in “overleden”" in text
        assert "telt mee voor de guard" in text
        assert "Hulp bij overlijden" in text or "nabestaanden" in text.lower()
        assert "empathy.acknowledge-first · empathie · afgedwongen" in text
        # Seek to u8: the credit card is held, and the panel says which rule and why.
        await screen.seek(8)
        await until(pilot, lambda: screen.position == 8)
        text = panel.text
        assert "Na u8 (Klant)" in text
        assert "NIET NU" in text
        assert "overlijden" in text
        held = [c for c in screen.query(SuggestionCard) if c.decision.verdict is Verdict.HOLD]
        assert held
        rules = {r.rule for c in held for r in c.decision.reasons}
        assert all(rule in text for rule in rules)
        # Back to u2 rebuilds exactly what the guard saw then: nothing held yet.
        await screen.seek(2)
        await until(pilot, lambda: screen.position == 2)
        await pilot.pause(0.2)
        assert "Na u2 (Klant)" in panel.text
        assert "NIET NU" not in panel.text


async def test_negated_event_is_explained_as_not_counting(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(conversations_dir() / "en-bank-negated-separation-marriage.yaml", folder)
    async with _app(folder, tmp_path, lang="en").run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "en-bank-negated-separation-marriage")
        panel = screen.query_one(GuardSawPanel)
        found = False
        for i in range(1, len(screen.conversation.utterances) + 1):
            await _step_to(pilot, screen, i)
            if "negated" in panel.text:
                found = True
                break
        assert found, "the negated separation is shown with its flag"
        assert "does not count" in panel.text


LOOK_ALIKE_CALL = """\
id: nl-kort-buurt
title: "Kort: scheidingen in de straat"
lang: nl
org: bank
difficulty: hard
utterances:
  - {id: u1, t: 0.0, speaker: agent, text: "Goedemiddag, waarmee kan ik u helpen?"}
  - id: u2
    t: 3.0
    speaker: customer
    text: "Het aantal scheidingen in onze straat is echt gek, maar goed, mijn factuur klopt niet."
"""


@pytest.mark.usefixtures("classifier_veto")
async def test_an_event_the_classifier_set_aside_is_listed_as_heard_and_not_counted(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "nl-kort-buurt.yaml").write_text(LOOK_ALIKE_CALL, encoding="utf-8")
    settings = load_settings(language="nl", user="trainee-anna", nlp_veto=True)
    app = TrainerApp(settings=settings, store=TrainingStore(tmp_path / "training"), folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-kort-buurt")
        await _step_to(pilot, screen, 2)
        text = screen.query_one(GuardSawPanel).text
        assert "Scheiding  gehoord in “scheidingen”  (waarschijnlijk niet over de klant)" in text
        assert "gehoord door de regels, door de classifier terzijde gelegd: telt niet mee" in text
        assert "Telt tot nu toe mee voor de guard: geen" in text
        (chip,) = screen.query(EventChip)
        assert chip.has_class("-set-aside")


async def test_speed_keys_work_as_the_toolbar_shows_them(library: Path, tmp_path: Path) -> None:
    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-demo-bereavement")
        toolbar = " ".join(shown_text(pilot.app, screen.query_one("#trainer-controls")))
        assert "− Langzamer" in toolbar
        assert "+ Sneller" in toolbar
        await pilot.press("minus")
        assert screen.speed == 0.5
        await pilot.press("plus")
        assert screen.speed == 1.0
        await pilot.press("equals_sign")  # "+" without Shift
        assert screen.speed == 2.0
        await pilot.press("left_square_bracket")  # the old keys still work
        assert screen.speed == 1.0
        await pilot.press("right_square_bracket")
        assert screen.speed == 2.0
        assert "×2" in str(screen.query_one("#replay-state").content)


async def test_footer_lists_step_back_and_home_and_both_work_on_a_long_transcript(
    library: Path, tmp_path: Path
) -> None:
    # A lower terminal, so that the whole call does not fit in the transcript.
    async with _app(library, tmp_path).run_test(size=(160, 30)) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-demo-bereavement")
        await pilot.pause(0.3)
        footer = " ".join(shown_text(pilot.app, screen.query_one(Footer)))
        for shown_key in ("← Stap terug", "home Naar begin", "- Langzamer", "+ Sneller"):
            assert shown_key in footer
        total = len(screen.conversation.utterances)
        await screen.seek(total)
        await until(pilot, lambda: screen.position == total)
        await pilot.pause(0.3)
        transcript = screen.query_one(Transcript)
        assert transcript.max_scroll_y > 0  # the transcript scrolls: it must not take the keys
        transcript.focus()
        await pilot.pause()
        footer = " ".join(shown_text(pilot.app, screen.query_one(Footer)))
        assert "← Stap terug" in footer
        assert "home Naar begin" in footer
        await pilot.press("left")
        await until(pilot, lambda: screen.position == total - 1)
        await pilot.pause(0.3)
        transcript = screen.query_one(Transcript)
        transcript.focus()
        await pilot.pause()
        await pilot.press("home")
        await until(pilot, lambda: screen.position == 0)
        await pilot.pause(0.3)
        assert screen.query_one(Transcript).turn_count == 0


async def test_back_and_home_keep_the_focus_on_the_transcript(
    library: Path, tmp_path: Path
) -> None:
    """Seeking rebuilds the transcript and the side panels; the focus goes to the new transcript,
    where the trainer was, not to the panel on the right."""
    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-demo-bereavement")
        await pilot.pause(0.3)
        await _step_to(pilot, screen, 3)
        await pilot.pause(0.3)
        before = screen.query_one(Transcript)
        assert pilot.app.focused is before

        await pilot.press("left")
        await until(pilot, lambda: screen.position == 2)
        await pilot.pause(0.3)
        transcript = screen.query_one(Transcript)
        assert transcript is not before  # rebuilt
        assert pilot.app.focused is transcript

        await pilot.press("home")
        await until(pilot, lambda: screen.position == 0)
        await pilot.pause(0.3)
        assert screen.query_one(Transcript) is not transcript
        assert pilot.app.focused is screen.query_one(Transcript)

        # From the suggestions panel: back to the rebuilt suggestions panel.
        await _step_to(pilot, screen, 3)
        screen.query_one("#suggestions").focus()
        await pilot.press("left")
        await until(pilot, lambda: screen.position == 2)
        await pilot.pause(0.3)
        assert pilot.app.focused is screen.query_one("#suggestions")


async def test_every_tab_stop_on_the_replay_is_drawn(library: Path, tmp_path: Path) -> None:
    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-demo-bereavement")
        await screen.seek(8)
        await until(pilot, lambda: screen.position == 8)
        await pilot.pause(0.3)
        stops = await every_tab_stop_is_drawn(pilot)
        assert {"transcript", "EventChip", "suggestions", "SuggestionCard", "guard"} <= set(stops)


@pytest.mark.parametrize(
    ("lang", "ended", "nba"),
    [
        ("nl", "Bron: gesprek beëindigd", "Suggesties: opgenomen"),
        ("en", "Feed: call ended", "Suggestions: recorded"),
    ],
)
async def test_status_bar_says_the_call_ended_in_the_ui_language(
    library: Path, tmp_path: Path, lang: Lang, ended: str, nba: str
) -> None:
    async with _app(library, tmp_path, lang=lang).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-kort-overlijden")
        status = screen.query_one(StatusLine)
        assert nba in str(status.render())
        for _ in range(5):
            await pilot.press("right_square_bracket")
        await pilot.press("space")
        await until(pilot, lambda: screen.ended)
        await pilot.pause(0.2)
        line = " ".join(shown_text(pilot.app, status))
        assert ended in line
        assert nba in line
        state = str(screen.query_one("#replay-state").content)
        assert ("einde van het gesprek" if lang == "nl" else "end of the call") in state


async def test_library_shows_whole_difficulty_words_at_160_columns(tmp_path: Path) -> None:
    words = {"makkelijk", "gemiddeld", "moeilijk"}
    async with _app(conversations_dir(), tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        await pilot.pause(0.3)
        screen = pilot.app.screen
        table = screen.query_one(DataTable)
        assert table.row_count > 40
        rows = shown_text(pilot.app, table)
        assert "Niveau" in rows[0]
        body = [r for r in rows[1:] if r.strip()]
        assert body
        for row in body:
            cells = set(row.split())
            assert cells & words, row  # a whole word, not "makke" or "gemid"
        # A long title is shortened where the screen can see it ends: "…", not a cut word.
        assert any("…" in row for row in body)


async def test_tab_to_the_unfinished_quizzes_marks_one_and_enter_resumes_it(
    library: Path, tmp_path: Path
) -> None:
    store = await _interrupt_a_quiz(library, tmp_path)
    (interrupted,) = store.unfinished("trainee-anna")

    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        library_screen = pilot.app.screen
        resume = library_screen.query_one("#resume-list", OptionList)
        table = library_screen.query_one(DataTable)
        assert table.has_focus
        r = resume.region
        app = pilot.app

        def row_look() -> set[tuple[int | None, bool]]:
            styles = [app.screen.get_style_at(x, r.y) for x in range(r.x, r.right)]
            return {(eight_bit(st.bgcolor), bool(st.bold)) for st in styles}

        before = row_look()
        await pilot.press("tab")
        assert resume.has_focus
        # The quiz Enter would resume is marked: bold, on another background (256 colours).
        after = row_look()
        assert {bg for bg, _ in after}.isdisjoint({bg for bg, _ in before})
        assert any(bold for _, bold in after)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, TrainerScreen))
        trainer = pilot.app.screen
        assert isinstance(trainer, TrainerScreen)
        assert trainer.training is not None
        assert trainer.training.id == interrupted.id


# -- quiz ----------------------------------------------------------------------------------------
async def _answer(
    pilot: Pilot[None], screen: TrainerScreen, verdict: str, events: tuple[str, ...]
) -> None:
    quiz = screen.query_one(QuizPanel)
    await pilot.click(f"#verdict-{verdict}")
    for ev in events:
        quiz.query_one(f"#heard-{ev}", Checkbox).value = True
    await pilot.click("#quiz-submit")
    await until(pilot, lambda: quiz.phase == "revealed")


async def _interrupt_a_quiz(library: Path, tmp_path: Path) -> TrainingStore:
    """Start a quiz on nl-kort-overlijden, answer its first question and close the app."""
    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-kort-overlijden", key="q")
        await _step_to(pilot, screen, 2)
        await _answer(pilot, screen, "hold", ("bereavement",))
    return TrainingStore(tmp_path / "training")


async def _continue(pilot: Pilot[None], screen: TrainerScreen) -> None:
    await pilot.click("#quiz-continue")
    await until(pilot, lambda: not screen.question_open)


async def test_full_quiz_one_right_one_wrong_answer_scored_and_saved(
    library: Path, tmp_path: Path
) -> None:
    seen, hook = _collector((QuizQuestionAsked, QuizAnswered, QuizFinished))
    async with _app(library, tmp_path).run_test(size=SIZE, message_hook=hook) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-kort-overlijden", key="q")
        quiz = screen.query_one(QuizPanel)
        await _step_to(pilot, screen, 2)
        assert screen.question_open
        assert quiz.phase == "question"
        assert "Vraag 1 van 2" in str(quiz.border_title)
        # Before the answer: no verdict on screen, and what the NLP heard is kept back.
        assert not list(screen.query(SuggestionCard))
        assert not list(screen.query(EventChip))
        assert "pas na je antwoord" in screen.query_one(GuardSawPanel).text
        # Play and step wait for the answer.
        await pilot.press("s")
        screen.action_toggle_play()
        await pilot.pause(0.3)
        assert not screen.playing
        assert screen.position == 2

        # A submit without a verdict asks for one.
        await pilot.click("#quiz-submit")
        assert "Kies eerst een oordeel" in str(quiz.query_one("#quiz-error").content)
        await _answer(pilot, screen, "guide", ("bereavement",))
        result = quiz.result_text
        assert "✔ Jouw oordeel is goed." in result
        assert "Gehoord: Overlijden" in result
        assert "Waarom: Hulp voor nabestaanden past" in result
        (card,) = screen.query(SuggestionCard)
        assert card.decision.verdict in {Verdict.SHOW, Verdict.GUIDE}
        assert [str(c.content) for c in screen.query(EventChip)] == ["Overlijden · “overleden”"]
        await _continue(pilot, screen)

        await _step_to(pilot, screen, 4)
        assert screen.question_open
        assert "Vraag 2 van 2" in str(quiz.border_title)
        await _answer(pilot, screen, "show", ())
        result = quiz.result_text
        assert "✘ Jouw oordeel is niet goed." in result
        assert "De guard besliste anders." in result
        assert "Gemist: Overlijden" in result
        await _continue(pilot, screen)
        await until(pilot, lambda: quiz.phase == "summary")
        summary = quiz.result_text
        assert "Vragen beantwoord: 2 van 2" in summary
        assert "Goede oordelen: 1 van 2" in summary

    asked = [(m.at, m.action) for m in seen.values() if isinstance(m, QuizQuestionAsked)]
    assert asked == [("u2", "bank.care.bereavement-support"), ("u4", "bank.sales.credit-card")]
    answered = [m.scored for m in seen.values() if isinstance(m, QuizAnswered)]
    assert [s.verdict_ok for s in answered] == [True, False]
    assert answered[0].events_heard == frozenset({EventType.BEREAVEMENT})
    assert answered[1].events_missed == frozenset({EventType.BEREAVEMENT})
    (finished,) = [m for m in seen.values() if isinstance(m, QuizFinished)]
    assert (finished.answered, finished.questions, finished.verdicts_ok) == (2, 2, 1)
    _assert_saved(tmp_path / "training")


async def test_arrow_keys_and_home_go_to_an_open_question_not_the_replay(
    library: Path, tmp_path: Path
) -> None:
    async with _app(library, tmp_path).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-kort-overlijden", key="q")
        await _step_to(pilot, screen, 2)
        assert screen.question_open
        radio = screen.query_one(RadioSet)
        assert radio.has_focus
        # Step back, to the start and step wait for the answer: shown, but disabled.
        disabled = " ".join(
            " ".join(shown_text(pilot.app, key))
            for key in screen.query_one(Footer).query(".-disabled")
        )
        for waits in ("Stap terug", "Naar begin", "Stap"):
            assert waits in disabled

        def highlighted() -> list[str | None]:
            return [button.id for button in radio.query(".-selected")]

        await pilot.press("right", "right")
        await pilot.pause()
        assert highlighted() == ["verdict-hold"]  # the arrows move through the verdicts
        await pilot.press("left", "home")
        await pilot.pause(0.3)
        assert highlighted() == ["verdict-guide"]
        assert screen.position == 2
        assert screen.question_open


def _assert_saved(folder: Path) -> None:
    (session,) = TrainingStore(folder).all()
    assert session.finished
    assert session.trainee == "trainee-anna"
    assert [r.verdict_ok for r in session.results] == [True, False]


async def test_interrupted_quiz_is_resumed_where_it_stopped(library: Path, tmp_path: Path) -> None:
    store = await _interrupt_a_quiz(library, tmp_path)
    # The app is gone mid-quiz (closed, crashed): the answer was saved at once.
    (interrupted,) = store.unfinished("trainee-anna")
    assert interrupted.position == "u2"
    assert [r.verdict for r in interrupted.results] == [Verdict.HOLD]

    asked, hook = _collector((QuizQuestionAsked, ConversationOpened))
    async with _app(library, tmp_path).run_test(size=SIZE, message_hook=hook) as pilot:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        library_screen = pilot.app.screen
        resume = library_screen.query_one("#resume-list", OptionList)
        assert resume.option_count == 1
        assert "1 van 2 beantwoord" in str(resume.get_option_at_index(0).prompt)
        resume.focus()
        resume.highlighted = 0
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, TrainerScreen))
        screen = pilot.app.screen
        assert isinstance(screen, TrainerScreen)
        # Back where it stopped: u2 replayed, its question not asked again, its card revealed.
        await until(pilot, lambda: screen.position == 2)
        await pilot.pause(0.2)
        assert not screen.question_open
        assert len(list(screen.query(SuggestionCard))) == 1
        await _step_to(pilot, screen, 4)
        assert screen.question_open
        await _answer(pilot, screen, "block", ())
        await _continue(pilot, screen)
        quiz = screen.query_one(QuizPanel)
        await until(pilot, lambda: quiz.phase == "summary")
        assert "Vragen beantwoord: 2 van 2" in quiz.result_text
    opened = [m for m in asked.values() if isinstance(m, ConversationOpened)]
    assert [(m.conversation_id, m.quiz, m.resumed) for m in opened] == [
        ("nl-kort-overlijden", True, interrupted.id)
    ]
    assert [(m.at, m.action) for m in asked.values() if isinstance(m, QuizQuestionAsked)] == [
        ("u4", "bank.sales.credit-card")
    ]
    (done,) = store.all()
    assert done.id == interrupted.id
    assert done.finished
    assert [r.verdict for r in done.results] == [Verdict.HOLD, Verdict.BLOCK]
    assert store.unfinished() == []


# -- snapshots (one per state) ---------------------------------------------------------------
def _snapshot(snap_compare: Any, library: Path, tmp_path: Path, run_before: Any) -> bool:
    app = _app(library, tmp_path)
    return bool(snap_compare(app, terminal_size=SIZE, run_before=run_before))


def test_snapshot_library(snap_compare: Any, library: Path, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))

    assert _snapshot(snap_compare, library, tmp_path, run_before)


def test_snapshot_replay_paused_with_panel(
    snap_compare: Any, library: Path, tmp_path: Path
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-demo-bereavement")
        await screen.seek(8)
        await until(pilot, lambda: screen.position == 8)
        await pilot.pause(0.3)

    assert _snapshot(snap_compare, library, tmp_path, run_before)


def test_snapshot_quiz_question(snap_compare: Any, library: Path, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-kort-overlijden", key="q")
        await _step_to(pilot, screen, 2)
        await pilot.pause(0.3)

    assert _snapshot(snap_compare, library, tmp_path, run_before)


def test_snapshot_quiz_revealed(snap_compare: Any, library: Path, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
        screen = await _open(pilot, "nl-kort-overlijden", key="q")
        await _step_to(pilot, screen, 2)
        await _answer(pilot, screen, "show", ("bereavement", "illness"))
        await pilot.pause(0.3)

    assert _snapshot(snap_compare, library, tmp_path, run_before)
