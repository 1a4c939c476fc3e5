"""The status line: feed state, suggestion-source state, rule-set version, UI language, and the
last problem as one readable line (never a traceback)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from agent_desk.i18n import Lang, t


def source_name(name: str, lang: Lang) -> str:
    """A suggestion source's name in the UI language where it is a word ("recorded"); a name
    that is not in the catalogue (``http``, a plug-in's) is shown as it is."""
    key = f"status.source.{name}"
    text = t(key, lang)
    return name if text == key else text


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    StatusLine.-problem { background: $error 40%; }
    """

    feed: reactive[str] = reactive("")
    nba: reactive[str] = reactive("")
    rules: reactive[str] = reactive("")
    problem: reactive[str] = reactive("")

    def __init__(self, lang: Lang, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.feed = t("status.loading", lang)
        self.nba = t("status.loading", lang)
        self.rules = t("status.loading", lang)

    def render(self) -> Text:
        lang = self.lang
        parts = [
            t("status.feed", lang, state=self.feed),
            t("status.nba", lang, state=self.nba),
            t("status.rules", lang, version=self.rules),
            t("status.lang", lang),
        ]
        line = Text(" │ ".join(parts))
        if self.problem:
            line.append("  ")
            line.append(t("problem.prefix", lang, message=self.problem[:200]), style="bold")
        return line

    def watch_problem(self, value: str) -> None:
        self.set_class(bool(value), "-problem")
