"""Suggestions, verdicts and decisions: the guard's public vocabulary.

Identifiers are a public contract (docs/architecture.md): change them only additively.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from nlp.types import EventType


class Verdict(StrEnum):
    """From mildest to strictest. Order matters: the strictest enforced outcome wins."""

    SHOW = "show"
    GUIDE = "guide"
    HOLD = "hold"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Verdict.SHOW: 0, Verdict.GUIDE: 1, Verdict.HOLD: 2, Verdict.BLOCK: 3}


class SuggestionKind(StrEnum):
    SALES = "sales"
    RETENTION = "retention"
    SERVICE = "service"
    CARE = "care"
    ADVICE = "advice"
    REFERRAL = "referral"
    COLLECTIONS = "collections"


#: Kinds that sell or keep business; the autonomy ledger and vulnerability rules apply to them.
COMMERCIAL_KINDS: frozenset[SuggestionKind] = frozenset(
    {SuggestionKind.SALES, SuggestionKind.RETENTION}
)


class Dimension(StrEnum):
    """Hogeschool Utrecht's service-experience dimensions, value alignment, equal treatment."""

    LANGUAGE = "language"
    PLACE_TIME = "place_time"
    COMPLEXITY = "complexity"
    RELEVANCE = "relevance"
    TRUST = "trust"
    EMPATHY = "empathy"
    AUTONOMY = "autonomy"
    VALUE_ALIGNMENT = "value_alignment"
    EQUAL_TREATMENT = "equal_treatment"


class Suggestion(BaseModel):
    """One proactive proposal from a next-best-action source, before the guard has judged it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=200)
    title: str = Field(max_length=500)
    kind: SuggestionKind
    script: str = Field(default="", max_length=5000)
    customer_value: float = Field(ge=0, le=1)
    org_value: float = Field(ge=0, le=1)
    uses_inferred_data: bool = False
    #: Credit products (loans, overdrafts, credit cards, buy-now-pay-later).
    credit: bool = False
    #: Catalogue action id this suggestion came from, when known.
    action_id: str | None = None
    #: The Pega-style group (e.g. "CreditCards"); the autonomy ledger suppresses per group too.
    group: str | None = None
    #: The life events this action is meant for (the catalogue's trigger events); empty when the
    #: source does not say. The guard holds help meant for a situation nobody in the call is in.
    for_events: tuple[EventType, ...] = ()


class Reason(BaseModel):
    """One rule that fired, in words a supervisor and an agent understand."""

    model_config = ConfigDict(frozen=True)

    rule: str
    dimension: Dimension
    message: str
    verdict: Verdict = Verdict.SHOW
    enforcement: str = "enforce"


class Decision(BaseModel):
    """The guard's advice for one suggestion."""

    model_config = ConfigDict(frozen=True)

    decision_id: str
    suggestion_id: str
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()
    guidance: str = ""
    rule_set_version: str = ""
