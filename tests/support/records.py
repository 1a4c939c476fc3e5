"""Shared test records for the oversight tests: a held sales offer, a shown care offer, and people
with roles. The wording is Dutch, as agents at the desks write it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_desk.db.models import UserRecord
from guards.types import Decision, Reason, Suggestion, Verdict

CARD = Suggestion(
    id="s2", title="Creditcard aanbieden", kind="sales", customer_value=0.3, org_value=0.8,
    action_id="bank.sales.credit-card", script="Ik zie dat u nog geen creditcard heeft.",
)  # fmt: skip
SUPPORT = Suggestion(
    id="s1", title="Nabestaandenservice", kind="care", customer_value=0.9, org_value=0.3,
    action_id="bank.care.bereavement-support",
)  # fmt: skip
#: The credit card held because the customer told of a bereavement.
HELD = Decision(
    decision_id="d-42", suggestion_id="s2", verdict=Verdict.HOLD, rule_set_version="default@1.0.0",
    reasons=(Reason(rule="vulnerability.no-commercial", dimension="place_time", message="Niet nu",
                    verdict=Verdict.HOLD),),
)  # fmt: skip
SHOWN = Decision(decision_id="d-7", suggestion_id="s1", verdict=Verdict.GUIDE)


def add_users(engine: Engine, **roles: str) -> None:
    """``add_users(engine, sam="supervisor", olga="ombudsman")``."""
    with Session(engine) as session:
        session.add_all([UserRecord(name=name, role=role) for name, role in roles.items()])
        session.commit()
