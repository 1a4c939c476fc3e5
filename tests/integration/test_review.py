"""The review queue on both backends: overrides and emergency brakes side by side, oldest first,
closed with a redacted note by a supervisor or ombudsman only; the agents' reactions as codes."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from agent_desk.auth import PermissionDenied
from agent_desk.db.decisions import DecisionLog
from agent_desk.db.oversight import CaseAlreadyClosed, CaseNotFound, OversightLog
from tests.support.records import CARD, HELD, SHOWN, SUPPORT, add_users


def test_the_queue_holds_overrides_and_brakes_oldest_first_with_context(engine: Engine) -> None:
    desk3, desk4 = OversightLog(engine, "desk-3"), OversightLog(engine, "desk-4")
    first = desk3.record_override(
        "call-1", CARD, HELD, "Klant vroeg er zelf om", event_types=["bereavement"]
    )
    brake = desk4.record_brake("call-2", "Klant in paniek", "default@1.0.0", ["job_loss"])
    second = desk3.record_override("call-3", CARD, HELD, "Klant wil sparen voor de uitvaart")

    queue = desk3.review_queue()
    assert [(i.kind, i.id) for i in queue] == [
        ("override", first.id), ("brake", brake.id), ("override", second.id),
    ]  # fmt: skip
    top = queue[0]
    assert top.rules == ("vulnerability.no-commercial",)
    assert top.event_types == ("bereavement",)
    assert (top.desk_id, top.call_ref, top.rule_set_version) == (
        "desk-3",
        "call-1",
        "default@1.0.0",
    )
    assert (top.action_id, top.suggestion_kind) == ("bank.sales.credit-card", "sales")
    assert top.reason == "Klant vroeg er zelf om"
    assert top.created_at.tzinfo is not None
    assert queue[1].event_types == ("job_loss",)
    assert queue[1].reason == "Klant in paniek"


def test_an_override_shows_what_the_classifier_set_aside_for_its_decision(
    engine: Engine,
) -> None:
    held_again = HELD.model_copy(update={"decision_id": "d-43"})
    log = DecisionLog(engine, "desk-3")
    log.record("call-1", [(CARD, HELD)], event_types=["job_loss"], set_aside_types=["separation"])
    log.record("call-2", [(CARD, HELD)], set_aside_types=["illness"])  # same id, other call
    log.record("call-1", [(CARD, held_again)], event_types=["job_loss"])
    desk = OversightLog(engine, "desk-3")
    desk.record_override("call-1", CARD, HELD, "Klant vroeg er zelf om", ["job_loss"])
    desk.record_override("call-1", CARD, held_again, "Nog een keer")
    desk.record_brake("call-1", "Klant in paniek", "default@1.0.0", ["job_loss"])

    first, second, brake = desk.review_queue()
    assert (first.event_types, first.set_aside_types) == (("job_loss",), ("separation",))
    assert second.set_aside_types == ()  # its decision had nothing set aside
    assert (brake.kind, brake.set_aside_types) == ("brake", ())


def test_a_supervisor_closes_an_override_with_a_redacted_note(engine: Engine) -> None:
    add_users(engine, sanne="supervisor")
    log = OversightLog(engine, "desk-1")
    case = log.record_override("call-1", CARD, HELD, "Klant vroeg er zelf om")
    other = log.record_brake("call-2", "Verkeerd aanbod", "default@1.0.0")

    closed = log.close_case("override", case.id, "Terecht; klant mailde a.b@example.nl", "sanne")
    assert closed.status == "closed"
    assert closed.closing_note == "Terecht; klant mailde [E-MAIL]"
    assert closed.closed_by == "sanne"
    assert closed.closed_at is not None
    assert [(i.kind, i.id) for i in log.review_queue()] == [("brake", other.id)]
    assert [(i.kind, i.id) for i in log.review_queue("closed")] == [("override", case.id)]
    assert len(log.review_queue("all")) == 2

    # A second close does not overwrite the first reviewer's note.
    with pytest.raises(CaseAlreadyClosed, match="already closed"):
        log.close_override(case.id, "Toch niet", "sanne")
    assert log.overrides("call-1")[0].closing_note == "Terecht; klant mailde [E-MAIL]"
    with pytest.raises(CaseNotFound):
        log.close_override(9999, "x", "sanne")


def test_an_ombudsman_may_close_cases_an_agent_or_trainer_may_not(engine: Engine) -> None:
    add_users(engine, olga="ombudsman", tom="trainer")
    log = OversightLog(engine, "desk-1")
    brake = log.record_brake("call-9", "Klant wil een klacht indienen", "default@1.0.0")
    for user in ("agent-7", "tom"):  # agent-7 is not in the user table: an agent
        with pytest.raises(PermissionDenied, match="review cases"):
            log.close_case("brake", brake.id, "Mag ik dit sluiten?", user)
    assert log.review_queue()[0].status == "open"
    closed = log.close_case("brake", brake.id, "Klacht doorgezet naar klachtenbureau", "olga")
    assert (closed.kind, closed.status, closed.closed_by) == ("brake", "closed", "olga")


def test_reactions_are_kept_as_codes(engine: Engine) -> None:
    log = OversightLog(engine, "desk-2")
    accepted = log.record_reaction("call-1", SUPPORT, SHOWN, "accepted")
    dismissed = log.record_reaction("call-1", CARD, HELD, "dismissed", "customer_declined")
    free_text = log.record_reaction("call-1", CARD, HELD, "dismissed", "klant boos, 0612345678")
    assert (accepted.reaction, accepted.kind, accepted.reason_code) == ("accepted", "care", None)
    assert (accepted.decision_id, accepted.desk_id) == ("d-7", "desk-2")
    assert dismissed.reason_code == "customer_declined"
    assert free_text.reason_code == "other"  # a code, never what the agent typed
    assert [r.id for r in log.reactions("call-1")] == [accepted.id, dismissed.id, free_text.id]
    with pytest.raises(ValueError, match="reaction"):
        log.record_reaction("call-1", CARD, HELD, "ignored")  # type: ignore[arg-type]
