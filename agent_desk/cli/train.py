"""`agent-desk train`: score a trainee's answers headless, list sessions, render reports.

``train run CONVERSATION --answers FILE`` is the e-learning platforms' door: it replays the call
through the one pipeline, scores the answers against the fixture's gold and the guard, saves a
training session and prints a summary (``--json`` for machines). Exit 0 whatever the score;
exit 2 with one line per problem (file, line, field, what was expected) for a bad answers file.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent_desk.i18n import t
from nlp.types import Lang

if TYPE_CHECKING:
    from agent_desk.library.conversation import Conversation
    from agent_desk.training.sessions import TrainingSession, TrainingStore
    from guards.rules import RuleSet

_LANGS = click.Choice(["nl", "en"])
#: An answers file for one call is a few kilobytes.
MAX_ANSWERS_BYTES = 1_000_000


class AnswersFile(BaseModel):
    """The answers file: ``{trainee?, conversation?, answers: [{at, action, verdict, events}]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trainee: str | None = Field(default=None, min_length=1, max_length=100)
    conversation: str | None = None
    answers: list[Any] = Field(default_factory=list, max_length=1000)


def _fail(lines: list[str], status: int = 2) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(status)


def _said(exc: Exception, lang: Lang) -> list[str]:
    """Why a command cannot go on, in ``lang``: every problem of a file (rule set, conversation),
    the settings, the session store or the quiz; anything else as it is."""
    from agent_desk.cli.language import settings_error
    from agent_desk.problems import problem_line, problem_message
    from agent_desk.settings import SettingsError
    from agent_desk.training.headless import QuizError
    from agent_desk.training.sessions import TrainingStoreError
    from guards.yamlsrc import DataError

    if isinstance(exc, DataError):
        return [problem_line(p, lang) for p in exc.problems]
    if isinstance(exc, SettingsError):
        return [settings_error(exc, lang)]
    if isinstance(exc, TrainingStoreError) and exc.code:
        if exc.problem is not None:
            what = f"{exc.problem.field}: {problem_message(exc.problem, lang)}"
            return [t("training.store.corrupt", lang, path=exc.problem.file, what=what)]
        return [t(f"training.store.{exc.code}", lang, **exc.params)]
    if isinstance(exc, QuizError) and exc.params:
        why = exc.params["why"] or t("training.error.not_in_catalogue", lang)
        return [t("training.error.not_judged", lang, **{**exc.params, "why": why})]
    return [str(exc)]


def _lang(lang: str | None) -> Lang:
    if lang in ("nl", "en"):
        return cast(Lang, lang)
    from agent_desk.cli.language import settings_language

    return settings_language()


def load_answers(path: Path, conversation_id: str, lang: Lang) -> tuple[AnswersFile, list[Any]]:
    """Read and validate an answers file (YAML or JSON). Exits 2 listing every problem."""
    from agent_desk.library.yamlio import DataFileError, Problem
    from agent_desk.problems import problem_line
    from agent_desk.training.quiz import Answer
    from guards.yamlsrc import problems_from_validation, read_yaml

    name = str(path)
    try:
        data, node = read_yaml(path, MAX_ANSWERS_BYTES)
    except DataFileError as exc:
        _fail(_said(exc, lang))
    if not isinstance(data, dict):
        _fail([problem_line(Problem(name, 1, "", t("training.error.top", lang)), lang)])
    try:
        parsed = AnswersFile.model_validate(data)
    except ValidationError as exc:
        _fail([problem_line(p, lang) for p in problems_from_validation(name, exc, node)])
    problems: list[Problem] = []
    if parsed.conversation is not None and parsed.conversation != conversation_id:
        msg = t(
            "training.error.other_conversation",
            lang,
            given=parsed.conversation,
            conversation=conversation_id,
        )
        problems.append(Problem(name, _line(node, ["conversation"]), "conversation", msg))
    answers: list[Answer] = []
    for i, raw in enumerate(parsed.answers):
        try:
            answers.append(Answer.model_validate(raw))
        except ValidationError as exc:
            problems.extend(problems_from_validation(name, exc, node, prefix=("answers", i)))
    if problems:
        _fail([problem_line(p, lang) for p in problems])
    return parsed, answers


def _line(node: Any, loc: list[int | str]) -> int | None:
    from guards.yamlsrc import line_of

    return line_of(node, loc)


def _question_problems(
    path: Path, problems: Any, points: Any, conversation_id: str, lang: Lang
) -> list[str]:
    """Answers that name no question of this call (or one twice), with the known questions."""
    from agent_desk.library.yamlio import Problem
    from guards.yamlsrc import read_yaml

    _, node = read_yaml(path, MAX_ANSWERS_BYTES)
    known = ", ".join(f"{p.at}/{p.action}" for p in points)
    out = []
    for p in problems:
        key = (
            "training.error.unknown_question"
            if p.reason == "unknown"
            else "training.error.duplicate"
        )
        msg = t(key, lang, at=p.at, action=p.action, conversation=conversation_id, known=known)
        line = _line(node, ["answers", p.index])
        out.append(str(Problem(str(path), line, f"answers.{p.index}", msg)))
    return out


def _rules(rules: Path | None) -> RuleSet:
    """The rule set to judge with: ``--rules``, else the organisation's active rules."""
    from guards.rules import load_rule_set

    if rules is not None:
        return load_rule_set(rules)
    from agent_desk.rulesource import load_active_rules
    from agent_desk.settings import load_settings

    rule_set, _where = load_active_rules(load_settings())
    return rule_set


@click.group(invoke_without_command=True)
@click.option("--lang", type=_LANGS, help="UI language (default: the language setting).")
@click.pass_context
def train(ctx: click.Context, lang: str | None) -> None:
    """Trainers: replay and quiz in the trainer screen (no subcommand), score quiz answers
    without the UI, list sessions, export reports."""
    if ctx.invoked_subcommand is not None:
        return
    from agent_desk.cli.errors import Refused
    from agent_desk.cli.terminal import require_terminal
    from agent_desk.rulesource import load_active_rules
    from agent_desk.settings import SettingsError, load_settings
    from guards.rules import RuleSetError

    try:
        settings = load_settings(**({"language": lang} if lang else {}))
    except SettingsError as exc:
        ui = _lang(lang)
        raise Refused("\n".join(_said(exc, ui)), ui) from exc
    require_terminal(settings.language, "train")
    from agent_desk.screens.trainer import TrainerApp

    try:
        rule_set, _ = load_active_rules(settings)
    except (SettingsError, RuleSetError) as exc:
        raise Refused("\n".join(_said(exc, settings.language)), settings.language) from exc
    TrainerApp(settings=settings, rule_set=rule_set).run()


@train.command("run")
@click.argument("conversation")
@click.option(
    "--answers",
    "answers_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML or JSON: {trainee?, conversation?, answers: [{at, action, verdict, events}]}",
)
@click.option("--trainee", help="Who answered (default: the file's trainee, else the desk user).")
@click.option("--lang", type=_LANGS, help="Language of the summary and the guard's reasons.")
@click.option("--json", "as_json", is_flag=True, help="Print the scored session as JSON.")
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Judge with this rule set instead of the active one.",
)
@click.option(
    "--resume",
    "resume_id",
    metavar="SESSION",
    help="Continue an unfinished session; its answers stand unless answered again.",
)
@click.option(
    "--keep-open",
    is_flag=True,
    help="Leave the session unfinished (more answers follow with --resume).",
)
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of training sessions (default: <data dir>/training).")  # fmt: skip
def run_cmd(
    *,
    conversation: str,
    answers_path: Path,
    trainee: str | None,
    lang: str | None,
    as_json: bool,
    rules: Path | None,
    resume_id: str | None,
    keep_open: bool,
    store_dir: Path | None,
) -> None:
    """Score a trainee's answers for CONVERSATION (a library id or a file) and save the session.

    Exit status 0 whatever the score; 2 when the answers file does not fit the conversation.
    """
    from agent_desk.cli.language import find_conversation
    from agent_desk.library.yamlio import DataFileError
    from agent_desk.settings import SettingsError
    from agent_desk.training.headless import QuizError, check_answers
    from agent_desk.training.quiz import quiz_points
    from agent_desk.training.sessions import TrainingStore, TrainingStoreError
    from guards.rules import RuleSetError

    ui: Lang = _lang(lang)
    try:
        conv = find_conversation(conversation)
    except DataFileError as exc:
        _fail(_said(exc, ui), 1)
    parsed, answers = load_answers(answers_path, conv.id, ui)
    points = quiz_points(conv)
    wrong = check_answers(points, answers)
    if wrong:
        _fail(_question_problems(answers_path, wrong, points, conv.id, ui))

    store = TrainingStore(store_dir)
    try:
        rule_set = _rules(rules)
        if resume_id:
            session, answers = _resume(store, resume_id, conv.id, answers, ui)
            if not as_json:
                click.echo(t("training.run.resumed", ui, id=session.id))
        else:
            who = trainee or parsed.trainee or _desk_user()
            session = store.start(who, conv, lang=ui)
        _score(store, session, conv, answers, rule_set=rule_set, ui=ui, keep_open=keep_open)
    except (TrainingStoreError, QuizError, RuleSetError, DataFileError, SettingsError) as exc:
        _fail(_said(exc, ui), 1)

    if as_json:
        click.echo(json.dumps(_as_json(session), ensure_ascii=False, indent=2))
        return
    _print_summary(session, ui)


def _resume(
    store: TrainingStore, session_id: str, conversation_id: str, answers: list[Any], ui: Lang
) -> tuple[TrainingSession, list[Any]]:
    """The unfinished session and the answers to score: its earlier answers stand unless this
    file answers the same question again."""
    from agent_desk.training.quiz import Answer

    session = store.load(session_id)
    if session.finished or session.conversation_id != conversation_id:
        _fail([t("training.error.not_unfinished", ui, id=session_id)], 1)
    given = {(a.at, a.action) for a in answers}
    earlier = [
        Answer(at=r.at, action=r.action, verdict=r.verdict, events=r.events)
        for r in session.results
        if r.answered and r.verdict is not None and r.key not in given
    ]
    # Every answer is scored again in call order, so the results read in call order too.
    session.results = []
    return session, [*earlier, *answers]


def _score(
    store: TrainingStore,
    session: TrainingSession,
    conv: Conversation,
    answers: list[Any],
    *,
    rule_set: RuleSet,
    ui: Lang,
    keep_open: bool,
) -> None:
    """Replay and score, saving the session after every answer (an interrupted run resumes)."""
    from agent_desk.training.headless import run_quiz
    from agent_desk.training.quiz import Scored
    from agent_desk.training.sessions import record

    session.rule_set_version = rule_set.version
    session.lang = ui

    def saved(scored: Scored) -> None:
        if keep_open and scored.answer is None:
            return  # an open session records answers only; the rest may still come
        record(session, scored)
        session.position = scored.point.at
        store.save(session)

    asyncio.run(run_quiz(conv, answers, rule_set, ui, on_scored=saved))
    if not keep_open:
        session.position = conv.utterances[-1].id
        session.finish()
    store.save(session)


def _desk_user() -> str:
    from agent_desk.settings import SettingsError, load_settings

    try:
        return load_settings().user
    except SettingsError:
        return "trainee"


def _as_json(session: Any) -> dict[str, Any]:
    totals = session.totals()
    return {
        "session": session.id,
        "trainee": session.trainee,
        "conversation": session.conversation_id,
        "lang": session.lang,
        "finished": session.finished,
        "position": session.position,
        "rule_set_version": session.rule_set_version,
        "totals": totals.model_dump(mode="json"),
        "results": [r.model_dump(mode="json") for r in session.results],
    }


def _print_summary(session: Any, ui: Lang) -> None:
    def verdict(v: Any) -> str:
        return t(f"training.verdict.{v.value}", ui)

    def events(items: Any) -> str:
        return ", ".join(t(f"event.{e.value}", ui) for e in items) or t("training.none", ui)

    for r in session.results:
        mark = t("training.run.line_ok" if r.verdict_ok else "training.run.line_bad", ui)
        click.echo(
            t(
                "training.run.line",
                ui,
                mark=mark,
                at=r.at,
                action=r.action,
                verdict=verdict(r.verdict) if r.verdict else t("training.run.unanswered", ui),
                acceptable="/".join(verdict(v) for v in r.acceptable),
                guard=verdict(r.guard_verdict),
            )
        )
    totals = session.totals()
    click.echo(
        t(
            "training.run.summary",
            ui,
            answered=totals.answered,
            questions=totals.questions,
            ok=totals.verdicts_ok,
            agrees=totals.agrees_with_guard,
        )
    )
    click.echo(
        t(
            "training.run.events",
            ui,
            heard=events(totals.events_heard),
            missed=events(totals.events_missed),
            extra=events(totals.events_extra),
        )
    )
    click.echo(
        t(
            "training.run.saved",
            ui,
            id=session.id,
            trainee=session.trainee,
            conversation=session.conversation_id,
        )
    )
    click.echo(t("training.run.report_hint", ui, id=session.id))


@train.command("report")
@click.argument("session_id", metavar="SESSION")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--lang", type=_LANGS, help="Report language (default: the session's).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of training sessions (default: <data dir>/training).")  # fmt: skip
def report_cmd(
    session_id: str, fmt: str, lang: str | None, output: Path | None, store_dir: Path | None
) -> None:
    """Render one training session as Markdown or self-contained HTML."""
    from agent_desk.training.report import render_html, render_markdown
    from agent_desk.training.sessions import TrainingStore, TrainingStoreError

    try:
        session = TrainingStore(store_dir).load(session_id)
    except TrainingStoreError as exc:
        _fail(_said(exc, _lang(lang)), 1)
    out_lang: Lang = cast(Lang, lang) if lang else session.lang
    text = (render_html if fmt == "html" else render_markdown)(session, out_lang)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail([f"{output}: {exc.strerror}"], 1)


@train.command("sessions")
@click.option("--trainee", help="Only this trainee's sessions.")
@click.option("--unfinished", is_flag=True, help="Only sessions that can be resumed.")
@click.option("--lang", type=_LANGS, help="Language of the listing.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of training sessions (default: <data dir>/training).")  # fmt: skip
def sessions_cmd(
    trainee: str | None, unfinished: bool, lang: str | None, store_dir: Path | None
) -> None:
    """List training sessions: id, trainee, conversation, progress, status."""
    from agent_desk.training.sessions import TrainingStore

    ui: Lang = _lang(lang)
    found, problems = TrainingStore(store_dir).scan()
    for problem in problems:
        (why,) = _said(problem, ui)
        click.echo(t("training.sessions.unreadable", ui, problem=why), err=True)
    rows = [
        s
        for s in found
        if (trainee is None or s.trainee == trainee) and not (unfinished and s.finished)
    ]
    if not rows:
        click.echo(t("training.sessions.none", ui))
        return
    click.echo(t("training.sessions.header", ui))
    for s in rows:
        totals = s.totals()
        progress = t(
            "training.sessions.progress", ui, answered=totals.answered, questions=totals.questions
        )
        status = t("training.sessions.finished" if s.finished else "training.sessions.open", ui)
        click.echo(f"{s.id}  {s.trainee}  {s.conversation_id}  {progress}  {status}")
