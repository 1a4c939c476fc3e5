"""Oversight records on both backends: overrides, emergency-brake cases and consents, with
every free-text field redacted and nothing from the transcript in the schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from agent_desk.db.oversight import CONSENT_RETENTION_DAYS, CaseNotFound, OversightLog
from guards.types import Decision, Reason, Suggestion, Verdict

CARD = Suggestion(
    id="s2", title="Creditcard aanbieden", kind="sales", customer_value=0.3, org_value=0.8,
    action_id="bank.sales.credit-card", script="Ik zie dat u nog geen creditcard heeft.",
)  # fmt: skip
HELD = Decision(
    decision_id="d-42", suggestion_id="s2", verdict=Verdict.HOLD, rule_set_version="default@1.0.0",
    reasons=(
        Reason(rule="vulnerability.no-commercial", dimension="place_time", message="Niet nu",
               verdict=Verdict.HOLD),
        Reason(rule="value.org-over-customer", dimension="value_alignment", message="x",
               verdict=Verdict.GUIDE),
        Reason(rule="relevance.generic-low-value-offer", dimension="relevance", message="y",
               verdict=Verdict.HOLD, enforcement="dry_run"),
    ),
)  # fmt: skip


def _columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_override_keeps_decision_rules_and_a_redacted_reason(engine: Engine) -> None:
    log = OversightLog(engine, desk_id="desk-3")
    reason = "Klant vraagt er zelf om, rekening NL91 ABNA 0417 1643 00, bel 06-12345678"
    row = log.record_override("call-1", CARD, HELD, reason, event_types=["bereavement"])

    (stored,) = log.overrides("call-1")
    assert stored == row
    assert stored.decision_id == "d-42"
    assert stored.rules == ["vulnerability.no-commercial"]  # the hold that was overridden
    assert stored.reason == "Klant vraagt er zelf om, rekening [IBAN], bel [TEL]"
    assert stored.desk_id == "desk-3"
    assert stored.call_ref == "call-1"
    assert stored.event_types == ["bereavement"]
    assert stored.created_at.tzinfo is not None
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert log.overrides("another-call") == []
    assert not _columns(engine, "override_log") & {"script", "text", "transcript", "utterance"}


def test_brake_is_an_open_case_until_a_supervisor_closes_it(engine: Engine) -> None:
    log = OversightLog(engine, desk_id="desk-1")
    case = log.record_brake(
        "call-9", "Klant in paniek, BSN 111222333 genoemd", "default@1.0.0", ["job_loss"]
    )
    other = log.record_brake("call-10", "Verkeerde aanbiedingen", "default@1.0.0")
    assert case.status == "open"
    assert case.reason == "Klant in paniek, BSN [BSN] genoemd"
    assert [b.id for b in log.brakes(status="open")] == [case.id, other.id]

    closed = log.close_brake(case.id, "Besproken met agent; mail ging naar a@b.nl", "sup-1")
    assert closed.status == "closed"
    assert closed.closing_note == "Besproken met agent; mail ging naar [E-MAIL]"
    assert closed.closed_by == "sup-1"
    assert closed.closed_at is not None
    assert [b.id for b in log.brakes(status="open")] == [other.id]
    assert [b.status for b in log.brakes("call-9")] == ["closed"]
    with pytest.raises(CaseNotFound):
        log.close_brake(9999, "x", "sup-1")


def test_consent_keeps_the_event_type_and_a_retention_date_only(engine: Engine) -> None:
    log = OversightLog(engine, desk_id="desk-1")
    at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    row = log.record_consent("call-5", "bereavement", "Terugbellen op +31 6 1234 5678", now=at)
    (stored,) = log.consents("call-5")
    assert stored == row
    assert stored.event_type == "bereavement"
    assert stored.consented_at == at
    assert stored.retain_until == at + timedelta(days=CONSENT_RETENTION_DAYS)
    assert stored.note == "Terugbellen op [TEL]"
    assert _columns(engine, "consent") == {
        "id", "call_ref", "desk_id", "event_type", "consented_at", "retain_until", "note",
    }  # fmt: skip


def test_long_reasons_are_bounded(engine: Engine) -> None:
    log = OversightLog(engine, desk_id="desk-1")
    row = log.record_override("call-1", CARD, HELD, "lang verhaal " * 500)
    assert len(row.reason) == 500
    with engine.connect() as conn:
        (length,) = conn.execute(text("SELECT length(reason) FROM override_log")).one()
    assert length == 500
