"""The suggestions panel: every judged suggestion with its verdict (colour AND a word/symbol),
plain-language reasons and guidance. Held suggestions are collapsed to their reason; blocked ones
are hidden by default but counted. Unjudged suggestions never reach this widget.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from agent_desk.i18n import Lang, t
from guards.types import Decision, Suggestion, Verdict


def render_card(suggestion: Suggestion, decision: Decision, lang: Lang) -> Text:
    out = Text()
    out.append(t(f"verdict.{decision.verdict.value}", lang), style="bold")
    out.append("  ")
    out.append(suggestion.title, style="bold")
    enforced = [r for r in decision.reasons if r.enforcement == "enforce"]
    if decision.verdict is Verdict.HOLD:
        # Collapsed: the reason only; the script is revealed with an override.
        if enforced:
            out.append(f"\n  {enforced[0].message}")
        return out
    if decision.verdict is not Verdict.SHOW and enforced:
        for reason in enforced[:3]:
            out.append(f"\n  • {reason.message}")
    if decision.guidance:
        out.append(f"\n  ➜ {decision.guidance}", style="italic")
    if suggestion.script and decision.verdict in (Verdict.SHOW, Verdict.GUIDE):
        out.append(f"\n  “{suggestion.script}”", style="dim")
    return out


class SuggestionCard(Static, can_focus=True):
    def __init__(self, suggestion: Suggestion, decision: Decision, lang: Lang) -> None:
        super().__init__(markup=False)
        self.lang: Lang = lang
        self.suggestion = suggestion
        self.decision = decision
        self.set_judgement(suggestion, decision)

    def set_judgement(self, suggestion: Suggestion, decision: Decision) -> None:
        self.suggestion, self.decision = suggestion, decision
        for v in Verdict:
            self.set_class(v is decision.verdict, f"-{v.value}")
        self.update(render_card(suggestion, decision, self.lang))


class SuggestionsPanel(VerticalScroll):
    DEFAULT_CSS = """
    SuggestionsPanel { height: 1fr; border: round $primary; padding: 0 1; }
    SuggestionsPanel > #suggestions-empty, SuggestionsPanel > #blocked-count { color: $text-muted; }
    """

    blocked: reactive[int] = reactive(0)
    show_blocked: reactive[bool] = reactive(False)

    def __init__(self, lang: Lang, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.border_title = t("suggestions.title", lang)
        self._cards: dict[str, SuggestionCard] = {}

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(t("suggestions.none", self.lang)), id="suggestions-empty")
        yield Static(id="blocked-count")

    def judged(self, items: Sequence[tuple[Suggestion, Decision]]) -> None:
        """Show new judgements; a re-judged suggestion is updated in place."""
        for suggestion, decision in items:
            card = self._cards.get(suggestion.id)
            if card is None:
                card = SuggestionCard(suggestion, decision, self.lang)
                self._cards[suggestion.id] = card
                self.mount(card, before=self.query_one("#blocked-count"))
            else:
                card.set_judgement(suggestion, decision)
        self.query_one("#suggestions-empty").display = not self._cards
        self.blocked = sum(c.decision.verdict is Verdict.BLOCK for c in self._cards.values())

    def watch_blocked(self, value: int) -> None:
        label = self.query_one("#blocked-count", Static)
        label.display = value > 0
        label.update(Text(t("suggestions.blocked_hidden", self.lang, count=value)))

    def watch_show_blocked(self, value: bool) -> None:
        self.set_class(value, "-show-blocked")

    @property
    def cards(self) -> list[SuggestionCard]:
        return list(self._cards.values())
