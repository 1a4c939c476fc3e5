"""The ``agent-desk guard check`` document: one JSON request in, one JSON answer out.

Input (docs/architecture.md, public contract)::

    {"lang": "nl", "conversation": [{"speaker": "customer", "text": "..."}],
     "customer": {"opted_out_of_offers": false},
     "suggestions": [{"id": "s1", "title": "...", "kind": "sales", "script": "...",
                      "customer_value": 0.2, "org_value": 0.8, "uses_inferred_data": false}]}

Additive, optional: a turn may carry an ``id``; a suggestion may carry ``credit``, ``group``,
``action_id`` and ``for_events``; ``state`` may carry what an agent UI records
(``declined_actions``/``declined_groups``/``declined_kinds``, ``emergency_brake``,
``disclosure_acknowledged``, ``customer_question_open``).
Output: ``{"events": [...], "decisions": [...]}``; events as ``agent-desk detect`` writes them,
plus the ``utterance_id`` they were heard in.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guards.engine import Guard
from guards.state import SessionBuilder
from guards.types import Decision, Suggestion
from guards.yamlsrc import Params, Problem, pydantic_parts
from nlp.conversation import ConversationTracker
from nlp.detector import Detector
from nlp.types import Lang, Speaker, Utterance

MAX_TURNS = 5_000
MAX_SUGGESTIONS = 200
MAX_TEXT = 5_000


class InputError(ValueError):
    """The request document is not valid; ``field`` names where, ``message`` says what (in
    English). ``code`` and ``params`` say it for translation (``agent_desk.problems``); a request
    that does not validate carries one :class:`Problem` per field instead (no file, no line)."""

    def __init__(
        self,
        field: str,
        message: str,
        code: str = "",
        params: Params | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        self.field = field
        self.message = message
        self.code = code
        self.params: Params = dict(params or {})
        self.problems = problems
        super().__init__(f"{field}: {message}" if field else message)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Turn(_Strict):
    id: str | None = Field(default=None, min_length=1, max_length=200)
    speaker: Speaker
    text: str = Field(max_length=MAX_TEXT)


class Customer(_Strict):
    opted_out_of_offers: bool = False


class AgentState(_Strict):
    declined_actions: tuple[str, ...] = ()
    declined_groups: tuple[str, ...] = ()
    declined_kinds: tuple[str, ...] = ()
    emergency_brake: bool = False
    disclosure_acknowledged: bool = False
    customer_question_open: bool | None = None


class CheckRequest(_Strict):
    lang: Lang | None = None
    conversation: list[Turn] = Field(max_length=MAX_TURNS)
    customer: Customer = Customer()
    suggestions: list[Suggestion] = Field(max_length=MAX_SUGGESTIONS)
    state: AgentState = AgentState()


def parse_request(data: Any) -> CheckRequest:
    if not isinstance(data, dict):
        raise InputError("", "the input must be one JSON object", "input_not_object")
    try:
        return CheckRequest.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            msg = err["msg"]
            if err["type"] == "missing":
                msg = "required field is missing"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field (check the spelling)"
            code, params, detail = pydantic_parts(err)
            where = ".".join(str(p) for p in err["loc"])
            problems.append(Problem("", None, where, msg, code, detail, params=params))
        first = problems[0]
        rest = "; ".join(f"{p.field}: {p.message}" for p in problems[1:])
        message = first.message + (f"; {rest}" if rest else "")
        raise InputError(first.field, message, problems=tuple(problems)) from exc


def decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "suggestion_id": decision.suggestion_id,
        "verdict": decision.verdict.value,
        "reasons": [
            {
                "rule": r.rule,
                "dimension": r.dimension.value,
                "message": r.message,
                "verdict": r.verdict.value,
                "enforcement": r.enforcement,
            }
            for r in decision.reasons
        ],
        "guidance": decision.guidance,
        "decision_id": decision.decision_id,
        "rule_set_version": decision.rule_set_version,
    }


def check(
    request: CheckRequest,
    guard: Guard,
    lang: Lang | None = None,
    detector: Detector | None = None,
) -> dict[str, Any]:
    """Replay the conversation through the NLP tracker and judge every suggestion."""
    chosen = lang or request.lang
    builder = SessionBuilder(ConversationTracker(detector, lang=chosen), chosen)
    seen: set[str] = set()
    for i, turn in enumerate(request.conversation):
        uid = turn.id or f"u{i + 1}"
        if uid in seen:
            raise InputError(
                f"conversation.{i}.id",
                f"utterance id {uid!r} is used twice",
                "utterance_id_used_twice",
                {"id": uid},
            )
        seen.add(uid)
        builder.observe(Utterance(id=uid, speaker=turn.speaker, text=turn.text, lang=chosen))
    extras = request.state.model_dump(exclude_none=True)
    state = builder.state(request.customer, **extras)
    decisions = guard.judge_all(state, request.suggestions, chosen or state.lang)
    return {
        "events": [
            {**o.event.model_dump(mode="json"), "utterance_id": o.utterance_id}
            for o in state.events
        ],
        "decisions": [decision_json(d) for d in decisions],
    }
