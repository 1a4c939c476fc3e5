"""Quiz questions and scoring: a trainee's answer against the fixture's gold and the guard,
both on hand-made judgements and on a real headless replay of a library conversation."""

from __future__ import annotations

import pytest

from agent_desk.library.conversation import Conversation
from agent_desk.library.load import load_conversation
from agent_desk.session import Judged
from agent_desk.training.headless import QuizError, run_quiz
from agent_desk.training.quiz import Answer, QuizPoint, find_judged, quiz_points, score
from guards.rules import RuleSet
from guards.types import Decision, Dimension, Reason, Suggestion, SuggestionKind, Verdict
from nlp.types import EventType

B = EventType.BEREAVEMENT


def _judged(verdict: Verdict, suggestion_id: str = "s2", action: str = "bank.sales.credit-card"):
    suggestion = Suggestion(
        id=suggestion_id, title="Creditcard", kind=SuggestionKind.SALES, customer_value=0.2,
        org_value=0.8, action_id=action,
    )  # fmt: skip
    reason = Reason(
        rule="vulnerability.no-commercial", dimension=Dimension.PLACE_TIME,
        message="Niet nu: de klant vertelde over een overlijden.", verdict=Verdict.HOLD,
    )  # fmt: skip
    return Judged(
        suggestion,
        Decision(
            decision_id="d-1", suggestion_id=suggestion_id, verdict=verdict, reasons=(reason,)
        ),
    )


def test_questions_are_the_gold_suggestions_in_call_order(demo: Conversation) -> None:
    points = quiz_points(demo)
    assert [(p.at, p.action) for p in points] == [
        ("u2", "bank.care.bereavement-support"),
        ("u8", "bank.sales.credit-card"),
        ("u8", "bank.sales.savings-account"),
    ]
    assert points[1].acceptable == (Verdict.HOLD, Verdict.BLOCK)
    assert points[1].note.startswith("Een creditcard")
    assert all(p.gold_events == {B} for p in points)
    assert [p.suggestion_id for p in points] == ["s1", "s2", "s3"]


def test_gold_events_count_only_the_customers_own_current_events() -> None:
    conv = Conversation.model_validate(
        {
            "id": "flags", "title": "Flags", "lang": "nl", "org": "bank",
            "utterances": [
                {"id": "u1", "t": 0, "speaker": "customer",
                 "text": "We gaan niet scheiden, en stel dat ik mijn baan verlies.",
                 "events": [{"type": "separation", "text": "scheiden", "negated": True},
                            {"type": "job_loss", "text": "baan verlies", "hypothetical": True}]},
                {"id": "u2", "t": 3, "speaker": "customer",
                 "text": "Mijn buurvrouw is overleden; mijn vader twintig jaar geleden ook.",
                 "events": [{"type": "bereavement", "text": "buurvrouw is overleden",
                             "experiencer": "other"},
                            {"type": "bereavement", "text": "twintig jaar geleden",
                             "historical": True}]},
                {"id": "u3", "t": 6, "speaker": "customer", "text": "Ik ben ziek thuis.",
                 "events": [{"type": "illness", "text": "ziek"}]},
            ],
            "suggestions": [
                {"at": "u3", "action": "bank.sales.credit-card", "acceptable": ["hold"]},
                {"at": "u2", "action": "bank.sales.savings-account", "acceptable": ["show"]},
            ],
        }
    )  # fmt: skip
    points = quiz_points(conv)
    # Call order, not file order; the events before a question only, and only asserted ones.
    assert [p.at for p in points] == ["u2", "u3"]
    assert points[0].gold_events == frozenset()
    assert points[1].gold_events == {EventType.ILLNESS}
    assert [p.suggestion_id for p in points] == ["s2", "s1"]


def test_right_wrong_and_missing_answers() -> None:
    point = QuizPoint("u8", "bank.sales.credit-card", (Verdict.HOLD, Verdict.BLOCK), "Niet nu.",
                      frozenset({B, EventType.FINANCIAL_DIFFICULTY}), "s2")  # fmt: skip
    right = score(point, Answer(at="u8", action=point.action, verdict="hold", events=[B]),
                  _judged(Verdict.HOLD))  # fmt: skip
    assert right.verdict_ok
    assert right.agrees_with_guard
    assert right.events_heard == {B}
    assert right.events_missed == {EventType.FINANCIAL_DIFFICULTY}
    assert right.events_extra == frozenset()
    assert right.guard_rules == ("vulnerability.no-commercial",)
    assert right.guard_reasons == ("Niet nu: de klant vertelde over een overlijden.",)

    # Acceptable to the annotators yet stricter than the guard: scored on both counts.
    stricter = score(point, Answer(at="u8", action=point.action, verdict="block"),
                     _judged(Verdict.HOLD))  # fmt: skip
    assert stricter.verdict_ok
    assert not stricter.agrees_with_guard

    wrong = score(point, Answer(at="u8", action=point.action, verdict="show",
                                events=[EventType.ILLNESS]), _judged(Verdict.HOLD))  # fmt: skip
    assert not wrong.verdict_ok
    assert not wrong.agrees_with_guard
    assert wrong.events_extra == {EventType.ILLNESS}
    assert wrong.events_missed == point.gold_events

    missing = score(point, None, _judged(Verdict.HOLD))
    assert not missing.answered
    assert not missing.verdict_ok
    assert not missing.agrees_with_guard
    assert missing.events_missed == point.gold_events
    assert not missing.events_heard


def test_an_answer_is_strict_about_what_it_accepts() -> None:
    with pytest.raises(ValueError, match="verdict"):
        Answer(at="u1", action="x", verdict="maybe")
    with pytest.raises(ValueError, match="events"):
        Answer(at="u1", action="x", verdict="hold", events=["death"])
    with pytest.raises(ValueError, match="extra"):
        Answer(at="u1", action="x", verdict="hold", note="?")


def test_the_judgement_is_found_by_suggestion_id_then_by_action() -> None:
    point = QuizPoint("u8", "bank.sales.credit-card", (Verdict.HOLD,), "", frozenset(), "s2")
    first = _judged(Verdict.SHOW, "s1")
    mine = _judged(Verdict.HOLD, "s2")
    assert find_judged(point, [first, mine]) is mine
    other_source = QuizPoint("u8", "bank.sales.credit-card", (Verdict.HOLD,), "", frozenset())
    assert find_judged(other_source, [mine, first]) is first
    assert find_judged(point, [_judged(Verdict.HOLD, "s9", "bank.other")]) is None


async def test_headless_replay_scores_against_gold_and_guard(
    demo: Conversation, rules: RuleSet
) -> None:
    answers = [
        Answer(at="u2", action="bank.care.bereavement-support", verdict="guide", events=[B]),
        Answer(at="u8", action="bank.sales.credit-card", verdict="show",
               events=[EventType.ILLNESS]),
    ]  # fmt: skip
    seen: list[str] = []
    results = await run_quiz(
        demo, answers, rules, "en", on_scored=lambda s: seen.append(s.point.at)
    )
    assert seen == ["u2", "u8", "u8"]
    care, card, savings = results
    assert care.guard_verdict is Verdict.GUIDE
    assert care.verdict_ok
    assert care.agrees_with_guard
    assert care.events_heard == {B}
    # The guard holds the credit card in a bereavement call; the trainee would have shown it.
    assert card.guard_verdict is Verdict.HOLD
    assert "vulnerability.no-commercial" in card.guard_rules
    assert not card.verdict_ok
    assert not card.agrees_with_guard
    assert card.events_missed == {B}
    assert card.events_extra == {EventType.ILLNESS}
    # Reasons come in the trainee's UI language (English), not the call's (Dutch).
    assert any("bereavement" in r.lower() or "death" in r.lower() for r in card.guard_reasons)
    assert savings.answer is None
    assert savings.guard_verdict is Verdict.HOLD
    assert not savings.verdict_ok


async def test_headless_replay_of_a_hypothetical_call(rules: RuleSet) -> None:
    conv = load_conversation("en-bank-hypothetical-job-loss")
    points = quiz_points(conv)
    assert points, "the library call has questions"
    assert all(EventType.JOB_LOSS not in p.gold_events for p in points)
    answers = [Answer(at=p.at, action=p.action, verdict=p.acceptable[0]) for p in points]
    results = await run_quiz(conv, answers, rules, "nl")
    assert all(r.verdict_ok for r in results)
    assert all(r.events_extra == frozenset() for r in results)


async def test_an_answer_for_a_question_the_call_does_not_have(
    demo: Conversation, rules: RuleSet
) -> None:
    answers = [Answer(at="u3", action="bank.sales.credit-card", verdict="hold")]
    with pytest.raises(QuizError) as info:
        await run_quiz(demo, answers, rules, "nl")
    assert "u3" in str(info.value)
    assert "bank.sales.credit-card" in str(info.value)
    assert info.value.problems[0].reason == "unknown"
