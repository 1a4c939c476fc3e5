"""The trainer's side panel "What the guard saw": for one moment of a replayed call, the language
the NLP layer detected, each life event with its evidence words, its context flags and whether
it counts (events the classifier's second opinion set aside are listed too, as heard and not
counted), and for each judged suggestion the verdict with every rule that fired.

It shows a :class:`GuardView` the screen builds from the pipeline's step; it never runs the
pipeline itself. Customer words are untrusted text: everything is built as ``rich.text.Text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from agent_desk.i18n import Lang, t
from agent_desk.session import Judged
from agent_desk.widgets.events import qualifiers
from nlp.types import EventType, LifeEvent, Utterance

#: Evidence shown per event: the words, not the whole utterance.
MAX_EVIDENCE_CHARS = 120


@dataclass(frozen=True)
class GuardView:
    """What the guard saw right after one utterance."""

    utterance: Utterance
    lang: str
    events: tuple[LifeEvent, ...]
    #: The customer's own current events the guard counts at this moment (the call so far).
    counted: tuple[EventType, ...]
    judged: tuple[Judged, ...]
    #: Suggestion ids whose verdict the trainee has not been shown yet (an open quiz question).
    withheld: frozenset[str] = frozenset()
    #: Events in this utterance the classifier veto set aside as look-alikes (not counted).
    set_aside: tuple[LifeEvent, ...] = ()


def _names(events: Sequence[EventType], lang: Lang) -> str:
    return ", ".join(t(f"event.{e.value}", lang) for e in events) or t(
        "trainer.guard.no_events", lang
    )


def render_view(view: GuardView, lang: Lang) -> Text:
    u = view.utterance
    out = Text()
    speaker = t(f"transcript.{u.speaker}", lang)
    out.append(
        t("trainer.guard.utterance", lang, id=u.id, speaker=speaker, lang=view.lang.upper()),
        style="bold",
    )
    out.append(f"\n\n{t('trainer.guard.events', lang)}", style="underline")
    if not view.events and not view.set_aside:
        out.append(f"\n  {t('trainer.guard.no_events', lang)}", style="dim")
    heard = [(ev, False) for ev in view.events] + [(ev, True) for ev in view.set_aside]
    for ev, aside in heard:
        out.append("\n• ")
        out.append(t(f"event.{ev.type.value}", lang), style="bold")
        out.append("  ")
        out.append(t("trainer.guard.evidence", lang, text=ev.text[:MAX_EVIDENCE_CHARS]))
        flags = qualifiers(ev, lang)
        if aside:
            flags.append(t("events.set_aside", lang))
        if flags:
            out.append("  ")
            out.append(f"({', '.join(flags)})", style="italic")
        counts = ev.asserted and not aside
        if aside:
            verdict = "trainer.guard.set_aside"
        else:
            verdict = "trainer.guard.counts" if counts else "trainer.guard.not_counts"
        out.append(f"\n  → {t(verdict, lang)}", style="" if counts else "dim")
    out.append(f"\n\n{t('trainer.guard.counted_so_far', lang, events=_names(view.counted, lang))}")
    out.append(f"\n\n{t('trainer.guard.suggestions', lang)}", style="underline")
    if not view.judged:
        out.append(f"\n  {t('trainer.guard.no_suggestions', lang)}", style="dim")
    for j in view.judged:
        s, d = j.suggestion, j.decision
        out.append("\n")
        if s.id in view.withheld:
            out.append(f"? {s.title}", style="bold")
            out.append(f"\n  {t('trainer.guard.withheld', lang)}", style="italic")
            continue
        out.append(t(f"verdict.{d.verdict.value}", lang), style="bold")
        out.append("  ")
        out.append(s.title, style="bold")
        if not d.reasons:
            out.append(f"\n  {t('trainer.guard.no_rules', lang)}", style="dim")
        for r in d.reasons:
            rule = t(
                "trainer.guard.rule",
                lang,
                rule=r.rule,
                dimension=t(f"trainer.dimension.{r.dimension.value}", lang),
                enforcement=t(f"trainer.enforcement.{r.enforcement}", lang),
                verdict=t(f"verdict.{r.verdict.value}", lang),
            )
            out.append(f"\n  • {rule}", style="" if r.enforcement == "enforce" else "dim")
            out.append(f"\n    {r.message}")
        if d.guidance:
            out.append(
                f"\n  ➜ {t('trainer.guard.guidance', lang, text=d.guidance)}", style="italic"
            )
    return out


class GuardSawPanel(VerticalScroll):
    DEFAULT_CSS = """
    GuardSawPanel { height: 1fr; border: round $primary; padding: 0 1; }
    GuardSawPanel:focus { border: heavy $accent; }
    GuardSawPanel > #guard-body { height: auto; }
    """

    def __init__(self, lang: Lang, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang: Lang = lang
        self.border_title = t("trainer.guard.title", lang)
        self.view: GuardView | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(t("trainer.guard.empty", self.lang)), id="guard-body", markup=False)

    @property
    def text(self) -> str:
        """What the panel says now, as plain text."""
        return str(self.query_one("#guard-body", Static).content)

    def show_view(self, view: GuardView) -> None:
        self.view = view
        self.query_one("#guard-body", Static).update(render_view(view, self.lang))

    def show_message(self, key: str) -> None:
        self.view = None
        self.query_one("#guard-body", Static).update(Text(t(key, self.lang)))
