"""The life-event vocabulary every layer shares.

These identifiers and field names are a public contract (see docs/architecture.md):
`agent-desk detect` writes them, the guard reads them, fixtures annotate with them.
Change them only additively.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class EventType(StrEnum):
    """The stable life-event identifiers (FCA FG21/1 drivers + Dutch levensgebeurtenissen)."""

    BEREAVEMENT = "bereavement"
    SEPARATION = "separation"
    JOB_LOSS = "job_loss"
    FINANCIAL_DIFFICULTY = "financial_difficulty"
    ILLNESS = "illness"
    MOVING = "moving"
    NEW_CHILD = "new_child"
    RETIREMENT = "retirement"
    MARRIAGE = "marriage"
    DOMESTIC_ABUSE = "domestic_abuse"
    CARING = "caring"


#: Events that make a customer potentially vulnerable (FCA FG21/1 drivers); the guard is careful.
VULNERABILITY_EVENTS: frozenset[EventType] = frozenset(
    {
        EventType.BEREAVEMENT,
        EventType.SEPARATION,
        EventType.JOB_LOSS,
        EventType.FINANCIAL_DIFFICULTY,
        EventType.ILLNESS,
        EventType.DOMESTIC_ABUSE,
        EventType.CARING,
    }
)

#: Positive or neutral events: they must not suppress relevant offers (anti-paternalism).
NEUTRAL_EVENTS: frozenset[EventType] = frozenset(
    {EventType.MOVING, EventType.NEW_CHILD, EventType.RETIREMENT, EventType.MARRIAGE}
)

Experiencer = Literal["customer", "other"]
Speaker = Literal["customer", "agent", "system"]
Lang = Literal["nl", "en"]


class LifeEvent(BaseModel):
    """One life event heard in one utterance, with its evidence span and ConText-style flags.

    ``start``/``end`` are character offsets into the utterance text; ``text`` is
    ``utterance.text[start:end]``.
    """

    model_config = ConfigDict(frozen=True)

    type: EventType
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    negated: bool = False
    hypothetical: bool = False
    experiencer: Experiencer = "customer"
    historical: bool = False

    @property
    def asserted(self) -> bool:
        """True when this is the customer's own, real, current situation (not negated/hypothetical).

        The customer's household counts as the customer: a partner's job loss is asserted.
        """
        return (
            not self.negated
            and not self.hypothetical
            and self.experiencer == "customer"
            and not self.historical
        )


class Utterance(BaseModel):
    """One turn (or a partial of it) in a conversation, as a feed delivers it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=200)
    speaker: Speaker
    text: str
    t: float = Field(default=0.0, ge=0, description="Seconds since the call started.")
    final: bool = True
    lang: Lang | None = None


WishKind = Literal["no_offers", "not_interested"]


class CustomerWish(BaseModel):
    """Something the customer said about being sold to, with its evidence span.

    ``no_offers``: no offers in this call or at all ("ik hoef geen aanbiedingen", "no offers
    please"); ``not_interested``: declines what was just offered ("daar heb ik geen behoefte aan",
    "no thanks, I'm fine"). ``start``/``end`` are character offsets into the utterance text.
    """

    model_config = ConfigDict(frozen=True)

    kind: WishKind
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
