"""The supervisor screen driven through the real app on a real database: live validation of the
rule editor, saving (and being told about a concurrent save), the dry-run diff, publish refused
for an agent, closing a review case with a note, the humane KPIs, and what each role may see."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, OptionList, Static, TabbedContent, TextArea

from agent_desk.db.decisions import DecisionLog
from agent_desk.db.engine import make_engine
from agent_desk.db.models import (
    DecisionRecord,
    OverrideRecord,
    RuleChangeRecord,
    RuleVersionRecord,
)
from agent_desk.db.oversight import OversightLog
from agent_desk.db.rulesets import RuleRepository
from agent_desk.i18n import Lang, t
from agent_desk.paths import default_rules, demo_conversation
from agent_desk.screens.dialogs import ReasonDialog
from agent_desk.screens.supervisor import SupervisorApp, SupervisorScreen
from agent_desk.settings import load_settings
from tests.support.records import CARD, HELD, add_users

DEFAULT_YAML = default_rules().read_text(encoding="utf-8")
FIXED = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def _people(engine: Engine) -> None:
    add_users(engine, sam="supervisor", sofie="supervisor", olga="ombudsman")


def _draft(engine: Engine, text: str = DEFAULT_YAML, author: str = "sam") -> int:
    return RuleRepository(engine).import_yaml(text, author).id


def _app(engine: Engine, user: str, lang: Lang = "nl", **kw: Any) -> SupervisorApp:
    return SupervisorApp(settings=load_settings(user=user, language=lang), engine=engine, **kw)


async def _settle(pilot: Pilot[None]) -> None:
    """Workers start workers (a save reloads the list, which reopens the version): wait twice.
    Then let every table size its columns to the rows it was given (DataTable does that when it
    is next idle; a snapshot taken before shows header-wide columns)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(100):
        # Under load the chain (list -> open version -> rules) can outlast three rounds: the
        # rules table is filled last, so wait for its rows as well as for the sizing.
        tables = pilot.app.screen.query(DataTable)
        rules = pilot.app.screen.query("#rules")
        waiting = any(t.row_count == 0 for t in rules if isinstance(t, DataTable))
        busy = any(w.is_running for w in pilot.app.workers)
        if not busy and not waiting and not any(t._require_update_dimensions for t in tables):
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def _validated(pilot: Pilot[None]) -> None:
    """Let the debounce timer fire and the validation worker report."""
    await pilot.pause(0.6)
    await _settle(pilot)


def _screen(pilot: Pilot[None]) -> SupervisorScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SupervisorScreen)
    return screen


def _text(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).content)


def _rows(pilot: Pilot[None], selector: str) -> list[list[str]]:
    table: DataTable[Any] = pilot.app.screen.query_one(selector, DataTable)
    return [
        [str(c.plain if isinstance(c, Text) else c) for c in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


async def _tab(pilot: Pilot[None], pane: str) -> None:
    """Click the tab, as the supervisor does."""
    await pilot.click(f"#--content-tab-{pane}")
    await pilot.pause()
    assert pilot.app.screen.query_one(TabbedContent).active == pane


def _listed(problems: OptionList) -> list[str]:
    return [str(problems.get_option_at_index(i).prompt) for i in range(problems.option_count)]


def _rendered(widget: Widget) -> str:
    """What the widget shows on screen, line by line (labels cut off show cut off here)."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def _edit(pilot: Pilot[None], old: str, new: str) -> str:
    editor = pilot.app.screen.query_one("#editor", TextArea)
    assert old in editor.text
    text = editor.text.replace(old, new, 1)
    # Like typing: an edit through the document, which posts TextArea.Changed.
    editor.replace(text, (0, 0), editor.document.end)
    return text


# -- the rule editor ---------------------------------------------------------------------------


async def test_an_empty_rule_store_starts_from_the_rules_desks_run_on(engine: Engine) -> None:
    from agent_desk.db.rulesets import RuleRepository

    _people(engine)
    async with _app(engine, "sam").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        screen = _screen(pilot)
        editor = screen.query_one("#editor", TextArea)
        assert editor.text == DEFAULT_YAML
        assert "Meegeleverde standaardregels" in str(editor.border_title)
        assert len(_rows(pilot, "#rules")) == DEFAULT_YAML.count("\n  - id: ")
        await pilot.press("ctrl+s")
        await _settle(pilot)
    (draft,) = RuleRepository(engine).drafts()
    assert (draft.author, draft.revision, draft.yaml_text) == ("sam", 1, DEFAULT_YAML)


async def test_a_syntax_error_is_listed_with_its_line_while_typing(engine: Engine) -> None:
    _people(engine)
    _draft(engine)
    async with _app(engine, "sam").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        screen = _screen(pilot)
        assert screen.selected is not None
        assert _rows(pilot, "#rules")[0][:3] == [
            "vulnerability.no-commercial",
            "place_time",
            "hold",
        ]
        problems = screen.query_one("#problems", OptionList)
        assert not problems.display

        # A stray quote on line 6 (the version) breaks the YAML. A line is a "rij": in a rule
        # editor "regel" would also read as "rule".
        _edit(pilot, 'version: "1.0.0"', 'version: "1.0.0')
        await _validated(pilot)
        assert problems.display
        listed = _listed(problems)
        assert any(p.startswith("rij ") and "ongeldige YAML: " in p for p in listed), listed
        assert not any("regel " in p or "invalid YAML" in p for p in listed), listed
        assert "Enter springt naar die rij" in str(problems.border_title)
        assert screen.dirty

        # A well-formed file with a wrong field: named with its rule and line.
        editor = screen.query_one("#editor", TextArea)
        _edit(pilot, 'version: "1.0.0', 'version: "1.0.1"')
        _edit(pilot, "    verdict: hold\n", "    verdict: halt\n")
        await _validated(pilot)
        listed = _listed(problems)
        line = next(i for i, x in enumerate(editor.text.splitlines(), 1) if "verdict: halt" in x)
        assert any(f"rij {line}" in p and "verdict" in p for p in listed), listed

        # Enter on the problem puts the cursor on that line.
        problems.focus()
        problems.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert editor.cursor_location[0] == line - 1

        # Fixed: the problem list goes away and the rules are counted.
        _edit(pilot, "verdict: halt", "verdict: hold")
        await _validated(pilot)
        assert not problems.display
        assert "Geldig" in _text(pilot, "#rules-msg")


async def test_an_unclosed_bracket_points_to_its_line_and_undo_clears_the_error(
    engine: Engine,
) -> None:
    _people(engine)
    _draft(engine)
    async with _app(engine, "sam").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        screen = _screen(pilot)
        editor = screen.query_one("#editor", TextArea)
        problems = screen.query_one("#problems", OptionList)
        editor.focus()
        editor.move_cursor((0, 0))
        await pilot.press("z", "z", ":", "space", "[")  # typed at the start of line 1
        await _validated(pilot)
        # The bracket opened on line 1; the parser only gave up on line 6. Both are said, and
        # the line to look at (where Enter jumps to) is the first.
        assert _listed(problems) == [
            "rij 1: ongeldige YAML: did not find expected ',' or ']' "
            "(begint hier; de parser liep vast op rij 6)"
        ]
        assert screen.problems[0].line == 1

        await pilot.press("ctrl+z")
        await _validated(pilot)
        assert editor.text == DEFAULT_YAML
        assert not problems.display, _listed(problems)
        assert not screen.dirty

        await pilot.press("ctrl+y")  # redo: the broken text, and its error, are back
        await _validated(pilot)
        assert editor.text.startswith("zz: [")
        assert problems.display
        assert _listed(problems)[0].startswith("rij 1: ongeldige YAML")


async def test_an_unclosed_bracket_in_english(engine: Engine) -> None:
    _people(engine)
    _draft(engine)
    async with _app(engine, "sam", lang="en").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        _edit(pilot, "id: default\n", "id: [default\n")
        await _validated(pilot)
        problems = _screen(pilot).query_one("#problems", OptionList)
        (listed,) = _listed(problems)
        line = DEFAULT_YAML.splitlines().index("id: default") + 1
        assert listed.startswith(f"line {line}: invalid YAML: "), listed
        assert "the parser gave up on line" in listed


async def test_rule_problems_are_said_in_dutch(engine: Engine) -> None:
    """Not only broken YAML: a misspelt field, an unknown condition and a wrong verdict are
    said in plain Dutch, with the rule and the line, and nothing is left in English."""
    _people(engine)
    _draft(engine)
    async with _app(engine, "sam").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        _edit(pilot, "    protective: true\n", "    protectve: true\n")
        _edit(pilot, "event.current: vulnerable", "event.curent: vulnerable")
        text = _edit(pilot, "    verdict: hold\n", "    verdict: halt\n")
        await _validated(pilot)
        lines = text.splitlines()

        def line(part: str) -> int:
            return next(i for i, x in enumerate(lines, 1) if part in x)

        rule = "rules[vulnerability.no-commercial]"
        listed = _listed(_screen(pilot).query_one("#problems", OptionList))
        assert sorted(listed) == sorted(
            [
                f"rij {line('protectve:')} [{rule}.protectve]: "
                "onbekend veld (controleer de spelling)",
                f"rij {line('verdict: halt')} [{rule}.verdict]: "
                "moet een van deze waarden zijn: 'show', 'guide', 'hold', 'block'",
                f"rij {line('event.curent')} [{rule}.when.event.curent]: "
                "onbekende voorwaarde 'event.curent' (bedoelt u 'event.current'?)",
            ]
        ), listed


@pytest.mark.parametrize("columns", [140, 160])
async def test_editor_labels_are_not_cut_off(engine: Engine, columns: int) -> None:
    _people(engine)
    async with _app(engine, "sam").run_test(size=(columns, 42)) as pilot:
        await _settle(pilot)  # an empty store: the shipped rules, saved as a new draft
        screen = _screen(pilot)
        save = screen.query_one("#save", Button)
        assert str(save.label) == "Opslaan als nieuw concept"
        assert "Opslaan als nieuw concept" in _rendered(save)
        path = screen.query_one("#path", Input)
        assert "Bestandspad voor importeren of exporteren" in _rendered(path)
        for button_id, label in (("import", "Importeren"), ("export", "Exporteren")):
            assert label in _rendered(screen.query_one(f"#{button_id}", Button))


async def test_save_draft_stores_a_new_revision(engine: Engine) -> None:
    _people(engine)
    version_id = _draft(engine)
    async with _app(engine, "sam").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        text = _edit(pilot, 'version: "1.0.0"', 'version: "1.1.0"')
        await pilot.press("ctrl+s")
        await _settle(pilot)
        stored = RuleRepository(engine).get(version_id)
        assert (stored.version, stored.revision, stored.yaml_text) == ("1.1.0", 2, text)
        assert "Opgeslagen: versie 1.1.0, revisie 2" in _text(pilot, "#rules-msg")
        screen = _screen(pilot)
        assert not screen.dirty
        assert screen.opened_revision == 2
        assert _rows(pilot, "#versions")[0][:4] == [str(version_id), "1.1.0", "concept", "2"]
        # The history says who saved what.
        await _tab(pilot, "tab-history")
        history = _rows(pilot, "#history")
        assert history[0][1:3] == ["sam", "opgeslagen"]
        assert history[-1][1:3] == ["sam", "aangemaakt"]


async def test_a_concurrent_save_is_told_and_nothing_is_overwritten(engine: Engine) -> None:
    _people(engine)
    version_id = _draft(engine)
    async with _app(engine, "sam", lang="en").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        # Sofie saves the same draft from her desk while Sam is editing.
        theirs = DEFAULT_YAML.replace('version: "1.0.0"', 'version: "1.0.1"')
        RuleRepository(engine).save_draft(version_id, theirs, "sofie", expected_revision=1)

        mine = _edit(pilot, 'version: "1.0.0"', 'version: "2.0.0"')
        await pilot.press("ctrl+s")
        await _settle(pilot)
        message = _text(pilot, "#rules-msg")
        assert "Not saved: someone else saved this draft after you opened it" in message
        assert "sofie" in message
        assert "-error" in _screen(pilot).query_one("#rules-msg").classes
        stored = RuleRepository(engine).get(version_id)
        assert (stored.yaml_text, stored.revision) == (theirs, 2)
        # Sam's work is still in the editor.
        assert _screen(pilot).query_one("#editor", TextArea).text == mine


async def test_saving_an_invalid_draft_is_refused_with_its_problems(engine: Engine) -> None:
    _people(engine)
    version_id = _draft(engine)
    async with _app(engine, "sam", lang="en").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        _edit(pilot, "dimension: place_time", "dimension: place_and_time")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        message = _text(pilot, "#rules-msg")
        assert message.startswith("Not saved: the rule set has 1 problem(s).")
        assert "dimension" in message
        assert RuleRepository(engine).get(version_id).revision == 1


async def test_import_creates_a_draft_and_export_never_overwrites(
    engine: Engine, tmp_path: Path
) -> None:
    _people(engine)
    source = tmp_path / "mine.yaml"
    source.write_text(DEFAULT_YAML.replace('"1.0.0"', '"3.0.0"'), encoding="utf-8")
    async with _app(engine, "sam", lang="en").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        screen = _screen(pilot)
        screen.query_one("#path", Input).value = str(source)
        await pilot.click("#import")
        await _settle(pilot)
        (version,) = RuleRepository(engine).versions()
        assert (version.version, version.author, version.status) == ("3.0.0", "sam", "draft")
        assert screen.selected is not None
        assert screen.selected.id == version.id

        await pilot.click("#export")  # the same path: exists, so refused
        await _settle(pilot)
        assert "already exists; nothing was overwritten" in _text(pilot, "#rules-msg")
        target = tmp_path / "out.yaml"
        screen.query_one("#path", Input).value = str(target)
        await pilot.click("#export")
        await _settle(pilot)
        assert 'version: "3.0.0"' in target.read_text(encoding="utf-8")


# -- dry-run and publish -----------------------------------------------------------------------


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "conversations"
    folder.mkdir()
    shutil.copy(demo_conversation(), folder)
    (folder / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    return folder


LOOSER = DEFAULT_YAML.replace(
    """    when:
      suggestion.commercial: true
      event.current: vulnerable
    verdict: hold""",
    """    when:
      suggestion.commercial: true
      event.current: vulnerable
    verdict: guide""",
    1,
).replace('version: "1.0.0"', 'version: "1.1.0"')


async def test_dry_run_lists_the_changed_verdicts_and_puts_it_on_record(
    engine: Engine, demo_folder: Path
) -> None:
    assert LOOSER != DEFAULT_YAML
    _people(engine)
    version_id = _draft(engine, LOOSER)
    async with _app(engine, "sam", conversations=demo_folder).run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        await _tab(pilot, "tab-dryrun")
        await pilot.click("#dryrun-run")
        await _settle(pilot)
        rows = _rows(pilot, "#dryrun-changes")
        credit = [r for r in rows if r[2] == "bank.sales.credit-card"]
        assert credit, rows
        assert credit[0][0] == "nl-demo-bereavement"
        assert credit[0][3] == "Overlijden" or "Overl" in credit[0][3]
        assert credit[0][4] == "hold → guide"
        assert credit[0][5] == "▼ soepeler"
        summary = _text(pilot, "#dryrun-summary")
        assert "1.1.0" in summary
        message = _text(pilot, "#dryrun-msg")
        assert "vastgelegd" in message
        assert "broken.yaml" in message
        assert "broken.yaml:1: ongeldige YAML: " in message  # the line the [ opened on
        assert "invalid YAML" not in message
        stored = RuleRepository(engine).get(version_id)
        assert stored.dry_run_summary

        # The publish tab now shows the dry run on record and the loosened rule.
        await _tab(pilot, "tab-publish")
        assert "Vastgelegde proefdraai" in _text(pilot, "#publish-info")
        assert "vulnerability.no-commercial" in _text(pilot, "#publish-loosening")
        # Loosening: refused without a second supervisor's approval.
        await pilot.click("#publish")
        await _settle(pilot)
        refusal = _text(pilot, "#publish-msg")
        assert "Niet gepubliceerd, omdat:" in refusal
        # The shipped rule tests expect a hold for the credit card; the draft guides. In Dutch.
        assert "faalt: verwacht hold, maar het oordeel is guide" in refusal, refusal
        assert "expected" not in refusal
        assert RuleRepository(engine).published() is None


async def test_publish_is_refused_for_an_agent_in_plain_words(engine: Engine) -> None:
    _people(engine)
    _draft(engine)
    async with _app(engine, "alex").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        screen = _screen(pilot)
        assert screen.query_one("#editor", TextArea).read_only
        assert screen.query_one("#save").disabled
        assert "regels alleen lezen" in _text(pilot, "#sv-who")
        await _tab(pilot, "tab-publish")
        await pilot.click("#publish")
        await _settle(pilot)
        assert _text(pilot, "#publish-msg") == (
            "Geweigerd: alex werkt als medewerker, en voor een regelversie publiceren is de rol "
            "supervisor nodig."
        )
        assert RuleRepository(engine).published() is None
        # Review and KPIs are not for agents.
        tabs = screen.query_one(TabbedContent)
        assert tabs.get_tab("tab-review").display is False
        assert tabs.get_tab("tab-kpis").display is False


async def test_second_supervisor_approves_and_publishes(engine: Engine) -> None:
    _people(engine)
    version_id = _draft(engine)
    async with _app(engine, "sofie", lang="en").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        await _tab(pilot, "tab-publish")
        await pilot.click("#approve")
        await _settle(pilot)
        assert "Approved: version 1.0.0." in _text(pilot, "#publish-msg")
        assert "Approved by sofie." in _text(pilot, "#publish-info")
        await pilot.click("#publish")
        await _settle(pilot)
        assert "Published: version 1.0.0" in _text(pilot, "#publish-msg")
        published = RuleRepository(engine).published()
        assert published is not None
        assert published.id == version_id
        assert _rows(pilot, "#versions")[0][2] == "published"
        assert _screen(pilot).query_one("#save").label.plain == "Save as new draft"


async def test_an_approved_draft_shows_as_approved_and_a_published_one_as_no_draft(
    engine: Engine,
) -> None:
    _people(engine)
    version_id = _draft(engine)
    RuleRepository(engine).approve(version_id, "sofie")
    async with _app(engine, "sofie").run_test(size=(160, 42)) as pilot:
        await _settle(pilot)
        assert _rows(pilot, "#versions")[0][2] == "goedgekeurd"
        editor = _screen(pilot).query_one("#editor", TextArea)
        assert "goedgekeurd" in str(editor.border_title)
        await _tab(pilot, "tab-publish")
        assert "· goedgekeurd ·" in _text(pilot, "#publish-info")
        assert "Goedgekeurd door sofie." in _text(pilot, "#publish-info")

        await pilot.click("#publish")
        await _settle(pilot)
        assert "Gepubliceerd: versie 1.0.0" in _text(pilot, "#publish-msg")
        assert _rows(pilot, "#versions")[0][2] == "gepubliceerd"
        assert "· gepubliceerd ·" in _text(pilot, "#publish-info")
        after = _text(pilot, "#publish-loosening")
        assert "Dit concept" not in after
        assert after.startswith("Deze versie is gepubliceerd (door sofie,")
        screen = _screen(pilot)
        assert screen.query_one("#approve", Button).disabled
        assert screen.query_one("#publish", Button).disabled
        # Saving it now makes a new draft: the button says so, in full (it grew with its label).
        await _tab(pilot, "tab-rules")
        assert "Opslaan als nieuw concept" in _rendered(screen.query_one("#save", Button))


async def test_history_notes_are_said_in_the_ui_language(engine: Engine) -> None:
    _people(engine)
    repo = RuleRepository(engine)
    version_id = _draft(engine)
    repo.record_dry_run(version_id, "samenvatting", 23, 23, "sam")
    repo.approve(version_id, "sofie")
    repo.publish(version_id, "sofie")
    repo.import_yaml(LOOSER, "sam", source="looser.yaml")
    async with _app(engine, "sam").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        await _tab(pilot, "tab-history")
        notes = [(r[2], r[4]) for r in _rows(pilot, "#history")]
    assert notes == [
        ("aangemaakt", "uit looser.yaml; 24 regels; ~vulnerability.no-commercial"),
        ("gepubliceerd", "vervangt de meegeleverde standaardregels"),
        ("goedgekeurd", ""),
        ("proefgedraaid", "23 oordelen veranderen, 23 daarvan soepeler"),
        ("aangemaakt", "uit een import; 24 regels; geen regel anders"),
    ]
    async with _app(engine, "sam", lang="en").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        await _tab(pilot, "tab-history")
        notes = [(r[2], r[4]) for r in _rows(pilot, "#history")]
    assert notes[1] == ("published", "replaces the shipped default")
    assert notes[3] == ("dry_run", "23 verdicts change, 23 loosened")


# -- review queue and KPIs ---------------------------------------------------------------------


def _cases(engine: Engine) -> tuple[int, int]:
    log = OversightLog(engine, desk_id="desk-7")
    override = log.record_override("call-1", CARD, HELD, "Klant vroeg er zelf om", ["bereavement"])
    brake = log.record_brake("call-2", "Klant in paniek, bel 06-12345678", "default@1.0.0")
    return override.id, brake.id


async def test_review_case_is_closed_with_a_redacted_note(engine: Engine) -> None:
    _people(engine)
    override_id, brake_id = _cases(engine)
    async with _app(engine, "olga").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        screen = _screen(pilot)
        tabs = screen.query_one(TabbedContent)
        assert tabs.active == "tab-review"
        for pane in ("tab-rules", "tab-dryrun", "tab-publish", "tab-history"):
            assert tabs.get_tab(pane).display is False  # the ombudsman changes no rules
        rows = _rows(pilot, "#review")
        assert [r[:2] for r in rows] == [
            ["afwijking", str(override_id)],
            ["noodrem", str(brake_id)],
        ]
        assert rows[1][4] == "Klant in paniek, bel [TEL]"

        table = screen.query_one("#review", DataTable)
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReasonDialog)
        pilot.app.screen.query_one(Input).value = "Gebeld, klant geholpen; mail a@b.nl"
        await pilot.press("enter")
        await _settle(pilot)
        (brake,) = OversightLog(engine, "x").brakes(status="closed")
        assert brake.id == brake_id
        assert brake.closed_by == "olga"
        assert brake.closing_note == "Gebeld, klant geholpen; mail [E-MAIL]"
        assert "Afgesloten: noodrem" in _text(pilot, "#review-msg")
        assert [r[:2] for r in _rows(pilot, "#review")] == [["afwijking", str(override_id)]]


async def test_the_review_queue_says_what_the_classifier_set_aside(engine: Engine) -> None:
    _people(engine)
    DecisionLog(engine, "desk-7").record(
        "call-1", [(CARD, HELD)], event_types=["bereavement"], set_aside_types=["separation"]
    )
    _cases(engine)
    for lang, said in (
        ("nl", "Overlijden · terzijde gelegd: Scheiding"),
        ("en", "Bereavement · set aside: Separation"),
    ):
        async with _app(engine, "olga", lang=lang).run_test(size=(160, 42)) as pilot:
            await _settle(pilot)
            override, brake = _rows(pilot, "#review")
            assert override[5] == said
            assert brake[5] == "–"  # nothing heard, nothing set aside: nothing said


async def test_kpis_show_the_numbers_and_overrides_per_rule(engine: Engine) -> None:
    _people(engine)
    _cases(engine)
    with Session(engine) as session:
        session.add(
            DecisionRecord(
                decision_id="d-1", call_ref="call-1", desk_id="desk-7",
                rule_set_version="default@1.0.0", suggestion_id="s2",
                action_id="bank.sales.credit-card", kind="sales", verdict="block",
                rules=["vulnerability.no-credit"], event_types=["job_loss"],
            )
        )  # fmt: skip
        session.commit()
    async with _app(engine, "sam", lang="en").run_test(size=(140, 42)) as pilot:
        await _settle(pilot)
        await _tab(pilot, "tab-kpis")
        numbers = {r[0]: r[1] for r in _rows(pilot, "#kpi-numbers")}
        assert numbers[t("sv.kpi.brake_pulls", "en")] == "1"
        assert numbers[t("sv.kpi.harmful_prevented", "en")] == "1"
        # The override revealed a sales offer during a bereavement: the target is 0.
        assert numbers[t("sv.kpi.offers_shown_during_event", "en")] == "1"
        assert _rows(pilot, "#kpi-rules") == [["vulnerability.no-commercial", "1"]]
        # Per rule, never per agent or desk.
        assert not any("desk-7" in c for r in _rows(pilot, "#kpi-rules") for c in r)


# -- snapshots, one per tab state (SQLite, fixed clocks) -----------------------------------------


def _snapshot_db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'snap.db'}")
    _people(engine)
    repo = RuleRepository(engine)
    first = repo.import_yaml(DEFAULT_YAML, "sam").id
    repo.approve(first, "sofie")
    repo.publish(first, "sofie")
    repo.import_yaml(LOOSER, "sam")
    _cases(engine)
    with Session(engine) as session:
        for table, column in (
            (RuleVersionRecord, RuleVersionRecord.created_at),
            (RuleChangeRecord, RuleChangeRecord.at),
            (OverrideRecord, OverrideRecord.created_at),
        ):
            session.execute(update(table).values({column: FIXED}))
        session.execute(
            update(RuleVersionRecord)
            .where(col(RuleVersionRecord.published_at).is_not(None))
            .values(published_at=FIXED + timedelta(hours=1))
        )
        from agent_desk.db.models import BrakeRecord

        session.execute(update(BrakeRecord).values(created_at=FIXED + timedelta(hours=2)))
        session.commit()
    return engine


def _snap(
    snap_compare: Any, tmp_path: Path, pane: str, *, user: str = "sam", keys: tuple[str, ...] = (),
    folder: Path | None = None,
) -> bool:  # fmt: skip
    engine = _snapshot_db(tmp_path)

    async def run_before(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await _tab(pilot, pane)
        for key in keys:
            if key == "#dryrun-run":
                await pilot.click(key)
            else:
                await pilot.press(key)
        await _settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        pilot.app.screen.query_one(TextArea).cursor_blink = False
        await pilot.pause()

    app = _app(engine, user, conversations=folder)
    return bool(snap_compare(app, terminal_size=(140, 42), run_before=run_before))


def test_snapshot_rules(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "tab-rules")


def test_snapshot_dry_run(
    snap_compare: Any, tmp_path: Path, demo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(demo_folder.parent)  # a relative folder: the same on every machine
    folder = Path(demo_folder.name)
    assert _snap(snap_compare, tmp_path, "tab-dryrun", keys=("#dryrun-run",), folder=folder)


def test_snapshot_publish(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "tab-publish")


def test_snapshot_history(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "tab-history")


def test_snapshot_review_as_ombudsman(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "tab-review", user="olga")


def test_snapshot_kpis(snap_compare: Any, tmp_path: Path) -> None:
    assert _snap(snap_compare, tmp_path, "tab-kpis")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_supervisor_key_has_a_footer_label(lang: Lang) -> None:
    for _key, _action, label in SupervisorScreen.KEYS:
        assert t(label, lang) != label
