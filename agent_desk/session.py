"""One call's pipeline: utterance -> life events -> session state -> NBA suggestions -> guard.

Live calls, trainer replays, ``agent-desk replay --no-ui`` and the supervisors' dry-run all go
through :class:`CallSession`; there is no second implementation of the pipeline. It is also the
small async API other desktops embed (see docs/plugins.md): feed it utterances, get events and
judged suggestions back, report the agent's reactions.

Fail closed: if detection, the NBA source or the guard fails or times out, no suggestion is
returned unjudged; the step carries a one-line problem instead.

Set aside, not forgotten: with the classifier's second opinion (setting ``nlp_veto``, on by
default), the events the rules heard as asserted but the classifier judged look-alikes
(``Detection.set_aside``) travel in their own list (``Step.set_aside``,
:attr:`CallSession.set_aside`), so a screen can show what was heard and set aside. They never
enter the guard's state, the NBA request or :meth:`CallSession.asserted_event_types`: nothing
counts them as the customer's events. The decision log records their types apart
(:meth:`CallSession.set_aside_event_types`).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent_desk.library.conversation import CustomerProfile
from agent_desk.nba.base import NBAContext, NBASource, NBAUnavailable, Reaction
from guards.engine import Guard
from guards.rules import RuleSet
from guards.state import ObservedWish, SessionBuilder, SessionState
from guards.types import Decision, Suggestion, Verdict
from nlp.conversation import ConversationTracker, ObservedEvent
from nlp.detector import Detection, Detector, get_detector
from nlp.types import Lang, LifeEvent, Utterance

#: How long the NBA source may take before the agent is told it is slow (the call goes on).
DEFAULT_NBA_TIMEOUT_S = 0.5
#: The decision log's call reference holds at most this many characters.
MAX_CALL_REF = 80

#: The utterance id of a wish the agent marked by hand rather than the NLP layer heard.
AGENT_MARKED = "agent-marked"


@dataclass(frozen=True)
class Judged:
    suggestion: Suggestion
    decision: Decision


@dataclass(frozen=True)
class Step:
    """What one utterance changed."""

    utterance: Utterance
    lang: Lang
    events: tuple[LifeEvent, ...] = ()
    #: Asserted events the classifier veto set aside as look-alikes: shown, never counted.
    set_aside: tuple[LifeEvent, ...] = ()
    #: Every active suggestion, (re-)judged against the state after this utterance.
    judged: tuple[Judged, ...] = ()
    problems: tuple[str, ...] = ()

    def timeline_line(self) -> dict[str, Any]:
        """The JSON Lines timeline of ``agent-desk replay --no-ui``."""
        u = self.utterance
        return {
            "id": u.id,
            "t": u.t,
            "speaker": u.speaker,
            "text": u.text,
            "lang": self.lang,
            "events": [e.model_dump(mode="json") for e in self.events],
            **(
                {"set_aside": [e.model_dump(mode="json") for e in self.set_aside]}
                if self.set_aside
                else {}
            ),
            "decisions": [
                {
                    "suggestion_id": j.suggestion.id,
                    "action": j.suggestion.action_id,
                    "kind": j.suggestion.kind.value,
                    "verdict": j.decision.verdict.value,
                    "rules": [r.rule for r in j.decision.reasons],
                }
                for j in self.judged
            ],
            **({"problems": list(self.problems)} if self.problems else {}),
        }


@dataclass
class CallSession:
    """The state of one call and the pipeline that advances it."""

    rule_set: RuleSet
    nba: NBASource | None = None
    lang: Lang = "nl"
    customer: CustomerProfile = field(default_factory=CustomerProfile)
    call_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    detector: Detector | None = None
    nba_timeout_s: float = DEFAULT_NBA_TIMEOUT_S
    #: Language of guard reasons and guidance: the agent's UI language. Scripts stay in the
    #: call's language (``lang``), because that is what the agent says to the customer.
    reason_lang: Lang | None = None

    def __post_init__(self) -> None:
        self._detector = self.detector or get_detector()
        self._tracker = ConversationTracker(self._detector, lang=self.lang)
        self._builder = SessionBuilder(self._tracker, self.lang)
        self._guard = Guard(self.rule_set)
        self._active: dict[str, Suggestion] = {}
        self._declined: list[Suggestion] = []
        self._last_decided: dict[str, tuple[Verdict, tuple[str, ...]]] = {}
        #: What the classifier veto set aside, per customer utterance id (a final after partials
        #: replaces what that id said before, as in the tracker).
        self._set_aside: dict[str, tuple[LifeEvent, ...]] = {}
        self._set_aside_lock = threading.Lock()
        #: Whether an utterance went through: after that the call id no longer changes.
        self._heard_any = False
        self.emergency_brake = False
        self.disclosure_acknowledged = False
        self.question_handled = False
        self.no_offers_marked = False

    def start_call(self, call_id: str) -> bool:
        """Take the contact platform's call id (``CallStarted.platform``) before anything was
        heard, so the decision log, the agent's reactions and the decisioning service name the
        platform's call rather than a made-up one. Not taken: an id holding a personal
        identifier (a phone number, an e-mail address...: :func:`agent_desk.redact.redact` would
        change it; the log keeps no identifiers), or one that comes after the first utterance
        (decisions already logged keep their call). An id longer than the log's 80 characters
        keeps its start and a hash of the whole, so it stays unique. Returns whether it was
        taken."""
        from agent_desk.redact import redact

        call_id = call_id.strip()
        if self._heard_any or not call_id or redact(call_id) != call_id:
            return False
        if len(call_id) > MAX_CALL_REF:
            digest = hashlib.sha256(call_id.encode("utf-8")).hexdigest()[:16]
            call_id = f"{call_id[: MAX_CALL_REF - 17]}~{digest}"
        self.call_id = call_id
        return True

    def use_rules(self, rule_set: RuleSet) -> None:
        """Judge with another rule set from now on (a supervisor published a new version)."""
        self.rule_set = rule_set
        self._guard = Guard(rule_set)

    # -- state ---------------------------------------------------------------------------------
    @property
    def tracker(self) -> ConversationTracker:
        return self._tracker

    def state(self) -> SessionState:
        """The guard's view of the call now: what was heard plus what the agent recorded."""
        extras: dict[str, Any] = {
            "declined_actions": tuple(s.action_id or s.id for s in self._declined),
            "declined_groups": tuple(s.group for s in self._declined if s.group),
            "declined_kinds": tuple(s.kind.value for s in self._declined),
            "emergency_brake": self.emergency_brake,
            "disclosure_acknowledged": self.disclosure_acknowledged,
        }
        if self.question_handled:
            extras["customer_question_open"] = False
        state = self._builder.state(self.customer, **extras)
        if self.no_offers_marked:
            wish = ObservedWish(kind="no_offers", utterance_id=AGENT_MARKED)
            state = state.model_copy(update={"wishes": (*state.wishes, wish)})
        return state

    @property
    def set_aside(self) -> list[ObservedEvent]:
        """Events the rules heard as asserted and the classifier veto set aside, in call order:
        for screens that show what was heard; the guard never sees them."""
        with self._set_aside_lock:
            return [
                ObservedEvent(event=e, utterance_id=uid)
                for uid, events in self._set_aside.items()
                for e in events
            ]

    # -- the pipeline --------------------------------------------------------------------------
    def hear(self, utterance: Utterance) -> Detection:
        """Run the NLP layer on one utterance (CPU-bound: call from a worker thread in a UI)."""
        detection = self._builder.observe(utterance)
        if utterance.speaker == "customer":
            with self._set_aside_lock:
                self._set_aside.pop(utterance.id, None)
                if detection.set_aside:
                    self._set_aside[utterance.id] = tuple(detection.set_aside)
        return detection

    def judge_active(self) -> tuple[Judged, ...]:
        """Judge every active suggestion against the current state; fail closed per suggestion."""
        state = self.state()
        decisions = self._guard.judge_all(
            state, list(self._active.values()), self.reason_lang or self.lang
        )
        return tuple(Judged(s, d) for s, d in zip(self._active.values(), decisions, strict=True))

    async def propose(self, utterance: Utterance) -> tuple[list[Suggestion], str | None]:
        if self.nba is None:
            return [], None
        context = NBAContext(
            call_id=self.call_id,
            lang=self.lang,
            utterance=utterance,
            events=frozenset(o.event.type for o in self._tracker.asserted),
            proposed=frozenset(s.action_id or s.id for s in self._active.values()),
        )
        try:
            async with asyncio.timeout(self.nba_timeout_s):
                return list(await self.nba.propose(context)), None
        except TimeoutError:
            return [], f"{self.nba.name}: no answer within {self.nba_timeout_s:g}s"
        except NBAUnavailable as exc:
            return [], f"{self.nba.name}: {exc}"

    async def process(self, utterance: Utterance) -> Step:
        """Advance the call by one utterance. Partials update the transcript only."""
        return (await self.process_batch([utterance]))[0]

    async def process_batch(self, utterances: Sequence[Utterance]) -> list[Step]:
        """Advance the call by several utterances that arrived together (a burst).

        The NLP layer hears them in one worker-thread hop and the guard judges once, after the
        last: only the newest judgement is shown, so judging each intermediate state would be
        work nobody sees. Only the last final step carries the judgements.
        """
        finals = [u for u in utterances if u.final]
        if utterances:
            self._heard_any = True
        detections = (
            await asyncio.to_thread(lambda: [self.hear(u) for u in finals]) if finals else []
        )
        heard = dict(zip((id(u) for u in finals), detections, strict=True))
        problems: list[str] = []
        for u in finals:
            new, problem = await self.propose(u)
            if problem:
                problems.append(problem)
            for s in new:
                self._active.setdefault(s.id, s)
        judged = await asyncio.to_thread(self.judge_active) if finals else ()
        steps: list[Step] = []
        last_final = finals[-1] if finals else None
        for u in utterances:
            detection = heard.get(id(u))
            if detection is None:
                steps.append(Step(utterance=u, lang=self.lang))
                continue
            last = u is last_final
            steps.append(
                Step(
                    utterance=u,
                    lang=detection.lang if u.speaker == "customer" else self.lang,
                    events=tuple(detection.events),
                    set_aside=tuple(detection.set_aside),
                    judged=judged if last else (),
                    problems=tuple(problems) if last else (),
                )
            )
        return steps

    def asserted_event_types(self) -> list[str]:
        """The customer's own life-event types heard so far (public identifiers): what a decision
        row records beside the verdict, never the words that were said. Events the classifier
        veto set aside are not among them (see :attr:`set_aside`)."""
        return [o.event.type.value for o in self._tracker.asserted]

    def set_aside_event_types(self) -> list[str]:
        """The life-event types the classifier veto set aside so far (public identifiers, in
        call order): what a decision row records apart from :meth:`asserted_event_types`, so a
        supervisor sees what was heard and set aside. Never counted as the customer's events."""
        return [o.event.type.value for o in self.set_aside]

    def new_decisions(self, judged: Sequence[Judged]) -> list[Judged]:
        """The judgements that differ from what this call last decided for the same suggestion:
        what the decision log records (a re-judgement that changes nothing is not a decision)."""
        fresh: list[Judged] = []
        for j in judged:
            key = (j.decision.verdict, tuple(r.rule for r in j.decision.reasons))
            if self._last_decided.get(j.suggestion.id) != key:
                self._last_decided[j.suggestion.id] = key
                fresh.append(j)
        return fresh

    # -- the agent's reactions -----------------------------------------------------------------
    def declined(self, suggestion_id: str) -> None:
        """The customer declined this offer: the autonomy ledger suppresses it for the call."""
        s = self._active.get(suggestion_id)
        if s is not None:
            self._declined.append(s)

    def mark_no_offers(self) -> None:
        """The customer wants no offers in this call (the agent marked it). The state then carries
        a ``no_offers`` wish exactly as if the NLP layer had heard it, so the same rule
        (``autonomy.no-offers``: hold) applies; the profile's opt-out is a standing choice the
        agent cannot make for the customer mid-call."""
        self.no_offers_marked = True

    async def report(self, reaction: Reaction) -> None:
        if reaction.kind == "dismissed" and reaction.reason == "customer_declined":
            self.declined(reaction.suggestion_id)
        if self.nba is not None:
            await self.nba.report(reaction)


def visible(judged: Sequence[Judged]) -> list[Judged]:
    """What an agent may see without acting: never anything blocked."""
    return [j for j in judged if j.decision.verdict is not Verdict.BLOCK]
