"""The supervisor's screen: guard rule versions with a live-validated YAML editor, the dry-run
diff, approve/publish, the change history, the review queue of overrides and brakes, and the
humane KPIs.

Everything that touches the database (or replays conversations for a dry-run) runs in thread
workers; they talk back only through the past-tense messages below, and the screen routes them to
its widgets. What the user may do follows their role (:mod:`agent_desk.auth`): a supervisor edits,
approves and publishes; an agent or trainer sees the rules read-only; an ombudsman sees only the
review queue and the KPIs. The back end enforces the same rules; a refusal is shown in plain words.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from sqlalchemy.engine import Engine
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    OptionList,
    ProgressBar,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from agent_desk.auth import Permission, PermissionDenied, Role, can, role_of
from agent_desk.i18n import Lang, t
from agent_desk.notes import MIN_CLOSE_NOTE_CHARS
from agent_desk.paths import conversations_dir, default_rules
from agent_desk.problems import problem_message
from agent_desk.screens.dialogs import ReasonDialog
from agent_desk.settings import Settings, load_settings
from guards.rules import Rule, RuleSet, RuleSetError, load_rule_set, load_rule_set_text
from guards.yamlsrc import Problem

if TYPE_CHECKING:
    from agent_desk.db.kpis import Kpis
    from agent_desk.db.models import RuleChange
    from agent_desk.db.oversight import CaseKind, ReviewItem
    from agent_desk.db.rulesets import RuleRepository, RuleVersionPublic
    from agent_desk.dryrun import DryRunReport

#: Pause after the last keystroke before the draft is validated again.
VALIDATE_DEBOUNCE_S = 0.4
#: A rule file is a few hundred lines; the guard's own limit is 1 MB.
MAX_RULE_TEXT = 1_000_000
#: How the editor's text is named while it is validated.
EDITOR_SOURCE = "<editor>"
#: Tabs an ombudsman never sees: they review, they do not change what the guard does.
RULE_TABS = ("tab-rules", "tab-dryrun", "tab-publish", "tab-history")
OVERSIGHT_TABS = ("tab-review", "tab-kpis")


# -- facts the workers report ------------------------------------------------------------------


@dataclass
class SupervisorLoaded(Message):
    """The user's role and the rule versions were read."""

    role: Role
    versions: list[RuleVersionPublic]


@dataclass
class VersionOpened(Message):
    """A rule version was read and compiled for the editor and the rule table."""

    version: RuleVersionPublic
    rules: tuple[Rule, ...]
    problems: list[Problem]
    loosening: list[str]


@dataclass
class DraftValidated(Message):
    """The editor's text was validated; ``text`` is what was checked (stale results are dropped)."""

    text: str
    problems: list[Problem]
    rule_count: int


@dataclass
class DraftSaved(Message):
    """A draft was saved or created (by the editor or an import)."""

    version: RuleVersionPublic


@dataclass
class Noticed(Message):
    """Something to tell the user in one area of the screen: a success, or a refusal."""

    area: str
    lines: list[str]
    error: bool = False


@dataclass
class DryRunProgressed(Message):
    done: int
    total: int


@dataclass
class DryRunFinished(Message):
    report: DryRunReport
    recorded: bool


@dataclass
class HistoryLoaded(Message):
    changes: list[RuleChange]


@dataclass
class ReviewLoaded(Message):
    items: list[ReviewItem]


@dataclass
class KpisLoaded(Message):
    kpis: Kpis


@dataclass
class CaseClosed(Message):
    kind: str
    case_id: int


# -- validation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    rule_set: RuleSet | None
    problems: list[Problem] = field(default_factory=list)


def validate_rule_text(text: str) -> Validation:
    """Validate YAML rule-set text exactly as the rule store will; problems keep their line."""
    try:
        return Validation(load_rule_set_text(text, EDITOR_SOURCE))
    except RuleSetError as exc:
        # Problems in the edited text need no file name: they are in front of the user.
        return Validation(
            None, [replace(p, file="") if p.file == EDITOR_SOURCE else p for p in exc.problems]
        )


def status_label(version: RuleVersionPublic, lang: Lang) -> str:
    """Where a version stands, in words: a draft a second supervisor approved shows as approved
    (ready to publish), not as a plain draft."""
    if version.is_approved:
        return t("sv.status.approved", lang)
    return t(f"sv.status.{version.status}", lang)


def describe_problem(problem: Problem, lang: Lang) -> str:
    where = t("sv.problem.line", lang, line=problem.line) if problem.line else ""
    if problem.file:
        where = f"{problem.file} {where}".strip()
    field_ = f" [{problem.field}]" if problem.field else ""
    message = problem_message(problem, lang)
    return f"{where}{field_}: {message}" if where or field_ else message


# -- the screen ----------------------------------------------------------------------------------


class SupervisorScreen(Screen[None]):
    CSS_PATH = "supervisor.tcss"
    #: (key, action, catalogue key of the footer label); labels follow the UI language.
    KEYS = (
        ("ctrl+s", "save", "sv.binding.save"),
        ("f5", "refresh", "sv.binding.refresh"),
    )

    def __init__(
        self,
        lang: Lang,
        user: str,
        *,
        engine: Engine | None = None,
        database_url: str | None = None,
        org: str = "default",
        conversations: Path | None = None,
    ) -> None:
        super().__init__()
        self.lang: Lang = lang
        self.user = user
        self.org = org
        self.conversations = conversations or conversations_dir()
        self._engine = engine
        self._database_url = database_url
        self._engine_lock = threading.Lock()
        #: Least privilege until the database says otherwise.
        self.role: Role = Role.AGENT
        self.versions: list[RuleVersionPublic] = []
        self.selected: RuleVersionPublic | None = None
        #: Revision of the selected draft when it was opened: a save must match it.
        self.opened_revision: int | None = None
        self.dirty = False
        #: What the rules table shows (id, dimension, verdict, enforcement, protective).
        self._rules_rows: list[tuple[str, str, str, str, bool]] | None = None
        #: The text of the version as opened; the editor is dirty when it differs.
        self._loaded_text = ""
        #: That text's problems, shown again when an undo brings the editor back to it.
        self._loaded_problems: list[Problem] = []
        self._pending_open: int | None = None
        self._validate_timer: Timer | None = None
        self.problems: list[Problem] = []
        self.review_items: list[ReviewItem] = []
        self.dry_report: DryRunReport | None = None
        for key, action, label in self.KEYS:
            self._bindings.bind(key, action, t(label, lang))

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(Text(t("sv.loading", lang)), id="sv-who")
        with TabbedContent(id="sv-tabs"):
            with TabPane(t("sv.tab.rules", lang), id="tab-rules"):
                yield from self._compose_rules()
            with TabPane(t("sv.tab.dryrun", lang), id="tab-dryrun"):
                with Horizontal(classes="sv-buttons"):
                    yield Input(str(self.conversations), id="dryrun-folder")
                    yield Button(t("sv.dryrun.run", lang), id="dryrun-run", variant="primary")
                yield ProgressBar(id="dryrun-progress", show_eta=False)
                yield Static(Text(t("sv.dryrun.intro", lang)), id="dryrun-summary")
                yield Static("", id="dryrun-msg", classes="sv-msg")
                yield DataTable(id="dryrun-changes", cursor_type="row")
            with TabPane(t("sv.tab.publish", lang), id="tab-publish"):
                yield Static("", id="publish-info")
                yield Static("", id="publish-loosening")
                with Horizontal(classes="sv-buttons"):
                    yield Button(t("sv.publish.approve", lang), id="approve")
                    yield Button(t("sv.publish.publish", lang), id="publish", variant="warning")
                yield Static("", id="publish-msg", classes="sv-msg")
            with TabPane(t("sv.tab.history", lang), id="tab-history"):
                yield DataTable(id="history", cursor_type="row")
            with TabPane(t("sv.tab.review", lang), id="tab-review"):
                yield DataTable(id="review", cursor_type="row")
                with Horizontal(classes="sv-buttons"):
                    yield Button(t("sv.review.close", lang), id="review-close", variant="primary")
                yield Static("", id="review-msg", classes="sv-msg")
            with TabPane(t("sv.tab.kpis", lang), id="tab-kpis"):
                yield DataTable(id="kpi-numbers", cursor_type="none", show_header=False)
                with Horizontal(id="kpi-body"):
                    yield DataTable(id="kpi-rules", cursor_type="none")
                    yield PlotextPlot(id="kpi-plot")
                yield Static("", id="kpis-msg", classes="sv-msg")
        yield Footer()

    def _compose_rules(self) -> ComposeResult:
        lang = self.lang
        with Horizontal(id="rules-body"):
            with Vertical(id="rules-left"):
                versions: DataTable[str] = DataTable(id="versions", cursor_type="row")
                versions.border_title = t("sv.versions.title", lang)
                yield versions
                rules: DataTable[str] = DataTable(id="rules", cursor_type="row")
                rules.border_title = t("sv.rules.title", lang)
                yield rules
            with Vertical(id="rules-right"):
                editor = TextArea.code_editor("", id="editor", soft_wrap=False)
                editor.border_title = t("sv.editor.title", lang)
                yield editor
                yield OptionList(id="problems")
                # Buttons on one row, the path on its own: at 140-160 columns one row cannot
                # hold "Opslaan als nieuw concept" and the path's placeholder in full.
                with Horizontal(classes="sv-buttons"):
                    yield Button(t("sv.editor.save", lang), id="save", variant="primary")
                    yield Button(t("sv.editor.import", lang), id="import")
                    yield Button(t("sv.editor.export", lang), id="export")
                yield Input(placeholder=t("sv.editor.path", lang), id="path")
                yield Static("", id="rules-msg", classes="sv-msg")

    def on_mount(self) -> None:
        lang = self.lang
        self.query_one("#versions", DataTable).add_columns(
            *(t(f"sv.versions.{c}", lang) for c in ("id", "version", "status", "rev", "author"))
        )
        self._show_rules([])
        self.query_one("#dryrun-changes", DataTable).add_columns(
            *(
                t(f"sv.dryrun.{c}", lang)
                for c in ("conversation", "utterance", "action", "events", "change", "loosened")
            )
        )
        self.query_one("#history", DataTable).add_columns(
            *(t(f"sv.history.{c}", lang) for c in ("when", "who", "what", "version", "detail"))
        )
        self.query_one("#review", DataTable).add_columns(
            *(
                t(f"sv.review.{c}", lang)
                for c in ("kind", "id", "when", "desk", "reason", "events", "rules")
            )
        )
        self.query_one("#kpi-numbers", DataTable).add_columns("", "")
        self.query_one("#kpi-rules", DataTable).add_columns(
            t("sv.kpi.rule", lang), t("sv.kpi.overrides", lang)
        )
        self.query_one("#problems", OptionList).display = False
        self.query_one("#dryrun-progress", ProgressBar).display = False
        self._apply_role()
        self.load_all()

    # -- roles ---------------------------------------------------------------------------------
    @property
    def may_edit(self) -> bool:
        return can(self.role, Permission.EDIT_RULES)

    def _apply_role(self) -> None:
        editor = self.query_one("#editor", TextArea)
        editor.read_only = not self.may_edit
        for button_id in ("save", "import"):
            self.query_one(f"#{button_id}", Button).disabled = not self.may_edit
        tabs = self.query_one(TabbedContent)
        sees_rules = self.role is not Role.OMBUDSMAN
        sees_oversight = can(self.role, Permission.REVIEW_CASES)
        for pane in RULE_TABS:
            (tabs.show_tab if sees_rules else tabs.hide_tab)(pane)
        for pane in OVERSIGHT_TABS:
            (tabs.show_tab if sees_oversight else tabs.hide_tab)(pane)
        if not sees_rules:
            tabs.active = "tab-review"
        self.query_one("#review-close", Button).disabled = not sees_oversight
        mode = "sv.mode.edit" if self.may_edit else "sv.mode.read_only"
        self.query_one("#sv-who", Static).update(
            Text(
                t(
                    "sv.who",
                    self.lang,
                    user=self.user,
                    role=t(f"sv.role.{self.role.value}", self.lang),
                )
                + " · "
                + t(mode, self.lang)
            )
        )

    # -- database plumbing (worker threads only) -----------------------------------------------
    def _db(self) -> Engine:
        with self._engine_lock:
            if self._engine is None:
                from agent_desk.db.engine import make_engine

                url = self._database_url
                if url is None:
                    app_settings = getattr(self.app, "settings", None)
                    settings = app_settings if isinstance(app_settings, Settings) else None
                    url = (settings or load_settings()).database_url
                self._engine = make_engine(url)
            return self._engine

    def _repo(self) -> RuleRepository:
        from agent_desk.db.rulesets import RuleRepository

        return RuleRepository(self._db(), org=self.org, lang=self.lang)

    def _note(self, area: str, *lines: str, error: bool = False) -> None:
        self.post_message(Noticed(area, list(lines), error))

    def _failed(self, area: str, exc: Exception) -> None:
        """One plain line for an unexpected failure; never a traceback on screen."""
        self._note(
            area, t("sv.failed", self.lang, error=f"{type(exc).__name__}: {exc}"[:300]), error=True
        )

    def _refused(self, area: str, exc: Exception, doing: str) -> bool:
        """Say why the back end refused, in plain words. False if ``exc`` is no refusal."""
        from agent_desk.db.rulesets import PublishRefused, RuleStoreError

        lang = self.lang
        if isinstance(exc, PermissionDenied):
            role = t(f"sv.role.{self.role.value}", lang)
            self._note(
                area,
                t("sv.refused.permission", lang, user=self.user, role=role, doing=t(doing, lang)),
                error=True,
            )
        elif isinstance(exc, PublishRefused):
            reasons = [f"• {r}" for r in exc.reasons] or [str(exc)]
            self._note(area, t("sv.refused.publish", lang), *reasons, error=True)
        elif isinstance(exc, RuleSetError):
            self._note(
                area,
                t("sv.refused.invalid", lang, count=len(exc.problems)),
                *(describe_problem(p, lang) for p in exc.problems[:20]),
                error=True,
            )
        elif isinstance(exc, RuleStoreError):
            self._note(area, t("sv.refused.store", lang, reason=str(exc)), error=True)
        else:
            return False
        return True

    # -- loading -------------------------------------------------------------------------------
    @work(thread=True, group="db", description="load supervisor data", exit_on_error=False)
    def load_all(self) -> None:
        try:
            engine = self._db()
            role = role_of(engine, self.user)
        except Exception as exc:
            self._failed("rules", exc)
            return
        versions: list[RuleVersionPublic] = []
        if role is not Role.OMBUDSMAN:
            try:
                versions = self._read_versions()
            except Exception as exc:
                self._failed("rules", exc)
        self.post_message(SupervisorLoaded(role, versions))
        if role is not Role.OMBUDSMAN:
            self._load_history()
        if can(role, Permission.REVIEW_CASES):
            self._load_review()
        if can(role, Permission.READ_KPIS):
            self._load_kpis()

    def _read_versions(self) -> list[RuleVersionPublic]:
        return self._repo().versions()

    def _load_history(self) -> None:
        try:
            self.post_message(HistoryLoaded(list(self._repo().history())))
        except Exception as exc:
            self._failed("rules", exc)

    def _load_review(self) -> None:
        from agent_desk.db.oversight import OversightLog

        try:
            log = OversightLog(self._db(), desk_id="supervisor")
            self.post_message(ReviewLoaded(list(log.review_queue("open"))))
        except Exception as exc:
            self._failed("review", exc)

    def _load_kpis(self) -> None:
        from agent_desk.db.kpis import compute_kpis

        try:
            self.post_message(KpisLoaded(compute_kpis(self._db())))
        except Exception as exc:
            self._failed("kpis", exc)

    def action_refresh(self) -> None:
        self.load_all()

    @on(SupervisorLoaded)
    def _loaded(self, message: SupervisorLoaded) -> None:
        self.role = message.role
        self._apply_role()
        self._show_versions(message.versions)

    def _show_versions(self, versions: list[RuleVersionPublic]) -> None:
        self.versions = versions
        if not versions and self.selected is None and not self.dirty:
            self._start_from_shipped()
        table = self.query_one("#versions", DataTable)
        table.clear()
        for v in versions:
            table.add_row(
                str(v.id),
                Text(v.version),
                status_label(v, self.lang),
                str(v.revision),
                Text(v.author),
                key=str(v.id),
            )
        keep = self.selected.id if self.selected else (versions[0].id if versions else None)
        if keep is not None and any(v.id == keep for v in versions):
            table.move_cursor(row=table.get_row_index(str(keep)))
            if self.selected is None:
                self.open_version(keep)

    # -- opening a version ---------------------------------------------------------------------
    @on(DataTable.RowSelected, "#versions")
    def _version_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        version_id = int(str(event.row_key.value))
        if self.selected is not None and version_id == self.selected.id and not self.dirty:
            return
        if self.dirty and self._pending_open != version_id:
            self._pending_open = version_id
            self._note("rules", t("sv.editor.unsaved", self.lang), error=True)
            return
        self._pending_open = None
        self.open_version(version_id)

    @work(
        thread=True,
        # Its own group: a newer open replaces an older one, but must not cancel the worker
        # that asked for it (a publish or a save reopens the version when it is done).
        group="open",
        exclusive=True,
        description="open rule version",
        exit_on_error=False,
    )
    def open_version(self, version_id: int) -> None:
        from agent_desk.db.rulesets import compile_version

        try:
            repo = self._repo()
            version = repo.get(version_id)
            try:
                rules, problems = compile_version(version).rules, []
            except RuleSetError as exc:
                rules, problems = (), list(exc.problems)
            loosening = repo.loosening(version_id) if version.status != "published" else []
        except Exception as exc:
            self._failed("rules", exc)
            return
        self.post_message(VersionOpened(version, tuple(rules), problems, list(loosening)))

    @on(VersionOpened)
    def _opened(self, message: VersionOpened) -> None:
        version = message.version
        self.selected = version
        self.opened_revision = version.revision
        editor = self.query_one("#editor", TextArea)
        self._loaded_text = version.yaml_text
        if editor.text != version.yaml_text:
            editor.load_text(version.yaml_text)
        self.dirty = False
        editor.border_title = t(
            "sv.editor.title_version",
            self.lang,
            version=version.version,
            status=status_label(version, self.lang),
            rev=version.revision,
        )
        self._set_save_label("sv.editor.save" if version.is_editable else "sv.editor.save_as_draft")
        self._show_rules(message.rules)
        self._loaded_problems = list(message.problems)
        self._show_problems(message.problems)
        self._show_publish(version, message.loosening)

    def _set_save_label(self, key: str) -> None:
        save = self.query_one("#save", Button)
        save.label = t(key, self.lang)
        save.refresh(layout=True)  # a longer label needs a wider button: Button does not ask

    def _start_from_shipped(self) -> None:
        """An empty rule store: show the rules desks run on now (the shipped default) so a
        supervisor starts from them; saving stores them as the first draft."""
        text = default_rules().read_text(encoding="utf-8")
        editor = self.query_one("#editor", TextArea)
        self._loaded_text = text
        if editor.text != text:
            editor.load_text(text)
        self.dirty = False
        editor.border_title = t("sv.editor.title_shipped", self.lang)
        self._set_save_label("sv.editor.save_as_draft")
        self._loaded_problems = []
        self._show_problems([])
        self._show_rules(load_rule_set(default_rules()).rules)
        self._show_message("rules", [t("sv.editor.shipped_hint", self.lang)])

    def _show_rules(self, rules: Sequence[Rule]) -> None:
        yes, no = t("sv.yes", self.lang), t("sv.no", self.lang)
        rows: list[tuple[str, str, str, str, bool]] = [
            (rule.id, rule.dimension.value, rule.verdict.value, rule.enforcement, rule.protective)
            for rule in rules
        ]
        if rows == self._rules_rows:
            return  # the same version reopened (a save reloads the list): keep cursor and scroll
        self._rules_rows = rows
        cells = [
            (rule_id, dim, verdict, enf, yes if prot else no)
            for rule_id, dim, verdict, enf, prot in rows
        ]
        labels = [
            t(f"sv.rules.{c}", self.lang)
            for c in ("id", "dimension", "verdict", "enforcement", "protective")
        ]
        table = self.query_one("#rules", DataTable)
        # Columns as wide as their widest cell, set here rather than measured by the table when
        # it is next idle: a frame drawn in between stays cached with header-wide columns
        # (Textual issue #3533), which a supervisor under load would see.
        table.clear(columns=True)
        for i, label in enumerate(labels):
            width = max([cell_len(label), *(cell_len(row[i]) for row in cells)])
            table.add_column(label, width=width)
        for row in cells:
            table.add_row(Text(row[0]), *row[1:], key=row[0])

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = problems
        box = self.query_one("#problems", OptionList)
        box.clear_options()
        box.display = bool(problems)
        box.border_title = t("sv.problems.title", self.lang, count=len(problems))
        box.add_options(
            Option(Text(describe_problem(p, self.lang)), id=f"p{i}")
            for i, p in enumerate(problems[:200])
        )

    @on(OptionList.OptionSelected, "#problems")
    def _goto_problem(self, event: OptionList.OptionSelected) -> None:
        """Selecting a problem puts the cursor on its line in the editor."""
        event.stop()
        problem = self.problems[event.option_index]
        if problem.line:
            editor = self.query_one("#editor", TextArea)
            editor.move_cursor((problem.line - 1, 0), center=True)
            editor.focus()

    # -- live validation -----------------------------------------------------------------------
    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        """Every change is validated again: typing, pasting, undo and redo alike."""
        event.stop()
        self.dirty = event.text_area.text != self._loaded_text
        if self._validate_timer is not None:
            self._validate_timer.stop()
            self._validate_timer = None
        if not self.dirty:
            # Back to the text as opened (an undo, say): its own problems, at once; a result
            # for the text in between is dropped when it comes (see _validated).
            self._show_problems(self._loaded_problems)
            return
        self._validate_timer = self.set_timer(VALIDATE_DEBOUNCE_S, self._validate_now)

    def _validate_now(self) -> None:
        self.validate(self.query_one("#editor", TextArea).text)

    @work(
        thread=True,
        group="validate",
        exclusive=True,
        description="validate draft",
        exit_on_error=False,
    )
    def validate(self, text: str) -> None:
        result = validate_rule_text(text)
        count = len(result.rule_set.rules) if result.rule_set else 0
        self.post_message(DraftValidated(text, result.problems, count))

    @on(DraftValidated)
    def _validated(self, message: DraftValidated) -> None:
        if message.text != self.query_one("#editor", TextArea).text:
            return  # typed on since: a newer validation is on its way
        self._show_problems(message.problems)
        if not message.problems and self.dirty:
            self._show_message("rules", [t("sv.editor.valid", self.lang, count=message.rule_count)])

    # -- save / import / export ----------------------------------------------------------------
    def action_save(self) -> None:
        if not self.may_edit:
            self._note(
                "rules",
                t(
                    "sv.refused.permission",
                    self.lang,
                    user=self.user,
                    role=t(f"sv.role.{self.role.value}", self.lang),
                    doing=t("sv.doing.edit", self.lang),
                ),
                error=True,
            )
            return
        if self._validate_timer is not None:
            self._validate_timer.stop()  # the store validates what is saved, and says so
        text = self.query_one("#editor", TextArea).text
        selected = self.selected
        if selected is not None and selected.is_editable:
            self.save_draft(selected.id, text, self.opened_revision or selected.revision)
        else:
            self.import_text(text, "editor")

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @work(thread=True, group="db", description="save draft", exit_on_error=False)
    def save_draft(self, version_id: int, text: str, expected_revision: int) -> None:
        from agent_desk.db.rulesets import ConcurrentEdit

        try:
            saved = self._repo().save_draft(version_id, text, self.user, expected_revision)
        except ConcurrentEdit as exc:
            self._note("rules", t("sv.editor.concurrent", self.lang), str(exc), error=True)
            return
        except Exception as exc:
            if not self._refused("rules", exc, "sv.doing.edit"):
                self._failed("rules", exc)
            return
        self.post_message(DraftSaved(saved))

    @work(thread=True, group="db", description="import rules", exit_on_error=False)
    def import_text(self, text: str, source: str) -> None:
        self._import(text, source)

    def _import(self, text: str, source: str) -> None:
        try:
            saved = self._repo().import_yaml(text, self.user, source=source)
        except Exception as exc:
            if not self._refused("rules", exc, "sv.doing.edit"):
                self._failed("rules", exc)
            return
        self.post_message(DraftSaved(saved))

    @on(DraftSaved)
    def _saved(self, message: DraftSaved) -> None:
        version = message.version
        self.dirty = False
        self.selected = version
        self._note(
            "rules", t("sv.editor.saved", self.lang, version=version.version, rev=version.revision)
        )
        self.reload_versions(version.id)

    @work(thread=True, group="db", description="reload rule versions", exit_on_error=False)
    def reload_versions(self, open_id: int) -> None:
        try:
            versions = self._read_versions()
        except Exception as exc:
            self._failed("rules", exc)
            return
        self.post_message(SupervisorLoaded(self.role, versions))
        self._load_history()
        self.open_version(open_id)

    @on(Button.Pressed, "#import")
    def _import_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self._note("rules", t("sv.editor.path_needed", self.lang), error=True)
            return
        self.import_file(Path(raw).expanduser())

    @work(thread=True, group="db", description="import rule file", exit_on_error=False)
    def import_file(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_RULE_TEXT:
                self._note("rules", t("sv.editor.too_big", self.lang, path=str(path)), error=True)
                return
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._note(
                "rules",
                t("sv.editor.unreadable", self.lang, path=str(path), error=type(exc).__name__),
                error=True,
            )
            return
        self._import(text, str(path))

    @on(Button.Pressed, "#export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        raw = self.query_one("#path", Input).value.strip()
        if self.selected is None:
            self._note("rules", t("sv.no_selection", self.lang), error=True)
        elif not raw:
            self._note("rules", t("sv.editor.path_needed", self.lang), error=True)
        else:
            self.export_file(self.selected.id, Path(raw).expanduser())

    @work(thread=True, group="db", description="export rule version", exit_on_error=False)
    def export_file(self, version_id: int, path: Path) -> None:
        if path.exists():
            # Never overwrite silently: the user names a new file.
            self._note("rules", t("sv.editor.exists", self.lang, path=str(path)), error=True)
            return
        try:
            text = self._repo().export_yaml(version_id)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self._note(
                "rules",
                t("sv.editor.unwritable", self.lang, path=str(path), error=type(exc).__name__),
                error=True,
            )
            return
        except Exception as exc:
            self._failed("rules", exc)
            return
        self._note("rules", t("sv.editor.exported", self.lang, path=str(path)))

    # -- dry-run -------------------------------------------------------------------------------
    @on(Button.Pressed, "#dryrun-run")
    def _dry_run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.selected is None:
            self._note("dryrun", t("sv.no_selection", self.lang), error=True)
            return
        folder = Path(self.query_one("#dryrun-folder", Input).value.strip() or self.conversations)
        bar = self.query_one("#dryrun-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#dryrun-run", Button).disabled = True
        self._show_message("dryrun", [t("sv.dryrun.running", self.lang)])
        self.run_dry_run(self.selected.id, folder.expanduser())

    @work(thread=True, group="dryrun", exclusive=True, description="dry-run", exit_on_error=False)
    def run_dry_run(self, version_id: int, folder: Path) -> None:
        from agent_desk.db.rulesets import compile_version
        from agent_desk.dryrun import dry_run, load_conversations

        try:
            repo = self._repo()
            version = repo.get(version_id)
            draft = compile_version(version)
            published_version = repo.published()
            published = (
                compile_version(published_version)
                if published_version is not None
                else load_rule_set(default_rules())
            )
            if not folder.is_dir():
                self._note(
                    "dryrun", t("sv.dryrun.no_folder", self.lang, path=str(folder)), error=True
                )
                self.post_message(DryRunProgressed(0, 0))
                return
            conversations, unusable = load_conversations(folder, self.lang)
            total = len(conversations)
            self.post_message(DryRunProgressed(0, total))
            # One conversation at a time, so the supervisor sees it move on a big library.
            report: DryRunReport | None = None
            for done, conversation in enumerate(conversations, start=1):
                part = asyncio.run(dry_run(draft, published, [conversation]))
                report = part if report is None else _merge(report, part)
                self.post_message(DryRunProgressed(done, total))
            if report is None:
                report = asyncio.run(dry_run(draft, published, []))
            report = replace(report, unusable=tuple(unusable))
            recorded = False
            if self.may_edit and version.status == "draft":
                repo.record_dry_run(
                    version_id,
                    report.summary(self.lang),
                    len(report.changes),
                    report.loosened,
                    self.user,
                )
                recorded = True
        except Exception as exc:
            self.post_message(DryRunProgressed(0, 0))
            if not self._refused("dryrun", exc, "sv.doing.dry_run"):
                self._failed("dryrun", exc)
            return
        self.post_message(DryRunFinished(report, recorded))

    @on(DryRunProgressed)
    def _dry_run_progress(self, message: DryRunProgressed) -> None:
        bar = self.query_one("#dryrun-progress", ProgressBar)
        if message.total == 0:
            bar.display = False
            self.query_one("#dryrun-run", Button).disabled = False
            return
        bar.update(total=message.total, progress=message.done)

    @on(DryRunFinished)
    def _dry_run_done(self, message: DryRunFinished) -> None:
        lang, report = self.lang, message.report
        self.dry_report = report
        self.query_one("#dryrun-progress", ProgressBar).display = False
        self.query_one("#dryrun-run", Button).disabled = False
        self.query_one("#dryrun-summary", Static).update(Text(report.summary(lang)))
        lines = [t("sv.dryrun.recorded" if message.recorded else "sv.dryrun.not_recorded", lang)]
        lines += [t("sv.dryrun.unusable", lang, item=u) for u in report.unusable[:10]]
        self._show_message("dryrun", lines)
        table = self.query_one("#dryrun-changes", DataTable)
        table.clear()
        loosened_mark = t("sv.dryrun.loosened_mark", lang)
        # Loosened verdicts first: those are the ones a second supervisor must look at.
        for i, change in enumerate(sorted(report.changes, key=lambda c: not c.loosened)):
            events = ", ".join(t(f"event.{e.value}", lang) for e in change.events) or "–"
            table.add_row(
                Text(change.conversation_id),
                Text(change.utterance_id),
                Text(change.action),
                events,
                f"{change.before.value} → {change.after.value}",
                Text(loosened_mark, style="bold") if change.loosened else "",
                key=f"c{i}",
            )
        if self.selected is not None:
            self.reload_versions(self.selected.id)

    # -- approve / publish ---------------------------------------------------------------------
    def _show_publish(self, version: RuleVersionPublic, loosening: list[str]) -> None:
        lang = self.lang
        info = [
            t(
                "sv.publish.version",
                lang,
                id=version.id,
                version=version.version,
                status=status_label(version, lang),
                rev=version.revision,
                author=version.author,
            ),
            t("sv.publish.approved_by", lang, who=version.approved_by)
            if version.approved_by
            else t("sv.publish.not_approved", lang),
            t("sv.publish.dry_run", lang, summary=version.dry_run_summary)
            if version.dry_run_summary
            else t("sv.publish.no_dry_run", lang),
        ]
        self.query_one("#publish-info", Static).update(Text("\n".join(info)))
        if version.status == "published":
            # No draft any more: nothing to approve or publish, and nothing it loosens.
            text = Text(
                t(
                    "sv.publish.is_published",
                    lang,
                    who=version.published_by or "–",
                    when=_when(version.published_at),
                )
            )
        elif version.status == "retired":
            text = Text(t("sv.publish.is_retired", lang))
        elif loosening:
            text = Text(t("sv.publish.loosening", lang) + "\n", style="bold")
            for item in loosening:
                text.append(f"  • {item}\n", style="")
        else:
            text = Text(t("sv.publish.no_loosening", lang))
        self.query_one("#publish-loosening", Static).update(text)
        for button_id in ("approve", "publish"):
            self.query_one(f"#{button_id}", Button).disabled = not version.is_editable

    @on(Button.Pressed, "#approve")
    def _approve_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.selected is None:
            self._note("publish", t("sv.no_selection", self.lang), error=True)
            return
        self.change_status(self.selected.id, "approve", self.opened_revision)

    @on(Button.Pressed, "#publish")
    def _publish_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.selected is None:
            self._note("publish", t("sv.no_selection", self.lang), error=True)
            return
        self.change_status(self.selected.id, "publish")

    @work(thread=True, group="db", description="approve or publish", exit_on_error=False)
    def change_status(self, version_id: int, what: str, revision: int | None = None) -> None:
        try:
            repo = self._repo()
            if what == "approve":
                # The approver approves the revision they are looking at, not a later one.
                version = repo.approve(version_id, self.user, expected_revision=revision)
            else:
                version = repo.publish(version_id, self.user)
        except Exception as exc:
            if not self._refused("publish", exc, f"sv.doing.{what}"):
                self._failed("publish", exc)
            return
        self._note("publish", t(f"sv.publish.done_{what}", self.lang, version=version.version))
        self.post_message(SupervisorLoaded(self.role, self._read_versions()))
        self._load_history()
        self.open_version(version.id)

    # -- history -------------------------------------------------------------------------------
    @on(HistoryLoaded)
    def _history(self, message: HistoryLoaded) -> None:
        table = self.query_one("#history", DataTable)
        table.clear()
        for i, change in enumerate(message.changes):
            table.add_row(*_history_row(change, self.lang), key=f"h{i}")

    # -- review queue --------------------------------------------------------------------------
    @on(ReviewLoaded)
    def _review(self, message: ReviewLoaded) -> None:
        self.review_items = message.items
        table = self.query_one("#review", DataTable)
        table.clear()
        for i, item in enumerate(message.items):
            table.add_row(*_review_row(item, self.lang), key=f"r{i}")
        if not message.items:
            self._show_message("review", [t("sv.review.empty", self.lang)])

    @on(DataTable.RowSelected, "#review")
    def _review_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._close_case()

    @on(Button.Pressed, "#review-close")
    def _review_close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._close_case()

    def _close_case(self) -> None:
        table = self.query_one("#review", DataTable)
        if not self.review_items or table.cursor_row >= len(self.review_items):
            self._note("review", t("sv.review.none_selected", self.lang), error=True)
            return
        item = self.review_items[table.cursor_row]
        kind, case_id = item.kind, item.id
        title = t(
            "sv.review.close_title",
            self.lang,
            kind=t(f"sv.review.kind.{kind}", self.lang),
            id=case_id,
        )
        self.app.push_screen(
            ReasonDialog(
                self.lang,
                title,
                t("sv.review.close_intro", self.lang),
                t("sv.review.close_placeholder", self.lang, min=MIN_CLOSE_NOTE_CHARS),
                MIN_CLOSE_NOTE_CHARS,
            ),
            partial(self._noted, kind, case_id),
        )

    def _noted(self, kind: CaseKind, case_id: int, note: str | None) -> None:
        if note:
            self.close_case(kind, case_id, note)

    @work(thread=True, group="db", description="close review case", exit_on_error=False)
    def close_case(self, kind: CaseKind, case_id: int, note: str) -> None:
        from agent_desk.db.oversight import CaseAlreadyClosed, CaseNotFound, OversightLog

        try:
            OversightLog(self._db(), desk_id="supervisor").close_case(
                kind, case_id, note, self.user
            )
        except PermissionDenied as exc:
            self._refused("review", exc, "sv.doing.review")
            return
        except (CaseAlreadyClosed, CaseNotFound) as exc:
            key = (
                "sv.review.already_closed"
                if isinstance(exc, CaseAlreadyClosed)
                else "sv.review.gone"
            )
            what = t(f"sv.review.kind.{kind}", self.lang)
            self._note("review", t(key, self.lang, kind=what, id=case_id), error=True)
            self._load_review()
            return
        except Exception as exc:
            self._failed("review", exc)
            return
        self.post_message(CaseClosed(kind, case_id))
        self._load_review()
        if can(self.role, Permission.READ_KPIS):
            self._load_kpis()

    @on(CaseClosed)
    def _case_closed(self, message: CaseClosed) -> None:
        self._note(
            "review",
            t(
                "sv.review.closed",
                self.lang,
                kind=t(f"sv.review.kind.{message.kind}", self.lang),
                id=message.case_id,
            ),
        )

    # -- KPIs ----------------------------------------------------------------------------------
    @on(KpisLoaded)
    def _kpis(self, message: KpisLoaded) -> None:
        lang, kpis = self.lang, message.kpis
        numbers = self.query_one("#kpi-numbers", DataTable)
        numbers.clear()
        hours = kpis.median_hours_to_close
        rows = (
            ("harmful_prevented", str(kpis.harmful_prevented)),
            ("help_offered", str(kpis.help_offered)),
            ("help_accepted", str(kpis.help_accepted)),
            ("offers_shown_during_event", str(kpis.offers_shown_during_event)),
            ("brake_pulls", str(kpis.brake_pulls)),
            (
                "median_hours_to_close",
                "–" if hours is None else t("sv.kpi.hours", lang, hours=f"{hours:.1f}"),
            ),
        )
        for key, value in rows:
            label = t(f"sv.kpi.{key}", lang)
            cell = Text(value, style="bold")
            if key == "offers_shown_during_event" and kpis.offers_shown_during_event:
                cell.stylize("reverse")  # the target is 0: any other number needs attention
            numbers.add_row(label, cell, key=key)
        per_rule = self.query_one("#kpi-rules", DataTable)
        per_rule.clear()
        for rule, count in sorted(kpis.overrides_per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            per_rule.add_row(Text(rule), str(count), key=rule)
        self._plot(kpis)

    def _plot(self, kpis: Kpis) -> None:
        from agent_desk.db.kpis import SERIES

        plot = self.query_one("#kpi-plot", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        days = sorted(kpis.per_day)
        plt.title(t("sv.kpi.per_day", self.lang))
        if days:
            xs = [float(i) for i in range(len(days))]
            for series in SERIES:
                ys = [kpis.per_day[d].get(series, 0) for d in days]
                if any(ys):
                    plt.plot(
                        xs, ys, label=t(f"sv.kpi.series.{series}", self.lang), marker="braille"
                    )
            step = max(1, len(days) // 6)
            plt.xticks(xs[::step], [d[5:] for d in days[::step]])
        plot.refresh()

    # -- messages to the user ------------------------------------------------------------------
    @on(Noticed)
    def _noticed(self, message: Noticed) -> None:
        self._show_message(message.area, message.lines, message.error)

    def _show_message(self, area: str, lines: list[str], error: bool = False) -> None:
        box = self.query_one(f"#{area}-msg", Static)
        box.update(Text("\n".join(lines)))
        box.set_class(error, "-error")


def _merge(first: DryRunReport, second: DryRunReport) -> DryRunReport:
    return replace(
        first,
        conversations=first.conversations + second.conversations,
        decisions=first.decisions + second.decisions,
        changes=first.changes + second.changes,
    )


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _history_row(change: RuleChange, lang: Lang) -> tuple[Any, ...]:
    from agent_desk.db.rulesets import change_note

    what = t(f"rulestore.action.{change.action}", lang)
    return (
        _when(change.at),
        Text(change.actor),
        what if what != f"rulestore.action.{change.action}" else change.action,
        Text(f"{change.label} r{change.revision}"),
        Text(change_note(change, lang).replace("\n", " ")[:200]),
    )


def _review_row(item: ReviewItem, lang: Lang) -> tuple[Any, ...]:
    rules = ", ".join(item.rules) or "–"
    if item.action_id:
        rules = f"{rules} ({item.action_id})"
    return (
        t(f"sv.review.kind.{item.kind}", lang),
        str(item.id),
        _when(item.created_at),
        Text(item.desk_id),
        Text(item.reason),  # redacted at the door to the database; still untrusted text
        _review_events(item, lang),
        Text(rules),
    )


def _review_events(item: ReviewItem, lang: Lang) -> str:
    """The life events heard, then (only when there are any) what the classifier set aside."""
    heard = ", ".join(t(f"event.{e}", lang) for e in item.event_types)
    if not item.set_aside_types:
        return heard or "–"
    aside = ", ".join(t(f"event.{e}", lang) for e in item.set_aside_types)
    return " · ".join(filter(None, (heard, t("sv.review.set_aside", lang, events=aside))))


class SupervisorApp(App[None]):
    """The supervisor's own window onto the shared rule store and oversight records."""

    TITLE = "agent-desk · supervisor"

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        engine: Engine | None = None,
        conversations: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        self.engine = engine
        self.conversations = conversations

    def on_mount(self) -> None:
        settings = self.settings
        self.push_screen(
            SupervisorScreen(
                settings.language,
                settings.user,
                engine=self.engine,
                database_url=settings.database_url,
                conversations=self.conversations,
            )
        )
