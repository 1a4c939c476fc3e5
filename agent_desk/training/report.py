"""Training reports: one session as Markdown or as a self-contained HTML page.

Per session and trainee: the life events heard, missed and named without cause, the verdicts
that matched the annotators and the guard, and, question by question, the guard's reasons and
the annotators' note. Notes, names and guard texts are untrusted text: HTML is rendered with
Jinja2 autoescaping, Markdown with every markup character escaped. Output depends only on the
session (no clock), so a report can be compared with an expected file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from agent_desk.i18n import t
from agent_desk.training.sessions import ScoredRecord, TrainingSession
from guards.types import Verdict
from nlp.types import EventType, Lang

__all__ = ["render_html", "render_markdown"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
# Characters that make inline Markdown markup (emphasis, code, links, tables, strike-through):
# escaped so a note cannot format, link or inject anything. Values are always rendered inline
# after a label, never at the start of a line, so block markup (#, >, -) cannot start there.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: str) -> str:
    flat = " ".join(str(text).split())  # a note's line breaks must not start a new block
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    return escaped.replace("&", "&amp;").replace("<", "&lt;")


@cache
def _env(kind: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=kind == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def _events(items: tuple[EventType, ...], lang: Lang) -> str:
    return ", ".join(t(f"event.{e.value}", lang) for e in items) or t("training.none", lang)


def _verdict(v: Verdict, lang: Lang) -> str:
    return t(f"training.verdict.{v.value}", lang)


@dataclass(frozen=True)
class _Question:
    number: int
    heading: str
    answered: bool
    verdict: str
    acceptable: str
    guard: str
    verdict_ok: bool
    agrees: bool
    heard: str
    missed: str
    extra: str
    reasons: tuple[str, ...]
    note: str


def _question(number: int, r: ScoredRecord, lang: Lang) -> _Question:
    return _Question(
        number=number,
        heading=t("training.report.question", lang, number=number, action=r.action, at=r.at),
        answered=r.answered,
        verdict=_verdict(r.verdict, lang)
        if r.verdict is not None
        else t("training.report.not_answered", lang),
        acceptable=", ".join(_verdict(v, lang) for v in r.acceptable),
        guard=_verdict(r.guard_verdict, lang),
        verdict_ok=r.verdict_ok,
        agrees=r.agrees_with_guard,
        heard=_events(r.events_heard, lang),
        missed=_events(r.events_missed, lang),
        extra=_events(r.events_extra, lang),
        reasons=r.guard_reasons,
        note=r.note,
    )


def _context(session: TrainingSession, lang: Lang) -> dict[str, object]:
    totals = session.totals()

    def tr(key: str, **values: object) -> str:
        return t(f"training.report.{key}", lang, **values)

    return {
        "lang": lang,
        "tr": tr,
        "session": session,
        "title": tr("title", title=session.conversation_title or session.conversation_id),
        "started": f"{session.started_at:%Y-%m-%d %H:%M} UTC",
        "finished": f"{session.finished_at:%Y-%m-%d %H:%M} UTC"
        if session.finished_at
        else tr("not_finished"),
        "summary": [
            (tr("answered"), tr("out_of", count=totals.answered, total=totals.questions)),
            (tr("verdicts_ok"), tr("out_of", count=totals.verdicts_ok, total=totals.questions)),
            (tr("agrees"), tr("out_of", count=totals.agrees_with_guard, total=totals.questions)),
            (tr("events_heard"), _events(totals.events_heard, lang)),
            (tr("events_missed"), _events(totals.events_missed, lang)),
            (tr("events_extra"), _events(totals.events_extra, lang)),
        ],
        "questions": [_question(i, r, lang) for i, r in enumerate(session.results, start=1)],
    }


def render_markdown(session: TrainingSession, lang: Lang) -> str:
    return _env("md").get_template("report.md.j2").render(_context(session, lang))


def render_html(session: TrainingSession, lang: Lang) -> str:
    return _env("html").get_template("report.html.j2").render(_context(session, lang))
