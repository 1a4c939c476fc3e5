"""The suggestions panel: every judged suggestion with its verdict (colour AND a word/symbol),
plain-language reasons and guidance. Held suggestions are collapsed to their reason until the agent
reveals one (with a reason, an override the screen logs); blocked ones are hidden by default but
counted and can never be revealed. Dismissed suggestions leave the panel for the rest of the call.
Unjudged suggestions never reach this widget.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from agent_desk.i18n import Lang, t
from agent_desk.widgets.text import FOCUS_MARK, update_text
from guards.types import Decision, Suggestion, Verdict


def render_card(
    suggestion: Suggestion,
    decision: Decision,
    lang: Lang,
    *,
    revealed: bool = False,
    accepted: bool = False,
    focused: bool = False,
) -> Text:
    out = Text()
    if focused:  # the card the agent's keys act on: marked by more than its frame's colour
        out.append(f"{FOCUS_MARK} ", style="bold")
    out.append(t(f"verdict.{decision.verdict.value}", lang), style="bold")
    out.append("  ")
    out.append(suggestion.title, style="bold")
    enforced = [r for r in decision.reasons if r.enforcement == "enforce"]
    if decision.verdict is Verdict.HOLD:
        # Collapsed: the reason only; the script is revealed with an override.
        if enforced:
            out.append(f"\n  {enforced[0].message}")
        if not revealed:
            return out
        out.append(f"\n  {t('card.revealed', lang)}", style="bold")
        if decision.guidance:
            out.append(f"\n  ➜ {decision.guidance}", style="italic")
        if suggestion.script:
            out.append(f"\n  “{suggestion.script}”")
        if accepted:
            out.append(f"\n  {t('card.accepted', lang)}", style="bold")
        return out
    if decision.verdict is not Verdict.SHOW and enforced:
        for reason in enforced[:3]:
            out.append(f"\n  • {reason.message}")
    if decision.guidance:
        out.append(f"\n  ➜ {decision.guidance}", style="italic")
    if suggestion.script and decision.verdict in (Verdict.SHOW, Verdict.GUIDE):
        out.append(f"\n  “{suggestion.script}”", style="dim")
    if accepted and decision.verdict is not Verdict.BLOCK:
        out.append(f"\n  {t('card.accepted', lang)}", style="bold")
    return out


class SuggestionCard(Static, can_focus=True):
    def __init__(self, suggestion: Suggestion, decision: Decision, lang: Lang) -> None:
        super().__init__(markup=False)
        self.lang: Lang = lang
        self.suggestion = suggestion
        self.decision = decision
        #: The agent revealed this held suggestion (an override). A later block still hides it.
        self.revealed = False
        self.accepted = False
        self.set_judgement(suggestion, decision)

    def set_judgement(self, suggestion: Suggestion, decision: Decision) -> None:
        unchanged = (
            self.is_mounted
            and suggestion == self.suggestion
            and (decision.verdict, decision.reasons, decision.guidance)
            == (self.decision.verdict, self.decision.reasons, self.decision.guidance)
        )
        self.suggestion, self.decision = suggestion, decision
        if unchanged:  # re-judged to the same outcome: nothing to redraw
            return
        for v in Verdict:
            self.set_class(v is decision.verdict, f"-{v.value}")
        self._render_card()

    def reveal(self) -> None:
        self.revealed = True
        self._render_card()

    def mark_accepted(self) -> None:
        self.accepted = True
        self._render_card()

    # Called before the widget's own focus handling has set ``has_focus``: say it.
    def on_focus(self) -> None:
        self._render_card(focused=True)

    def on_blur(self) -> None:
        self._render_card(focused=False)

    def _render_card(self, focused: bool | None = None) -> None:
        shown = self.revealed and self.decision.verdict is Verdict.HOLD
        self.set_class(shown, "-revealed")
        update_text(
            self,
            render_card(
                self.suggestion,
                self.decision,
                self.lang,
                revealed=self.revealed,
                accepted=self.accepted,
                focused=self.has_focus if focused is None else focused,
            ),
        )


class SuggestionsPanel(VerticalScroll):
    DEFAULT_CSS = """
    SuggestionsPanel { height: 1fr; border: round $primary; padding: 0 1; }
    SuggestionsPanel:focus { border: heavy $accent; }
    SuggestionsPanel > #suggestions-empty, SuggestionsPanel > #blocked-count { color: $text-muted; }
    """

    blocked: reactive[int] = reactive(0)
    show_blocked: reactive[bool] = reactive(False)

    def __init__(self, lang: Lang, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.border_title = t("suggestions.title", lang)
        self._cards: dict[str, SuggestionCard] = {}
        #: Dismissed by the agent: gone for the rest of the call, also when re-judged.
        self._dismissed: set[str] = set()

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(t("suggestions.none", self.lang)), id="suggestions-empty")
        yield Static(id="blocked-count")

    def judged(self, items: Sequence[tuple[Suggestion, Decision]]) -> None:
        """Show new judgements; a re-judged suggestion is updated in place."""
        for suggestion, decision in items:
            if suggestion.id in self._dismissed:
                continue
            card = self._cards.get(suggestion.id)
            if card is None:
                card = SuggestionCard(suggestion, decision, self.lang)
                self._cards[suggestion.id] = card
                self.mount(card, before=self.query_one("#blocked-count"))
            else:
                card.set_judgement(suggestion, decision)
        self._recount()

    def dismiss(self, suggestion_id: str) -> None:
        """Take a suggestion off the panel for the rest of the call; focus moves to the next."""
        card = self._cards.pop(suggestion_id, None)
        self._dismissed.add(suggestion_id)
        if card is None:
            return
        if card.has_focus:
            visible = [
                c for c in self.cards if c.display and c.decision.verdict is not Verdict.BLOCK
            ]
            if visible:
                visible[0].focus()
        card.remove()
        self._recount()

    def _recount(self) -> None:
        self.query_one("#suggestions-empty").display = not self._cards
        self.blocked = sum(c.decision.verdict is Verdict.BLOCK for c in self._cards.values())

    def watch_blocked(self, value: int) -> None:
        self._show_blocked_count()

    def watch_show_blocked(self, value: bool) -> None:
        self.set_class(value, "-show-blocked")
        self._show_blocked_count()

    def _show_blocked_count(self) -> None:
        """How many are blocked, and what ``b`` does now: show them, or hide them again."""
        label = self.query_one("#blocked-count", Static)
        label.display = self.blocked > 0
        key = "suggestions.blocked_shown" if self.show_blocked else "suggestions.blocked_hidden"
        label.update(Text(t(key, self.lang, count=self.blocked)))

    @property
    def cards(self) -> list[SuggestionCard]:
        return list(self._cards.values())
