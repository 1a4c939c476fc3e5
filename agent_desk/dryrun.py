"""Dry-run: replay conversations with a draft and with the published rule set, and diff verdicts.

Both rule sets judge the same call through the one pipeline (:class:`CallSession` with the
conversation's recorded NBA suggestions, :class:`ScriptedSource`), utterance by utterance in
lockstep. The NLP layer hears each utterance once: the two sessions share a detector that keeps
this conversation's results, so a dry-run costs one NLP pass plus two guard passes.

A *decision* is counted where the decision log would record one: a suggestion's verdict or fired
rules changed under either rule set. A *change* is a decision where the two verdicts differ; a
suggestion that differs for the rest of the call is reported once, where it started to differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_desk.i18n import t
from agent_desk.library.catalog import Action, load_catalogs
from agent_desk.library.conversation import Conversation
from agent_desk.library.yamlio import DataFileError, load_model
from agent_desk.nba.catalog import ScriptedSource
from agent_desk.paths import catalog_dir
from agent_desk.session import CallSession, Judged
from guards.rules import RuleSet
from guards.types import Verdict
from nlp.detector import Detection, Detector, get_detector
from nlp.types import EventType, Lang

#: Changes named one by one in the plain-words summary; the JSON has them all.
SUMMARY_EXAMPLES = 3


def version_label(rule_set: RuleSet) -> str:
    """``id@version``, the form decisions carry in the log."""
    return f"{rule_set.id}@{rule_set.version}"


@dataclass(frozen=True)
class VerdictChange:
    conversation_id: str
    utterance_id: str
    suggestion_id: str
    action: str
    kind: str
    before: Verdict
    after: Verdict
    #: The customer's asserted life events at that moment (types only).
    events: tuple[EventType, ...]
    rules_before: tuple[str, ...]
    rules_after: tuple[str, ...]

    @property
    def loosened(self) -> bool:
        """The draft is less strict than the published rules here (show < guide < hold < block)."""
        return self.after.severity < self.before.severity

    def to_json(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "utterance_id": self.utterance_id,
            "suggestion_id": self.suggestion_id,
            "action": self.action,
            "kind": self.kind,
            "before": self.before.value,
            "after": self.after.value,
            "loosened": self.loosened,
            "events": [e.value for e in self.events],
            "rules_before": list(self.rules_before),
            "rules_after": list(self.rules_after),
        }


@dataclass(frozen=True)
class DryRunReport:
    draft_version: str
    published_version: str
    conversations: int
    decisions: int
    changes: tuple[VerdictChange, ...]
    #: Conversation files that were skipped, each with its reason.
    unusable: tuple[str, ...]
    draft_digest: str = ""
    published_digest: str = ""

    @property
    def loosened(self) -> int:
        return sum(c.loosened for c in self.changes)

    @property
    def tightened(self) -> int:
        return len(self.changes) - self.loosened

    def changed_conversations(self) -> list[str]:
        return list(dict.fromkeys(c.conversation_id for c in self.changes))

    def by_event(self) -> dict[str, int]:
        """How many changes happened while each life event was current (``none``: no event)."""
        counts: Counter[str] = Counter()
        for c in self.changes:
            counts.update([e.value for e in c.events] or ["none"])
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def summary(self, lang: Lang) -> str:
        """A few plain lines for a supervisor deciding whether to publish."""
        lines = [
            t(
                "oversight.dryrun.header",
                lang,
                draft=self.draft_version,
                published=self.published_version,
                conversations=self.conversations,
                decisions=self.decisions,
            )
        ]
        if not self.changes:
            lines.append(t("oversight.dryrun.no_changes", lang))
        else:
            lines.append(
                t(
                    "oversight.dryrun.changes",
                    lang,
                    changed=len(self.changes),
                    in_conversations=len(self.changed_conversations()),
                    stricter=self.tightened,
                    looser=self.loosened,
                )
            )
            events = ", ".join(
                f"{_event_name(name, lang)} {n}" for name, n in self.by_event().items()
            )
            lines.append(t("oversight.dryrun.events", lang, events=events))
            loosened = [c for c in self.changes if c.loosened]
            for c in loosened[:SUMMARY_EXAMPLES]:
                lines.append(t("oversight.dryrun.loosened_example", lang, **_change_words(c, lang)))
            if len(loosened) > SUMMARY_EXAMPLES:
                lines.append(
                    t("oversight.dryrun.more", lang, count=len(loosened) - SUMMARY_EXAMPLES)
                )
        if self.unusable:
            lines.append(t("oversight.dryrun.unusable", lang, count=len(self.unusable)))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "draft_version": self.draft_version,
            "draft_digest": self.draft_digest,
            "published_version": self.published_version,
            "published_digest": self.published_digest,
            "conversations": self.conversations,
            "decisions": self.decisions,
            "changed": len(self.changes),
            "loosened": self.loosened,
            "tightened": self.tightened,
            "changed_conversations": self.changed_conversations(),
            "by_event": self.by_event(),
            "changes": [c.to_json() for c in self.changes],
            "unusable": list(self.unusable),
        }


def _event_name(value: str, lang: Lang) -> str:
    if value == "none":
        return t("oversight.dryrun.no_event", lang)
    return t(f"event.{value}", lang).lower()


def change_line(change: VerdictChange, lang: Lang) -> str:
    """One change in plain words (the CLI lists them under the summary)."""
    words = _change_words(change, lang)
    if change.rules_before == change.rules_after:
        return t("oversight.dryrun.change_line_same_rules", lang, **words)
    return t("oversight.dryrun.change_line", lang, **words)


def _change_words(c: VerdictChange, lang: Lang) -> dict[str, str]:
    return {
        "conversation": c.conversation_id,
        "utterance": c.utterance_id,
        "action": c.action,
        "kind": c.kind,
        "before": c.before.value,
        "after": c.after.value,
        "events": ", ".join(_event_name(e.value, lang) for e in c.events)
        or t("oversight.dryrun.no_event", lang),
        "rules_before": ", ".join(c.rules_before) or "-",
        "rules_after": ", ".join(c.rules_after) or "-",
    }


class _HeardOnce(Detector):
    """A detector that remembers what it heard in one conversation, so the second session
    replaying the same utterances gets the first session's detections instead of a new NLP pass.
    The spaCy pipelines themselves are the shared detector's."""

    def __init__(self, base: Detector) -> None:
        super().__init__()
        self._base = base
        self._heard: dict[tuple[str, str | None], Detection] = {}

    def pipeline(self, lang: Lang) -> Any:
        return self._base.pipeline(lang)

    def detect_many(self, texts: Iterable[str], lang: str | None = None) -> list[Detection]:
        items = list(texts)
        missing = list(dict.fromkeys(x for x in items if (x, lang) not in self._heard))
        if missing:
            for text, detection in zip(missing, self._base.detect_many(missing, lang), strict=True):
                self._heard[(text, lang)] = detection
        return [self._heard[(x, lang)] for x in items]


def load_conversations(folder: Path, lang: Lang = "en") -> tuple[list[Conversation], list[str]]:
    """Every ``*.yaml`` conversation in ``folder`` (sorted by file name): the usable ones, and
    one line per unusable file naming the file and every problem (in ``lang`` where the problem
    can be translated). Never raises for a bad file."""
    from agent_desk.problems import problem_line

    usable: list[Conversation] = []
    unusable: list[str] = []
    seen: dict[str, Path] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            conversation, _ = load_model(path, Conversation)
        except DataFileError as exc:
            unusable.append(
                f"{path.name}: " + "; ".join(problem_line(p, lang) for p in exc.problems)
            )
            continue
        except (OSError, UnicodeDecodeError) as exc:
            unusable.append(f"{path.name}: {exc}")
            continue
        if conversation.id in seen:
            taken = t(
                "oversight.dryrun.duplicate_id",
                lang,
                id=repr(conversation.id),
                other=seen[conversation.id].name,
            )
            unusable.append(f"{path.name}: {taken}")
            continue
        seen[conversation.id] = path
        usable.append(conversation)
    return usable, unusable


@dataclass
class _Track:
    """The last (published, draft) outcome per suggestion, to count decisions and changes."""

    last: dict[str, tuple[Verdict, tuple[str, ...], Verdict, tuple[str, ...]]] = field(
        default_factory=dict
    )


def _rules(j: Judged) -> tuple[str, ...]:
    return tuple(r.rule for r in j.decision.reasons)


async def _replay(
    conversation: Conversation,
    draft: RuleSet,
    published: RuleSet,
    actions: dict[str, Action],
    detector: Detector,
) -> tuple[int, list[VerdictChange]]:
    heard = _HeardOnce(detector)

    def session(rule_set: RuleSet) -> CallSession:
        return CallSession(
            rule_set=rule_set,
            nba=ScriptedSource(conversation, actions),
            lang=conversation.lang,
            customer=conversation.customer,
            call_id=conversation.id,
            detector=heard,
            # Scripted suggestions answer at once; a loaded machine must not turn into "no
            # suggestion" in one session and a verdict in the other.
            nba_timeout_s=30.0,
            reason_lang="en",
        )

    before, after = session(published), session(draft)
    track = _Track()
    decisions = 0
    changes: list[VerdictChange] = []
    for fixture_utterance in conversation.utterances:
        utterance = fixture_utterance.to_utterance(conversation.lang)
        step_before = await before.process(utterance)
        step_after = await after.process(utterance)
        drafted = {j.suggestion.id: j for j in step_after.judged}
        events = tuple(
            sorted(
                {o.event.type for o in before.tracker.asserted},
                key=lambda e: list(EventType).index(e),
            )
        )
        for jb in step_before.judged:
            ja = drafted.get(jb.suggestion.id)
            if ja is None:
                continue
            key = (jb.decision.verdict, _rules(jb), ja.decision.verdict, _rules(ja))
            if track.last.get(jb.suggestion.id) == key:
                continue
            previous = track.last.get(jb.suggestion.id)
            track.last[jb.suggestion.id] = key
            decisions += 1
            if jb.decision.verdict is ja.decision.verdict:
                continue
            if previous is not None and (previous[0], previous[2]) == (key[0], key[2]):
                continue  # the same difference, only the fired rules moved
            changes.append(
                VerdictChange(
                    conversation_id=conversation.id,
                    utterance_id=utterance.id,
                    suggestion_id=jb.suggestion.id,
                    action=jb.suggestion.action_id or jb.suggestion.id,
                    kind=jb.suggestion.kind.value,
                    before=jb.decision.verdict,
                    after=ja.decision.verdict,
                    events=events,
                    rules_before=_rules(jb),
                    rules_after=_rules(ja),
                )
            )
    return decisions, changes


async def dry_run(
    draft: RuleSet,
    published: RuleSet,
    conversations: Sequence[Conversation],
    *,
    unusable: Sequence[str] = (),
    detector: Detector | None = None,
) -> DryRunReport:
    """Replay every conversation with both rule sets and report the verdicts that differ."""
    actions = load_catalogs(catalog_dir())
    base = detector or get_detector()
    decisions = 0
    changes: list[VerdictChange] = []
    for conversation in conversations:
        n, found = await _replay(conversation, draft, published, actions, base)
        decisions += n
        changes.extend(found)
    return DryRunReport(
        draft_version=version_label(draft),
        published_version=version_label(published),
        conversations=len(conversations),
        decisions=decisions,
        changes=tuple(changes),
        unusable=tuple(unusable),
        draft_digest=draft.digest,
        published_digest=published.digest,
    )
